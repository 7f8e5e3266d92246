// Exact 64-bit arithmetic on (lo, hi) pairs of int32, the representation the VM keeps its
// registers in. A double holds only 53 bits, and BigInt allocates on every operation, so the
// hot paths use 32-bit halves; results land in `R64` ([lo, hi]) to avoid returning objects.

export const R64 = new Int32Array(2);

const TWO32 = 4294967296;

/** (al,ah) * (bl,bh) mod 2^64. */
export function mul64(al: number, ah: number, bl: number, bh: number): void {
  const a = al >>> 0;
  const b = bl >>> 0;
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const carry = p11 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 65536);
  R64[0] = Math.imul(al, bl);
  R64[1] = (carry + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
}

// Quotient and remainder of the last unsigned division, as uint32 halves held in doubles.
let qLo = 0, qHi = 0, rLo = 0, rHi = 0;

/** Unsigned 64-bit division; the divisor must be non-zero. */
function udivmod(al: number, ah: number, bl: number, bh: number): void {
  const aL = al >>> 0, aH = ah >>> 0, bL = bl >>> 0, bH = bh >>> 0;
  if (bH === 0) {
    if (aH === 0) {
      qHi = 0; qLo = Math.floor(aL / bL); rHi = 0; rLo = aL - qLo * bL;
      return;
    }
    // Long division in base 2^16 keeps every partial product below 2^53.
    qHi = Math.floor(aH / bL);
    let r = aH - qHi * bL;
    let t = r * 65536 + (aL >>> 16);
    const q1 = Math.floor(t / bL);
    r = t - q1 * bL;
    t = r * 65536 + (aL & 0xffff);
    const q0 = Math.floor(t / bL);
    r = t - q0 * bL;
    qLo = q1 * 65536 + q0; rHi = 0; rLo = r;
    return;
  }
  // Divisor of 33+ bits: the quotient fits 32 bits; restoring division over the dividend's bits.
  let remH = 0, remL = 0, q = 0;
  for (let i = 63; i >= 0; i--) {
    const bit = i >= 32 ? (aH >>> (i - 32)) & 1 : (aL >>> i) & 1;
    // The shifted remainder can reach 65 bits when the divisor has its top bit set.
    const over = remH >>> 31;
    remH = ((remH << 1) | (remL >>> 31)) >>> 0;
    remL = ((remL << 1) | bit) >>> 0;
    if (over || remH > bH || (remH === bH && remL >= bL)) {
      const nl = remL - bL;
      const nh = remH - bH - (nl < 0 ? 1 : 0);
      remH = nh < 0 ? nh + TWO32 : nh;
      remL = nl < 0 ? nl + TWO32 : nl;
      if (i < 32) q = (q | (1 << i)) >>> 0;
    }
  }
  qHi = 0; qLo = q; rHi = remH; rLo = remL;
}

export function udiv64(al: number, ah: number, bl: number, bh: number): void {
  udivmod(al, ah, bl, bh);
  R64[0] = qLo | 0; R64[1] = qHi | 0;
}

export function umod64(al: number, ah: number, bl: number, bh: number): void {
  udivmod(al, ah, bl, bh);
  R64[0] = rLo | 0; R64[1] = rHi | 0;
}

/** Two's-complement negation of (lo, hi) into R64. */
export function neg64(lo: number, hi: number): void {
  const nl = (~lo + 1) | 0;
  R64[0] = nl;
  R64[1] = (~hi + (nl === 0 ? 1 : 0)) | 0;
}

/** Signed division truncating toward zero; INT64_MIN / -1 wraps to INT64_MIN as the RFC says. */
export function sdiv64(al: number, ah: number, bl: number, bh: number): void {
  const negA = ah < 0, negB = bh < 0;
  if (negA) { neg64(al, ah); al = R64[0]!; ah = R64[1]!; }
  if (negB) { neg64(bl, bh); bl = R64[0]!; bh = R64[1]!; }
  udivmod(al, ah, bl, bh);
  if (negA !== negB) neg64(qLo | 0, qHi | 0);
  else { R64[0] = qLo | 0; R64[1] = qHi | 0; }
}

/** Signed remainder with the dividend's sign (C's %), INT64_MIN % -1 = 0. */
export function smod64(al: number, ah: number, bl: number, bh: number): void {
  const negA = ah < 0;
  if (negA) { neg64(al, ah); al = R64[0]!; ah = R64[1]!; }
  if (bh < 0) { neg64(bl, bh); bl = R64[0]!; bh = R64[1]!; }
  udivmod(al, ah, bl, bh);
  if (negA) neg64(rLo | 0, rHi | 0);
  else { R64[0] = rLo | 0; R64[1] = rHi | 0; }
}

/** Left shift by 0..63. */
export function lsh64(lo: number, hi: number, n: number): void {
  if (n === 0) { R64[0] = lo; R64[1] = hi; }
  else if (n < 32) { R64[1] = (hi << n) | (lo >>> (32 - n)); R64[0] = lo << n; }
  else { R64[1] = lo << (n - 32); R64[0] = 0; }
}

/** Logical right shift by 0..63. */
export function rsh64(lo: number, hi: number, n: number): void {
  if (n === 0) { R64[0] = lo; R64[1] = hi; }
  else if (n < 32) { R64[0] = (lo >>> n) | (hi << (32 - n)); R64[1] = hi >>> n; }
  else { R64[0] = hi >>> (n - 32); R64[1] = 0; }
}

/** Arithmetic right shift by 0..63. */
export function arsh64(lo: number, hi: number, n: number): void {
  if (n === 0) { R64[0] = lo; R64[1] = hi; }
  else if (n < 32) { R64[0] = (lo >>> n) | (hi << (32 - n)); R64[1] = hi >> n; }
  else { R64[0] = hi >> (n - 32); R64[1] = hi >> 31; }
}

/** Byte swap of a 32-bit value. */
export const bswap32 = (v: number): number =>
  ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);

export const bswap16 = (v: number): number => ((v & 0xff) << 8) | ((v >>> 8) & 0xff);

/** Signed 64-bit compare: -1, 0 or 1. */
export function scmp64(al: number, ah: number, bl: number, bh: number): number {
  if (ah !== bh) return ah < bh ? -1 : 1;
  const a = al >>> 0, b = bl >>> 0;
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Unsigned 64-bit compare: -1, 0 or 1. */
export function ucmp64(al: number, ah: number, bl: number, bh: number): number {
  const x = ah >>> 0, y = bh >>> 0;
  if (x !== y) return x < y ? -1 : 1;
  const a = al >>> 0, b = bl >>> 0;
  return a === b ? 0 : a < b ? -1 : 1;
}

const MASK64 = (1n << 64n) - 1n;

/** The pair as an unsigned BigInt, for API boundaries and printing. */
export const toU64 = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

/** The pair as a signed BigInt. */
export const toS64 = (lo: number, hi: number): bigint => BigInt.asIntN(64, toU64(lo, hi));

export function fromBig(v: bigint): [lo: number, hi: number] {
  const u = v & MASK64;
  return [Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0];
}

export const hex64 = (v: bigint): string => '0x' + (v & MASK64).toString(16);
