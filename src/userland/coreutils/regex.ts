// POSIX regular expressions, basic (BRE) and extended (ERE), with GNU's extensions, translated to
// JavaScript's. The two dialects share their atoms and differ in which characters are operators:
// in a BRE `\(`, `\)`, `\{`, `\}`, `\|`, `\+` and `\?` are, and `(){}|+?` are plain characters; in
// an ERE it is the other way round. Errors and warnings are GNU grep's (3.8) words.
//
// One difference stays: a back-reference to a group that took no part in the match (`(a)(b)?\2`)
// matches the empty string, as JavaScript has it, where POSIX fails the match.

export interface Translated {
  /** JavaScript regex source, for a RegExp without the `u` flag (indices are UTF-16 units, as String's). */
  source: string;
  /** Capturing groups, which the next pattern's back-references are numbered after. */
  groups: number;
  /** Whether the pattern alternates, where JavaScript's first match may not be POSIX's longest. */
  alternation: boolean;
  warnings: string[];
}

const CLASSES: Record<string, string> = {
  alpha: 'A-Za-z', upper: 'A-Z', lower: 'a-z', digit: '0-9', alnum: '0-9A-Za-z', xdigit: '0-9A-Fa-f',
  space: ' \\t\\n\\v\\f\\r', blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', print: ' -~', graph: '!-~', cntrl: '\\x00-\\x1f\\x7f',
};

/** The most a `{m,n}` may count (RE_DUP_MAX). */
const DUP_MAX = 32767;

