// uniq: each run of adjacent equal lines once (-i ignoring case); -c counts them, -d prints only
// repeated ones, -u only unrepeated ones.

import { getopt, usageError } from './getopt.js';
import { quote, readOperand, splitLines, strerror, type UtilIo } from './io.js';

const LONG = [
  { name: 'count', key: 'c', arg: false }, { name: 'repeated', key: 'd', arg: false },
  { name: 'unique', key: 'u', arg: false }, { name: 'ignore-case', key: 'i', arg: false },
];

export function uniq(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  const parsed = getopt(prog, argv.slice(1), 'cdui', LONG);
  if ('error' in parsed) {
    io.stderr(usageError(prog, parsed.error));
    return 1;
  }
  const flags = new Set(parsed.options.map((o) => o.key));
  const [input = '-', output, extra] = parsed.operands;
  if (extra !== undefined) {
    io.stderr(usageError(prog, `${prog}: extra operand ${quote(extra)}`));
    return 1;
  }
  if (output !== undefined) {
    // Writing a file is the shell's business here: `uniq in > out` does it.
    io.stderr(`${prog}: an OUTPUT operand is not supported: redirect standard output instead\n`);
    return 1;
  }
  const text = readOperand(input, io);
  if (typeof text !== 'string') {
    io.stderr(text.errno === 'EISDIR' ? `${prog}: error reading ${quote(input)}\n` : `${prog}: ${quote(input, false)}: ${strerror(text.errno)}\n`);
    return 1;
  }
  const same = flags.has('i') ? (a: string, b: string) => a.toLowerCase() === b.toLowerCase() : (a: string, b: string) => a === b;
  const lines = splitLines(text).map((l) => (l.endsWith('\n') ? l.slice(0, -1) : l));
  let out = '';
  for (let i = 0; i < lines.length;) {
    let j = i + 1;
    while (j < lines.length && same(lines[i]!, lines[j]!)) j++;
    const n = j - i;
    if (!(flags.has('d') && n === 1) && !(flags.has('u') && n > 1)) {
      out += (flags.has('c') ? `${String(n).padStart(7)} ` : '') + lines[i] + '\n';
    }
    i = j;
  }
  io.stdout(out);
  return 0;
}
