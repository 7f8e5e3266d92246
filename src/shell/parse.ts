// The grammar of `bpfbox sh`: the part of bash's that learners type at a prompt or put in a short
// script. Lists (`;`, `&`, newline), and-or lists, pipelines (`|`, `|&`, `!`, `time`), simple
// commands with assignments and redirections (here-documents and here-strings included), ( )
// subshells and { } groups; quoting, parameters and `~`. What bash has beyond that (if, loops,
// functions, command substitution, arithmetic) is refused with an error naming the construct, never
// parsed into something else.
//
// bash reads and runs a script one complete command (a list ended by a newline) at a time, so a
// syntax error on line 3 comes after lines 1 and 2 have run: `Parser.next()` hands out one at a time.
// Errors carry bash's words and line numbers (`bash -c` treats its string as ending in a newline,
// which decides both the token it names and the line of "unexpected end of file").

export interface Span {
  /** Offsets into the source, end exclusive. */
  start: number;
  end: number;
}

export interface Literal {
  type: 'Literal';
  value: string;
  /** Quoted text is neither split into fields nor subject to `~`. */
  quoted: boolean;
}

export type ParamOp = '-' | ':-' | '=' | ':=' | '+' | ':+' | '?' | ':?';

/** `$NAME`, `$1`, `$?`, `${NAME}`, `${NAME:-WORD}` and the other defaulting operators. */
export interface Param {
  type: 'Param';
  name: string;
  op: ParamOp | null;
  operand: WordPart[];
  quoted: boolean;
  /** The source text, for bash's error messages (`u: parameter not set`). */
  text: string;
}

/** `${#NAME}`. */
export interface Length {
  type: 'Length';
  name: string;
  quoted: boolean;
}

/** `~` (user ''), `~+`, `~-` or `~user`, where bash expands it. */
export interface Tilde {
  type: 'Tilde';
  user: string;
}

/** A `${...}` bash rejects only when it expands it (`${}: bad substitution`), after earlier commands ran. */
export interface BadSubst {
  type: 'BadSubst';
  text: string;
}

export type WordPart = Literal | Param | Length | Tilde | BadSubst;

export interface Word extends Span {
  type: 'Word';
  parts: WordPart[];
  /** The source text (bash names a redirection's word as written: `$f: ambiguous redirect`). */
  text: string;
}

export interface Assignment extends Span {
  type: 'Assignment';
  name: string;
  /** `NAME+=value`. */
  append: boolean;
  value: Word;
}

export type RedirectOp = '<' | '>' | '>>' | '>|' | '<>' | '>&' | '<&' | '&>' | '&>>' | '<<<';

export interface Redirect extends Span {
  type: 'Redirect';
  op: RedirectOp;
  /** The explicit descriptor (`2>`), or null for the operator's default. */
  fd: number | null;
  target: Word;
}

export interface HereDoc extends Span {
  type: 'HereDoc';
  op: '<<' | '<<-';
  fd: number | null;
  delimiter: string;
  /** The text up to the delimiter line; with a quoted delimiter, one quoted literal. */
  body: Word;
}

export interface SimpleCommand extends Span {
  type: 'SimpleCommand';
  assignments: Assignment[];
  words: Word[];
  redirects: (Redirect | HereDoc)[];
  line: number;
}

export interface Subshell extends Span {
  type: 'Subshell';
  body: List;
  redirects: (Redirect | HereDoc)[];
  line: number;
}

export interface BraceGroup extends Span {
  type: 'BraceGroup';
  body: List;
  redirects: (Redirect | HereDoc)[];
  line: number;
}

export type Command = SimpleCommand | Subshell | BraceGroup;

export interface Pipeline extends Span {
  type: 'Pipeline';
  /** `!`: the status is inverted (each `!` toggles, as in bash). */
  negated: boolean;
  /** `time` (bash's report) or `time -p` (POSIX's). */
  time: 'bash' | 'posix' | null;
  /** Empty only after `!` or `time` alone (`! ;` is false, `time` reports nothing run). */
  commands: Command[];
}

export interface AndOr extends Span {
  type: 'AndOr';
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
}

export interface List extends Span {
  type: 'List';
  items: { command: AndOr; background: boolean }[];
}

export interface CompleteCommand extends Span {
  type: 'CompleteCommand';
  list: List;
  line: number;
  /** bash's warnings, printed as `bash: line N: MESSAGE` once the command is read. */
  warnings: { line: number; message: string }[];
}

export class ShellSyntaxError extends Error {
  /** bash's warnings from reading up to the error (here-documents it skipped), printed before the report as `bash: line N: MESSAGE`. */
  warnings: { line: number; message: string }[] = [];

