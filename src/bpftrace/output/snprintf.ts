// glibc's snprintf as bpftrace calls it for one printf piece: a format and a single 64-bit
// argument (an integer in a general register, or a C string). Conversions read that argument at
// their own width, which is how `%d` of 5000000000 prints 705032704 and `%c` of 321 prints `A`.

/** The one argument of a piece: integer bits (any sign; read at the conversion's width) or a C string. */
export type CArg = bigint | string;

interface Spec {
  left: boolean;
  plus: boolean;
  space: boolean;
  alt: boolean;
  zero: boolean;
  width: number;
  precision: number | undefined;
  length: string;
  conv: string;
}

const SPEC_RE = /%([-+ #0]*)([0-9]*)(?:\.([0-9]*))?(hh|h|ll|l|j|z|t|L|q)?([a-zA-Z%])/y;

/**
 * snprintf(buf, size, fmt, arg) with a buffer always large enough (bpftrace retries with a larger
 * one). Only the first conversion that takes an argument receives `arg`; C would hand later ones
 * whatever the next register holds, which here reads as 0 (or "(null)"). Floating-point
 * conversions take their value from a vector register bpftrace never sets; they print 0.0.
 */
export function snprintf(fmt: string, arg: CArg): string {
  let out = '';
  let pending: CArg | undefined = arg;
  const take = (): CArg | undefined => {
    const a = pending;
    pending = undefined;
    return a;
  };
  let i = 0;
  while (i < fmt.length) {
    const pct = fmt.indexOf('%', i);
    if (pct === -1) {
      out += fmt.slice(i);
      break;
    }
    out += fmt.slice(i, pct);
    SPEC_RE.lastIndex = pct;
    const m = SPEC_RE.exec(fmt);
    if (!m) {
      // A lone or malformed `%` is copied as glibc copies an unknown specification: verbatim.
      out += '%';
      i = pct + 1;
      continue;
    }
    i = SPEC_RE.lastIndex;
    const flags = m[1]!;
    const spec: Spec = {
      left: flags.includes('-'),
      plus: flags.includes('+'),
      space: flags.includes(' '),
      alt: flags.includes('#'),
      zero: flags.includes('0'),
      width: m[2] ? Number(m[2]) : 0,
      precision: m[3] === undefined ? undefined : Number(m[3] || '0'),
      length: m[4] ?? '',
      conv: m[5]!,
    };
    out += convert(spec, m[0], take);
  }
  return out;
}

function pad(s: string, spec: Spec): string {
  return spec.left ? s.padEnd(spec.width) : s.padStart(spec.width);
}

function intBits(length: string): number {
  switch (length) {
    case 'hh':
      return 8;
    case 'h':
      return 16;
    case '':
      return 32;
    default:
      return 64;
  }
}

function convert(spec: Spec, text: string, take: () => CArg | undefined): string {
  switch (spec.conv) {
    case '%':
      return '%';
    case 'd':
    case 'i': {
      const v = BigInt.asIntN(intBits(spec.length), asInt(take()));
      return formatInt(spec, v < 0n ? -v : v, v < 0n, 10);
    }
    case 'u':
      return formatInt(spec, BigInt.asUintN(intBits(spec.length), asInt(take())), false, 10);
    case 'o':
      return formatInt(spec, BigInt.asUintN(intBits(spec.length), asInt(take())), false, 8);
    case 'x':
    case 'X':
      return formatInt(spec, BigInt.asUintN(intBits(spec.length), asInt(take())), false, 16);
    case 'p': {
      const v = BigInt.asUintN(64, asInt(take()));
      if (v === 0n) return pad('(nil)', spec);
      return formatInt({ ...spec, alt: true }, v, false, 16);
    }
    case 'c':
      return pad(String.fromCharCode(Number(BigInt.asUintN(8, asInt(take())))), spec);
    case 's': {
      const a = take();
      let s = typeof a === 'string' ? a : '(null)';
      if (spec.precision !== undefined) s = s.slice(0, spec.precision);
      return pad(s, spec);
    }
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
    case 'a':
    case 'A':
      return formatZeroDouble(spec);
    case 'n':
      take();
      return '';
    default:
      return text;
  }
}

function asInt(a: CArg | undefined): bigint {
  return typeof a === 'bigint' ? a : 0n;
}

function formatInt(spec: Spec, magnitude: bigint, negative: boolean, base: number): string {
  let digits = magnitude.toString(base);
  if (spec.conv === 'X') digits = digits.toUpperCase();
  if (spec.precision !== undefined) {
    digits = spec.precision === 0 && magnitude === 0n ? '' : digits.padStart(spec.precision, '0');
  }
  let prefix = '';
  // glibc signs %p like a signed conversion.
  if (spec.conv === 'd' || spec.conv === 'i' || spec.conv === 'p') prefix = negative ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  if (spec.alt) {
    if (base === 8 && !digits.startsWith('0')) digits = '0' + digits;
    if (base === 16 && magnitude !== 0n) prefix += spec.conv === 'X' ? '0X' : '0x';
  }
  if (spec.zero && !spec.left && spec.precision === undefined) {
    digits = digits.padStart(spec.width - prefix.length, '0');
  }
  return pad(prefix + digits, spec);
}

function formatZeroDouble(spec: Spec): string {
  const precision = spec.precision ?? 6;
  const upper = spec.conv === spec.conv.toUpperCase();
  let body: string;
  switch (spec.conv.toLowerCase()) {
    case 'f':
      body = precision === 0 ? (spec.alt ? '0.' : '0') : '0.' + '0'.repeat(precision);
      break;
    case 'e':
      body = (precision === 0 ? (spec.alt ? '0.' : '0') : '0.' + '0'.repeat(precision)) + 'e+00';
      break;
    case 'g':
      body = spec.alt ? '0.' + '0'.repeat(Math.max(precision, 1) - 1) : '0';
      break;
    default:
      body = spec.precision ? '0x0.' + '0'.repeat(spec.precision) + 'p+0' : '0x0p+0';
  }
  if (upper) body = body.toUpperCase();
  const sign = spec.plus ? '+' : spec.space ? ' ' : '';
  if (spec.zero && !spec.left) {
    const hex = body.startsWith('0x') || body.startsWith('0X') ? body.slice(0, 2) : '';
    return sign + hex + body.slice(hex.length).padStart(spec.width - sign.length - hex.length, '0');
  }
  return pad(sign + body, spec);
}
