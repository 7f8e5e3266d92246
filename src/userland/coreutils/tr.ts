// tr: translates standard input's characters in SET1 to those in SET2 (-c: those not in SET1),
// deletes them (-d), squeezes repeats (-s). Sets take ranges (a-z), escapes (\n, \101) and the
// C locale's classes ([:lower:]); SET2 is padded with its last character.

import { getopt, usageError } from './getopt.js';
import { quote, type UtilIo } from './io.js';

const LONG = [
  { name: 'complement', key: 'c', arg: false }, { name: 'delete', key: 'd', arg: false },
  { name: 'squeeze-repeats', key: 's', arg: false }, { name: 'truncate-set1', key: 't', arg: false },
];

const range = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i));
const CLASSES: Record<string, string[]> = {
  upper: range(65, 90), lower: range(97, 122), digit: range(48, 57),
  alpha: [...range(65, 90), ...range(97, 122)], alnum: [...range(48, 57), ...range(65, 90), ...range(97, 122)],
  space: ['\t', '\n', '\v', '\f', '\r', ' '], blank: ['\t', ' '], cntrl: [...range(0, 31), '\x7f'],
  print: range(32, 126), graph: range(33, 126), xdigit: [...range(48, 57), ...range(65, 70), ...range(97, 102)],
  punct: [...range(33, 47), ...range(58, 64), ...range(91, 96), ...range(123, 126)],
};

interface CharSet {
  chars: string[];
  /** Where [:upper:] and [:lower:] stand in CHARS, to check SET2's against SET1's. */
  cases: { at: number; name: string }[];
  /** Any other class, which SET2 may not have. */
  otherClass: boolean;
  /** A [=c=], which SET2 may not have. */
  equivalence: boolean;
  /** The set ends with a class, which SET2 may not if it has to be padded. */
  endsWithClass: boolean;
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** A set's text as characters, or tr's complaint. */
function parseSet(s: string): CharSet | string {
  // First the escapes, each character marked as written (a `-` from `\-` is no range).
  const atoms: { c: string; escaped: boolean }[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\' || i + 1 === s.length) {
      atoms.push({ c: s[i]!, escaped: false });
      continue;
    }
    const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1));
    if (oct) {
      atoms.push({ c: String.fromCharCode(parseInt(oct[0], 8) & 0xff), escaped: true });
      i += oct[0].length;
    } else {
      atoms.push({ c: ESCAPES[s[i + 1]!] ?? s[i + 1]!, escaped: true });
      i++;
    }
  }
  const set: CharSet = { chars: [], cases: [], otherClass: false, equivalence: false, endsWithClass: false };
  for (let i = 0; i < atoms.length; i++) {
    const a = atoms[i]!;
    const rest = atoms.slice(i).map((x) => (x.escaped ? '\0' : x.c)).join('');
    const cls = /^\[:([a-z]+):\]/.exec(rest);
    if (!a.escaped && cls && CLASSES[cls[1]!]) {
      if (cls[1] === 'upper' || cls[1] === 'lower') set.cases.push({ at: set.chars.length, name: cls[1] });
      else set.otherClass = true;
      set.chars.push(...CLASSES[cls[1]!]!);
      i += cls[0].length - 1;
      set.endsWithClass = i === atoms.length - 1;
      continue;
    }
    const eq = /^\[=(.)=\]/.exec(rest);
    if (!a.escaped && eq) {
      set.chars.push(atoms[i + 2]!.c);
      set.equivalence = true;
      i += 4;
      continue;
    }
    const dash = atoms[i + 1];
    const end = atoms[i + 2];
    if (dash && !dash.escaped && dash.c === '-' && end) {
      if (end.c < a.c) {
        const text = `${a.escaped ? '\\' + a.c.charCodeAt(0).toString(8).padStart(3, '0') : a.c}-${end.escaped ? '\\' + end.c.charCodeAt(0).toString(8).padStart(3, '0') : end.c}`;
        return `range-endpoints of ${quote(text)} are in reverse collating sequence order`;
      }
      set.chars.push(...range(a.c.charCodeAt(0), end.c.charCodeAt(0)));
      i += 2;
      continue;
    }
    set.chars.push(a.c);
  }
  return set;
}