  constructor(
    /** bash's text: "syntax error near unexpected token `;'". */
    readonly reason: string,
    readonly line: number,
    /** The line bash quotes after the reason, or null when it quotes none. */
    readonly sourceLine: string | null,
    readonly offset: number,
    /** The source ended too soon: a prompt would read another line rather than report this. */
    readonly incomplete: boolean,
  ) {
    super(reason);
  }

  /** What bash prints, each line under PREFIX: `report(\`bash: -c: line ${e.line}: \`)` for `bash -c`. */
  report(prefix: string): string {
    return `${prefix}${this.reason}\n` + (this.sourceLine === null ? '' : `${prefix}\`${this.sourceLine}'\n`);
  }
}

type Token =
  | { kind: 'op'; op: string; start: number; end: number }
  | { kind: 'redir'; op: RedirectOp | '<<' | '<<-'; fd: number | null; start: number; end: number }
  | { kind: 'word'; word: Word; start: number; end: number }
  /** HERE_DOCS_END: the line the bodies of the here-documents it started ended on, which bash then counts from. */
  | { kind: 'newline'; start: number; end: number; hereDocsEnd?: number }
  | { kind: 'eof'; start: number; end: number };

const OPERATORS = ['&&', '&>>', '&>', '&', '||', '|&', '|', ';;&', ';;', ';&', ';', '(', ')',
  '<<<', '<<-', '<<', '<&', '<>', '<', '>>', '>&', '>|', '>'];
const REDIRECTS = new Set(['<<<', '<<-', '<<', '<&', '<>', '<', '>>', '>&', '>|', '>', '&>', '&>>']);
const META = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
const SPECIAL_PARAMS = new Set(['?', '$', '#', '@', '*', '!', '-']);
/** Reserved words that may not start a command (`!` only starts a pipeline): bash names them as the unexpected token. */
const UNEXPECTED_WORDS = new Set(['!', '}', 'then', 'else', 'elif', 'fi', 'do', 'done', 'esac', 'in']);
/** Reserved words of what this shell leaves out. */
const UNSUPPORTED_WORDS: Record<string, string> = {
  if: 'compound commands', while: 'compound commands', until: 'compound commands', for: 'compound commands',
  case: 'compound commands', select: 'compound commands', function: 'function definitions',
  '[[': 'conditional expressions', coproc: 'coprocesses',
};
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

const isNameStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

interface PendingHereDoc {
  node: HereDoc;
  quoted: boolean;
}

/** Reads the parts of words, quoted strings and parameters from one text (a script or a here-document body). */
class Lexer {
  pos = 0;
  private readonly lineStarts: number[] = [0];

