// wc: newlines, words and bytes (-l, -w, -c; all three by default, always in that order) of each
// file and their total. Columns are as wide as GNU makes them before reading anything: the digits
// of the regular files' summed sizes, at least 7 if an input is not a regular file (a pipe, a
// directory), and no padding at all for one count of one input.

import { getopt, usageError } from './getopt.js';
import { byteLength, quote, readOperand, strerror, type UtilIo } from './io.js';

const LONG = [{ name: 'bytes', key: 'c', arg: false }, { name: 'lines', key: 'l', arg: false }, { name: 'words', key: 'w', arg: false }];

export function wc(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  const parsed = getopt(prog, argv.slice(1), 'clw', LONG);
  if ('error' in parsed) {
    io.stderr(usageError(prog, parsed.error));
    return 1;
  }
  const keys = new Set(parsed.options.map((o) => o.key));
  const show = keys.size === 0 ? ['l', 'w', 'c'] : ['l', 'w', 'c'].filter((k) => keys.has(k));
  const files = parsed.operands.length > 0 ? parsed.operands : ['-'];
  const width = files.length === 1 && show.length === 1 ? 1 : columnWidth(files, io);
  const line = (counts: Record<string, number>, name: string | null): string =>
    show.map((k) => String(counts[k]).padStart(width)).join(' ') + (name === null ? '' : ` ${name}`) + '\n';
  const total: Record<string, number> = { l: 0, w: 0, c: 0 };
  let status = 0;
  for (const name of files) {
    const text = readOperand(name, io);
    const label = parsed.operands.length > 0 ? name : null;
    if (typeof text !== 'string') {
      io.stderr(`${prog}: ${quote(name, false)}: ${strerror(text.errno)}\n`);
      status = 1;
      // A directory opens, and reading it fails: GNU still prints its (empty) counts.
      if (text.errno === 'EISDIR') io.stdout(line({ l: 0, w: 0, c: 0 }, label));
      continue;
    }
    const counts: Record<string, number> = { l: text.split('\n').length - 1, w: text.split(/[ \t\n\v\f\r]+/).filter((w) => w !== '').length, c: byteLength(text) };
    for (const k of show) total[k] = total[k]! + counts[k]!;
    io.stdout(line(counts, label));
  }
  if (files.length > 1) io.stdout(line(total, 'total'));
  return status;
}

function columnWidth(files: string[], io: UtilIo): number {
  let minimum = 1;
  let regular = 0;
  for (const name of files) {
    const st = io.stat(name === '-' ? null : name);
    if ('errno' in st) continue;
    if (st.type === 'file') regular += st.size;
    else minimum = 7;
  }
  return Math.max(String(regular).length, minimum);
}
