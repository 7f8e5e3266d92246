// grep: the lines of files that match patterns, POSIX basic regexes by default (-E extended,
// -F fixed strings), with GNU's options: -i -v -w -x, -c -l -L -q -o -m, -n -H -h, context (-A, -B,
// -C, -NUM) with `--` between groups, -e/-f for several patterns, -s, -a. A file with a NUL byte
// is binary: a match is reported, not printed. Exit status 0 if a line was selected (-L too), 1 if
// none, 2 on an error (even with a match, unless -q found one). Text is matched as characters, as
// in a UTF-8 locale (`.` is `é`, -i folds `É`), where GNU in the C locale sees bytes.

import { getopt } from './getopt.js';
import { readOperand, splitLines, strerror, type UtilIo } from './io.js';
import { translatePosix } from './regex.js';

const LONG = [
  { name: 'extended-regexp', key: 'E', arg: false }, { name: 'fixed-strings', key: 'F', arg: false },
  { name: 'basic-regexp', key: 'G', arg: false }, { name: 'perl-regexp', key: 'P', arg: false },
  { name: 'regexp', key: 'e', arg: true }, { name: 'file', key: 'f', arg: true },
  { name: 'ignore-case', key: 'i', arg: false }, { name: 'no-ignore-case', key: 'no-ignore-case', arg: false },
  { name: 'invert-match', key: 'v', arg: false }, { name: 'word-regexp', key: 'w', arg: false },
  { name: 'line-regexp', key: 'x', arg: false }, { name: 'count', key: 'c', arg: false },
  { name: 'files-with-matches', key: 'l', arg: false }, { name: 'files-without-match', key: 'L', arg: false },
  { name: 'max-count', key: 'm', arg: true }, { name: 'only-matching', key: 'o', arg: false },
  { name: 'quiet', key: 'q', arg: false }, { name: 'silent', key: 'q', arg: false }, { name: 'no-messages', key: 's', arg: false },
  { name: 'with-filename', key: 'H', arg: false }, { name: 'no-filename', key: 'h', arg: false },
  { name: 'line-number', key: 'n', arg: false }, { name: 'after-context', key: 'A', arg: true },
  { name: 'before-context', key: 'B', arg: true }, { name: 'context', key: 'C', arg: true },
  { name: 'text', key: 'a', arg: false }, { name: 'group-separator', key: 'group-separator', arg: true },
  { name: 'no-group-separator', key: 'no-group-separator', arg: false },
  { name: 'color', key: 'color', arg: 'optional' }, { name: 'colour', key: 'color', arg: 'optional' },
  { name: 'recursive', key: 'r', arg: false }, { name: 'dereference-recursive', key: 'R', arg: false },
] as const;

const USAGE = 'Usage: grep [OPTION]... PATTERNS [FILE]...\nTry \'grep --help\' for more information.\n';
const WORD = 'A-Za-z0-9_';

interface Matcher {
  test: RegExp;
  /** Finds each match in turn, for -o. */
  all: RegExp;
  /** The matches of several patterns or alternatives may not be POSIX's longest as JavaScript finds them. */
  longest: boolean;
  source: string;
  flags: string;
}

/** The longest match starting at START (POSIX's rule), given that one ends at END. */
function longestAt(m: Matcher, line: string, start: number, end: number, cache: Map<number, RegExp>): number {
  for (let e = line.length; e > end; e--) {
    let re = cache.get(e);
    if (re === undefined) {
      re = new RegExp(`(?:${m.source})(?<=^[\\s\\S]{${e}})`, m.flags + 'y');
      cache.set(e, re);
    }
    re.lastIndex = start;
    if (re.test(line)) return e;
  }
  return end;
}