  /** FIRST_LINE: the script line of the text's first line (a here-document's body starts further on), for the lines errors name. */
  constructor(readonly src: string, private readonly firstLine = 1) {
    for (let i = 0; i < src.length; i++) if (src[i] === '\n') this.lineStarts.push(i + 1);
  }

  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + this.firstLine;
  }

  lineText(offset: number): string {
    const line = this.lineOf(offset) - this.firstLine;
    const start = this.lineStarts[line]!;
    const nl = this.src.indexOf('\n', start);
    return this.src.slice(start, nl < 0 ? this.src.length : nl);
  }

  /** The line bash is on when its input runs out: the string is read as if it ended in a newline. */
  get eofLine(): number {
    const n = this.lineStarts.length - 1 + this.firstLine;
    return this.src.length > 0 && !this.src.endsWith('\n') ? n + 1 : n;
  }

  unexpectedToken(text: string, offset: number, line = this.lineOf(offset)): ShellSyntaxError {
    return new ShellSyntaxError(`syntax error near unexpected token \`${text}'`, line, this.lineText(offset), offset, false);
  }

  unexpectedEof(): ShellSyntaxError {
    return new ShellSyntaxError('syntax error: unexpected end of file', this.eofLine, null, this.src.length, true);
  }

  /** An opening quote or bracket with no match: bash names the line it opened on. */
  unmatched(close: string, openedAt: number): ShellSyntaxError {
    return new ShellSyntaxError(`unexpected EOF while looking for matching \`${close}'`, this.lineOf(openedAt), null, openedAt, true);
  }

  unsupported(what: string, text: string, offset: number): ShellSyntaxError {
    return new ShellSyntaxError(`${what} not supported: \`${text}'`, this.lineOf(offset), this.lineText(offset), offset, false);
  }

  /** An unquoted word, up to a blank or an operator character. */
  word(): Word {
    const start = this.pos;
    const parts = new Parts();
    const src = this.src;
    while (this.pos < src.length) {
      const c = src[this.pos]!;
      if (META.has(c)) break;
      if (c === '\\') this.backslash(parts);
      else if (c === "'") this.singleQuoted(parts);
      else if (c === '"') this.doubleQuoted(parts);
      else if (c === '$') this.dollar(parts, false);
      else if (c === '`') this.backquote();
      else {
        parts.literal(c, false);
        this.pos++;
      }
    }
    return { type: 'Word', parts: tildeAtStart(parts.list), text: src.slice(start, this.pos), start, end: this.pos };
  }

  /** A backslash outside quotes: quotes the next character, joins lines, or is itself at the very end. */
  private backslash(parts: Parts): void {
    const next = this.src[this.pos + 1];
    if (next === undefined) parts.literal('\\', true);
    else if (next !== '\n') parts.literal(next, true);
    this.pos += next === undefined ? 1 : 2;
  }

  private singleQuoted(parts: Parts): void {
    const open = this.pos;
    const close = this.src.indexOf("'", open + 1);
    if (close < 0) throw this.unmatched("'", open);
    parts.literal(this.src.slice(open + 1, close), true);
    this.pos = close + 1;
  }

  private doubleQuoted(parts: Parts): void {
    const open = this.pos++;
    // `""` is an (empty) word, which an empty quoted literal stands for.
    if (this.src[this.pos] === '"') parts.literal('', true);
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) throw this.unmatched('"', open);
      if (c === '"') break;
      this.quotedChar(parts, '"');
    }
    this.pos++;
  }

  /**
   * One character (or escape, or expansion) of double-quoted text. Inside quotes a backslash quotes
   * only `$`, backquote, itself, a newline and CLOSER (`"`, or `}` in a `${...}` operand).
   */
  private quotedChar(parts: Parts, closer: string): void {
    const c = this.src[this.pos]!;
    if (c === '\\') {
      const next = this.src[this.pos + 1];
      if (next === '\n') this.pos += 2;
      else if (next === '$' || next === '`' || next === '\\' || next === closer || (closer === '}' && next === '"')) {
        parts.literal(next, true);
        this.pos += 2;
      } else {
        parts.literal('\\', true);
        this.pos++;
      }
    } else if (c === '$') this.dollar(parts, true);
    else if (c === '`') this.backquote();
    else {
      parts.literal(c, true);
      this.pos++;
    }
  }

  /** The body of an unquoted here-document: double-quote rules, with `"` an ordinary character. */
  hereDocBody(): WordPart[] {
    const parts = new Parts();
    parts.literal('', true);
    while (this.pos < this.src.length) this.quotedChar(parts, '');
    return parts.list;
  }

  private dollar(parts: Parts, quoted: boolean): void {
    const start = this.pos;
    const c = this.src[this.pos + 1];
    if (c === '{') return this.braced(parts, quoted);
    if (c === '(') return this.substitution();
    if (!quoted && c === "'") return this.ansiC(parts);
    if (!quoted && c === '"') {
      this.pos++;
      return this.doubleQuoted(parts);
    }
    let name: string | undefined;
    if (isNameStart(c)) name = NAME.exec(this.src.slice(start + 1))![0];
    else if (isDigit(c) || (c !== undefined && SPECIAL_PARAMS.has(c))) name = c;
    if (name === undefined) {
      parts.literal('$', quoted);
      this.pos++;
      return;
    }
    this.pos = start + 1 + name.length;
    parts.push({ type: 'Param', name, op: null, operand: [], quoted, text: this.src.slice(start, this.pos) });
  }

  /** `$(...)` and `$((...))`: refused once complete; bash's error when they never close. */
  private substitution(): void {
    const start = this.pos;
    const arithmetic = this.src[start + 2] === '(';
    const end = this.matchParen(start + 2);
    if (end < 0) {
      // bash parses a command substitution as a script, so its input runs out at the end-of-file line;
      // an arithmetic one is scanned as text, and named at the line it opened on.
      if (arithmetic) throw this.unmatched(')', start);
      throw new ShellSyntaxError("unexpected EOF while looking for matching `)'", this.eofLine, null, start, true);
    }
    const text = this.src.slice(start, end);
    throw this.unsupported(arithmetic ? 'arithmetic expansion is' : 'command substitution is', text, start);
  }

  /** The offset just past the `)` closing a parenthesis opened before FROM, or -1 if the text ends first. */
  private matchParen(from: number): number {
    let depth = 1;
    for (let i = from; i < this.src.length; i++) {
      const c = this.src[i];
      if (c === '\\') i++;
      else if (c === "'" || c === '"' || c === '`') i = this.closeQuote(i);
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return i + 1;
    }
    return -1;
  }

  /** The offset of the quote closing the one at OPEN; bash's error if there is none. */
  private closeQuote(open: number): number {
    const quote = this.src[open]!;
    const close = quote === "'" ? this.src.indexOf("'", open + 1) : this.skipQuoted(open, quote);
    if (close < 0) throw this.unmatched(quote, open);
    return close;
  }

  /** The offset of the quote closing the one at OPEN (backslashes escape), or -1. */
  private skipQuoted(open: number, quote: string): number {
    for (let i = open + 1; i < this.src.length; i++) {
      if (this.src[i] === '\\') i++;
      else if (this.src[i] === quote) return i;
    }
    return -1;
  }

  private backquote(): never {
    const open = this.pos;
    const close = this.skipQuoted(open, '`');
    if (close < 0) throw this.unmatched('`', open);
    throw this.unsupported('command substitution is', this.src.slice(open, close + 1), open);
  }

  /** `$'...'`: bash's C-style escapes. */
  private ansiC(parts: Parts): void {
    const open = this.pos + 1;
    let out = '';
    let i = open + 1;
    for (;;) {
      const c = this.src[i];
      if (c === undefined) throw this.unmatched("'", open);
      if (c === "'") break;
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const [text, used] = ansiEscape(this.src, i + 1);
      out += text;
      i += 1 + used;
    }
    parts.literal(out, true);
    this.pos = i + 1;
  }

  private braced(parts: Parts, quoted: boolean): void {
    const start = this.pos;
    let i = start + 2;
    const src = this.src;
    if (src[i] === '#' && src[i + 1] !== '}') {
      const name = paramName(src, i + 1);
      if (name !== null && src[i + 1 + name.length] === '}') {
        this.pos = i + 2 + name.length;
        parts.push({ type: 'Length', name, quoted });
        return;
      }
    }
    // `${!name}` and `${!prefix*}` (indirection) are bash's; `${!}` is `$!`.
    if (src[i] === '!' && src[i + 1] !== '}') return this.badOrUnsupported(parts, start, true);
    const name = paramName(src, i);
    if (name === null) return this.badOrUnsupported(parts, start, false);
    i += name.length;
    if (src[i] === '}') {
      this.pos = i + 1;
      parts.push({ type: 'Param', name, op: null, operand: [], quoted, text: src.slice(start, this.pos) });
      return;
    }
    const colon = src[i] === ':';
    const opChar = src[colon ? i + 1 : i];
    if (opChar === undefined || !'-=+?'.includes(opChar)) {
      return this.badOrUnsupported(parts, start, colon || (src[i] !== undefined && '#%/^,@'.includes(src[i]!)));
    }
    const op = (colon ? ':' + opChar : opChar) as ParamOp;
    this.pos = i + op.length;
    const operand = this.operand(start, quoted);
    parts.push({ type: 'Param', name, op, operand, quoted, text: src.slice(start, this.pos) });
  }

  /** The WORD of `${NAME:-WORD}`, up to the `}` that closes START's brace. */
  private operand(start: number, quoted: boolean): WordPart[] {
    const parts = new Parts();
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) throw this.unmatched('}', start);
      if (c === '}') break;
      if (quoted) {
        // Inside double quotes an inner pair of them only groups; single quotes are characters.
        if (c === '"') {
          this.pos++;
          continue;
        }
        this.quotedChar(parts, '}');
      } else if (c === '\\') this.backslash(parts);
      else if (c === "'") this.singleQuoted(parts);
      else if (c === '"') this.doubleQuoted(parts);
      else if (c === '$') this.dollar(parts, false);
      else if (c === '`') this.backquote();
      else {
        parts.literal(c, false);
        this.pos++;
      }
    }
    this.pos++;
    return quoted ? parts.list : tildeAtStart(parts.list);
  }

  /** A `${...}` this shell does not expand: refused if bash would expand it, else bash's bad substitution. */
  private badOrUnsupported(parts: Parts, start: number, unsupported: boolean): void {
    const end = this.matchBrace(start);
    const text = this.src.slice(start, end);
    if (unsupported) throw this.unsupported('this parameter expansion is', text, start);
    parts.push({ type: 'BadSubst', text });
    this.pos = end;
  }

  /** The offset past the `}` closing the `${` at START, skipping quotes and nested `${`. */
  private matchBrace(start: number): number {
    let depth = 1;
    for (let i = start + 2; i < this.src.length; i++) {
      const c = this.src[i];
      if (c === '\\') i++;
      else if (c === "'" || c === '"') i = this.closeQuote(i);
      else if (c === '$' && this.src[i + 1] === '{') {
        depth++;
        i++;
      } else if (c === '}' && --depth === 0) return i + 1;
    }
    throw this.unmatched('}', start);
  }
}

