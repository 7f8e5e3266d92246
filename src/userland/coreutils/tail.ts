// tail: the last lines (-n N) or bytes (-c N) of each file, or from the Nth on (-n +N), with
// head's headers; -NUM and +NUM are the old forms of -n. It prints and exits: there is no -f.

import { getopt, usageError } from './getopt.js';
import { type Count, header, openError, parseCountOption } from './head.js';
import { byteLength, readOperand, sliceBytes, splitLines, type UtilIo } from './io.js';

const LONG = [
  { name: 'bytes', key: 'c', arg: true }, { name: 'lines', key: 'n', arg: true }, { name: 'quiet', key: 'q', arg: false },
  { name: 'silent', key: 'q', arg: false }, { name: 'verbose', key: 'v', arg: false }, { name: 'zero-terminated', key: 'z', arg: false },
  { name: 'follow', key: 'f', arg: false },
];

export function tail(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  let args = argv.slice(1);
  let count: Count = { bytes: false, n: 10, signed: false };
  // The old `tail -NUM[bcl]` and `tail +NUM[bcl]` forms, as the first argument.
  const old = /^([-+])([0-9]+)([bcl]?)$/.exec(args[0] ?? '');
  if (old) {
    const n = Number(old[2]) * (old[3] === 'b' ? 512 : 1);
    count = { bytes: old[3] === 'c' || old[3] === 'b', n, signed: old[1] === '+' };
    args = args.slice(1);
  }
  const parsed = getopt(prog, args, 'c:n:qvzf', LONG);
  if ('error' in parsed) {
    io.stderr(usageError(prog, parsed.error));
    return 1;
  }
  let headers: boolean | null = null;
  let delim = '\n';
  for (const { key, value } of parsed.options) {
    if (key === 'c' || key === 'n') {
      const c = parseCountOption(value!, key === 'c', '+');
      if (typeof c === 'string') {
        io.stderr(`${prog}: ${c}\n`);
        return 1;
      }
      count = c;
    } else if (key === 'q') headers = false;
    else if (key === 'v') headers = true;
    else if (key === 'z') delim = '\0';
    else if (key === 'f') {
      // Following a file needs a process that waits for more: a utility here runs to its end.
      io.stderr(`${prog}: option '-f' is not supported: this tail prints what the file holds and exits\n`);
      return 1;
    }
  }
  // GNU's tail reads nothing, and opens nothing, when it is to print nothing.
  if (count.n === 0 && !count.signed) return 0;
  const files = parsed.operands.length > 0 ? parsed.operands : ['-'];
  const showHeaders = headers ?? files.length > 1;
  let status = 0;
  let first = true;
  for (const name of files) {
    const text = readOperand(name, io);
    if (typeof text !== 'string') {
      io.stderr(openError(prog, name, text.errno));
      status = 1;
      continue;
    }
    if (showHeaders) io.stdout(header(name, first));
    first = false;
    io.stdout(tailOf(text, count, delim));
  }
  return status;
}

function tailOf(text: string, c: Count, delim: string): string {
  // +N counts from 1; +0 is the same as +1.
  const from = Math.max(0, c.n - 1);
  if (c.bytes) return c.signed ? sliceBytes(text, from) : sliceBytes(text, Math.max(0, byteLength(text) - c.n));
  const lines = splitLines(text, delim);
  return (c.signed ? lines.slice(from) : lines.slice(Math.max(0, lines.length - c.n))).join('');
}
