// basename: a name without its directories (and without SUFFIX, given after it or with -s);
// -a takes several names, -z ends each with NUL instead of a newline.

import { getopt, usageError } from './getopt.js';
import { quote, type UtilIo } from './io.js';

const LONG = [{ name: 'multiple', key: 'a', arg: false }, { name: 'suffix', key: 's', arg: true }, { name: 'zero', key: 'z', arg: false }];

export function basename(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  const parsed = getopt(prog, argv.slice(1), 'as:z', LONG);
  if ('error' in parsed) {
    io.stderr(usageError(prog, parsed.error));
    return 1;
  }
  let multiple = false;
  let suffix = '';
  let end = '\n';
  for (const { key, value } of parsed.options) {
    if (key === 'a') multiple = true;
    else if (key === 's') {
      multiple = true;
      suffix = value!;
    } else end = '\0';
  }
  const names = parsed.operands;
  if (names.length === 0) {
    io.stderr(usageError(prog, `${prog}: missing operand`));
    return 1;
  }
  if (!multiple) {
    if (names.length > 2) {
      io.stderr(usageError(prog, `${prog}: extra operand ${quote(names[2]!)}`));
      return 1;
    }
    suffix = names[1] ?? '';
    names.length = 1;
  }
  io.stdout(names.map((n) => baseOf(n, suffix) + end).join(''));
  return 0;
}

function baseOf(name: string, suffix: string): string {
  const trimmed = name.replace(/\/+$/, '');
  if (trimmed === '' && name !== '') return '/';
  const base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return suffix !== '' && base !== suffix && base.endsWith(suffix) ? base.slice(0, -suffix.length) : base;
}