/** bash's `$'...'` escape at I (just past the backslash): the text it stands for and the characters it used. */
function ansiEscape(src: string, i: number): [string, number] {
  const c = src[i];
  const simple: Record<string, string> = {
    a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?',
  };
  if (c === undefined) return ['\\', 0];
  if (simple[c] !== undefined) return [simple[c]!, 1];
  const digits = (re: RegExp, max: number, from: number): string => {
    let s = '';
    while (s.length < max && src[from + s.length] !== undefined && re.test(src[from + s.length]!)) s += src[from + s.length];
    return s;
  };
  if (c >= '0' && c <= '7') {
    const d = digits(/[0-7]/, 3, i);
    return [String.fromCharCode(parseInt(d, 8) & 0xff), d.length];
  }
  if (c === 'x' || c === 'u' || c === 'U') {
    const d = digits(/[0-9a-fA-F]/, c === 'x' ? 2 : c === 'u' ? 4 : 8, i + 1);
    if (d.length === 0) return ['\\' + c, 1];
    const code = parseInt(d, 16);
    return [code <= 0x10ffff ? String.fromCodePoint(code) : '', 1 + d.length];
  }
  if (c === 'c' && src[i + 1] !== undefined && src[i + 1] !== "'") return [String.fromCharCode(src[i + 1]!.toUpperCase().charCodeAt(0) & 0x1f), 2];
  return ['\\' + c, 1];
}

