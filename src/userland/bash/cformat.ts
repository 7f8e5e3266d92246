// What printf(3) and the strto* functions do with one number, as glibc does them, for the shells'
// printf builtins: integers as intmax_t/uintmax_t (64 bits, with ERANGE at the limits), floating
// point as double (dash) or x87 long double (bash), rounded to nearest-even from the decimal text
// and printed exactly, so `%.20f` and `%a` show the bits glibc would. Text is measured and cut in
// UTF-8 bytes, as printf counts them.

import { byteLength, sliceBytes } from '../coreutils/io.js';

/** A conversion specification: `%-08.3d` is flags '-0', width 8, precision 3, conversion 'd'. */
export interface Spec {
  flags: string;
  /** Negative from a `*` argument: left-justified in its absolute value. */
  width: number;
  /** Null when absent (or negative from a `*` argument). */
  precision: number | null;
  conv: string;
}

/** A binary floating-point value: (-1)^neg × m × 2^e, or an infinity or NaN. */
export interface CFloat {
  neg: boolean;
  kind: 'num' | 'inf' | 'nan';
  m: bigint;
  e: number;
}

/** The significand bits and exponent range of a C floating type. */
export interface FloatFormat {
  bits: number;
  /** The exponent of the smallest subnormal's unit (m × 2^minE with m = 1). */
  minE: number;
  /** Values at or above 2^maxExp overflow. */
  maxExp: number;
  /** How %a lays it out: `1.xxxp` (double) or the x87's explicit integer bit as a whole nibble (`8.xxxp`). */
  hexLeadBits: number;
}

export const DOUBLE: FloatFormat = { bits: 53, minE: -1074, maxExp: 1024, hexLeadBits: 1 };
export const LONG_DOUBLE: FloatFormat = { bits: 64, minE: -16445, maxExp: 16384, hexLeadBits: 4 };

const INTMAX_MAX = (1n << 63n) - 1n;
const INTMAX_MIN = -(1n << 63n);
const UINTMAX_MAX = (1n << 64n) - 1n;

const isSpace = (c: string | undefined): boolean => c !== undefined && ' \t\n\v\f\r'.includes(c);

/** strtoimax/strtoumax(s, &end, 0): the value, how many characters made it, and whether it was out of range. */
export function strtoint(s: string, signed: boolean): { value: bigint; end: number; erange: boolean } {
  let i = 0;
  while (isSpace(s[i])) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') neg = s[i++] === '-';
  let base = 10;
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-fA-F]/.test(s[i + 2] ?? '')) {
    base = 16;
    i += 2;
  } else if (s[i] === '0') base = 8;
  const digits = (base === 16 ? /^[0-9a-fA-F]+/ : base === 8 ? /^[0-7]+/ : /^[0-9]+/).exec(s.slice(i))?.[0];
  if (digits === undefined) return { value: 0n, end: 0, erange: false };
  const magnitude = BigInt((base === 16 ? '0x' : base === 8 ? '0o' : '') + digits);
  const end = i + digits.length;
  if (signed) {
    const v = neg ? -magnitude : magnitude;
    if (v > INTMAX_MAX) return { value: INTMAX_MAX, end, erange: true };
    if (v < INTMAX_MIN) return { value: INTMAX_MIN, end, erange: true };
    return { value: v, end, erange: false };
  }
  if (magnitude > UINTMAX_MAX) return { value: UINTMAX_MAX, end, erange: true };
  return { value: neg ? BigInt.asUintN(64, -magnitude) : magnitude, end, erange: false };
}

const bitLength = (n: bigint): number => n.toString(2).length;

