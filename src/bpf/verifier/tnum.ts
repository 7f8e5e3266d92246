// Tristate numbers (kernel/bpf/tnum.c): what the verifier knows about each bit of a 64-bit value.
// A bit is known 0 (value 0, mask 0), known 1 (value 1, mask 0) or unknown (mask 1).

export interface Tnum {
  readonly value: bigint;
  readonly mask: bigint;
}

const M64 = (1n << 64n) - 1n;
const u = (v: bigint): bigint => v & M64;
const s = (v: bigint): bigint => BigInt.asIntN(64, v);

export const tnum = (value: bigint, mask: bigint): Tnum => ({ value: u(value), mask: u(mask) });
export const tnumConst = (v: bigint): Tnum => ({ value: u(v), mask: 0n });
export const TNUM_UNKNOWN: Tnum = { value: 0n, mask: M64 };

/** Index of the highest set bit plus one (fls64). */
function fls64(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** The tightest tnum covering [min, max]. */
export function tnumRange(min: bigint, max: bigint): Tnum {
  const chi = u(min ^ max);
  const bits = fls64(chi);
  if (bits > 63) return TNUM_UNKNOWN;
  const delta = (1n << BigInt(bits)) - 1n;
  return tnum(min & ~delta, delta);
}

export const tnumLshift = (a: Tnum, shift: number): Tnum => tnum(a.value << BigInt(shift), a.mask << BigInt(shift));
export const tnumRshift = (a: Tnum, shift: number): Tnum => tnum(a.value >> BigInt(shift), a.mask >> BigInt(shift));

/** Arithmetic shift of a 64-bit tnum by min_shift. */
export const tnumArshift = (a: Tnum, shift: number): Tnum => tnum(s(a.value) >> BigInt(shift), s(a.mask) >> BigInt(shift));

/** Arithmetic shift treating the value as 32 bits (the 6.x subregister form). */
export function tnumArshift32(a: Tnum, shift: number): Tnum {
  const v = BigInt.asIntN(32, a.value) >> BigInt(shift);
  const m = BigInt.asIntN(32, a.mask) >> BigInt(shift);
  return tnum(v & 0xffffffffn, m & 0xffffffffn);
}

export function tnumAdd(a: Tnum, b: Tnum): Tnum {
  const sm = u(a.mask + b.mask);
  const sv = u(a.value + b.value);
  const sigma = u(sm + sv);
  const chi = sigma ^ sv;
  const mu = chi | a.mask | b.mask;
  return tnum(sv & ~mu, mu);
}

export function tnumSub(a: Tnum, b: Tnum): Tnum {
  const dv = u(a.value - b.value);
  const alpha = u(dv + a.mask);
  const beta = u(dv - b.mask);
  const chi = alpha ^ beta;
  const mu = chi | a.mask | b.mask;
  return tnum(dv & ~mu, mu);
}

export function tnumAnd(a: Tnum, b: Tnum): Tnum {
  const alpha = a.value | a.mask;
  const beta = b.value | b.mask;
  const v = a.value & b.value;
  return tnum(v, alpha & beta & ~v);
}

export function tnumOr(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask | b.mask;
  return tnum(v, mu & ~v);
}

export function tnumXor(a: Tnum, b: Tnum): Tnum {
  const v = a.value ^ b.value;
  const mu = a.mask | b.mask;
  return tnum(v & ~mu, mu);
}

/** hma(): half-multiply-add, the 5.0 tnum_mul's helper. */
function hma(acc: Tnum, value: bigint, mask: bigint): Tnum {
  while (mask) {
    if (mask & 1n) acc = tnumAdd(acc, tnum(0n, value));
    mask >>= 1n;
    value = u(value << 1n);
  }
  return acc;
}

export function tnumMul(a: Tnum, b: Tnum): Tnum {
  const pi = u(a.value * b.value);
  const acc = hma(tnum(pi, 0n), a.mask, b.mask | b.value);
  return hma(acc, b.mask, a.value);
}

export function tnumIntersect(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask & b.mask;
  return tnum(v & ~mu, mu);
}

/** Keeps the low `size` bytes. */
export function tnumCast(a: Tnum, size: number): Tnum {
  const m = (1n << BigInt(size * 8)) - 1n;
  return { value: a.value & m, mask: a.mask & m };
}

export const tnumIsConst = (a: Tnum): boolean => a.mask === 0n;
export const tnumIsUnknown = (a: Tnum): boolean => a.mask === M64;
export const tnumEqualsConst = (a: Tnum, b: bigint): boolean => a.mask === 0n && a.value === u(b);

export function tnumIsAligned(a: Tnum, size: number): boolean {
  if (!size) return true;
  return ((a.value | a.mask) & BigInt(size - 1)) === 0n;
}

/** Whether every value b can take is a value a can take. */
export function tnumIn(a: Tnum, b: Tnum): boolean {
  if (b.mask & ~a.mask) return false;
  return a.value === (b.value & ~a.mask);
}

/** The low 32 bits (tnum_subreg). */
export const tnumSubreg = (a: Tnum): Tnum => tnumCast(a, 4);
/** The high 32 bits cleared, the low 32 bits of b (tnum_with_subreg). */
export const tnumWithSubreg = (a: Tnum, b: Tnum): Tnum =>
  tnumOr(tnum(a.value & ~0xffffffffn, a.mask & ~0xffffffffn), tnumSubreg(b));

/** tnum_strn: "(%#llx; %#llx)"; the kernel's printf writes the 0x even for zero. */
export function tnumStr(a: Tnum): string {
  return `(0x${a.value.toString(16)}; 0x${a.mask.toString(16)})`;
}
