// whoami: the name of the effective user, from /etc/passwd.

import { getopt, usageError } from './getopt.js';
import { quote, type UtilIo } from './io.js';
import { getpwuid } from './passwd.js';

export function whoami(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  const parsed = getopt(prog, argv.slice(1), '');
  if ('error' in parsed) {
    io.stderr(usageError(prog, parsed.error));
    return 1;
  }
  if (parsed.operands.length > 0) {
    io.stderr(usageError(prog, `${prog}: extra operand ${quote(parsed.operands[0]!)}`));
    return 1;
  }
  const pw = getpwuid(io, io.uid);
  if (!pw) {
    io.stderr(`${prog}: cannot find name for user ID ${io.uid}\n`);
    return 1;
  }
  io.stdout(`${pw.name}\n`);
  return 0;
}