/** The value N/D rounded to the format, as strtod does: nearest, ties to even; ERANGE on overflow and on an inexact tiny result. */
function roundToFormat(neg: boolean, n: bigint, d: bigint, f: FloatFormat): { value: CFloat; erange: boolean } {
  if (n === 0n) return { value: { neg, kind: 'num', m: 0n, e: 0 }, erange: false };
  let e = bitLength(n) - bitLength(d) - f.bits;
  const quotient = (exp: number): bigint => (exp >= 0 ? n / (d << BigInt(exp)) : (n << BigInt(-exp)) / d);
  while (quotient(e) >= 1n << BigInt(f.bits)) e++;
  while (quotient(e) < 1n << BigInt(f.bits - 1)) e--;
  const tiny = e < f.minE;
  if (tiny) e = f.minE;
  const [num, den] = e >= 0 ? [n, d << BigInt(e)] : [n << BigInt(-e), d];
  let m = num / den;
  const r = num % den;
  if (2n * r > den || (2n * r === den && m & 1n)) m++;
  if (m === 1n << BigInt(f.bits)) {
    m >>= 1n;
    e++;
  }
  if (bitLength(m) + e > f.maxExp) return { value: { neg, kind: 'inf', m: 0n, e: 0 }, erange: true };
  return { value: { neg, kind: 'num', m, e }, erange: tiny && r !== 0n };
}