export function grep(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  const parsed = getopt(prog, argv.slice(1), 'EFGPe:f:iyvwxclLm:oqsHhnA:B:C:aRr#', LONG);
  if ('error' in parsed) {
    io.stderr(`${parsed.error}\n${USAGE}`);
    return 2;
  }
  let syntax: 'G' | 'E' | 'F' = 'G';
  const patterns: string[] = [];
  let patternsGiven = false;
  let ignoreCase = false;
  const o = { invert: false, word: false, line: false, count: false, list: false, listMissing: false, only: false, quiet: false, silent: false, lineNumbers: false, text: false };
  let withName: boolean | null = null;
  let maxCount = Infinity;
  let after = -1;
  let before = -1;
  let separator: string | null = '--';
  for (const { key, value } of parsed.options) {
    switch (key) {
      case 'E': case 'F': case 'G': syntax = key; break;
      case 'P':
        io.stderr(`${prog}: Perl matching not supported in a --disable-perl-regexp build\n`);
        return 2;
      case 'r': case 'R':
        io.stderr(`${prog}: option '-${key}' is not supported: name the files to search\n`);
        return 2;
      case 'e': patterns.push(...value!.split('\n')); patternsGiven = true; break;
      case 'f': {
        const text = io.readFile(value!);
        if (typeof text !== 'string') {
          io.stderr(`${prog}: ${value}: ${strerror(text.errno)}\n`);
          return 2;
        }
        patterns.push(...splitLines(text).map((l) => l.replace(/\n$/, '')));
        patternsGiven = true;
        break;
      }
      case 'i': case 'y': ignoreCase = true; break;
      case 'no-ignore-case': ignoreCase = false; break;
      case 'v': o.invert = true; break;
      case 'w': o.word = true; break;
      case 'x': o.line = true; break;
      case 'c': o.count = true; break;
      case 'l': o.list = true; break;
      case 'L': o.listMissing = true; break;
      case 'o': o.only = true; break;
      case 'q': o.quiet = true; break;
      case 's': o.silent = true; break;
      case 'n': o.lineNumbers = true; break;
      case 'a': o.text = true; break;
      case 'H': withName = true; break;
      case 'h': withName = false; break;
      case 'm': {
        if (!/^[0-9]+$/.test(value!)) {
          io.stderr(`${prog}: invalid max count\n`);
          return 2;
        }
        maxCount = Number(value);
        break;
      }
      // -NUM is -C NUM.
      case 'A': case 'B': case 'C': case '#': {
        if (!/^[0-9]+$/.test(value!)) {
          io.stderr(`${prog}: ${value}: invalid context length argument\n`);
          return 2;
        }
        const n = Number(value);
        if (key !== 'B') after = n;
        if (key !== 'A') before = n;
        break;
      }
      case 'group-separator': separator = value!; break;
      case 'no-group-separator': separator = null; break;
    }
  }
  const operands = [...parsed.operands];
  if (!patternsGiven) {
    if (operands.length === 0) {
      io.stderr(USAGE);
      return 2;
    }
    patterns.push(...operands.shift()!.split('\n'));
  }
  const matcher = compile(patterns, syntax, ignoreCase, o.word, o.line, prog, io);
  if (matcher === null) return 2;

  const files = operands.length > 0 ? operands : ['-'];
  const showName = withName ?? files.length > 1;
  const contextGiven = after >= 0 || before >= 0;
  const [A, B] = [Math.max(after, 0), Math.max(before, 0)];
  let selectedAny = false;
  let error = false;
  let printedAny = false;
  let out = '';
  for (const file of files) {
    const name = file === '-' ? '(standard input)' : file;
    const text = readOperand(file, io);
    if (typeof text !== 'string') {
      if (!o.silent) {
        io.stdout(out);
        out = '';
        io.stderr(`${prog}: ${name}: ${strerror(text.errno)}\n`);
      }
      error = true;
      continue;
    }
    const binary = !o.text && text.includes('\0');
    const lines = splitLines(text).map((l) => (l.endsWith('\n') ? l.slice(0, -1) : l));
    const prefix = (n: number, sep: string): string => (showName ? name + sep : '') + (o.lineNumbers ? `${n + 1}${sep}` : '');
    const printsLines = !o.count && !o.list && !o.listMissing && !o.quiet;
    let count = 0;
    let lastPrinted = -1;
    let afterLeft = 0;
    const cache = new Map<number, RegExp>();
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (count < maxCount && matcher.test.test(line) !== o.invert) {
        count++;
        selectedAny = true;
        if (o.quiet) {
          io.stdout(out);
          return 0;
        }
        if (o.list || o.listMissing) break;
        if (!printsLines) continue;
        if (binary) {
          io.stdout(out);
          out = '';
          io.stderr(`${prog}: ${name}: binary file matches\n`);
          break;
        }
        const from = Math.max(lastPrinted + 1, i - B);
        if (contextGiven && printedAny && separator !== null && (lastPrinted < 0 || from > lastPrinted + 1)) out += separator + '\n';
        if (!o.only) for (let j = from; j < i; j++) out += prefix(j, '-') + lines[j] + '\n';
        if (o.only && !o.invert) out += onlyMatches(matcher, line, (s) => prefix(i, ':') + s + '\n', cache);
        else if (!o.only) out += prefix(i, ':') + line + '\n';
        lastPrinted = i;
        printedAny = true;
        afterLeft = A;
      } else if (afterLeft > 0 && printsLines && !binary) {
        if (!o.only) out += prefix(i, '-') + line + '\n';
        lastPrinted = i;
        afterLeft--;
      }
      if (count >= maxCount && afterLeft === 0) break;
    }
    if (o.count && !o.list && !o.listMissing) out += (showName ? `${name}:` : '') + count + '\n';
    if ((o.list && count > 0) || (o.listMissing && count === 0)) out += name + '\n';
    if (out.length > 65536) {
      io.stdout(out);
      out = '';
    }
  }
  io.stdout(out);
  if (error && !(o.quiet && selectedAny)) return 2;
  return selectedAny ? 0 : 1;
}

