// bpftrace's printf-family format check (src/format_string.cpp validate_format_string, with the
// specifier table of src/printf_format_types.h). The semantic analyser runs it on printf, system
// and cat in its final pass; the message it returns is the error bpftrace prints.

import type { SizedType, TypeTag } from '../types.js';
import { typestr } from '../typestr.js';

const LENGTHS = ['', 'hh', 'h', 'l', 'll', 'j', 'z', 't'];
const INT_SPECIFIERS = ['d', 'u', 'o', 'x', 'X', 'p'];

/** printf_format_types: each conversion bpftrace accepts and the argument type it wants. */
export const PRINTF_FORMAT_TYPES: ReadonlyMap<string, TypeTag> = new Map<string, TypeTag>([
  ['s', 'string'],
  ['r', 'buffer'],
  ['rx', 'buffer'],
  ['rh', 'buffer'],
  ['c', 'integer'],
  ...LENGTHS.flatMap((l) => INT_SPECIFIERS.map((s): [string, TypeTag] => [l + s, 'integer'])),
]);

/**
 * format_specifier_re: `%-?[0-9]*(\.[0-9]+)?` and one conversion. Longer conversions come first
 * so an alternation never stops at a prefix (`%rx` is one conversion, not `%r` and text).
 */
export const FORMAT_SPECIFIER_RE = new RegExp(
  `%-?[0-9]*(\\.[0-9]+)?(${[...PRINTF_FORMAT_TYPES.keys()].sort((a, b) => b.length - a.length).join('|')})`,
  'g',
);

/** Types printed through `%s`: symbols, stacks and the other values userspace renders as text. */
const PRINTED_AS_STRING = new Set<TypeTag>(['ksym', 'usym', 'probe', 'username', 'kstack', 'ustack', 'inet', 'timestamp', 'mac_address', 'cgroup_path', 'strerror']);

/** The error for `fmt` with arguments of types `args`, or '' when they match. */
export function validateFormatString(fmt: string, args: readonly SizedType[], callFunc: string): string {
  const tokens = [...fmt.matchAll(FORMAT_SPECIFIER_RE)].map((m) => m[0]);
  if (args.length < tokens.length) {
    return `${callFunc}: Not enough arguments for format string (${args.length} supplied, ${tokens.length} expected)\n`;
  }
  if (args.length > tokens.length) {
    return `${callFunc}: Too many arguments for format string (${args.length} supplied, ${tokens.length} expected)\n`;
  }
  for (let i = 0; i < args.length; i++) {
    let argType = args[i]!.type;
    if (PRINTED_AS_STRING.has(argType)) argType = 'string';
    if (argType === 'pointer') argType = 'integer';
    const tok = tokens[i]!;
    let offset = 1;
    if (tok[offset] === '-') offset++;
    while (offset < tok.length && ((tok[offset]! >= '0' && tok[offset]! <= '9') || tok[offset] === '.')) offset++;
    const conv = tok.slice(offset);
    const want = PRINTF_FORMAT_TYPES.get(conv);
    if (!want) return `${callFunc}: Unknown format string token: %${conv}\n`;
    if (argType !== want) {
      return `${callFunc}: %${conv} specifier expects a value of type ${typestr(want)} (${typestr(argType)} supplied)\n`;
    }
  }
  return '';
}