export function tr(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  const parsed = getopt(prog, argv.slice(1), 'cCdst', LONG);
  if ('error' in parsed) {
    io.stderr(usageError(prog, parsed.error));
    return 1;
  }
  const flags = new Set(parsed.options.map((o) => (o.key === 'C' ? 'c' : o.key)));
  const ops = parsed.operands;
  const del = flags.has('d');
  const squeeze = flags.has('s');
  const needed = del ? (squeeze ? 2 : 1) : squeeze ? 1 : 2;
  const max = del && !squeeze ? 1 : 2;
  if (ops.length === 0) {
    io.stderr(usageError(prog, `${prog}: missing operand`));
    return 1;
  }
  if (ops.length < needed) {
    const why = del ? 'Two strings must be given when both deleting and squeezing repeats.' : 'Two strings must be given when translating.';
    io.stderr(usageError(prog, `${prog}: missing operand after ${quote(ops[ops.length - 1]!)}\n${why}`));
    return 1;
  }
  if (ops.length > max) {
    const why = max === 1 ? '\nOnly one string may be given when deleting without squeezing repeats.' : '';
    io.stderr(usageError(prog, `${prog}: extra operand ${quote(ops[max]!)}${why}`));
    return 1;
  }
  const sets: CharSet[] = [];
  for (const op of ops) {
    const s = parseSet(op);
    if (typeof s === 'string') {
      io.stderr(`${prog}: ${s}\n`);
      return 1;
    }
    sets.push(s);
  }
  const [set1, set2] = sets as [CharSet, CharSet | undefined];
  const in1 = new Set(set1.chars);
  const member = flags.has('c') ? (c: string) => !in1.has(c) : (c: string) => in1.has(c);
  const input = io.stdin();
  let text = input;
  let squeezeSet: (c: string) => boolean = member;
  if (del) {
    text = [...input].filter((c) => !member(c)).join('');
    if (set2) squeezeSet = ((s) => (c: string) => s.has(c))(new Set(set2.chars));
  } else if (set2) {
    const problem = checkSet2(set1, set2, flags.has('c'), flags.has('t'));
    if (problem !== null) {
      io.stderr(`${prog}: ${problem}\n`);
      return 1;
    }
    const map = translation(set1, set2, flags.has('c'), flags.has('t'));
    text = [...input].map((c) => (member(c) ? map(c) : c)).join('');
    squeezeSet = ((s) => (c: string) => s.has(c))(new Set(set2.chars));
  }
  if (squeeze) text = text.replace(/([\s\S])\1+/g, (run, c: string) => (squeezeSet(c) ? c : run));
  io.stdout(text);
  return 0;
}

/** What GNU's tr refuses in a SET2 to translate to, in the order it checks. */
function checkSet2(set1: CharSet, set2: CharSet, complement: boolean, truncate: boolean): string | null {
  if (set2.equivalence) return '[=c=] expressions may not appear in string2 when translating';
  if (set2.otherClass) return "when translating, the only character classes that may appear in\nstring2 are 'upper' and 'lower'";
  const length1 = complement ? 256 - new Set(set1.chars.filter((c) => c.charCodeAt(0) < 256)).size : set1.chars.length;
  if (length1 > set2.chars.length && !truncate) {
    if (set2.chars.length === 0) return 'when not truncating set1, string2 must be non-empty';
    if (set2.endsWithClass) return 'when translating with string1 longer than string2,\nthe latter string must not end with a character class';
  }
  const hasClass = set1.otherClass || set1.cases.length > 0;
  if (complement && hasClass && new Set(set2.chars).size > 1) {
    return 'when translating with complemented character classes,\nstring2 must map all characters in the domain to one';
  }
  for (const c of set2.cases) {
    if (complement || !set1.cases.some((d) => d.at === c.at)) return 'misaligned [:upper:] and/or [:lower:] construct';
  }
  return null;
}

function translation(set1: CharSet, set2: CharSet, complement: boolean, truncate: boolean): (c: string) => string {
  const to = set2.chars;
  const last = to[to.length - 1]!;
  if (complement) {
    // The complement runs in character order; characters past it (beyond a byte) take SET2's last.
    const in1 = new Set(set1.chars);
    const from = range(0, 255).filter((c) => !in1.has(c));
    const map = new Map(from.map((c, i) => [c, to[i] ?? last]));
    return (c) => map.get(c) ?? last;
  }
  const map = new Map<string, string>();
  set1.chars.forEach((c, i) => {
    if (i < to.length || !truncate) map.set(c, to[i] ?? last);
  });
  return (c) => map.get(c) ?? c;
}
