// The structural check every program passes before either engine runs it: each slot is an
// instruction RFC 9669 defines, with its unused fields zero, registers r0-r10, every jump and
// BPF-to-BPF call landing on an instruction (not inside an lddw). The engines rely on it: with it
// they need no decode-time checks in their inner loops. The verifier (bpf_check) goes further.

import {
  BPF_ALU, BPF_ALU64, BPF_ATOMIC, BPF_CALL, BPF_CLASS, BPF_CMPXCHG, BPF_DIV, BPF_END, BPF_EXIT, BPF_JA,
  BPF_JMP, BPF_JMP32, BPF_LD, BPF_LDX, BPF_MEM, BPF_MEMSX, BPF_MOD, BPF_MODE, BPF_MOV, BPF_NEG, BPF_OP, BPF_SIZE,
  BPF_SRC, BPF_ST, BPF_STX, BPF_W, BPF_DW, BPF_X, BPF_XCHG, BPF_ABS, BPF_IND, BPF_IMM, BPF_PSEUDO_CALL,
  BPF_PSEUDO_MAP_FD, BPF_PSEUDO_MAP_VALUE, type Insn,
} from './isa.js';

export const MAX_INSNS = 1_000_000;

export interface InsnError {
  insn: number;
  message: string;
}

const ATOMIC_OPS = new Set([0x00, 0x40, 0x50, 0xa0, 0x01, 0x41, 0x51, 0xa1, BPF_XCHG, BPF_CMPXCHG]);
const JMP_OPS = new Set([0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0]);
const hex = (n: number): string => '0x' + n.toString(16).padStart(2, '0');

/** Returns the first structural error, or null if every slot is a well-formed instruction. */
export function validateInsns(insns: readonly Insn[], opts: { allowPseudo?: boolean } = {}): InsnError | null {
  const n = insns.length;
  if (n === 0) return { insn: 0, message: 'empty program' };
  if (n > MAX_INSNS) return { insn: n, message: `program of ${n} instructions is too large (limit ${MAX_INSNS})` };
  // Second halves of lddw, which no jump may target.
  const lddwTail = new Uint8Array(n + 1);
  for (let i = 0; i < n; i++) {
    if (insns[i]!.code === (BPF_LD | BPF_IMM | BPF_DW)) {
      lddwTail[i + 1] = 1;
      i++;
    }
  }
  for (let i = 0; i < n; i++) {
    const err = checkOne(insns, i, n, opts.allowPseudo ?? true);
    if (err) return { insn: i, message: err };
    const ins = insns[i]!;
    if (ins.code === (BPF_LD | BPF_IMM | BPF_DW)) {
      i++;
      continue;
    }
    const t = jumpTarget(ins, i);
    if (t !== null) {
      if (t < 0 || t >= n) return { insn: i, message: `jump out of range from insn ${i} to ${t}` };
      if (lddwTail[t]) return { insn: i, message: `jump into the middle of ldimm64 insn ${t - 1}` };
    }
  }
  return null;
}

/** Where a jump or BPF-to-BPF call at slot i goes, or null if it is neither. */
export function jumpTarget(ins: Insn, i: number): number | null {
  const cls = BPF_CLASS(ins.code);
  if (cls !== BPF_JMP && cls !== BPF_JMP32) return null;
  const op = BPF_OP(ins.code);
  if (op === BPF_EXIT) return null;
  if (op === BPF_CALL) return ins.src === BPF_PSEUDO_CALL && ins.code === (BPF_JMP | BPF_CALL) ? i + 1 + ins.imm : null;
  if (ins.code === (BPF_JMP32 | BPF_JA)) return i + 1 + ins.imm;
  return i + 1 + ins.off;
}

function reg(r: number, what: string): string | null {
  return r > 10 ? `invalid ${what} register r${r}` : null;
}

