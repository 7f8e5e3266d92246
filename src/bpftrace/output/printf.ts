// bpftrace's format strings (format_string.cpp, printf_format_types.h, printf.cpp): which
// conversions it recognises, the check the semantic analyser runs on printf/system/cat arguments,
// and how the runtime formats a printf record. The format is cut after each recognised conversion
// and every piece goes through snprintf with its one argument; whatever follows the last
// conversion is written as it is, so `%%` there stays `%%`.

import type { SizedType, TypeTag } from '../types.js';
import { stackToStr, cString } from './output.js';
import { snprintf } from './snprintf.js';
import { asBigint, asBytes, asStack, asString, hexFormatBuffer, intOfType, type Value } from './value.js';

/** The kind of argument a conversion takes. */
export type PrintfArgKind = 'integer' | 'string' | 'buffer';

const LENGTHS = ['', 'hh', 'h', 'l', 'll', 'j', 'z', 't'];
const INT_SPECIFIERS = ['d', 'u', 'o', 'x', 'X', 'p'];

/** printf_format_types: every conversion printf, system and cat accept, by what it takes. */
export const PRINTF_FORMAT_TYPES: ReadonlyMap<string, PrintfArgKind> = new Map<string, PrintfArgKind>([
  ['s', 'string'],
  ['r', 'buffer'],
  ['rx', 'buffer'],
  ['rh', 'buffer'],
  ['c', 'integer'],
  ...LENGTHS.flatMap((l) => INT_SPECIFIERS.map((s): [string, PrintfArgKind] => [l + s, 'integer'])),
]);

/** bpf_trace_printk_format_types: the subset debugf() accepts. */
export const BPF_TRACE_PRINTK_FORMAT_TYPES: ReadonlyMap<string, PrintfArgKind> = new Map<string, PrintfArgKind>(
  ['d', 'u', 'x', 'ld', 'lu', 'lx', 'lld', 'llu', 'llx', 'p'].map((s): [string, PrintfArgKind] => [s, 'integer']).concat([['s', 'string']]),
);

/**
 * format_specifier_re: `%`, an optional `-`, width digits, an optional `.precision`, and one of
 * the conversions above. Longer alternatives come first so `%rx` is `rx`, as 0.17 reads it.
 */
function specifierRegex(): RegExp {
  const alternatives = [...PRINTF_FORMAT_TYPES.keys()].sort((a, b) => b.length - a.length);
  return new RegExp(`%-?[0-9]*(?:\\.[0-9]+)?(${alternatives.join('|')})`, 'g');
}

const FORMAT_SPECIFIER_RE = specifierRegex();

/** One recognised conversion of a format string. */
export interface FormatSpecifier {
  /** The whole match, e.g. `%-10.3ld`. */
  text: string;
  /** Its offset in the format string. */
  index: number;
  /** The conversion after flags, width and precision, e.g. `ld`, `rx`. */
  token: string;
  /** What printf would take for it (debugf's narrower table is applied by validateFormatString). */
  kind: PrintfArgKind;
}

/** The conversions bpftrace recognises in `fmt`, in order: one argument each. */
export function formatSpecifiers(fmt: string): FormatSpecifier[] {
  return [...fmt.matchAll(FORMAT_SPECIFIER_RE)].map((m) => ({
    text: m[0],
    index: m.index,
    token: m[1]!,
    kind: PRINTF_FORMAT_TYPES.get(m[1]!)!,
  }));
}

/** bpftrace's typestr, for messages. */
function typestr(t: TypeTag): string {
  return t === 'stack_mode' ? 'stack mode' : t;
}

/** What an argument of type `t` is printed as: symbols and stacks as strings, pointers as integers. */
function argKind(t: TypeTag): TypeTag {
  switch (t) {
    case 'ksym':
    case 'usym':
    case 'probe':
    case 'username':
    case 'kstack':
    case 'ustack':
    case 'inet':
    case 'timestamp':
    case 'mac_address':
    case 'cgroup_path':
    case 'strerror':
      return 'string';
    case 'pointer':
      return 'integer';
    default:
      return t;
  }
}

/**
 * bpftrace's validate_format_string: "" when `args` fit `fmt`, else the message (ending in a
 * newline, as bpftrace builds it) that the semantic analyser reports at the call.
 * `callFunc` is `printf`, `system`, `cat` or `debugf`.
 */
