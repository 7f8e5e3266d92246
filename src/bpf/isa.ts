// The eBPF instruction set as RFC 9669 and include/uapi/linux/bpf.h define it: 8-byte slots,
// little-endian, `opcode:8 dst:4 src:4 off:16 imm:32`, with the 16-byte lddw.

export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_JMP32 = 0x06;
export const BPF_ALU64 = 0x07;

export const BPF_W = 0x00;
export const BPF_H = 0x08;
export const BPF_B = 0x10;
export const BPF_DW = 0x18;

export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_IND = 0x40;
export const BPF_MEM = 0x60;
export const BPF_MEMSX = 0x80;
export const BPF_ATOMIC = 0xc0;

export const BPF_K = 0x00;
export const BPF_X = 0x08;
export const BPF_TO_LE = 0x00;
export const BPF_TO_BE = 0x08;

export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;
export const BPF_MOV = 0xb0;
export const BPF_ARSH = 0xc0;
export const BPF_END = 0xd0;

export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;
export const BPF_JNE = 0x50;
export const BPF_JSGT = 0x60;
export const BPF_JSGE = 0x70;
export const BPF_CALL = 0x80;
export const BPF_EXIT = 0x90;
export const BPF_JLT = 0xa0;
export const BPF_JLE = 0xb0;
export const BPF_JSLT = 0xc0;
export const BPF_JSLE = 0xd0;

/** Atomic operations live in the imm of a BPF_STX | BPF_ATOMIC instruction. */
export const BPF_FETCH = 0x01;
export const BPF_XCHG = 0xe0 | BPF_FETCH;
export const BPF_CMPXCHG = 0xf0 | BPF_FETCH;

/** src_reg of lddw: what the 64-bit immediate means. */
export const BPF_PSEUDO_MAP_FD = 1;
export const BPF_PSEUDO_MAP_VALUE = 2;
/** src_reg of call: a BPF-to-BPF call (imm is the pc-relative target), or a kfunc. */
export const BPF_PSEUDO_CALL = 1;
export const BPF_PSEUDO_KFUNC_CALL = 2;

export const MAX_BPF_REG = 11;
export const BPF_REG_FP = 10;
export const MAX_BPF_STACK = 512;
/** Linux's MAX_CALL_FRAMES: the main program plus seven nested BPF-to-BPF calls. */
export const MAX_CALL_FRAMES = 8;

export const BPF_CLASS = (code: number): number => code & 0x07;
export const BPF_SIZE = (code: number): number => code & 0x18;
export const BPF_MODE = (code: number): number => code & 0xe0;
export const BPF_OP = (code: number): number => code & 0xf0;
export const BPF_SRC = (code: number): number => code & 0x08;

/** Bytes moved by a BPF_SIZE. */
export function bpfSizeBytes(size: number): number {
  switch (size) {
    case BPF_B: return 1;
    case BPF_H: return 2;
    case BPF_W: return 4;
    default: return 8;
  }
}

/** One 8-byte slot, decoded. `imm` is the signed 32-bit immediate. */
export interface Insn {
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

export const INSN_SIZE = 8;

/** Decodes slot `i` of a little-endian instruction byte stream. */
export function decodeInsn(bytes: Uint8Array, i: number): Insn {
  const p = i * INSN_SIZE;
  const regs = bytes[p + 1]!;
  return {
    code: bytes[p]!,
    dst: regs & 0x0f,
    src: regs >> 4,
    off: ((bytes[p + 2]! | (bytes[p + 3]! << 8)) << 16) >> 16,
    imm: bytes[p + 4]! | (bytes[p + 5]! << 8) | (bytes[p + 6]! << 16) | (bytes[p + 7]! << 24),
  };
}

export function decodeInsns(bytes: Uint8Array): Insn[] {
  const n = Math.floor(bytes.length / INSN_SIZE);
  const out: Insn[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = decodeInsn(bytes, i);
  return out;
}

export function encodeInsns(insns: readonly Insn[]): Uint8Array {
  const out = new Uint8Array(insns.length * INSN_SIZE);
  const dv = new DataView(out.buffer);
  insns.forEach((ins, i) => {
    const p = i * INSN_SIZE;
    out[p] = ins.code & 0xff;
    out[p + 1] = (ins.dst & 0x0f) | ((ins.src & 0x0f) << 4);
    dv.setInt16(p + 2, ins.off, true);
    dv.setInt32(p + 4, ins.imm, true);
  });
  return out;
}

export const insn = (code: number, dst = 0, src = 0, off = 0, imm = 0): Insn => ({ code, dst, src, off, imm });

/** Whether `code` starts a two-slot lddw (BPF_LD | BPF_IMM | BPF_DW). */
export const isLddw = (code: number): boolean => code === (BPF_LD | BPF_IMM | BPF_DW);

/** The 64-bit immediate of the lddw at slot i, exact. */
export function lddwImm(insns: readonly Insn[], i: number): bigint {
  const lo = BigInt(insns[i]!.imm >>> 0);
  const hi = BigInt((insns[i + 1]?.imm ?? 0) >>> 0);
  return (hi << 32n) | lo;
}
