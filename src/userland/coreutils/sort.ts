// sort: the lines of all files, in the C locale's byte order. -n numeric, -r reversed, -f folds
// case, -b ignores leading blanks, -u keeps the first of equal lines, -s keeps input order among
// equal keys; -k F[.C][bfnr][,F[.C][bfnr]] sorts on fields (blank-separated, or by -t's
// character). Lines equal on every key are ordered by the whole line, unless -s or -u.

import { getopt, usageError } from './getopt.js';
import { quote, readOperand, splitLines, strerror, type UtilIo } from './io.js';

interface Ordering {
  blanksAtStart: boolean;
  blanksAtEnd: boolean;
  fold: boolean;
  numeric: boolean;
  reverse: boolean;
}

/** A -k key: fields and characters counted from 0; `endField` null is the end of the line, `endChar` 0 the end of its field. */
interface Key extends Ordering {
  startField: number;
  startChar: number;
  endField: number | null;
  endChar: number;
}

const LONG = [
  { name: 'ignore-leading-blanks', key: 'b', arg: false }, { name: 'ignore-case', key: 'f', arg: false },
  { name: 'numeric-sort', key: 'n', arg: false }, { name: 'reverse', key: 'r', arg: false }, { name: 'unique', key: 'u', arg: false },
  { name: 'stable', key: 's', arg: false }, { name: 'key', key: 'k', arg: true }, { name: 'field-separator', key: 't', arg: true },
];

const noOrdering = (o: Ordering): boolean => !o.blanksAtStart && !o.blanksAtEnd && !o.fold && !o.numeric && !o.reverse;

/** The letters after a key position, into ORDERING; what is left over. */
function orderingLetters(s: string, o: Ordering, atEnd: boolean): string {
  let i = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === 'b') {
      if (atEnd) o.blanksAtEnd = true;
      else o.blanksAtStart = true;
    } else if (c === 'f') o.fold = true;
    else if (c === 'n') o.numeric = true;
    else if (c === 'r') o.reverse = true;
    else break;
  }
  return s.slice(i);
}

/** A KEYDEF, or GNU's complaint about it. */
function parseKey(spec: string): Key | string {
  const key: Key = { startField: 0, startChar: 0, endField: null, endChar: 0, blanksAtStart: false, blanksAtEnd: false, fold: false, numeric: false, reverse: false };
  const count = (s: string, what: string): [number, string] | string => {
    const m = /^[0-9]+/.exec(s);
    return m ? [Number(m[0]), s.slice(m[0].length)] : `${what}: invalid count at start of ${quote(s)}`;
  };
  let r = count(spec, 'invalid number at field start');
  if (typeof r === 'string') return r;
  let [n, rest] = r;
  if (n === 0) return `field number is zero: invalid field specification ${quote(spec)}`;
  key.startField = n - 1;
  if (rest.startsWith('.')) {
    r = count(rest.slice(1), "invalid number after '.'");
    if (typeof r === 'string') return r;
    [n, rest] = r;
    if (n === 0) return `character offset is zero: invalid field specification ${quote(spec)}`;
    key.startChar = n - 1;
  }
  rest = orderingLetters(rest, key, false);
  if (rest.startsWith(',')) {
    r = count(rest.slice(1), "invalid number after ','");
    if (typeof r === 'string') return r;
    [n, rest] = r;
    if (n === 0) return `field number is zero: invalid field specification ${quote(spec)}`;
    key.endField = n - 1;
    if (rest.startsWith('.')) {
      r = count(rest.slice(1), "invalid number after '.'");
      if (typeof r === 'string') return r;
      [key.endChar, rest] = r;
    }
    rest = orderingLetters(rest, key, true);
  }
  if (rest !== '') return `stray character in field spec: invalid field specification ${quote(spec)}`;
  return key;
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/** Where KEY starts in LINE (GNU's begfield). */
function keyStart(line: string, key: Key, tab: string | null): number {
  let p = 0;
  for (let f = key.startField; f > 0 && p < line.length; f--) {
    if (tab !== null) {
      while (p < line.length && line[p] !== tab) p++;
      if (p < line.length) p++;
    } else {
      while (p < line.length && isBlank(line[p])) p++;
      while (p < line.length && !isBlank(line[p])) p++;
    }
  }
  if (key.blanksAtStart) while (p < line.length && isBlank(line[p])) p++;
  return Math.min(p + key.startChar, line.length);
}

/** Where KEY ends in LINE (GNU's limfield). */
function keyEnd(line: string, key: Key, tab: string | null): number {
  if (key.endField === null) return line.length;
  let p = 0;
  let fields = key.endField + (key.endChar === 0 ? 1 : 0);
  while (p < line.length && fields-- > 0) {
    if (tab !== null) {
      while (p < line.length && line[p] !== tab) p++;
      if (p < line.length && (fields > 0 || key.endChar !== 0)) p++;
    } else {
      while (p < line.length && isBlank(line[p])) p++;
      while (p < line.length && !isBlank(line[p])) p++;
    }
  }
  if (key.endChar !== 0) {
    if (key.blanksAtEnd) while (p < line.length && isBlank(line[p])) p++;
    p = Math.min(line.length, p + key.endChar);
  }
  return p;
}

/** A number as -n reads the start of a key: blanks, a sign, digits, a fraction; anything else is 0. */
function numericValue(s: string): number {
  const m = /^[ \t]*(-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))/.exec(s);
  return m ? Number(m[1]) : 0;
}