/** Each non-empty match in LINE, leftmost first, longest at each place, formatted by SHOW. */
function onlyMatches(m: Matcher, line: string, show: (s: string) => string, cache: Map<number, RegExp>): string {
  let out = '';
  m.all.lastIndex = 0;
  for (let r = m.all.exec(line); r !== null; r = m.all.exec(line)) {
    let end = r.index + r[0].length;
    if (m.longest) end = longestAt(m, line, r.index, end, cache);
    if (end === r.index) {
      m.all.lastIndex = r.index + 1;
      continue;
    }
    out += show(line.slice(r.index, end));
    m.all.lastIndex = end;
  }
  return out;
}

function compile(patterns: string[], syntax: 'G' | 'E' | 'F', ignoreCase: boolean, word: boolean, line: boolean, prog: string, io: UtilIo): Matcher | null {
  const sources: string[] = [];
  let groups = 0;
  let alternation = false;
  for (const p of patterns) {
    let source: string;
    if (syntax === 'F') source = [...p].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    else {
      const t = translatePosix(p, syntax === 'E', groups);
      if ('error' in t) {
        io.stderr(`${prog}: ${t.error}\n`);
        return null;
      }
      for (const w of t.warnings) io.stderr(`${prog}: warning: ${w}\n`);
      source = t.source;
      groups += t.groups;
      alternation ||= t.alternation;
    }
    if (line) source = `^(?:${source})$`;
    else if (word) source = `(?<![${WORD}])(?:${source})(?![${WORD}])`;
    sources.push(source);
  }
  // No pattern at all (an empty -f file) selects nothing.
  const source = sources.length === 0 ? '(?!)' : sources.map((s) => `(?:${s})`).join('|');
  const flags = ignoreCase ? 'i' : '';
  return { test: new RegExp(source, flags), all: new RegExp(source, flags + 'g'), longest: alternation || sources.length > 1, source, flags };
}