/** A parameter's name at I: a variable name, digits, or one special character; null if none. */
function paramName(src: string, i: number): string | null {
  const c = src[i];
  if (isNameStart(c)) return NAME.exec(src.slice(i))![0];
  if (isDigit(c)) return /^[0-9]+/.exec(src.slice(i))![0];
  if (c !== undefined && SPECIAL_PARAMS.has(c)) return c;
  return null;
}

/** Collects word parts, joining neighbouring literals of the same quoting. */
class Parts {
  readonly list: WordPart[] = [];

  literal(value: string, quoted: boolean): void {
    const last = this.list[this.list.length - 1];
    if (last?.type === 'Literal' && last.quoted === quoted) last.value += value;
    else this.list.push({ type: 'Literal', value, quoted });
  }

  push(part: WordPart): void {
    this.list.push(part);
  }

}

/**
 * bash expands an unquoted `~` that starts a word, up to the first `/` or `:`; a prefix that runs
 * into quoted text or an expansion stays as written.
 */
function tildeAtStart(parts: WordPart[]): WordPart[] {
  const first = parts[0];
  if (first?.type !== 'Literal' || first.quoted || !first.value.startsWith('~')) return parts;
  let end = 1;
  while (end < first.value.length && first.value[end] !== '/' && first.value[end] !== ':') end++;
  if (end === first.value.length && parts.length > 1) return parts;
  const user = first.value.slice(1, end);
  if (user !== '' && user !== '+' && user !== '-' && !/^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/.test(user)) return parts;
  const rest = first.value.slice(end);
  return [{ type: 'Tilde', user }, ...(rest === '' ? [] : [{ type: 'Literal' as const, value: rest, quoted: false }]), ...parts.slice(1)];
}

/**
 * In a word that reads as an assignment (`PATH=~/bin:~/x`, as an argument too: bash does that
 * outside POSIX mode), a `~` after the first `=` or after a `:` of the value.
 */
function tildeInAssignment(parts: WordPart[]): WordPart[] {
  const first = parts[0];
  if (first?.type !== 'Literal' || first.quoted) return parts;
  const m = /^[A-Za-z_][A-Za-z0-9_]*\+?=/.exec(first.value);
  if (!m) return parts;
  const out: WordPart[] = [{ type: 'Literal', value: m[0], quoted: false }];
  const value: WordPart[] = [{ type: 'Literal', value: first.value.slice(m[0].length), quoted: false }, ...parts.slice(1)];
  // Split the unquoted literal of the value at each `:`, and expand a `~` that starts a piece.
  const pieces: WordPart[][] = [[]];
  for (const p of value) {
    if (p.type !== 'Literal' || p.quoted) {
      pieces[pieces.length - 1]!.push(p);
      continue;
    }
    const segs = p.value.split(':');
    segs.forEach((s, k) => {
      if (k > 0) pieces.push([]);
      if (s !== '') pieces[pieces.length - 1]!.push({ type: 'Literal', value: s, quoted: false });
    });
  }
  pieces.forEach((piece, k) => {
    if (k > 0) out.push({ type: 'Literal', value: ':', quoted: false });
    out.push(...tildeAtStart(piece));
  });
  return mergeLiterals(out);
}

function mergeLiterals(parts: WordPart[]): WordPart[] {
  const out: WordPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.type === 'Literal' && last?.type === 'Literal' && last.quoted === p.quoted) out[out.length - 1] = { ...last, value: last.value + p.value };
    else out.push(p);
  }
  return out;
}

