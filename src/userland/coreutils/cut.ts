// cut: selected fields (-f, split on -d's character, a tab by default), characters (-c) or bytes
// (-b) of each line. LIST is N, N-M, N- and -M, separated by commas; -s drops lines without the
// delimiter, --complement selects the rest, --output-delimiter joins what is selected.

import { getopt, usageError } from './getopt.js';
import { quote, readOperand, splitLines, strerror, type UtilIo } from './io.js';

const LONG = [
  { name: 'bytes', key: 'b', arg: true }, { name: 'characters', key: 'c', arg: true }, { name: 'fields', key: 'f', arg: true },
  { name: 'delimiter', key: 'd', arg: true }, { name: 'only-delimited', key: 's', arg: false },
  { name: 'complement', key: 'complement', arg: false }, { name: 'output-delimiter', key: 'output-delimiter', arg: true },
];

/** Ranges of 1-based positions, inclusive; Infinity for an open end. */
type Ranges = [number, number][];

function parseList(list: string, fields: boolean): Ranges | string {
  const ranges: Ranges = [];
  const what = fields ? 'fields are numbered from 1' : 'byte/character positions are numbered from 1';
  if (list === '') return what;
  for (const item of list.split(/[, ]/)) {
    const m = /^([0-9]*)(-?)([0-9]*)$/.exec(item);
    if (!m || (m[1] === '' && m[3] === '')) {
      if (m && m[2] === '-') return `invalid range with no endpoint: -`;
      return fields ? `invalid field value ${quote(item)}` : `invalid byte/character position ${quote(item)}`;
    }
    const lo = m[1] === '' ? 1 : Number(m[1]);
    const hi = m[2] === '' ? lo : m[3] === '' ? Infinity : Number(m[3]);
    if (lo === 0 || hi === 0) return what;
    if (hi < lo) return 'invalid decreasing range';
    ranges.push([lo, hi]);
  }
  return ranges;
}

export function cut(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  const parsed = getopt(prog, argv.slice(1), 'b:c:f:d:sn', LONG);
  const fail = (msg: string): number => {
    io.stderr(usageError(prog, msg));
    return 1;
  };
  if ('error' in parsed) return fail(parsed.error);
  let mode: 'b' | 'c' | 'f' | null = null;
  let list = '';
  let delim: string | null = null;
  let outDelim: string | null = null;
  let onlyDelimited = false;
  let complement = false;
  for (const { key, value } of parsed.options) {
    if (key === 'b' || key === 'c' || key === 'f') {
      if (mode !== null) return fail(`${prog}: only one list may be specified`);
      mode = key;
      list = value!;
    } else if (key === 'd') {
      if (value!.length > 1) return fail(`${prog}: the delimiter must be a single character`);
      delim = value!;
    } else if (key === 's') onlyDelimited = true;
    else if (key === 'complement') complement = true;
    else if (key === 'output-delimiter') outDelim = value!;
  }
  if (mode === null) return fail(`${prog}: you must specify a list of bytes, characters, or fields`);
  if (mode !== 'f' && delim !== null) return fail(`${prog}: an input delimiter may be specified only when operating on fields`);
  if (mode !== 'f' && onlyDelimited) return fail(`${prog}: suppressing non-delimited lines makes sense\n\tonly when operating on fields`);
  const ranges = parseList(list, mode === 'f');
  if (typeof ranges === 'string') return fail(`${prog}: ${ranges}`);
  const selected = (n: number): boolean => ranges.some(([lo, hi]) => n >= lo && n <= hi) !== complement;
  const sep = delim === '' ? '\0' : delim ?? '\t';

  let status = 0;
  for (const name of parsed.operands.length > 0 ? parsed.operands : ['-']) {
    const text = readOperand(name, io);
    if (typeof text !== 'string') {
      io.stderr(`${prog}: ${quote(name, false)}: ${strerror(text.errno)}\n`);
      status = 1;
      continue;
    }
    let out = '';
    for (const raw of splitLines(text)) {
      const line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
      if (mode === 'f') {
        if (!line.includes(sep)) {
          if (!onlyDelimited) out += line + '\n';
          continue;
        }
        out += line.split(sep).filter((_, i) => selected(i + 1)).join(outDelim ?? sep) + '\n';
        continue;
      }
      const units = mode === 'c' ? [...line] : [...new TextEncoder().encode(line)];
      const picked: (string | number)[] = [];
      let prev = -1;
      units.forEach((u, i) => {
        if (!selected(i + 1)) return;
        if (outDelim !== null && prev >= 0 && prev !== i - 1) picked.push(outDelim);
        picked.push(u);
        prev = i;
      });
      out += (mode === 'c' ? picked.join('') : bytesToText(picked)) + '\n';
    }
    io.stdout(out);
  }
  return status;
}

/** Selected bytes (numbers) and output delimiters (strings) back to text. */
function bytesToText(picked: (string | number)[]): string {
  const decoder = new TextDecoder();
  let out = '';
  let run: number[] = [];
  for (const p of [...picked, '']) {
    if (typeof p === 'number') run.push(p);
    else {
      out += decoder.decode(new Uint8Array(run)) + p;
      run = [];
    }
  }
  return out;
}
