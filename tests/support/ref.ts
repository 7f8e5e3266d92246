// A BigInt model of RFC 9669's ALU and jump semantics, written from the RFC's text and kept
// separate from the VM so that the VM is checked against something it shares no code with.

const M64 = (1n << 64n) - 1n;
const M32 = (1n << 32n) - 1n;
export const u64 = (v: bigint): bigint => v & M64;
const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);
const u32 = (v: bigint): bigint => v & M32;
const s32 = (v: bigint): bigint => BigInt.asIntN(32, v);

/** Truncating division (C's), as the RFC defines SDIV; the caller handles zero. */
const tdiv = (a: bigint, b: bigint): bigint => a / b;
/** C's remainder: the sign of the dividend. */
const tmod = (a: bigint, b: bigint): bigint => a % b;

function bswap(v: bigint, bytes: number): bigint {
  let out = 0n;
  for (let i = 0; i < bytes; i++) out = (out << 8n) | ((v >> BigInt(i * 8)) & 0xffn);
  return out;
}

export type AluOp = 'add' | 'sub' | 'mul' | 'div' | 'sdiv' | 'or' | 'and' | 'lsh' | 'rsh' | 'neg' | 'mod' | 'smod' | 'xor' | 'mov' | 'arsh';

/** dst after `dst op= src` in 64 or 32 bits; `src` is the operand already (imm sign-extended by the caller). */
export function alu(op: AluOp, dst: bigint, src: bigint, is32: boolean): bigint {
  if (is32) {
    const a = u32(dst), b = u32(src);
    switch (op) {
      case 'add': return u32(a + b);
      case 'sub': return u32(a - b);
      case 'mul': return u32(a * b);
      case 'div': return b === 0n ? 0n : a / b;
      case 'sdiv': return b === 0n ? 0n : u32(tdiv(s32(a), s32(b)));
      case 'or': return a | b;
      case 'and': return a & b;
      case 'lsh': return u32(a << (b & 31n));
      case 'rsh': return a >> (b & 31n);
      case 'neg': return u32(-a);
      case 'mod': return b === 0n ? a : a % b;
      case 'smod': return b === 0n ? a : u32(tmod(s32(a), s32(b)));
      case 'xor': return a ^ b;
      case 'mov': return b;
      case 'arsh': return u32(s32(a) >> (b & 31n));
    }
  }
  const a = u64(dst), b = u64(src);
  switch (op) {
    case 'add': return u64(a + b);
    case 'sub': return u64(a - b);
    case 'mul': return u64(a * b);
    case 'div': return b === 0n ? 0n : a / b;
    case 'sdiv': return b === 0n ? 0n : u64(tdiv(s64(a), s64(b)));
    case 'or': return a | b;
    case 'and': return a & b;
    case 'lsh': return u64(a << (b & 63n));
    case 'rsh': return a >> (b & 63n);
    case 'neg': return u64(-a);
    case 'mod': return b === 0n ? a : a % b;
    case 'smod': return b === 0n ? a : u64(tmod(s64(a), s64(b)));
    case 'xor': return a ^ b;
    case 'mov': return b;
    case 'arsh': return u64(s64(a) >> (b & 63n));
  }
}

export function movsx(src: bigint, bits: 8 | 16 | 32, is32: boolean): bigint {
  const v = BigInt.asIntN(bits, src);
  return is32 ? u32(v) : u64(v);
}

export function endian(kind: 'le' | 'be' | 'bswap', dst: bigint, bits: 16 | 32 | 64): bigint {
  const v = dst & ((1n << BigInt(bits)) - 1n);
  return kind === 'le' ? v : bswap(v, bits / 8);
}

export type JmpOp = 'jeq' | 'jne' | 'jset' | 'jgt' | 'jge' | 'jlt' | 'jle' | 'jsgt' | 'jsge' | 'jslt' | 'jsle';

export function jump(op: JmpOp, a: bigint, b: bigint, is32: boolean): boolean {
  const ua = is32 ? u32(a) : u64(a), ub = is32 ? u32(b) : u64(b);
  const sa = is32 ? s32(a) : s64(a), sb = is32 ? s32(b) : s64(b);
  switch (op) {
    case 'jeq': return ua === ub;
    case 'jne': return ua !== ub;
    case 'jset': return (ua & ub) !== 0n;
    case 'jgt': return ua > ub;
    case 'jge': return ua >= ub;
    case 'jlt': return ua < ub;
    case 'jle': return ua <= ub;
    case 'jsgt': return sa > sb;
    case 'jsge': return sa >= sb;
    case 'jslt': return sa < sb;
    case 'jsle': return sa <= sb;
  }
}

export const hex = (v: bigint): string => '0x' + u64(v).toString(16);