/** A character as a JavaScript regex matches it literally, in or out of brackets. */
function literal(c: string): string {
  return /[A-Za-z0-9 _]/.test(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

class RegexError extends Error {}

class Translator {
  private i = 0;
  private groups = 0;
  private closed = 0;
  private depth = 0;
  /** Where the branch being read began. */
  private branchStart = 0;
  alternation = false;
  readonly warnings: string[] = [];

  constructor(private readonly re: string, private readonly extended: boolean, private readonly groupOffset: number) {}

  translate(): Translated {
    const source = this.alternatives();
    return { source, groups: this.groups, alternation: this.alternation, warnings: this.warnings };
  }

  private peekOp(): string | null {
    const re = this.re;
    const c = re[this.i];
    if (c === undefined) return null;
    if (this.extended) return '|()*+?{'.includes(c) ? c : null;
    if (c === '*') return c;
    if (c === '\\' && re[this.i + 1] !== undefined && '|(){}+?'.includes(re[this.i + 1]!)) return re[this.i + 1]!;
    return null;
  }

  private takeOp(): void {
    this.i += this.extended || this.re[this.i] === '*' ? 1 : 2;
  }

  private alternatives(): string {
    const branches = [this.branch()];
    while (this.peekOp() === '|') {
      this.takeOp();
      this.alternation = true;
      branches.push(this.branch());
    }
    return branches.join('|');
  }

  /** Pieces up to `|`, a group's `)` or the end. */
  private branch(): string {
    this.branchStart = this.i;
    let out = '';
    let start = true;
    for (;;) {
      const op = this.peekOp();
      if (this.i >= this.re.length || op === '|') break;
      if (op === ')') {
        // An ERE's `)` with no group open is a plain character.
        if (this.depth === 0 && this.extended) {
          this.i++;
          out += this.quantified(literal(')'));
          start = false;
          continue;
        }
        if (this.depth === 0) throw new RegexError('Unmatched ) or \\)');
        break;
      }
      if (start && op !== null && '*+?{'.includes(op)) {
        if (this.extended) {
          // GNU's ERE drops a repetition with nothing to repeat, and says so; a `{` that does
          // not start an interval there is a brace.
          if (op === '{' && this.interval(true) === null) {
            this.i++;
            out += this.quantified(literal('{'));
            start = false;
            continue;
          }
          if (op !== '{') this.takeOp();
          this.warnings.push(`${op === '{' ? '{...}' : op} at start of expression`);
          continue;
        }
        // In a BRE it is the character itself.
        this.takeOp();
        out += this.quantified(literal(op));
        start = false;
        continue;
      }
      const atom = this.atom();
      // An anchor leaves the start of the expression where it was: a `*` after a leading `^` is
      // a BRE's character; an ERE repeats the anchor, with the warning for a repetition at the start.
      if (atom.assertion && start) {
        const next = this.peekOp();
        if (this.extended && next !== null && '*+?'.includes(next)) this.warnings.push(`${next} at start of expression`);
        if (this.extended && next === '{' && /^\{(?:[0-9]+,?[0-9]*|,[0-9]*)\}/.test(this.re.slice(this.i))) this.warnings.push('{...} at start of expression');
        out += this.extended ? this.quantified(atom.source, true) : atom.source;
        continue;
      }
      out += this.quantified(atom.source, atom.assertion);
      start = false;
    }
    return out;
  }

  /** The repetitions after an atom. */
  private quantified(atom: string, assertion = false): string {
    let out = atom;
    let wrapped = !assertion && isSingle(atom);
    for (;;) {
      const op = this.peekOp();
      if (op === null || !'*+?{'.includes(op)) break;
      let q: string;
      if (op === '{') {
        const iv = this.interval();
        if (iv === null) break;
        q = iv;
      } else {
        this.takeOp();
        q = op;
      }
      if (!wrapped) out = `(?:${out})`;
      out += q;
      wrapped = false;
    }
    return out;
  }

  /**
   * An interval `{m}`, `{m,}`, `{,n}` or `{m,n}` at the cursor, as JavaScript's quantifier. In an
   * ERE, text that is not one is a plain `{` (null, cursor unmoved), and so is `{}` at the START of
   * an expression; in a BRE it is an error.
   */
  private interval(start = false): string | null {
    const open = this.i;
    this.takeOp();
    const close = this.extended ? '}' : '\\}';
    const end = this.re.indexOf(close, this.i);
    const m = end < 0 ? null : /^([0-9]*)(,?)([0-9]*)$/.exec(this.re.slice(this.i, end));
    const empty = m !== null && m[1] === '' && m[2] === '';
    if (this.extended && (m === null || (empty && start))) {
      this.i = open;
      return null;
    }
    if (m === null || empty) throw new RegexError(end < 0 ? 'Unmatched \\{' : 'Invalid content of \\{\\}');
    const lo = m[1] === '' ? 0 : Number(m[1]);
    const hi = m[2] === '' ? lo : m[3] === '' ? null : Number(m[3]);
    if (hi !== null && hi < lo) throw new RegexError('Invalid content of \\{\\}');
    if (lo > DUP_MAX || (hi ?? 0) > DUP_MAX) throw new RegexError('Regular expression too big');
    this.i = end + close.length;
    return hi === null ? `{${lo},}` : hi === lo ? `{${lo}}` : `{${lo},${hi}}`;
  }

  private atom(): { source: string; assertion: boolean } {
    const re = this.re;
    const c = re[this.i]!;
    const op = this.peekOp();
    if (op === '(') {
      this.takeOp();
      this.depth++;
      const n = ++this.groups;
      const inner = this.alternatives();
      if (this.peekOp() !== ')') throw new RegexError('Unmatched ( or \\(');
      this.takeOp();
      this.depth--;
      this.closed = Math.max(this.closed, n);
      return { source: `(${inner})`, assertion: false };
    }
    if (c === '^' && (this.extended || this.atBranchStart())) {
      this.i++;
      return { source: '^', assertion: true };
    }
    if (c === '$' && (this.extended || this.atEndOfBranch(this.i + 1))) {
      this.i++;
      return { source: '$', assertion: true };
    }
    if (c === '.') {
      this.i++;
      return { source: '[^\\n]', assertion: false };
    }
    if (c === '[') return { source: this.bracket(), assertion: false };
    if (c === '\\') return this.escape();
    this.i++;
    return { source: literal(c), assertion: false };
  }

  /** Whether a BRE's `^` at the cursor starts its branch (and so is an anchor). */
  private atBranchStart(): boolean {
    return this.i === this.branchStart;
  }

  /** Whether a BRE's `$` at AT ends its branch (and so is an anchor). */
  private atEndOfBranch(at: number): boolean {
    return at === this.re.length || this.re.startsWith('\\)', at) || this.re.startsWith('\\|', at);
  }

  private escape(): { source: string; assertion: boolean } {
    const next = this.re[this.i + 1];
    if (next === undefined) throw new RegexError('Trailing backslash');
    this.i += 2;
    const plain = (source: string) => ({ source, assertion: false });
    const assertion = (source: string) => ({ source, assertion: true });
    if (next >= '1' && next <= '9') {
      if (Number(next) > this.closed) throw new RegexError('Invalid back reference');
      return plain(`\\${Number(next) + this.groupOffset}`);
    }
    switch (next) {
      case 'w': return plain('[A-Za-z0-9_]');
      case 'W': return plain('[^A-Za-z0-9_]');
      case 's': return plain('[ \\t\\n\\v\\f\\r]');
      case 'S': return plain('[^ \\t\\n\\v\\f\\r]');
      case 'b': return assertion('\\b');
      case 'B': return assertion('\\B');
      case '<': return assertion('\\b(?=[A-Za-z0-9_])');
      case '>': return assertion('\\b(?<=[A-Za-z0-9_])');
      case '`': return assertion('^');
      case "'": return assertion('$');
      // A BRE's `\{` with nothing before it to repeat is a brace (and so its `\}`).
      default: return plain(literal(next));
    }
  }

  /** A bracket expression `[...]` at the cursor. */
  private bracket(): string {
    const re = this.re;
    const open = this.i;
    let i = open + 1;
    const negate = re[i] === '^';
    if (negate) i++;
    if (i >= re.length) throw new RegexError('Invalid regular expression');
    const unmatched = (): RegexError => new RegexError('Unmatched [, [^, [:, [., or [=');
    // `[:alpha:]` where `[[:alpha:]]` was meant.
    const close = re.indexOf(']', i + 1);
    if (re[i] === ':' && close > i && re[close - 1] === ':') throw new RegexError('character class syntax is [[:space:]], not [:space:]');
    let out = '';
    let first = true;
    /** The previous item's single character, which a `-` can start a range from. */
    let prev: string | null = null;
    for (;;) {
      const c = re[i];
      if (c === undefined) throw unmatched();
      if (c === ']' && !first) break;
      first = false;
      if (c === '[' && (re[i + 1] === ':' || re[i + 1] === '=' || re[i + 1] === '.')) {
        const kind = re[i + 1]!;
        const end = re.indexOf(kind + ']', i + 2);
        if (end < 0) throw unmatched();
        const name = re.slice(i + 2, end);
        i = end + 2;
        if (kind === ':') {
          if (CLASSES[name] === undefined) throw new RegexError('Invalid character class name');
          out += CLASSES[name];
          prev = null;
          if (re[i] === '-' && re[i + 1] !== ']') throw new RegexError('Invalid range end');
          continue;
        }
        if ([...name].length !== 1) throw new RegexError('Invalid collation character');
        prev = name;
        out += literal(name);
        continue;
      }
      if (c === '-' && prev !== null && re[i + 1] !== undefined && re[i + 1] !== ']') {
        let hi = re[i + 1]!;
        i += 2;
        if (hi === '[' && (re[i] === '.' || re[i] === '=')) {
          const end = re.indexOf(re[i] + ']', i + 1);
          if (end < 0) throw unmatched();
          hi = re.slice(i + 1, end);
          i = end + 2;
        }
        if (hi < prev) throw new RegexError('Invalid range end');
        out += `-${literal(hi)}`;
        prev = null;
        continue;
      }
      out += literal(c);
      prev = c;
      i++;
    }
    this.i = i + 1;
    return `[${negate ? '^' : ''}${out}]`;
  }
}

/** Whether SOURCE is one atom a quantifier can follow as it is. */
function isSingle(source: string): boolean {
  return /^(?:[A-Za-z0-9 _]|\\u[0-9a-f]{4}|\[(?:\\.|[^\]\\])*\]|\\[0-9]+)$/.test(source);
}

/** A POSIX regex (ERE if EXTENDED) as JavaScript's, its back-references numbered after GROUP_OFFSET groups. */
export function translatePosix(re: string, extended: boolean, groupOffset = 0): Translated | { error: string } {
  try {
    return new Translator(re, extended, groupOffset).translate();
  } catch (e) {
    if (e instanceof RegexError) return { error: e.message };
    throw e;
  }
}
