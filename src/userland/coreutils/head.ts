// head: the first lines (-n N, or all but the last N with -n -N) or bytes (-c) of each file, with
// `==> name <==` headers when there are several (-q never, -v always); -NUM is -n NUM.

import { getopt, parseCount, usageError } from './getopt.js';
import { byteLength, quote, readOperand, sliceBytes, splitLines, strerror, type UtilIo } from './io.js';

const LONG = [
  { name: 'bytes', key: 'c', arg: true }, { name: 'lines', key: 'n', arg: true }, { name: 'quiet', key: 'q', arg: false },
  { name: 'silent', key: 'q', arg: false }, { name: 'verbose', key: 'v', arg: false }, { name: 'zero-terminated', key: 'z', arg: false },
];

/** A count option's value: how many, and whether it counts from the end (`-N`: all but the last N). */
export interface Count {
  bytes: boolean;
  n: number;
  /** head: a leading '-' (all but the last N); tail: a leading '+' (from the Nth on). */
  signed: boolean;
}

/** The value of -n or -c: `invalid number of lines: 'x'` if it is not a count. */
export function parseCountOption(value: string, bytes: boolean, sign: '-' | '+'): Count | string {
  const signed = value.startsWith(sign);
  const n = parseCount(value.startsWith('-') ? value.slice(1) : value);
  if (n === null) return `invalid number of ${bytes ? 'bytes' : 'lines'}: ${quote(value)}`;
  return { bytes, n, signed };
}

/** The `==> name <==` line before a file's part when several are shown, after a blank line but for the first. */
export function header(name: string, first: boolean): string {
  return `${first ? '' : '\n'}==> ${name === '-' ? 'standard input' : name} <==\n`;
}

/** Why a file could not be read, in head's and tail's words. */
export function openError(prog: string, name: string, errno: Parameters<typeof strerror>[0]): string {
  const what = errno === 'EISDIR' ? 'error reading' : 'cannot open';
  return `${prog}: ${what} ${quote(name === '-' ? 'standard input' : name)}${errno === 'EISDIR' ? '' : ' for reading'}: ${strerror(errno)}\n`;
}

export function head(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  let args = argv.slice(1);
  let count: Count = { bytes: false, n: 10, signed: false };
  let headers: boolean | null = null;
  let delim = '\n';
  // The old `head -NUM[bkm][cqv]` form, as the first argument.
  const old = /^-([0-9]+)([bkm]?)([cqvlz]*)$/.exec(args[0] ?? '');
  if (old) {
    const n = parseCount(old[1]! + old[2]!)!;
    const letters = old[3]!;
    count = { bytes: letters.includes('c'), n, signed: false };
    if (letters.includes('q')) headers = false;
    if (letters.includes('v')) headers = true;
    if (letters.includes('z')) delim = '\0';
    args = args.slice(1);
  }
  const parsed = getopt(prog, args, 'c:n:qvz', LONG);
  if ('error' in parsed) {
    io.stderr(usageError(prog, parsed.error));
    return 1;
  }
  for (const { key, value } of parsed.options) {
    if (key === 'c' || key === 'n') {
      const c = parseCountOption(value!, key === 'c', '-');
      if (typeof c === 'string') {
        io.stderr(`${prog}: ${c}\n`);
        return 1;
      }
      count = c;
    } else if (key === 'q') headers = false;
    else if (key === 'v') headers = true;
    else if (key === 'z') delim = '\0';
  }
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
    io.stdout(headOf(text, count, delim));
  }
  return status;
}

function headOf(text: string, c: Count, delim: string): string {
  if (c.bytes) return sliceBytes(text, 0, c.signed ? Math.max(0, byteLength(text) - c.n) : c.n);
  const lines = splitLines(text, delim);
  return (c.signed ? lines.slice(0, Math.max(0, lines.length - c.n)) : lines.slice(0, c.n)).join('');
}