export class Parser {
  private readonly lex: Lexer;
  private peeked: Token | null = null;
  private sawImplicitNewline = false;
  private pendingHereDocs: PendingHereDoc[] = [];
  private lastTaken: Token | null = null;
  private warnings: { line: number; message: string }[] = [];

  constructor(readonly source: string) {
    this.lex = new Lexer(source);
  }

  /** The next complete command, or null when the source is used up. Throws ShellSyntaxError. */
  next(): CompleteCommand | null {
    this.warnings = [];
    try {
      this.skipNewlines();
      const first = this.peek();
      if (first.kind === 'eof') return null;
      const list = this.list(false);
      const end = this.take();
      if (end.kind !== 'newline' && end.kind !== 'eof') throw this.unexpected(end);
      return { type: 'CompleteCommand', list, line: this.lex.lineOf(list.start), warnings: this.warnings, start: list.start, end: list.end };
    } catch (e) {
      if (e instanceof ShellSyntaxError) e.warnings = this.warnings;
      throw e;
    }
  }

  /** Commands joined by `;` and `&`: to a newline at top level, to the closing `}` or `)` inside a group. */
  private list(compound: boolean): List {
    const items: List['items'] = [];
    const start = this.peek().start;
    for (;;) {
      const command = this.andOr();
      const item = { command, background: false };
      items.push(item);
      const t = this.peek();
      if (t.kind === 'op' && (t.op === ';' || t.op === '&')) {
        this.take();
        item.background = t.op === '&';
      } else if (!(compound && t.kind === 'newline')) break;
      if (compound) {
        this.skipNewlines();
        if (this.atGroupEnd()) break;
      } else {
        const n = this.peek();
        if (n.kind === 'newline' || n.kind === 'eof') break;
      }
    }
    return { type: 'List', items, start, end: items[items.length - 1]!.command.end };
  }

  private atGroupEnd(): boolean {
    const t = this.peek();
    return (t.kind === 'op' && t.op === ')') || (t.kind === 'word' && isBare(t.word, '}')) || t.kind === 'eof';
  }