/** strtod (DOUBLE) or strtold (LONG_DOUBLE): decimal or hex, inf, infinity, nan, nan(chars). */
export function strtofloat(s: string, f: FloatFormat): { value: CFloat; end: number; erange: boolean } {
  let i = 0;
  while (isSpace(s[i])) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') neg = s[i++] === '-';
  const rest = s.slice(i);
  const special = /^(inf(inity)?|nan(\([0-9A-Za-z_]*\))?)/i.exec(rest);
  if (special) return { value: { neg, kind: special[0][0]!.toLowerCase() === 'i' ? 'inf' : 'nan', m: 0n, e: 0 }, end: i + special[0].length, erange: false };
  const hex = /^0[xX](?=\.?[0-9a-fA-F])([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?/.exec(rest);
  if (hex) {
    const frac = hex[2] ?? '';
    const exp = clampExponent(hex[3]) - 4 * frac.length;
    const n = BigInt('0x' + (hex[1]! + frac || '0'));
    const r = exp >= 0 ? roundToFormat(neg, n << BigInt(exp), 1n, f) : roundToFormat(neg, n, 1n << BigInt(-exp), f);
    return { ...r, end: i + hex[0].length };
  }
  const dec = /^([0-9]*)(?:\.([0-9]*))?/.exec(rest)!;
  const whole = dec[1]!;
  const frac = dec[2] ?? '';
  if (whole + frac === '') return { value: { neg: false, kind: 'num', m: 0n, e: 0 }, end: 0, erange: false };
  let end = i + dec[0].length;
  const expText = /^[eE]([+-]?[0-9]+)/.exec(s.slice(end));
  if (expText) end += expText[0].length;
  const digits = (whole + frac).replace(/^0+/, '');
  const exp10 = clampExponent(expText?.[1]) - frac.length;
  if (digits === '') return { value: { neg, kind: 'num', m: 0n, e: 0 }, end, erange: false };
  // Beyond any format's range either way: no need to build the number.
  if (digits.length + exp10 > 5000) return { value: { neg, kind: 'inf', m: 0n, e: 0 }, end, erange: true };
  if (digits.length + exp10 < -5000) return { value: { neg, kind: 'num', m: 0n, e: 0 }, end, erange: true };
  const n = BigInt(digits);
  const r = exp10 >= 0 ? roundToFormat(neg, n * 10n ** BigInt(exp10), 1n, f) : roundToFormat(neg, n, 10n ** BigInt(-exp10), f);
  return { ...r, end };
}

/** An exponent's digits, held to a size past which every value overflows or underflows anyway. */
function clampExponent(text: string | undefined): number {
  if (text === undefined) return 0;
  const v = Number(text);
  return Math.max(-100000, Math.min(100000, v));
}

/** A value from an integer (the character code a `'c` argument stands for). */
export function floatOfInt(v: bigint): CFloat {
  const neg = v < 0n;
  return { neg, kind: 'num', m: neg ? -v : v, e: 0 };
}

/** Pads to the width: spaces before, or after with `-`; ZEROS (sign and prefix kept in front) when `0` applies. */
function pad(spec: Spec, prefix: string, body: string, zeros: boolean): string {
  const width = Math.abs(spec.width);
  const left = spec.width < 0 || spec.flags.includes('-');
  const len = byteLength(prefix + body);
  if (len >= width) return prefix + body;
  if (left) return prefix + body + ' '.repeat(width - len);
  if (zeros) return prefix + '0'.repeat(width - len) + body;
  return ' '.repeat(width - len) + prefix + body;
}

/** %d %i (VALUE signed) or %o %u %x %X (VALUE in 0..2^64-1). */
export function formatInt(spec: Spec, value: bigint): string {
  const neg = value < 0n;
  const magnitude = neg ? -value : value;
  const base = spec.conv === 'o' ? 8 : spec.conv === 'x' || spec.conv === 'X' ? 16 : 10;
  let digits = magnitude.toString(base);
  if (spec.conv === 'X') digits = digits.toUpperCase();
  if (spec.precision !== null) digits = spec.precision === 0 && magnitude === 0n ? '' : digits.padStart(spec.precision, '0');
  let prefix = '';
  if (spec.conv === 'd' || spec.conv === 'i') prefix = neg ? '-' : spec.flags.includes('+') ? '+' : spec.flags.includes(' ') ? ' ' : '';
  if (spec.flags.includes('#')) {
    if (base === 8 && !digits.startsWith('0')) digits = '0' + digits;
    if (base === 16 && magnitude !== 0n) prefix = spec.conv === 'X' ? '0X' : '0x';
  }
  return pad(spec, prefix, digits, spec.flags.includes('0') && spec.precision === null);
}

/** %s: the precision cuts, the width pads, both in bytes. */
export function formatString(spec: Spec, s: string): string {
  return pad(spec, '', spec.precision === null ? s : sliceBytes(s, 0, spec.precision), false);
}

const divRound = (n: bigint, d: bigint): bigint => {
  const q = n / d;
  const r = n % d;
  return 2n * r > d || (2n * r === d && q & 1n) ? q + 1n : q;
};

/** The exact value as a fraction N/D. */
function fraction(v: CFloat): [bigint, bigint] {
  return v.e >= 0 ? [v.m << BigInt(v.e), 1n] : [v.m, 1n << BigInt(-v.e)];
}

/** Digits of N/D with PREC after the point, rounded to nearest, ties to even. */
function fixed(n: bigint, d: bigint, prec: number, alt: boolean): string {
  const digits = divRound(n * 10n ** BigInt(prec), d).toString().padStart(prec + 1, '0');
  if (prec === 0) return digits + (alt ? '.' : '');
  return `${digits.slice(0, -prec)}.${digits.slice(-prec)}`;
}

/** N/D as d.ddd (PREC digits after the point) and its decimal exponent, rounded as printf rounds. */
function scientific(n: bigint, d: bigint, prec: number): { digits: string; exp: number } {
  if (n === 0n) return { digits: '0'.repeat(prec + 1), exp: 0 };
  let exp = n.toString().length - d.toString().length;
  const below = (x: number): boolean => (x >= 0 ? n < d * 10n ** BigInt(x) : n * 10n ** BigInt(-x) < d);
  if (below(exp)) exp--;
  const round = (x: number): bigint => (prec - x >= 0 ? divRound(n * 10n ** BigInt(prec - x), d) : divRound(n, d * 10n ** BigInt(x - prec)));
  let q = round(exp);
  if (q >= 10n ** BigInt(prec + 1)) q = round(++exp);
  return { digits: q.toString(), exp };
}

function expText(exp: number, upper: boolean): string {
  return `${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** %f %F %e %E %g %G %a %A of a value of format F. */
export function formatFloat(spec: Spec, v: CFloat, f: FloatFormat): string {
  const upper = spec.conv === spec.conv.toUpperCase();
  const alt = spec.flags.includes('#');
  const sign = v.neg ? '-' : spec.flags.includes('+') ? '+' : spec.flags.includes(' ') ? ' ' : '';
  if (v.kind !== 'num') {
    const word = v.kind === 'inf' ? 'inf' : 'nan';
    return pad(spec, sign, upper ? word.toUpperCase() : word, false);
  }
  const zeros = spec.flags.includes('0');
  const [n, d] = fraction(v);
  switch (spec.conv.toLowerCase()) {
    case 'f':
      return pad(spec, sign, fixed(n, d, spec.precision ?? 6, alt), zeros);
    case 'e': {
      const prec = spec.precision ?? 6;
      const { digits, exp } = scientific(n, d, prec);
      const mantissa = digits[0]! + (prec > 0 || alt ? '.' : '') + digits.slice(1);
      return pad(spec, sign, mantissa + expText(exp, upper), zeros);
    }
    case 'g': {
      const p = spec.precision === null ? 6 : spec.precision === 0 ? 1 : spec.precision;
      const { exp } = scientific(n, d, p - 1);
      let body: string;
      if (p > exp && exp >= -4) {
        body = fixed(n, d, p - 1 - exp, alt);
        if (!alt && body.includes('.')) body = body.replace(/\.?0+$/, '');
      } else {
        const { digits } = scientific(n, d, p - 1);
        let mantissa = digits[0]! + (p > 1 || alt ? '.' : '') + digits.slice(1);
        if (!alt && mantissa.includes('.')) mantissa = mantissa.replace(/\.?0+$/, '');
        body = mantissa + expText(exp, upper);
      }
      return pad(spec, sign, body, zeros);
    }
    default:
      return formatHex(spec, v, f, sign, upper, alt, zeros);
  }
}

/** %a as glibc's printf_fphex lays out a double (`0x1.8p+1`) or an x87 long double (`0xcp-2`). */
function formatHex(spec: Spec, v: CFloat, f: FloatFormat, sign: string, upper: boolean, alt: boolean, zeros: boolean): string {
  const fracDigits = Math.ceil((f.bits - f.hexLeadBits) / 4);
  let lead: number;
  let frac: string;
  let exp: number;
  if (v.m === 0n) {
    lead = 0;
    frac = '';
    exp = 0;
  } else {
    // The significand, its top hexLeadBits as the leading digit and the rest in hex digits.
    const shift = BigInt(f.bits - f.hexLeadBits);
    lead = Number(v.m >> shift);
    frac = (v.m & ((1n << shift) - 1n)).toString(16).padStart(fracDigits, '0').replace(/0+$/, '');
    exp = v.e + f.bits - f.hexLeadBits;
    // A double's subnormals print as 0x0.xxxp-1022.
    if (f.hexLeadBits === 1 && lead === 0) exp = f.minE + f.bits - 1;
  }
  let prec = spec.precision ?? frac.length;
  if (spec.precision !== null && prec < frac.length) {
    const last = prec > 0 ? parseInt(frac[prec - 1]!, 16) : lead;
    const next = parseInt(frac[prec]!, 16);
    const more = (next & 7) !== 0 || prec + 1 < frac.length;
    frac = frac.slice(0, prec);
    if (next >= 8 && (more || last & 1)) {
      let i = prec - 1;
      for (; i >= 0 && frac[i] === 'f'; i--) frac = frac.slice(0, i) + '0' + frac.slice(i + 1);
      if (i >= 0) frac = frac.slice(0, i) + (parseInt(frac[i]!, 16) + 1).toString(16) + frac.slice(i + 1);
      else if (lead < 15) lead++;
      else {
        lead = 1;
        exp += 4;
      }
    }
  }
  frac = frac.padEnd(prec, '0');
  prec = frac.length;
  let body = lead.toString(16) + (prec > 0 || alt ? '.' : '') + frac + `p${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
  let prefix = sign + '0x';
  if (upper) {
    body = body.toUpperCase();
    prefix = prefix.toUpperCase();
  }
  return pad(spec, prefix, body, zeros);
}
