// Programs for the verifier's soundness property: random compositions of the operations real
// tracing programs perform (scalars from helpers, masks and range checks, stack stores and
// loads at fixed and variable offsets, map lookups with and without null checks, value accesses,
// ctx reads, probe_read into the stack, counted loops), with their constants drawn near the edges
// so that many programs are unsafe. Whatever the verifier accepts must then run without a fault.

import fc from 'fast-check';

/** One array map of a single value whose size is a multiple of 8: its region is exactly the value. */
export const SOUND_MAP = 'array:4:48:1';
export const SOUND_VALUE_SIZE = 48;

const scalarReg = fc.constantFrom(7, 8);
const sizes = fc.constantFrom('u8', 'u16', 'u32', 'u64');
const sizeBytes: Record<string, number> = { u8: 1, u16: 2, u32: 4, u64: 8 };
const edgeConst = fc.oneof(
  fc.integer({ min: -4, max: 70 }),
  fc.constantFrom(0, 1, 7, 8, 15, 16, 31, 32, 40, 41, 47, 48, 63, 64, 255, 256, 511, 512, 0x7fffffff, -1, -8, -512),
);
const stackOff = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -65, max: 1 }).map((k) => k * 8) },
  { weight: 1, arbitrary: fc.integer({ min: -520, max: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom(-512, -8, -16, -4, -1, 0) },
);
const valueOff = fc.oneof(fc.integer({ min: -2, max: SOUND_VALUE_SIZE + 2 }), fc.constantFrom(0, 8, 40, 44, 47, 48));
const cmpOp = fc.constantFrom('>', '>=', '<', '<=', 's>', 's>=', 's<', 's<=', '==', '!=', '&');
const aluOp = fc.constantFrom('+=', '-=', '&=', '|=', '^=', '*=', '<<=', '>>=', 's>>=', '%=', '/=');

type Op = (ctx: { label: () => string }) => string[];

const ops: fc.Arbitrary<Op> = fc.oneof(
  // a scalar the verifier knows nothing about
  scalarReg.map((r) => () => ['call bpf_get_prandom_u32#7', `r${r} = r0`]),
  // a constant, wide or narrow
  fc.tuple(scalarReg, edgeConst, fc.boolean()).map(([r, c, w]) => () => [w ? `w${r} = ${c}` : `r${r} = ${c}`]),
  // arithmetic with an immediate
  fc.tuple(scalarReg, aluOp, edgeConst, fc.boolean()).map(([r, op, c, w]) => () => {
    const reg = w ? `w${r}` : `r${r}`;
    let k = c;
    if (op === '<<=' || op === '>>=' || op === 's>>=') k = ((c % 64) + 64) % (w ? 32 : 64);
    if ((op === '%=' || op === '/=') && k === 0) k = 1;
    return [`${reg} ${op} ${k}`];
  }),
  // arithmetic between the two scalar registers
  fc.tuple(scalarReg, fc.constantFrom('+=', '-=', '&=', '|=', '*=')).map(([r, op]) => () => [`r${r} ${op} r${r === 7 ? 8 : 7}`]),
  // a range check that leaves the program when it fails
  fc.tuple(scalarReg, cmpOp, edgeConst, fc.boolean()).map(([r, op, c, w]) => () => [`if ${w ? 'w' : 'r'}${r} ${op} 0x${(c >>> 0).toString(16)} goto out`]),
  // stack stores and loads at a fixed offset
  fc.tuple(sizes, stackOff, scalarReg).map(([sz, off, r]) => () => [`*(${sz} *)(r10 ${off >= 0 ? '+' : ''}${off}) = r${r}`]),
  fc.tuple(sizes, stackOff, edgeConst).map(([sz, off, c]) => () => [`*(${sz} *)(r10 ${off >= 0 ? '+' : ''}${off}) = ${c}`]),
  fc.tuple(sizes, stackOff, scalarReg).map(([sz, off, r]) => () => [`r${r} = *(${sz} *)(r10 ${off >= 0 ? '+' : ''}${off})`]),
  // a stack access through a pointer moved by a scalar
  fc.tuple(scalarReg, fc.integer({ min: 1, max: 520 }), sizes, fc.integer({ min: -8, max: 8 }), fc.boolean()).map(([r, base, sz, off, write]) => () => [
    'r2 = r10',
    `r2 += -${base}`,
    `r2 += r${r}`,
    write ? `*(${sz} *)(r2 ${off >= 0 ? '+' : ''}${off}) = 0` : `r${r} = *(${sz} *)(r2 ${off >= 0 ? '+' : ''}${off})`,
  ]),
  // a map lookup, usually null-checked, leaving the value pointer in r9
  fc.tuple(fc.boolean(), fc.constantFrom(0, 1), fc.integer({ min: 0, max: 9 })).map(([check, key, w]) => () => [
    `*(u32 *)(r10 -4) = ${key}`,
    'r1 = map[id:1]',
    'r2 = r10',
    'r2 += -4',
    'call bpf_map_lookup_elem#1',
    ...(check || w === 0 ? ['if r0 == 0x0 goto out'] : []),
    'r9 = r0',
  ]),
  // an access to the map value, at a fixed offset or moved by a scalar
  fc.tuple(sizes, valueOff, scalarReg, fc.boolean()).map(([sz, off, r, write]) => () => [
    write ? `*(${sz} *)(r9 ${off >= 0 ? '+' : ''}${off}) = r${r}` : `r${r} = *(${sz} *)(r9 ${off >= 0 ? '+' : ''}${off})`,
  ]),
  fc.tuple(scalarReg, sizes, valueOff).map(([r, sz, off]) => () => ['r3 = r9', `r3 += r${r}`, `r${r} = *(${sz} *)(r3 ${off >= 0 ? '+' : ''}${off})`]),
  fc.tuple(scalarReg).map(([r]) => () => ['r1 = 1', `r3 = r9`, `r3 += r${r}`, 'lock *(u64 *)(r3 +0) += r1']),
  // a context read
  fc.tuple(sizes, fc.oneof(fc.integer({ min: -8, max: 176 }), fc.constantFrom(0, 8, 112, 160, 164, 168))).map(([sz, off]) => () => [`r7 = *(${sz} *)(r6 ${off >= 0 ? '+' : ''}${off})`]),
  // probe_read into the stack, the size from a constant or a scalar
  fc.tuple(fc.integer({ min: 1, max: 520 }), fc.oneof(edgeConst.map(String), scalarReg.map((r) => `r${r}`))).map(([dst, size]) => () => [
    'r1 = r10',
    `r1 += -${dst}`,
    `r2 = ${size}`,
    'r3 = *(u64 *)(r6 +112)',
    'call bpf_probe_read#4',
  ]),
  // probe_read into the map value
  fc.tuple(valueOff, fc.integer({ min: 0, max: 56 })).map(([off, size]) => () => [
    'r1 = r9',
    `r1 += ${off}`,
    `r2 = ${size}`,
    'r3 = 0',
    'call bpf_probe_read#4',
  ]),
  // a counted loop over a scalar (bounded loops exist only in 6.x)
  fc.tuple(fc.integer({ min: 0, max: 20 })).map(([n]): Op => ({ label }) => {
    const l = label();
    return ['r8 = ' + n, `${l}:`, 'r7 += r8', 'r8 += -1', `if r8 s> 0x0 goto ${l}`];
  }),
);

export interface SoundProgram {
  source: string;
  type: 'kprobe' | 'tracepoint';
}

export const soundProgram: fc.Arbitrary<SoundProgram> = fc
  .tuple(fc.array(ops, { minLength: 1, maxLength: 14 }), fc.constantFrom('kprobe', 'tracepoint' as const), fc.boolean())
  .map(([list, type, setup]) => {
    let n = 0;
    const label = (): string => `l${n++}`;
    const body = list.flatMap((op) => op({ label }));
    // The guard is never taken but keeps `out` reachable for check_cfg.
    const prelude = ['r6 = r1', 'r7 = 0', 'r8 = 0', 'if r7 != 0x0 goto out'];
    // Most programs start with a checked map lookup so that r9 is a value pointer.
    if (setup) prelude.push('*(u32 *)(r10 -4) = 0', 'r1 = map[id:1]', 'r2 = r10', 'r2 += -4', 'call bpf_map_lookup_elem#1', 'if r0 == 0x0 goto out', 'r9 = r0');
    const source = [...prelude, ...body, 'r0 = r7', 'exit', 'out:', 'r0 = 0', 'exit'].join('\n');
    return { source, type: type as 'kprobe' | 'tracepoint' };
  });

export { sizeBytes };

import { assemble } from '../../src/bpf/asm.js';
import { VM_OK } from '../../src/bpf/fault.js';
import { StandaloneHost } from '../../src/bpf/host.js';
import { RegionKind } from '../../src/bpf/memory.js';
import { BPF_MAP_TYPE } from '../../src/bpf/maps/map.js';
import { loadProgram, LoadedProgram, relocateMapRefs } from '../../src/bpf/program.js';
import { BpfSubsystem } from '../../src/bpf/syscall.js';
import type { Dialect } from '../../src/bpf/verifier/options.js';
import { PERF_MAX_TRACE_SIZE, PT_REGS_SIZE } from '../../src/bpf/verifier/prog_types.js';
import { bpfCheck } from '../../src/bpf/verifier/verifier.js';
import { BpfVm } from '../../src/bpf/vm.js';
import { MAX_BPF_STACK } from '../../src/bpf/isa.js';

export interface SoundResult {
  accepted: boolean;
  /** A fault or overrun of an accepted program: a verifier bug. */
  failure: string | null;
}

/**
 * Verifies `p` in `kernel`'s dialect and, if accepted, runs it `runs` times with random contexts
 * and helper results, in a VM whose stack, context and map value are exactly as large as the
 * verifier assumed, so that any access it should have refused faults.
 */
export function checkSoundness(p: SoundProgram, kernel: Dialect, seed: number, runs = 4): SoundResult {
  const host = new StandaloneHost({ nrCpus: 2, seed });
  const bpf = new BpfSubsystem(host);
  const fd = bpf.mapCreate({ mapType: BPF_MAP_TYPE.array, keySize: 4, valueSize: SOUND_VALUE_SIZE, maxEntries: 1 });
  const insns = relocateMapRefs(assemble(p.source), [fd]);
  const res = bpfCheck(insns, { progType: p.type, kernel, resolveMap: (f) => bpf.mapInfo(f) });
  if (!res.ok) return { accepted: false, failure: null };
  const prog = loadProgram(insns, (f) => bpf.mapByFd(f));
  if (!(prog instanceof LoadedProgram)) return { accepted: true, failure: `accepted but not loadable: ${prog.message}` };
  const vm = new BpfVm(bpf.as, host, MAX_BPF_STACK);
  vm.budget = 2_000_000;
  const ctxSize = p.type === 'kprobe' ? PT_REGS_SIZE : PERF_MAX_TRACE_SIZE[kernel];
  const ctxBuf = new Uint8Array(ctxSize);
  const ctx = bpf.as.add(RegionKind.Ctx, ctxBuf, false, 'ctx');
  let x = seed | 1;
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < ctxSize; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      ctxBuf[i] = x & 0xff;
    }
    for (const engine of ['interp', 'jit'] as const) {
      vm.setContext(ctx);
      const st = vm.run(prog, engine);
      if (st !== VM_OK) return { accepted: true, failure: `${engine}: ${vm.faultText(st)}` };
    }
  }
  return { accepted: true, failure: null };
}
