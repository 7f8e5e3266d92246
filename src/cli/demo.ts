// `npm start`: the BPF machine end to end on a real program. examples/log2_hist.s is assembled,
// listed in the kernel's syntax, loaded through the bpf() API with a per-CPU array map, run
// 100,000 times spread over four CPUs, and its map is read back and drawn as a log2 histogram.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assemble } from '../bpf/asm.js';
import { disassemble } from '../bpf/disasm.js';
import { relocateMapRefs } from '../bpf/program.js';
import { StandaloneHost } from '../bpf/host.js';
import { encodeInsns } from '../bpf/isa.js';
import { BPF_MAP_TYPE } from '../bpf/maps/map.js';
import { BPF_PROG_TYPE, BpfSubsystem } from '../bpf/syscall.js';
import { CommandError } from './errors.js';
import type { Io } from './main.js';

const RUNS = 100_000;
const CPUS = 4;
const BUCKETS = 64;

/** A histogram's bucket label: [lo, hi) with K/M/G suffixes for powers of 1024. */
function bound(v: bigint): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let u = 0;
  while (v >= 1024n && v % 1024n === 0n && u < units.length - 1) {
    v /= 1024n;
    u++;
  }
  return `${v}${units[u]}`;
}

export function demo(io: Io): number {
  const path = fileURLToPath(new URL('../../examples/log2_hist.s', import.meta.url));
  const source = readFileSync(path, 'utf8');
  const insns = assemble(source);
  const host = new StandaloneHost({ nrCpus: CPUS, seed: 2024 });
  const bpf = new BpfSubsystem(host);
  const mapFd = bpf.mapCreate({ mapType: BPF_MAP_TYPE.percpu_array, keySize: 4, valueSize: 8, maxEntries: BUCKETS, name: 'log2' });
  if (mapFd < 0) throw new CommandError(`map create failed: ${mapFd}`);
  // The listing names map 1; the program as loaded carries the map's fd, as libbpf patches it in.
  const patched = relocateMapRefs(insns, [mapFd]);
  const load = { log: '' };
  const progFd = bpf.progLoad({ progType: BPF_PROG_TYPE.socket_filter, insns: patched, license: 'GPL', name: 'log2_hist', logLevel: 1 }, load);
  if (progFd < 0) throw new CommandError(`program load failed:\n${load.log}`);
  const prog = bpf.progByFd(progFd)!;

  const out: string[] = [];
  out.push(`bpfbox: the BPF machine on ${path.replace(/.*\/examples\//, 'examples/')}`, '');
  out.push(`Assembled ${insns.length} instructions (${encodeInsns(insns).length} bytes), tag ${prog.tag}. As the kernel lists it:`, '');
  out.push(...disassemble(insns));
  out.push('', `Loaded as a socket filter; the verifier (Linux 5.0's rules) accepted it: ${load.log.trim().split('\n').at(-1)}`, '');

  let executed = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < RUNS; i++) {
    host.currentCpu = i % CPUS;
    const r = bpf.progTestRun(progFd);
    if (r.err) throw new CommandError(`run ${i} failed: ${r.error ?? r.err}`);
    executed += bpf.vm().executed;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  out.push(`Ran it ${RUNS.toLocaleString('en-US')} times over ${CPUS} CPUs: ${executed.toLocaleString('en-US')} instructions in ${ms.toFixed(1)} ms.`);
  out.push(`Each CPU counted into its own copy of the per-CPU map; user space reads all ${CPUS} and adds them up:`, '');

  const counts: bigint[] = [];
  const key = new Uint8Array(4);
  const value = new Uint8Array(8 * CPUS);
  const dv = new DataView(value.buffer);
  for (let b = 0; b < BUCKETS; b++) {
    new DataView(key.buffer).setUint32(0, b, true);
    if (bpf.mapLookupElem(mapFd, key, value) !== 0) throw new CommandError(`lookup of bucket ${b} failed`);
    let sum = 0n;
    for (let c = 0; c < CPUS; c++) sum += dv.getBigUint64(c * 8, true);
    counts.push(sum);
  }
  const last = counts.reduce((m, c, i) => (c > 0n ? i : m), 0);
  const max = counts.reduce((m, c) => (c > m ? c : m), 0n);
  const rows: [string, bigint][] = [];
  for (let b = 0; b <= last; b++) {
    const label = b === 0 ? '[0]' : b === 1 ? '[1]' : `[${bound(1n << BigInt(b - 1))}, ${bound(1n << BigInt(b))})`;
    rows.push([label, counts[b]!]);
  }
  const width = Math.max(...rows.map(([l]) => l.length));
  for (const [label, n] of rows) {
    const bar = max === 0n ? '' : '@'.repeat(Number((n * 52n) / max));
    out.push(`${label.padEnd(width)} ${String(n).padStart(8)} |${bar.padEnd(52)}|`);
  }
  io.stdout(out.join('\n') + '\n');
  return 0;
}
