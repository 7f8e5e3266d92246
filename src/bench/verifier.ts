// Verifier speed: how long bpf_check takes on a long straight-line program and on a branchy one,
// in both dialects, with the processed-instruction count the log's last line reports.

import { assemble } from '../bpf/asm.js';
import { relocateMapRefs } from '../bpf/program.js';
import { StandaloneHost } from '../bpf/host.js';
import { BPF_MAP_TYPE } from '../bpf/maps/map.js';
import { BpfSubsystem } from '../bpf/syscall.js';
import type { Dialect } from '../bpf/verifier/options.js';
import { bpfCheck } from '../bpf/verifier/verifier.js';

/**
 * 4,000 instructions without a branch, in the shape of compiled tracing code: context reads,
 * arithmetic, spills to the stack and fills back.
 */
export function straightLine(): string {
  const lines = ['r6 = r1', 'r7 = 0'];
  for (let i = 0; lines.length < 3998; i++) {
    const slot = -8 * ((i % 32) + 1);
    lines.push(
      `r1 = *(u64 *)(r6 +${(i % 20) * 8})`,
      `r1 &= ${(i * 7) & 0xffff}`,
      `r7 += r1`,
      `r7 ^= ${i & 0xfff}`,
      `*(u64 *)(r10 ${slot}) = r7`,
      `r2 = *(u64 *)(r10 ${slot})`,
      `r7 += r2`,
      `r7 >>= 1`,
    );
  }
  lines.length = 3998;
  lines.push('r0 = r7', 'exit');
  return lines.join('\n');
}

/**
 * About 1,000 instructions in 50 blocks, each testing a context value twice and a lookup's
 * result once: 2^150 paths without pruning.
 */
export function branchy(): string {
  const lines = ['r6 = r1', 'r8 = 0'];
  for (let b = 0; b < 50; b++) {
    lines.push(
      `r1 = *(u64 *)(r6 +${(b % 20) * 8})`,
      `if r1 > ${b * 3 + 1} goto a${b}`,
      'r8 += 1',
      `goto b${b}`,
      `a${b}:`,
      'r8 += 2',
      `b${b}:`,
      `if r1 & ${1 << (b % 16)} goto c${b}`,
      'r8 ^= 5',
      `c${b}:`,
      'r2 = r8',
      'r2 &= 7',
      '*(u32 *)(r10 -4) = r2',
      'r1 = map[id:1]',
      'r2 = r10',
      'r2 += -4',
      'call bpf_map_lookup_elem#1',
      `if r0 == 0x0 goto d${b}`,
      'r1 = *(u64 *)(r0 +0)',
      'r1 += 1',
      '*(u64 *)(r0 +0) = r1',
      `d${b}:`,
      'r8 += 3',
    );
  }
  lines.push('r0 = r8', 'exit');
  return lines.join('\n');
}

export function benchVerifier(log: (s: string) => void): void {
  const bpf = new BpfSubsystem(new StandaloneHost({ nrCpus: 4 }));
  const fd = bpf.mapCreate({ mapType: BPF_MAP_TYPE.hash, keySize: 4, valueSize: 8, maxEntries: 64 });
  const cases = [
    { name: 'straight line', insns: assemble(straightLine()) },
    { name: 'branchy', insns: relocateMapRefs(assemble(branchy()), [fd]) },
  ];
  for (const c of cases) {
    for (const kernel of ['5.0', '6.x'] as Dialect[]) {
      const times: number[] = [];
      let summary = '';
      for (let r = 0; r < 6; r++) {
        const t0 = process.hrtime.bigint();
        const res = bpfCheck(c.insns, { progType: 'kprobe', kernel, logLevel: 1, resolveMap: (f) => bpf.mapInfo(f), nrCpus: 4 });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (!res.ok) throw new Error(`${c.name} (${kernel}) rejected: ${res.message}`);
        // The first run warms the optimiser up.
        if (r > 0) times.push(ms);
        summary = `processed ${res.processed}, ${res.totalStates} states`;
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)]!;
      log(`  ${`${c.name}, ${c.insns.length} insns`.padEnd(28)} ${kernel.padEnd(4)} ${median.toFixed(1).padStart(6)} ms   (${summary})`);
    }
  }
}