const fold = (s: string): string => s.replace(/[a-z]/g, (c) => c.toUpperCase());
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function sort(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  const parsed = getopt(prog, argv.slice(1), 'bfnrusk:t:', LONG);
  if ('error' in parsed) {
    io.stderr(usageError(prog, parsed.error));
    return 2;
  }
  const global: Ordering = { blanksAtStart: false, blanksAtEnd: false, fold: false, numeric: false, reverse: false };
  const keys: Key[] = [];
  let tab: string | null = null;
  let unique = false;
  let stable = false;
  for (const { key, value } of parsed.options) {
    if (key === 'b') global.blanksAtStart = global.blanksAtEnd = true;
    else if (key === 'f') global.fold = true;
    else if (key === 'n') global.numeric = true;
    else if (key === 'r') global.reverse = true;
    else if (key === 'u') unique = true;
    else if (key === 's') stable = true;
    else if (key === 't') {
      if (value!.length !== 1) {
        io.stderr(`${prog}: ${value === '' ? 'empty tab' : `multi-character tab ${quote(value!)}`}\n`);
        return 2;
      }
      if (tab !== null && tab !== value) {
        io.stderr(`${prog}: incompatible tabs\n`);
        return 2;
      }
      tab = value!;
    } else {
      const k = parseKey(value!);
      if (typeof k === 'string') {
        io.stderr(`${prog}: ${k}\n`);
        return 2;
      }
      keys.push(k);
    }
  }
  // Keys without options of their own take the global ones; with no key, the whole line is one.
  for (const k of keys) if (noOrdering(k)) Object.assign(k, global);
  if (keys.length === 0) keys.push({ ...global, startField: 0, startChar: 0, endField: null, endChar: 0 });

  const lines: string[] = [];
  for (const name of parsed.operands.length > 0 ? parsed.operands : ['-']) {
    const text = readOperand(name, io);
    if (typeof text !== 'string') {
      const what = text.errno === 'EISDIR' ? 'read failed' : 'cannot read';
      io.stderr(`${prog}: ${what}: ${quote(name, false)}: ${strerror(text.errno)}\n`);
      return 2;
    }
    for (const l of splitLines(text)) lines.push(l.endsWith('\n') ? l.slice(0, -1) : l);
  }

  const compareKeys = (a: string, b: string): number => {
    for (const k of keys) {
      let ka = a.slice(keyStart(a, k, tab), Math.max(keyStart(a, k, tab), keyEnd(a, k, tab)));
      let kb = b.slice(keyStart(b, k, tab), Math.max(keyStart(b, k, tab), keyEnd(b, k, tab)));
      let c: number;
      if (k.numeric) c = Math.sign(numericValue(ka) - numericValue(kb));
      else {
        if (k.fold) [ka, kb] = [fold(ka), fold(kb)];
        c = compareText(ka, kb);
      }
      if (c !== 0) return k.reverse ? -c : c;
    }
    return 0;
  };
  const lastResort = !unique && !stable;
  lines.sort((a, b) => compareKeys(a, b) || (lastResort ? (global.reverse ? -compareText(a, b) : compareText(a, b)) : 0));
  const kept = unique ? lines.filter((l, i) => i === 0 || compareKeys(lines[i - 1]!, l) !== 0) : lines;
  io.stdout(kept.map((l) => l + '\n').join(''));
  return 0;
}