function checkOne(insns: readonly Insn[], i: number, n: number, allowPseudo: boolean): string | null {
  const { code, dst, src, off, imm } = insns[i]!;
  const cls = BPF_CLASS(code);
  const bad = `invalid opcode ${hex(code)}`;
  const unused = (field: string): string => `opcode ${hex(code)} with non-zero ${field}`;
  switch (cls) {
    case BPF_ALU:
    case BPF_ALU64: {
      const op = BPF_OP(code);
      if (op > BPF_END) return bad;
      if (op === BPF_END) {
        if (cls === BPF_ALU64 && BPF_SRC(code) === BPF_X) return bad;
        if (src !== 0) return unused('src');
        if (off !== 0) return unused('offset');
        if (imm !== 16 && imm !== 32 && imm !== 64) return `invalid byte swap width ${imm}`;
        return reg(dst, 'destination');
      }
      if (op === BPF_NEG) {
        if (BPF_SRC(code) === BPF_X) return bad;
        if (src !== 0) return unused('src');
        if (off !== 0) return unused('offset');
        if (imm !== 0) return unused('imm');
        return reg(dst, 'destination');
      }
      const x = BPF_SRC(code) === BPF_X;
      let offOk = off === 0;
      if (op === BPF_DIV || op === BPF_MOD) offOk ||= off === 1;
      if (op === BPF_MOV && x) offOk ||= off === 8 || off === 16 || (off === 32 && cls === BPF_ALU64);
      if (!offOk) return unused('offset');
      if (x && imm !== 0) return unused('imm');
      if (!x && src !== 0) return unused('src');
      return reg(dst, 'destination') ?? (x ? reg(src, 'source') : null);
    }
    case BPF_JMP:
    case BPF_JMP32: {
      const op = BPF_OP(code);
      if (op === BPF_JA) {
        if (BPF_SRC(code) === BPF_X) return bad;
        if (dst !== 0 || src !== 0) return unused(dst ? 'dst' : 'src');
        if (cls === BPF_JMP && imm !== 0) return unused('imm');
        if (cls === BPF_JMP32 && off !== 0) return unused('offset');
        return null;
      }
      if (op === BPF_CALL) {
        if (cls === BPF_JMP32) return bad;
        if (off !== 0) return unused('offset');
        if (BPF_SRC(code) === BPF_X) {
          // callx: the helper id is in dst.
          if (src !== 0) return unused('src');
          if (imm !== 0) return unused('imm');
          return reg(dst, 'destination');
        }
        if (dst !== 0) return unused('dst');
        if (src === BPF_PSEUDO_CALL || src === 0) return null;
        return `unsupported call kind src=${src}`;
      }
      if (op === BPF_EXIT) {
        if (cls === BPF_JMP32 || BPF_SRC(code) === BPF_X) return bad;
        if (dst !== 0 || src !== 0 || off !== 0 || imm !== 0) return unused(dst ? 'dst' : src ? 'src' : off ? 'offset' : 'imm');
        return null;
      }
      if (!JMP_OPS.has(op)) return bad;
      if (BPF_SRC(code) === BPF_X) {
        if (imm !== 0) return unused('imm');
        return reg(dst, 'destination') ?? reg(src, 'source');
      }
      if (src !== 0) return unused('src');
      return reg(dst, 'destination');
    }
    case BPF_LD: {
      const mode = BPF_MODE(code);
      if (mode === BPF_IMM && BPF_SIZE(code) === BPF_DW) {
        if (i + 1 >= n) return 'invalid BPF_LD_IMM insn: missing second half';
        const next = insns[i + 1]!;
        if (next.code !== 0 || next.dst !== 0 || next.src !== 0 || next.off !== 0) return 'invalid BPF_LD_IMM insn: bad second half';
        if (off !== 0) return unused('offset');
        if (src !== 0 && !(allowPseudo && (src === BPF_PSEUDO_MAP_FD || src === BPF_PSEUDO_MAP_VALUE))) {
          return `unsupported ldimm64 pseudo source ${src}`;
        }
        return reg(dst, 'destination');
      }
      if ((mode === BPF_ABS || mode === BPF_IND) && BPF_SIZE(code) !== BPF_DW) {
        if (dst !== 0) return unused('dst');
        if (off !== 0) return unused('offset');
        if (mode === BPF_ABS && src !== 0) return unused('src');
        return mode === BPF_IND ? reg(src, 'source') : null;
      }
      return bad;
    }
    case BPF_LDX: {
      const mode = BPF_MODE(code);
      if (mode !== BPF_MEM && !(mode === BPF_MEMSX && BPF_SIZE(code) !== BPF_DW)) return bad;
      if (imm !== 0) return unused('imm');
      return reg(dst, 'destination') ?? reg(src, 'source');
    }
    case BPF_ST: {
      if (BPF_MODE(code) !== BPF_MEM) return bad;
      if (src !== 0) return unused('src');
      return reg(dst, 'destination');
    }
    case BPF_STX: {
      const mode = BPF_MODE(code);
      if (mode === BPF_MEM) {
        if (imm !== 0) return unused('imm');
        return reg(dst, 'destination') ?? reg(src, 'source');
      }
      if (mode === BPF_ATOMIC && (BPF_SIZE(code) === BPF_W || BPF_SIZE(code) === BPF_DW)) {
        if (!ATOMIC_OPS.has(imm)) return `invalid atomic operation ${hex(imm)}`;
        return reg(dst, 'destination') ?? reg(src, 'source');
      }
      return bad;
    }
  }
  return bad;
}