export function validateFormatString(fmt: string, args: SizedType[], callFunc: string): string {
  const specs = formatSpecifiers(fmt);
  if (args.length < specs.length) {
    return `${callFunc}: Not enough arguments for format string (${args.length} supplied, ${specs.length} expected)\n`;
  }
  if (args.length > specs.length) {
    return `${callFunc}: Too many arguments for format string (${args.length} supplied, ${specs.length} expected)\n`;
  }
  if (callFunc === 'debugf' && args.length > 3) {
    return `${callFunc}: Cannot use more than 3 conversion specifiers\n`;
  }
  const table = callFunc === 'debugf' ? BPF_TRACE_PRINTK_FORMAT_TYPES : PRINTF_FORMAT_TYPES;
  for (let i = 0; i < args.length; i++) {
    const token = specs[i]!.token;
    const expected = table.get(token);
    if (expected === undefined) return `${callFunc}: Unknown format string token: %${token}\n`;
    const supplied = argKind(args[i]!.type);
    if (supplied !== expected) {
      return `${callFunc}: %${token} specifier expects a value of type ${expected} (${typestr(supplied)} supplied)\n`;
    }
  }
  return '';
}

/** One printf argument as userspace holds it (bpftrace's IPrintable). */
export type PrintfArg =
  | { kind: 'integer'; value: bigint }
  | { kind: 'string'; value: string }
  | { kind: 'buffer'; value: Uint8Array };

/**
 * bpftrace's get_arg_values for one argument: an integer widened to 64 bits by its signedness,
 * a string cut at its NUL, and everything printed as a string resolved to one (stacks indented 8).
 */
export function printfArg(ty: SizedType, v: Value): PrintfArg {
  const what = `printf argument of type ${ty.type}`;
  switch (ty.type) {
    case 'integer':
      return { kind: 'integer', value: intOfType(ty, asBigint(v, what)) };
    case 'pointer':
      return { kind: 'integer', value: BigInt.asUintN(64, asBigint(v, what)) };
    case 'string':
      return { kind: 'string', value: cString(asString(v, what), ty.size) };
    case 'buffer':
      return { kind: 'buffer', value: asBytes(v, what) };
    case 'kstack':
    case 'ustack':
      return { kind: 'string', value: stackToStr(asStack(v, what), ty.stack?.mode ?? 'bpftrace', 8) };
    case 'ksym':
    case 'usym':
    case 'inet':
    case 'username':
    case 'probe':
    case 'timestamp':
    case 'mac_address':
    case 'cgroup_path':
    case 'strerror':
      return { kind: 'string', value: asString(v, what) };
    default:
      throw new TypeError(`invalid printf argument type: ${ty.type}`);
  }
}

/** bpftrace's FormatString: a format cut into pieces once, formatted per record. */
export class FormatString {
  /** Each piece ends with a recognised conversion, except possibly the last (the raw tail). */
  readonly parts: string[];

  constructor(readonly fmt: string) {
    this.parts = [];
    let last = 0;
    for (const s of formatSpecifiers(fmt)) {
      const end = s.index + s.text.length;
      this.parts.push(fmt.slice(last, end));
      last = end;
    }
    if (last !== fmt.length) this.parts.push(fmt.slice(last));
  }

  /**
   * The text of one record. Each piece's snprintf output stops at its first NUL, as bpftrace
   * streams it as a C string (`printf("a%cb", 0)` prints `ab`).
   */
  format(args: PrintfArg[]): string {
    let out = '';
    let i = 0;
    for (; i < args.length; i++) {
      const part = this.parts[i]!;
      const arg = args[i]!;
      const conv = part.slice(part.lastIndexOf('%'));
      let piece: string;
      if (arg.kind === 'buffer') {
        const keepAscii = conv !== '%rx' && conv !== '%rh';
        const escapeHex = conv !== '%rh';
        const fmt = ['%r', '%rx', '%rh'].includes(conv) ? part.replace(/%r[x|h]?/g, '%s') : part;
        piece = snprintf(fmt, hexFormatBuffer(arg.value, keepAscii, escapeHex));
      } else {
        piece = snprintf(part, arg.value);
      }
      const nul = piece.indexOf('\0');
      out += nul === -1 ? piece : piece.slice(0, nul);
    }
    if (i < this.parts.length) out += this.parts[i];
    return out;
  }
}
