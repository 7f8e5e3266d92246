// dirname: each name without its last component ('.' if that leaves nothing); -z ends each with NUL.

import { getoptOperands } from './getopt.js';
import type { UtilIo } from './io.js';

export function dirname(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  const parsed = getoptOperands(prog, argv.slice(1), 'z', [{ name: 'zero', key: 'z', arg: false }], (e) => io.stderr(e));
  if (!parsed) return 1;
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
