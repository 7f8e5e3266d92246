// dirname: each name without its last component ('.' if that leaves nothing); -z ends each with NUL.

import { getopt, usageError } from './getopt.js';
import type { UtilIo } from './io.js';

export function dirname(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  const parsed = getopt(prog, argv.slice(1), 'z', [{ name: 'zero', key: 'z', arg: false }]);
  if ('error' in parsed) {
    io.stderr(usageError(prog, parsed.error));
    return 1;
  }
  if (parsed.operands.length === 0) {
    io.stderr(usageError(prog, `${prog}: missing operand`));
    return 1;
  }
  const end = parsed.options.length > 0 ? '\0' : '\n';
  io.stdout(parsed.operands.map((n) => dirOf(n) + end).join(''));
  return 0;
}

function dirOf(name: string): string {
  const trimmed = name.replace(/\/+$/, '');
  if (trimmed === '') return name.startsWith('/') ? '/' : '.';
  const slash = trimmed.lastIndexOf('/');
  if (slash < 0) return '.';
  return trimmed.slice(0, slash).replace(/\/+$/, '') || '/';
}
