// printenv: the whole environment, or the values of the variables named (status 1 if one is unset).

import { getopt, usageError } from './getopt.js';
import type { UtilIo } from './io.js';

export function printenv(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  const parsed = getopt(prog, argv.slice(1), '0', [{ name: 'null', key: '0', arg: false }]);
  if ('error' in parsed) {
    io.stderr(usageError(prog, parsed.error));
    return 2;
  }
  const end = parsed.options.length > 0 ? '\0' : '\n';
  if (parsed.operands.length === 0) {
    io.stdout(io.environ.map((e) => e + end).join(''));
    return 0;
  }
  let status = 0;
  for (const name of parsed.operands) {
    const entry = name.includes('=') ? undefined : io.environ.find((e) => e.startsWith(name + '='));
    if (entry === undefined) status = 1;
    else io.stdout(entry.slice(name.length + 1) + end);
  }
  return status;
}
