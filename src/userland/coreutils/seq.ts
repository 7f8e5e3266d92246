// seq: numbers from FIRST (1) by INCREMENT (1) to LAST, one a line (-s SEP between them instead);
// -w pads them to equal width with zeros. Arithmetic is exact decimal, where GNU's long doubles
// are exact enough for the same output: `seq 0 0.1 1` ends at 1.0.

import { getopt, usageError } from './getopt.js';
import { quote, type UtilIo } from './io.js';

const LONG = [
  { name: 'separator', key: 's', arg: true }, { name: 'equal-width', key: 'w', arg: false }, { name: 'format', key: 'f', arg: true },
];

/** A decimal number: VALUE × 10^-SCALE, with the digits after the point it was written with. */
interface Decimal {
  value: bigint;
  scale: number;
  /** The text as given, whose length decides -w's width. */
  text: string;
  /** Digits after the point, as GNU counts them (negative when an exponent goes past them). */
  precision: number;
}

function parseDecimal(s: string): Decimal | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const frac = m[3] ?? '';
  const exp = Number(m[4] ?? 0);
  let value = BigInt((m[2] || '0') + frac);
  let scale = frac.length - exp;
  if (scale < 0) {
    value *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { value: m[1] === '-' ? -value : value, scale, text: s, precision: frac.length - exp };
}

const rescale = (d: Decimal, scale: number): bigint => d.value * 10n ** BigInt(scale - d.scale);

function format(v: bigint, scale: number, prec: number, width: number): string {
  const neg = v < 0n;
  let digits = ((neg ? -v : v) / 10n ** BigInt(scale - prec)).toString().padStart(prec + 1, '0');
  if (prec > 0) digits = `${digits.slice(0, -prec)}.${digits.slice(-prec)}`;
  return (neg ? '-' : '') + digits.padStart(width - (neg ? 1 : 0), '0');
}

export function seq(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  // Options come first; a negative number is an operand (`seq -3 -1`).
  const parsed = getopt(prog, argv.slice(1), '+f:s:w', LONG, (a) => /^-[0-9.]/.test(a));
  if ('error' in parsed) {
    io.stderr(usageError(prog, parsed.error));
    return 1;
  }
  let sep = '\n';
  let equalWidth = false;
  for (const { key, value } of parsed.options) {
    if (key === 's') sep = value!;
    else if (key === 'w') equalWidth = true;
    else {
      io.stderr(`${prog}: option '-f' is not supported: seq prints its numbers as GNU's default format does\n`);
      return 1;
    }
  }
  const operands = parsed.operands;
  if (operands.length === 0) {
    io.stderr(usageError(prog, `${prog}: missing operand`));
    return 1;
  }
  if (operands.length > 3) {
    io.stderr(usageError(prog, `${prog}: extra operand ${quote(operands[3]!)}`));
    return 1;
  }
  const nums: Decimal[] = [];
  for (const s of operands) {
    const d = parseDecimal(s);
    if (d === null) {
      io.stderr(usageError(prog, `${prog}: invalid floating point argument: ${quote(s)}`));
      return 1;
    }
    nums.push(d);
  }
  const one: Decimal = { value: 1n, scale: 0, text: '1', precision: 0 };
  const [first, step, last] = nums.length === 1 ? [one, one, nums[0]!] : nums.length === 2 ? [nums[0]!, one, nums[1]!] : (nums as [Decimal, Decimal, Decimal]);
  if (step.value === 0n) {
    io.stderr(usageError(prog, `${prog}: invalid Zero increment value: ${quote(operands[1]!)}`));
    return 1;
  }
  const prec = Math.max(0, first.precision, step.precision);
  const scale = Math.max(first.scale, step.scale, last.scale, prec);
  const width = equalWidth ? equalWidthOf(first, last, prec) : 0;
  const [a, d, z] = [rescale(first, scale), rescale(step, scale), rescale(last, scale)];
  let out = '';
  let count = 0;
  for (let x = a; d > 0n ? x <= z : x >= z; x += d) {
    out += (count++ > 0 ? sep : '') + format(x, scale, prec, width);
    if (out.length >= 65536) {
      io.stdout(out);
      out = '';
    }
  }
  if (count > 0) io.stdout(out + '\n');
  return 0;
}

/** -w's width, from the texts of FIRST and LAST as GNU reckons it. */
function equalWidthOf(first: Decimal, last: Decimal, prec: number): number {
  const widthOf = (d: Decimal): number => {
    const p = Math.max(0, d.precision);
    let w = d.text.length + (prec - p);
    if (p > 0 && prec === 0) w--;
    if (p === 0 && prec > 0) w++;
    return w;
  };
  return Math.max(widthOf(first), widthOf(last));
}