  private andOr(): AndOr {
    const first = this.pipeline();
    const rest: AndOr['rest'] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.op !== '&&' && t.op !== '||')) break;
      this.take();
      this.skipNewlines();
      rest.push({ op: t.op as '&&' | '||', pipeline: this.pipeline() });
    }
    const end = rest.length > 0 ? rest[rest.length - 1]!.pipeline.end : first.end;
    return { type: 'AndOr', first, rest, start: first.start, end };
  }

  private pipeline(): Pipeline {
    const start = this.peek().start;
    let negated = false;
    let time: Pipeline['time'] = null;
    let end = start;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'word' && isBare(t.word, '!')) {
        negated = !negated;
        end = this.take().end;
      } else if (t.kind === 'word' && time === null && isBare(t.word, 'time')) {
        time = 'bash';
        end = this.take().end;
        const p = this.peek();
        if (p.kind === 'word' && isBare(p.word, '-p')) {
          time = 'posix';
          end = this.take().end;
        }
      } else break;
    }
    if (end > start) {
      const t = this.peek();
      if (t.kind === 'newline' || t.kind === 'eof' || (t.kind === 'op' && t.op === ';')) {
        return { type: 'Pipeline', negated, time, commands: [], start, end };
      }
    }
    const commands = [this.command()];
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.op !== '|' && t.op !== '|&')) break;
      this.take();
      if (t.op === '|&') {
        // bash's `a |& b` is `a 2>&1 | b`, the redirection made after a's own.
        const one: Word = { type: 'Word', parts: [{ type: 'Literal', value: '1', quoted: false }], text: '1', start: t.start, end: t.end };
        commands[commands.length - 1]!.redirects.push({ type: 'Redirect', op: '>&', fd: 2, target: one, start: t.start, end: t.end });
      }
      this.skipNewlines();
      commands.push(this.command());
    }
    return { type: 'Pipeline', negated, time, commands, start, end: commands[commands.length - 1]!.end };
  }

  private command(): Command {
    const t = this.peek();
    const line = this.lex.lineOf(t.start);
    if (t.kind === 'op' && t.op === '(') {
      if (this.source[t.end] === '(') {
        const lineEnd = this.source.indexOf('\n', t.start);
        throw this.lex.unsupported('arithmetic commands are', this.source.slice(t.start, lineEnd < 0 ? undefined : lineEnd), t.start);
      }
      this.take();
      this.skipNewlines();
      if (this.atGroupEnd()) throw this.unexpected(this.peek());
      const body = this.list(true);
      const close = this.take();
      if (close.kind !== 'op' || close.op !== ')') throw this.unexpected(close);
      const redirects = this.redirects();
      return { type: 'Subshell', body, redirects, line, start: t.start, end: redirects.length > 0 ? redirects[redirects.length - 1]!.end : close.end };
    }
    if (t.kind === 'word') {
      if (isBare(t.word, '{')) {
        this.take();
        this.skipNewlines();
        if (this.atGroupEnd()) throw this.unexpected(this.peek());
        const body = this.list(true);
        const close = this.take();
        if (close.kind !== 'word' || !isBare(close.word, '}')) throw this.unexpected(close);
        const redirects = this.redirects();
        return { type: 'BraceGroup', body, redirects, line, start: t.start, end: redirects.length > 0 ? redirects[redirects.length - 1]!.end : close.end };
      }
      const text = t.word.text;
      if (isBare(t.word, text) && UNEXPECTED_WORDS.has(text)) throw this.unexpected(t);
      if (isBare(t.word, text) && UNSUPPORTED_WORDS[text] !== undefined) throw this.lex.unsupported(`${UNSUPPORTED_WORDS[text]} are`, text, t.start);
    }
    return this.simpleCommand(line);
  }

  private simpleCommand(line: number): SimpleCommand {
    const assignments: Assignment[] = [];
    const words: Word[] = [];
    const redirects: (Redirect | HereDoc)[] = [];
    const start = this.peek().start;
    let end = start;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'redir') {
        const r = this.redirect();
        redirects.push(r);
        end = r.end;
      } else if (t.kind === 'word') {
        this.take();
        end = t.end;
        const a = words.length === 0 ? assignment(t.word) : null;
        if (a !== null) {
          if (a.value.text === '' && this.source[t.end] === '(') throw this.lex.unsupported('arrays are', `${t.word.text}(`, t.start);
          assignments.push(a);
        } else words.push({ ...t.word, parts: tildeInAssignment(t.word.parts) });
      } else break;
    }
    if (assignments.length + words.length + redirects.length === 0) throw this.unexpected(this.peek());
    const next = this.peek();
    if (next.kind === 'op' && next.op === '(') {
      if (words.length === 1 && assignments.length === 0 && redirects.length === 0) {
        throw this.lex.unsupported('function definitions are', `${words[0]!.text} ()`, start);
      }
      throw this.unexpected(next);
    }
    return { type: 'SimpleCommand', assignments, words, redirects, line, start, end };
  }

  private redirects(): (Redirect | HereDoc)[] {
    const out: (Redirect | HereDoc)[] = [];
    while (this.peek().kind === 'redir') out.push(this.redirect());
    return out;
  }

  private redirect(): Redirect | HereDoc {
    const t = this.take();
    if (t.kind !== 'redir') throw this.unexpected(t);
    const target = this.take();
    if (target.kind !== 'word') throw this.unexpected(target);
    if (t.op === '<<' || t.op === '<<-') {
      const delimiter = target.word.text.replace(/\\(.)|["']/gs, '$1');
      const node: HereDoc = {
        type: 'HereDoc', op: t.op, fd: t.fd, delimiter, start: t.start, end: target.end,
        body: { type: 'Word', parts: [], text: '', start: target.end, end: target.end },
      };
      this.pendingHereDocs.push({ node, quoted: /["'\\]/.test(target.word.text) });
      return node;
    }
    return { type: 'Redirect', op: t.op, fd: t.fd, target: target.word, start: t.start, end: target.end };
  }

  private skipNewlines(): void {
    while (this.peek().kind === 'newline') this.take();
  }

  private unexpected(t: Token): ShellSyntaxError {
    if (t.kind === 'eof') return this.lex.unexpectedEof();
    const text = t.kind === 'newline' ? 'newline' : t.kind === 'word' ? t.word.text : t.kind === 'redir' && t.fd !== null ? String(t.fd) : this.source.slice(t.start, t.end);
    return this.lex.unexpectedToken(text, t.start, t.kind === 'newline' ? t.hereDocsEnd : undefined);
  }

  private peek(): Token {
    this.peeked ??= this.token();
    return this.peeked;
  }

  private take(): Token {
    const t = this.peek();
    this.peeked = null;
    this.lastTaken = t;
    return t;
  }

  private token(): Token {
    const src = this.source;
    const lex = this.lex;
    for (;;) {
      const c = src[lex.pos];
      if (c === ' ' || c === '\t') lex.pos++;
      else if (c === '\\' && src[lex.pos + 1] === '\n') lex.pos += 2;
      else if (c === '#') {
        const nl = src.indexOf('\n', lex.pos);
        lex.pos = nl < 0 ? src.length : nl;
      } else break;
    }
    const start = lex.pos;
    if (start >= src.length) {
      if (!this.sawImplicitNewline && src.length > 0 && !src.endsWith('\n')) {
        this.sawImplicitNewline = true;
        return { kind: 'newline', start, end: start, hereDocsEnd: this.readHereDocs() };
      }
      this.readHereDocs();
      return { kind: 'eof', start, end: start };
    }
    if (src[start] === '\n') {
      lex.pos++;
      return { kind: 'newline', start, end: start + 1, hereDocsEnd: this.readHereDocs() };
    }
    // Digits before `<` or `>` name a descriptor, except as the word of `>&` and `<&` (`>&2>f`).
    const last = this.lastTaken;
    const dupTarget = last?.kind === 'redir' && (last.op === '>&' || last.op === '<&');
    const io = dupTarget ? null : /^[0-9]+(?=[<>])/.exec(src.slice(start, start + 24));
    const opStart = io ? start + io[0].length : start;
    const op = OPERATORS.find((o) => src.startsWith(o, opStart));
    if (op !== undefined) {
      lex.pos = opStart + op.length;
      if ((op === '<' || op === '>') && src[lex.pos] === '(') {
        const close = src.indexOf(')', lex.pos);
        throw lex.unsupported('process substitution is', src.slice(start, close < 0 ? src.length : close + 1), start);
      }
      if (REDIRECTS.has(op)) return { kind: 'redir', op: op as RedirectOp, fd: io ? Number(io[0]) : null, start, end: lex.pos };
      return { kind: 'op', op, start, end: lex.pos };
    }
    const word = lex.word();
    return { kind: 'word', word, start, end: lex.pos };
  }

  /** After a newline: the bodies of the here-documents its line opened, in order; the line they end on, if any. */
  private readHereDocs(): number | undefined {
    if (this.pendingHereDocs.length === 0) return undefined;
    const src = this.source;
    const lex = this.lex;
    for (const h of this.pendingHereDocs) {
      const strip = h.node.op === '<<-';
      const lines: string[] = [];
      const bodyStart = lex.pos;
      let closed = false;
      while (lex.pos < src.length) {
        const nl = src.indexOf('\n', lex.pos);
        const raw = src.slice(lex.pos, nl < 0 ? src.length : nl);
        lex.pos = nl < 0 ? src.length : nl + 1;
        const text = strip ? raw.replace(/^\t+/, '') : raw;
        if (text === h.node.delimiter) {
          closed = true;
          break;
        }
        lines.push(text + '\n');
      }
      if (!closed) {
        // bash names the line before the body's first.
        const at = (bodyStart < src.length ? lex.lineOf(bodyStart) : lex.eofLine) - 1;
        this.warnings.push({ line: lex.eofLine - 1, message: `warning: here-document at line ${at} delimited by end-of-file (wanted \`${h.node.delimiter}')` });
      }
      const text = lines.join('');
      const parts: WordPart[] = h.quoted ? [{ type: 'Literal', value: text, quoted: true }]
        : new Lexer(text, lex.lineOf(bodyStart)).hereDocBody();
      h.node.body = { type: 'Word', parts, text, start: bodyStart, end: lex.pos };
    }
    this.pendingHereDocs = [];
    return lex.lineOf(Math.max(0, lex.pos - 1));
  }
}

/** W is TEXT written without quotes (how bash recognises a reserved word where a command starts). */
function isBare(w: Word, text: string): boolean {
  return w.text === text && w.parts.length > 0 && w.parts.every((p) => p.type === 'Literal' && !p.quoted);
}

/** `NAME=value` or `NAME+=value` with the name unquoted: an assignment where a command's words start. */
function assignment(w: Word): Assignment | null {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/.exec(w.text);
  const first = w.parts[0];
  if (!m || first?.type !== 'Literal' || first.quoted || !first.value.startsWith(m[0])) return null;
  const parts = tildeInAssignment(w.parts);
  const head = parts[0] as Literal;
  const valueParts: WordPart[] = head.value === m[0] ? parts.slice(1) : [{ ...head, value: head.value.slice(m[0].length) }, ...parts.slice(1)];
  const valueStart = w.start + m[0].length;
  return {
    type: 'Assignment', name: m[1]!, append: m[2] === '+',
    value: { type: 'Word', parts: valueParts, text: w.text.slice(m[0].length), start: valueStart, end: w.end },
    start: w.start, end: w.end,
  };
}

/** Every complete command of SOURCE; throws at the first error (where bash would have run the ones before it). */
export function parse(source: string): CompleteCommand[] {
  const parser = new Parser(source);
  const out: CompleteCommand[] = [];
  for (let c = parser.next(); c !== null; c = parser.next()) out.push(c);
  return out;
}
