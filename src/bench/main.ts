// `npm run bench`: throughput of the BPF machine, as instructions per second (the median of
// several runs), on three programs: a counted ALU loop, 64-bit multiplies with loads and stores
// over a 4 KiB buffer, and a branch-heavy loop. Each runs on the translated code and on the
// reference interpreter. Then map updates, the verifier's time on two programs, the kernel, and
// bpftrace's start-up and compile time.

import { assemble } from '../bpf/asm.js';
import { VM_OK } from '../bpf/fault.js';
import { StandaloneHost } from '../bpf/host.js';
import { AddressSpace, RegionKind } from '../bpf/memory.js';
import { loadProgram, LoadedProgram, relocateMapRefs } from '../bpf/program.js';
import { BpfVm } from '../bpf/vm.js';
import { BPF_MAP_TYPE } from '../bpf/maps/map.js';
import { BpfSubsystem } from '../bpf/syscall.js';
import { PerformanceObserver } from 'node:perf_hooks';
import { benchVerifier } from './verifier.js';
import { benchKernel } from './kernel.js';
import { benchBpftrace } from './bpftrace.js';

const ITERATIONS = 2_000_000;
const RUNS = 7;

const PROGRAMS: { name: string; source: string; mem: number }[] = [
  {
    name: 'ALU loop',
    mem: 0,
    source: `
      r0 = 0
      r1 = 0
      r2 = ${ITERATIONS}
      loop:
      r0 += r1
      r0 ^= 23130
      r3 = r0
      r3 >>= 3
      r0 += r3
      r1 += 1
      if r1 < r2 goto loop
      exit`,
  },
  {
    name: '64-bit multiplies over 4 KiB',
    mem: 4096,
    source: `
      r6 = r1
      r7 = 0
      r8 = ${ITERATIONS}
      r9 = 0x9e3779b97f4a7c15
      loop:
      r2 = r6
      r2 += r7
      r3 = *(u64 *)(r2 +0)
      r3 *= r9
      r3 += 1
      *(u64 *)(r2 +0) = r3
      r7 += 8
      r7 &= 4095
      r8 += -1
      if r8 != 0x0 goto loop
      r0 = *(u64 *)(r6 +0)
      exit`,
  },
  {
    name: 'branch-heavy loop',
    mem: 0,
    source: `
      r0 = 0
      r1 = 0x139408dcbbf7a44
      r8 = ${ITERATIONS}
      loop:
      r2 = r1
      r2 <<= 13
      r1 ^= r2
      r2 = r1
      r2 >>= 7
      r1 ^= r2
      r2 = r1
      r2 <<= 17
      r1 ^= r2
      if r1 & 0x1 goto odd
      if r1 & 0x2 goto two
      r0 += 3
      goto next
      two:
      r0 += 5
      goto next
      odd:
      if r1 s> 0x0 goto pos
      r0 += -1
      goto next
      pos:
      r0 += 1
      next:
      r8 += -1
      if r8 != 0x0 goto loop
      exit`,
  },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const fmt = (n: number): string => `${(n / 1e6).toFixed(1).padStart(7)} M insn/s`;

export function benchVm(log: (s: string) => void): { name: string; engine: string; ips: number }[] {
  const results: { name: string; engine: string; ips: number }[] = [];
  for (const p of PROGRAMS) {
    const prog = loadProgram(assemble(p.source));
    if (!(prog instanceof LoadedProgram)) throw new Error(`${p.name}: ${prog.message}`);
    const r0: bigint[] = [];
    for (const engine of ['jit', 'interp'] as const) {
      const as = new AddressSpace();
      const vm = new BpfVm(as, new StandaloneHost());
      const mem = p.mem ? as.add(RegionKind.Mem, new Uint8Array(p.mem), true, 'mem') : null;
      const rates: number[] = [];
      const runs = engine === 'jit' ? RUNS : 3;
      for (let r = 0; r < runs + 1; r++) {
        mem?.u8.fill(0);
        vm.setContext(mem, p.mem);
        const t0 = process.hrtime.bigint();
        const st = vm.run(prog, engine);
        const ns = Number(process.hrtime.bigint() - t0);
        if (st !== VM_OK) throw new Error(`${p.name}: ${vm.faultText(st)}`);
        // The first run compiles the translation and warms the optimiser up.
        if (r > 0) rates.push((vm.executed / ns) * 1e9);
      }
      r0.push(vm.r0);
      const ips = median(rates);
      results.push({ name: p.name, engine, ips });
      log(`  ${p.name.padEnd(30)} ${engine.padEnd(7)} ${fmt(ips)}   (${(vm.executed / 1e6).toFixed(1)}M instructions a run, median of ${runs})`);
    }
    if (r0[0] !== r0[1]) throw new Error(`${p.name}: the engines disagree, r0 ${r0[0]} vs ${r0[1]}`);
  }
  return results;
}

/** Runs fn and counts the garbage collections it caused (0 means it allocated next to nothing). */
async function countGcs(fn: () => void): Promise<number> {
  let n = 0;
  const obs = new PerformanceObserver((list) => {
    n += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  fn();
  await new Promise((r) => setTimeout(r, 50));
  obs.disconnect();
  return n;
}

/** A program that updates a hash map in a loop: the helper path of every map-counting probe. */
async function benchMapUpdates(log: (s: string) => void): Promise<void> {
  const N = 1_000_000;
  const host = new StandaloneHost({ nrCpus: 4 });
  const bpf = new BpfSubsystem(host);
  const fd = bpf.mapCreate({ mapType: BPF_MAP_TYPE.hash, keySize: 8, valueSize: 8, maxEntries: 1024 });
  const insns = assemble(`
      r6 = 0
      loop:
      r1 = r6
      r1 &= 1023
      *(u64 *)(r10 -8) = r1
      *(u64 *)(r10 -16) = r6
      r1 = map[id:1]
      r2 = r10
      r2 += -8
      r3 = r10
      r3 += -16
      r4 = 0
      call bpf_map_update_elem#2
      r6 += 1
      if r6 < ${N} goto loop
      r0 = 0
      exit`);
  // A million iterations is no verifiable program; the loop exists only to time the helper path.
  const prog = loadProgram(relocateMapRefs(insns, [fd]), (f) => bpf.mapByFd(f));
  if (!(prog instanceof LoadedProgram)) throw new Error(prog.message);
  const vm = bpf.vm();
  const rates: number[] = [];
  let gcs = 0;
  for (let r = 0; r < 4; r++) {
    let ns = 0;
    const g = await countGcs(() => {
      vm.setContext(null);
      const t0 = process.hrtime.bigint();
      const st = vm.run(prog);
      ns = Number(process.hrtime.bigint() - t0);
      if (st !== VM_OK) throw new Error(vm.faultText(st));
    });
    if (r > 0) {
      rates.push((N / ns) * 1e9);
      gcs += g;
    }
  }
  log(`  bpf_map_update_elem on a hash map      ${(median(rates) / 1e6).toFixed(2).padStart(6)} M updates/s, ${gcs} GCs in ${3 * N / 1e6}M updates`);
}

async function main(): Promise<void> {
  const log = (s: string): void => {
    process.stdout.write(s + '\n');
  };
  log(`bpfbox bench on Node ${process.version}, ${process.arch}`);
  log('');
  log('BPF VM throughput');
  benchVm(log);
  log('');
  log('Maps');
  await benchMapUpdates(log);
  log('');
  log('Verifier (median of 5, log level 1)');
  benchVerifier(log);
  log('');
  log('Kernel (median of 3 boots)');
  benchKernel(log);
  log('');
  log('bpftrace');
  benchBpftrace(log);
}

await main();
