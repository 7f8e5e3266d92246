// What text and JSON share about hist() and lhist() buckets: which range of buckets prints, the
// labels, and the bar length. bpftrace's printer holds counts and bounds in C ints and floats, and
// its quirks follow from that (counts wrap at 2^31 when looking for the largest, bars are single-
// precision, JSON's `1 << 31` bucket bounds are INT_MIN and x86's 32-bit shift), so the arithmetic
// here keeps those widths.

export const BAR_WIDTH = 52;

/** A C int from a uint64 count, as `int v = values.at(i)` truncates it. */
function cInt(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

/** `1 << n` on a 32-bit int as x86 computes it: the count is taken mod 32, the result is an int. */
export function cShl1(n: number): number {
  return (1 << (n & 31)) | 0;
}

/** bpftrace's hist_prepare: the first and last non-zero bucket and the largest count (all as C ints). */
export function histPrepare(values: bigint[]): { minIndex: number; maxIndex: number; maxValue: number } {
  let minIndex = -1;
  let maxIndex = -1;
  let maxValue = 0;
  values.forEach((count, i) => {
    const v = cInt(count);
    if (v > 0) {
      if (minIndex === -1) minIndex = i;
      maxIndex = i;
    }
    if (v > maxValue) maxValue = v;
  });
  return { minIndex, maxIndex, maxValue };
}

export interface LhistRange {
  /** -1 when every bucket is zero (nothing prints). */
  maxIndex: number;
  maxValue: number;
  /** Buckets between the underflow and the overflow one. */
  buckets: number;
  startValue: number;
  endValue: number;
}

/** bpftrace's lhist_prepare: the printed range runs from the first to the last positive bucket. */
export function lhistPrepare(values: bigint[], min: number, max: number, step: number): LhistRange {
  let maxIndex = -1;
  let maxValue = 0;
  const buckets = Math.trunc((max - min) / step);
  values.forEach((count, i) => {
    const v = cInt(count);
    if (v !== 0) maxIndex = i;
    if (v > maxValue) maxValue = v;
  });
  let startValue = -1;
  let endValue = 0;
  if (maxIndex !== -1) {
    for (let i = 0; i <= buckets + 1; i++) {
      if (values[i]! > 0n) {
        if (startValue === -1) startValue = i;
        endValue = i;
      }
    }
    if (startValue === -1) startValue = 0;
  }
  return { maxIndex, maxValue, buckets, startValue, endValue };
}

/** `int bar_width = values.at(i)/(float)max_value*max_width`, in single precision. */
export function barWidth(count: bigint, maxValue: number): number {
  const f = Math.fround;
  return Math.trunc(f(f(f(Number(count)) / f(maxValue)) * f(BAR_WIDTH)));
}

/** A power of two as hist labels it: `1`, `512`, `1K`, `2M`, `4G` (and `T` past 2^40). */
export function histIndexLabel(power: number): string {
  const suffixes: [number, string][] = [[40, 'T'], [30, 'G'], [20, 'M'], [10, 'K']];
  for (const [p, s] of suffixes) {
    if (power >= p) return `${cShl1(power - p)}${s}`;
  }
  return `${cShl1(power)}`;
}

/** An lhist bound: `K`/`M` only for exact multiples of 1024 and 1048576. */
export function lhistIndexLabel(n: number): string {
  if (n === 0) return '0';
  if (n % 1048576 === 0) return `${Math.trunc(n / 1048576)}M`;
  if (n % 1024 === 0) return `${Math.trunc(n / 1024)}K`;
  return `${n}`;
}

/** A C int result of int arithmetic on lhist bounds. */
export function cIntOf(n: number): number {
  return n | 0;
}
