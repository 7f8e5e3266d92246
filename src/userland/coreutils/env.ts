// env: prints the environment, or runs a command in a changed one (-i empties it, -u NAME drops
// a variable, NAME=VALUE sets one); -0 ends each printed entry with NUL.

import { getopt, usageError } from './getopt.js';
import { quote, strerror, type UtilIo } from './io.js';

const LONG = [{ name: 'ignore-environment', key: 'i', arg: false }, { name: 'null', key: '0', arg: false }, { name: 'unset', key: 'u', arg: true }];

export function env(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  // A lone `-` is the old spelling of -i.
  const args = argv.slice(1).map((a, i) => (a === '-' && i === 0 ? '-i' : a));
  const parsed = getopt(prog, args, '+i0u:', LONG);
  if ('error' in parsed) {
    io.stderr(usageError(prog, parsed.error));
    return 125;
  }
  let environ = [...io.environ];
  let end = '\n';
  for (const { key, value } of parsed.options) {
    if (key === 'i') environ = [];
    else if (key === '0') end = '\0';
    else environ = environ.filter((e) => e.slice(0, e.indexOf('=')) !== value);
  }
  const operands = parsed.operands;
  let i = 0;
  for (; i < operands.length && operands[i]!.includes('='); i++) {
    const name = operands[i]!.slice(0, operands[i]!.indexOf('='));
    const at = environ.findIndex((e) => e.startsWith(name + '='));
    if (at >= 0) environ[at] = operands[i]!;
    else environ.push(operands[i]!);
  }
  if (i === operands.length) {
    io.stdout(environ.map((e) => e + end).join(''));
    return 0;
  }
  const status = io.exec(operands.slice(i), environ);
  if (typeof status === 'number') return status;
  io.stderr(`${prog}: ${quote(operands[i]!)}: ${strerror(status.errno)}\n`);
  return status.errno === 'ENOENT' ? 127 : 126;
}
