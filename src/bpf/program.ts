// A program ready to run: its instructions as loaded, the same packed into typed arrays for the
// engines with map references resolved to addresses (the kernel's replace_map_fd_with_map_ptr),
// its tag, and, on first use, its translation to JavaScript.

import { createHash } from 'node:crypto';
import { BPF_DW, BPF_IMM, BPF_LD, BPF_PSEUDO_MAP_FD, BPF_PSEUDO_MAP_VALUE, encodeInsns, type Insn } from './isa.js';
import { compileProgram, type JitFn } from './jit.js';
import { BPF_MAP_TYPE, type BpfMap } from './maps/map.js';
import { validateInsns, type InsnError } from './validate.js';

export type MapResolver = (fd: number) => BpfMap | null;

/** Programs above this size run in the interpreter: one huge generated function optimises badly. */
export const JIT_MAX_INSNS = 100_000;

export class LoadedProgram {
  /** Packed `opcode | dst << 8 | src << 12 | off << 16` per slot. */
  readonly code: Int32Array;
  readonly imm: Int32Array;
  readonly len: number;
  private jit: JitFn | null | undefined;

  constructor(
    readonly insns: readonly Insn[],
    readonly maps: readonly BpfMap[],
    resolved: ReadonlyMap<number, [lo: number, hi: number]>,
  ) {
    this.len = insns.length;
    this.code = new Int32Array(this.len);
    this.imm = new Int32Array(this.len);
    insns.forEach((ins, i) => {
      const src = resolved.has(i) ? 0 : ins.src;
      this.code[i] = (ins.code & 0xff) | ((ins.dst & 0xf) << 8) | ((src & 0xf) << 12) | (ins.off << 16);
      this.imm[i] = ins.imm;
    });
    for (const [i, [lo, hi]] of resolved) {
      this.imm[i] = lo;
      this.imm[i + 1] = hi;
    }
  }

  /** The translated program, compiled on first use; null if it stays in the interpreter. */
  jitted(): JitFn | null {
    if (this.jit === undefined) this.jit = this.len <= JIT_MAX_INSNS ? compileProgram(this) : null;
    return this.jit;
  }
}

/**
 * Validates `insns` and resolves its map references. A pseudo lddw (src 1) whose immediate is k
 * names the map `resolveMap(k)`; src 2 names an address inside an array map's value.
 */
/**
 * What libbpf does before BPF_PROG_LOAD: a map reference written `map[id:K]` (an ld_imm64 with
 * src 1 or 2 whose imm is K) gets the K-th of `fds`. References past the list stay as written,
 * so the kernel's "fd K is not pointing to valid bpf_map" still shows.
 */
export function relocateMapRefs(insns: readonly Insn[], fds: readonly number[]): Insn[] {
  const out = insns.slice();
  for (let i = 0; i < out.length; i++) {
    const ins = out[i]!;
    if (ins.code !== (BPF_LD | BPF_IMM | BPF_DW)) continue;
    if (ins.src === BPF_PSEUDO_MAP_FD || ins.src === BPF_PSEUDO_MAP_VALUE) out[i] = { ...ins, imm: fds[ins.imm - 1] ?? ins.imm };
    i++;
  }
  return out;
}

export function loadProgram(insns: readonly Insn[], resolveMap: MapResolver = () => null): LoadedProgram | InsnError {
  const err = validateInsns(insns);
  if (err) return err;
  const resolved = new Map<number, [number, number]>();
  const maps: BpfMap[] = [];
  for (let i = 0; i < insns.length; i++) {
    const ins = insns[i]!;
    if (ins.code !== (BPF_LD | BPF_IMM | BPF_DW)) continue;
    if (ins.src === BPF_PSEUDO_MAP_FD || ins.src === BPF_PSEUDO_MAP_VALUE) {
      const map = resolveMap(ins.imm);
      if (!map) return { insn: i, message: `fd ${ins.imm} is not pointing to valid bpf_map` };
      if (!maps.includes(map)) maps.push(map);
      if (ins.src === BPF_PSEUDO_MAP_FD) {
        resolved.set(i, [map.header.lo(0), map.header.hi]);
      } else {
        const off = insns[i + 1]!.imm >>> 0;
        if (map.type !== BPF_MAP_TYPE.array || map.maxEntries !== 1 || off >= map.valueSize) {
          return { insn: i, message: `invalid access to map value pointer, value_size=${map.valueSize} off=${off}` };
        }
        resolved.set(i, [map.values!.lo(off), map.values!.hi]);
      }
    }
    i++;
  }
  return new LoadedProgram(insns, maps, resolved);
}

export const isInsnError = (x: unknown): x is InsnError =>
  typeof x === 'object' && x !== null && 'message' in x && 'insn' in x && !(x instanceof LoadedProgram);

/**
 * bpf_prog_calc_tag: a hash of the instructions with map references zeroed, so the same program
 * has the same tag whatever fds its maps got. Linux 5.0 uses SHA-1; Linux 6.x uses SHA-256 and
 * also zeroes map-value references.
 */
export function progTag(insns: readonly Insn[], kernel: '5.0' | '6.x' = '5.0'): string {
  const copy = insns.map((x) => ({ ...x }));
  let wasLdMap = false;
  for (const ins of copy) {
    const isMapRef = ins.src === BPF_PSEUDO_MAP_FD || (kernel === '6.x' && ins.src === BPF_PSEUDO_MAP_VALUE);
    if (!wasLdMap && ins.code === (BPF_LD | BPF_IMM | BPF_DW) && isMapRef) {
      wasLdMap = true;
      ins.imm = 0;
    } else if (wasLdMap && ins.code === 0 && ins.dst === 0 && ins.src === 0 && ins.off === 0) {
      wasLdMap = false;
      ins.imm = 0;
    } else {
      wasLdMap = false;
    }
  }
  return createHash(kernel === '5.0' ? 'sha1' : 'sha256').update(encodeInsns(copy)).digest('hex').slice(0, 16);
}
