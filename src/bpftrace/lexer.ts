// bpftrace's scanner (src/lexer.l): flex's longest-match rules, its start states (strings, comments,
// `struct` casts and definitions) and its one location object. That location is only stepped on
// whitespace, so adjacent tokens accumulate: in `BEGIN{@a=1;foo(1)}` the token `foo` spans 1:1-15,
// and bpftrace underlines exactly that. Errors go to the Diagnostics as the scanner meets them and
// drop the offending text, as bpftrace's driver.error does.

import type { Location } from './ast.js';
import type { Diagnostics } from './diagnostics.js';

/**
 * bison's tokens (parser.yy's %token list, in its order, which numbers them) with the names its
 * messages use.
 */
export const TOKEN_NAMES = [
  ['END', 'end of file'], ['COLON', ':'], ['SEMI', ';'], ['LBRACE', '{'], ['RBRACE', '}'], ['LBRACKET', '['],
  ['RBRACKET', ']'], ['LPAREN', '('], ['RPAREN', ')'], ['QUES', '?'], ['ENDPRED', 'end predicate'], ['COMMA', ','],
  ['PARAMCOUNT', '$#'], ['ASSIGN', '='], ['EQ', '=='], ['NE', '!='], ['LE', '<='], ['GE', '>='], ['LEFT', '<<'],
  ['RIGHT', '>>'], ['LT', '<'], ['GT', '>'], ['LAND', '&&'], ['LOR', '||'], ['PLUS', '+'], ['INCREMENT', '++'],
  ['LEFTASSIGN', '<<='], ['RIGHTASSIGN', '>>='], ['PLUSASSIGN', '+='], ['MINUSASSIGN', '-='], ['MULASSIGN', '*='],
  ['DIVASSIGN', '/='], ['MODASSIGN', '%='], ['BANDASSIGN', '&='], ['BORASSIGN', '|='], ['BXORASSIGN', '^='],
  ['MINUS', '-'], ['DECREMENT', '--'], ['MUL', '*'], ['DIV', '/'], ['MOD', '%'], ['BAND', '&'], ['BOR', '|'],
  ['BXOR', '^'], ['LNOT', '!'], ['BNOT', '~'], ['DOT', '.'], ['PTR', '->'], ['IF', 'if'], ['ELSE', 'else'],
  ['UNROLL', 'unroll'], ['STRUCT', 'struct'], ['UNION', 'union'], ['WHILE', 'while'], ['FOR', 'for'],
  ['RETURN', 'return'], ['CONTINUE', 'continue'], ['BREAK', 'break'], ['BUILTIN', 'builtin'], ['CALL', 'call'],
  ['CALL_BUILTIN', 'call_builtin'], ['IDENT', 'identifier'], ['PATH', 'path'],
  ['CPREPROC', 'preprocessor directive'], ['STRUCT_DEFN', 'struct definition'], ['ENUM', 'enum'],
  ['STRING', 'string'], ['MAP', 'map'], ['VAR', 'variable'], ['PARAM', 'positional parameter'], ['INT', 'integer'],
  ['STACK_MODE', 'stack_mode'],
] as const;

export type TokenKind = (typeof TOKEN_NAMES)[number][0];

export interface Token {
  kind: TokenKind;
  /** The token's text; for STRING the decoded literal, for a struct cast the canonical `struct X`. */
  text: string;
  loc: Location;
  /** INT: the value as bpftrace's `long` (the uint64 literal reinterpreted as signed). */
  value?: bigint;
}

const BUILTIN = /^(?:arg[0-9]|args|cgroup|comm|cpid|numaid|cpu|ctx|curtask|elapsed|func|gid|nsecs|pid|probe|rand|retval|sarg[0-9]|tid|uid|username)$/;
const CALL = new Set(
  ('avg buf cat cgroupid clear count delete exit hist join kaddr kptr ksym lhist macaddr max min ntop override print printf ' +
    'cgroup_path reg signal sizeof stats str strerror strftime strncmp strcontains sum system time uaddr uptr usym zero path ' +
    'unwatch bswap skboutput pton debugf').split(' '),
);
const CALL_BUILTIN = new Set(['kstack', 'ustack']);
const KEYWORDS: Record<string, TokenKind> = {
  if: 'IF', else: 'ELSE', unroll: 'UNROLL', while: 'WHILE', for: 'FOR', return: 'RETURN', continue: 'CONTINUE', break: 'BREAK',
};

/** The fixed-text rules of lexer.l, in its order (order breaks ties between equally long matches). */
const OPERATORS: [string, TokenKind][] = [
  [':', 'COLON'], [';', 'SEMI'], ['{', 'LBRACE'], ['}', 'RBRACE'], ['[', 'LBRACKET'], [']', 'RBRACKET'], ['(', 'LPAREN'],
  [')', 'RPAREN'], [',', 'COMMA'], ['=', 'ASSIGN'], ['<<=', 'LEFTASSIGN'], ['>>=', 'RIGHTASSIGN'], ['+=', 'PLUSASSIGN'],
  ['-=', 'MINUSASSIGN'], ['*=', 'MULASSIGN'], ['/=', 'DIVASSIGN'], ['%=', 'MODASSIGN'], ['&=', 'BANDASSIGN'],
  ['|=', 'BORASSIGN'], ['^=', 'BXORASSIGN'], ['==', 'EQ'], ['!=', 'NE'], ['<=', 'LE'], ['>=', 'GE'], ['<<', 'LEFT'],
  ['>>', 'RIGHT'], ['<', 'LT'], ['>', 'GT'], ['&&', 'LAND'], ['||', 'LOR'], ['+', 'PLUS'], ['-', 'MINUS'],
  ['++', 'INCREMENT'], ['--', 'DECREMENT'], ['*', 'MUL'], ['/', 'DIV'], ['%', 'MOD'], ['&', 'BAND'], ['|', 'BOR'],
  ['^', 'BXOR'], ['!', 'LNOT'], ['~', 'BNOT'], ['.', 'DOT'], ['->', 'PTR'], ['?', 'QUES'],
];

const INT_RE = '[0-9](?:[0-9_]*[0-9])?(?:[uU]?[lL][lL]?|[uU])?';
const NUMBER_RES = [new RegExp(INT_RE, 'y'), /0[xX][0-9a-fA-F]+/y, new RegExp(`${INT_RE}[eE]${INT_RE}`, 'y')];
const PATH_RE = /:(?:\\[^\n]|[_\-./a-zA-Z0-9#*])+/y;
const MAP_RE = /@[_a-zA-Z][_a-zA-Z0-9]*|@/y;
const VAR_RE = /\$[_a-zA-Z][_a-zA-Z0-9]*/y;
const PARAM_RE = /\$[0-9]+/y;
const CPREPROC_RE = /#[^!][^\n]*/y;
const SHEBANG_RE = /#![^\n]*/y;
const ENDPRED_RE = /\/[ \t\n\r]*[/{]/y;
const WORD_RE = /[_a-zA-Z][_a-zA-Z0-9]*/y;

type State = 'INITIAL' | 'STR' | 'STRUCT' | 'BRACE' | 'COMMENT';

/** libstdc++'s std::stoull(text, &idx, base) with base 0 or 10: the value and how much it read. */
function stoull(text: string, base: 0 | 10): { value: bigint; idx: number } {
  let radix = 10;
  let i = 0;
  if (base === 0) {
    if (/^0[xX][0-9a-fA-F]/.test(text)) {
      radix = 16;
      i = 2;
    } else if (text.startsWith('0')) radix = 8;
  }
  const digit = radix === 16 ? /[0-9a-fA-F]/ : radix === 8 ? /[0-7]/ : /[0-9]/;
  const start = i;
  while (i < text.length && digit.test(text[i]!)) i++;
  if (i === start) throw new Error('stoull');
  const value = BigInt(radix === 16 ? `0x${text.slice(start, i)}` : radix === 8 ? `0o${text.slice(start, i)}` : text.slice(start, i));
  if (value >= 1n << 64n) throw new Error('stoull');
  return { value, idx: i };
}

/** int_parser's _parse_int: stoull, then only an integer-size suffix may trail. */
function parseIntPart(text: string, base: 0 | 10): bigint | string {
  try {
    const { value, idx } = stoull(text, base);
    if (idx !== text.length && !/^(u|u?l?l)$/i.test(text.slice(idx))) return 'Found trailing non-numeric characters';
    return value;
  } catch (e) {
    return (e as Error).message;
  }
}

/** ast::int_parser::to_uint (src/ast/int_parser.cpp): the value, or throws with bpftrace's message. */
export function toUint(num: string): bigint {
  const n = num.replace(/_/g, '');
  let res: bigint | string;
  const e = n.search(/[eE]/);
  if (n.startsWith('0x') || n.startsWith('0X') || e < 0) {
    res = parseIntPart(n, 0);
  } else {
    const coeff = n.slice(0, e);
    const exp = n.slice(e + 1);
    const c = parseIntPart(coeff, 10);
    const x = parseIntPart(exp, 10);
    if (typeof c === 'string') res = `Coefficient part of scientific literal is not a valid number: ${coeff}: ${c}`;
    else if (typeof x === 'string') res = `Exponent part of scientific literal is not a valid number: ${exp}: ${x}`;
    else if (c > 9n) res = `Coefficient part of scientific literal must be in range (0,9), got: ${coeff}`;
    else if (x > 16n) res = `Exponent will overflow integer range: ${exp}`;
    else res = c * 10n ** x;
  }
  if (typeof res === 'string') throw new Error(res);
  return res;
}

/** bpftrace's trim (src/utils.cpp). */
function trim(s: string): string {
  return s.replace(/^[ \t\n\r\f\v]+/, '').replace(/[ \t\n\r\f\v]+$/, '');
}

export interface LexerOptions {
  /** Object-like macros (`#define NAME BODY`), expanded in place of identifiers as the scanner does. */
  macros?: ReadonlyMap<string, string>;
}

/**
 * The scanner. `next()` yields one token at a time, as bison pulls them, so that errors in text
 * the parser never reaches are not reported. At the end it returns END forever.
 */
export class Lexer {
  private src: string;
  private pos = 0;
  private readonly states: State[] = ['INITIAL'];
  private bl = 1;
  private bc = 1;
  private el = 1;
  private ec = 1;
  private buffer = '';
  private structType = '';
  private unputCount = 0;

  constructor(
    source: string,
    private readonly diags: Diagnostics,
    private readonly opts: LexerOptions = {},
  ) {
    this.src = source;
  }

  private get state(): State {
    return this.states[this.states.length - 1]!;
  }

  private loc(): Location {
    return { line: this.bl, col: this.bc, endLine: this.el, endCol: this.ec };
  }

  private columns(n: number): void {
    this.ec = Math.max(1, this.ec + n);
  }

  private lines(n: number): void {
    this.el += n;
    this.ec = 1;
  }

  private step(): void {
    this.bl = this.el;
    this.bc = this.ec;
  }

  /** Consume `text` (flex's YY_USER_ACTION advances the location by yyleng). */
  private take(n: number): string {
    const text = this.src.slice(this.pos, this.pos + n);
    this.pos += n;
    this.columns(n);
    return text;
  }

  private error(message: string): void {
    this.diags.error(message, this.loc());
  }

  private token(kind: TokenKind, text: string, value?: bigint): Token {
    return value === undefined ? { kind, text, loc: this.loc() } : { kind, text, loc: this.loc(), value };
  }

  next(): Token {
    for (;;) {
      if (this.pos >= this.src.length) {
        const t = this.atEnd();
        if (t) return t;
        continue;
      }
      const t = this.state === 'INITIAL' ? this.scanInitial() : this.state === 'STR' ? this.scanString() : this.state === 'COMMENT' ? this.scanComment() : this.scanStruct();
      if (t) return t;
    }
  }

  /** <<EOF>>: comments and strings report themselves unterminated; every state then ends the input. */
  private atEnd(): Token | null {
    if (this.state === 'COMMENT') {
      this.states.pop();
      this.error('end of file during comment');
      return null;
    }
    if (this.state === 'STR') {
      this.error('unterminated string');
      this.states.pop();
      return null;
    }
    return this.token('END', '');
  }

  private match(re: RegExp): number {
    re.lastIndex = this.pos;
    const m = re.exec(this.src);
    return m ? m[0].length : 0;
  }

  /**
   * The INITIAL state's rules other than the word rules, in lexer.l's order: each gives the length
   * it would match here (0 for none) and what it does with that text. Flex takes the longest
   * match, the earlier rule on a tie.
   */
  private readonly initialRules: [match: () => number, act: (len: number) => Token | null][] = [
    [() => this.match(/[ \t]+/y), (n) => (this.take(n), this.step(), null)],
    [() => this.match(/[\n\r]+/y), (n) => (this.take(n), this.lines(n), this.step(), null)],
    [() => (this.pos === 0 || this.src[this.pos - 1] === '\n' ? this.match(SHEBANG_RE) : 0), (n) => (this.take(n), null)],
    [() => this.match(/\/\/[^\n]*/y), (n) => (this.take(n), null)],
    [() => (this.src.startsWith('/*', this.pos) ? 2 : 0), (n) => (this.take(n), this.states.push('COMMENT'), null)],
    [() => Math.max(...NUMBER_RES.map((re) => this.match(re))), (n) => this.number(this.take(n))],
    [() => this.match(PATH_RE), (n) => this.token('PATH', this.take(n))],
    [() => this.match(MAP_RE), (n) => this.token('MAP', this.take(n))],
    [() => this.match(VAR_RE), (n) => this.token('VAR', this.take(n))],
    ...this.fixed(OPERATORS.slice(0, OPERATORS.findIndex(([t]) => t === ','))),
    // The predicate's closing `/` is told from division by what follows (flex trailing context,
    // which counts towards the match length but is not consumed).
    [() => this.match(ENDPRED_RE), () => (this.take(1), this.token('ENDPRED', '/'))],
    ...this.fixed(OPERATORS.slice(OPERATORS.findIndex(([t]) => t === ','), OPERATORS.findIndex(([t]) => t === '?'))),
    [() => this.match(PARAM_RE), (n) => this.token('PARAM', this.take(n))],
    [() => (this.src.startsWith('$#', this.pos) ? 2 : 0), (n) => this.token('PARAMCOUNT', this.take(n))],
    [() => this.match(CPREPROC_RE), (n) => this.token('CPREPROC', this.take(n))],
    ...this.fixed(OPERATORS.slice(OPERATORS.findIndex(([t]) => t === '?'))),
    [() => (this.src[this.pos] === '"' ? 1 : 0), (n) => (this.take(n), this.states.push('STR'), (this.buffer = ''), null)],
    [() => 1, (n) => (this.error(`invalid character '${this.take(n)}'`), null)],
  ];

  private fixed(ops: [string, TokenKind][]): [() => number, (len: number) => Token | null][] {
    return ops.map(([text, kind]) => [() => (this.src.startsWith(text, this.pos) ? text.length : 0), (n) => this.token(kind, this.take(n))]);
  }

  private number(text: string): Token | null {
    try {
      return this.token('INT', text, BigInt.asIntN(64, toUint(text)));
    } catch (e) {
      this.error((e as Error).message);
      return null;
    }
  }

  private scanInitial(): Token | null {
    if (/[_a-zA-Z]/.test(this.src[this.pos]!)) return this.scanWord();
    let best = 0;
    let act = this.initialRules[0]![1];
    for (const [match, a] of this.initialRules) {
      const n = match();
      if (n > best) {
        best = n;
        act = a;
      }
    }
    return act(best);
  }

  private scanWord(): Token | null {
    const len = this.match(WORD_RE);
    const word = this.src.slice(this.pos, this.pos + len);
    if (word === 'bpftrace' || word === 'perf') return this.token('STACK_MODE', this.take(len));
    if (BUILTIN.test(word)) return this.token('BUILTIN', this.take(len));
    if (CALL.has(word)) return this.token('CALL', this.take(len));
    if (CALL_BUILTIN.has(word)) return this.token('CALL_BUILTIN', this.take(len));
    const kw = KEYWORDS[word];
    if (kw) return this.token(kw, this.take(len));
    if (word === 'struct' || word === 'union' || word === 'enum') {
      this.take(len);
      this.states.push('STRUCT');
      this.buffer = '';
      this.structType = word;
      return null;
    }
    this.take(len);
    const body = this.opts.macros?.get(word);
    if (body === undefined || body === word) {
      this.unputCount = 0;
      return this.token('IDENT', word);
    }
    // The macro's text goes back into the input (flex unput); bpftrace caps the expansions.
    if (this.unputCount + body.length > 1000) {
      this.error(`Macro recursion limit reached: ${word}, ${body}`);
      this.pos = this.src.length;
      return this.token('END', '');
    }
    this.unputCount += body.length;
    this.src = this.src.slice(0, this.pos) + body + this.src.slice(this.pos);
    return null;
  }

  private scanString(): Token | null {
    const c = this.src[this.pos]!;
    let n: number;
    if (c === '"') {
      this.take(1);
      this.states.pop();
      return this.token('STRING', this.buffer);
    }
    if ((n = this.match(/[^\\\n"]+/y))) {
      this.buffer += this.take(n);
      return null;
    }
    if (c === '\n') {
      this.take(1);
      this.error('unterminated string');
      this.states.pop();
      this.lines(1);
      this.step();
      return null;
    }
    // A backslash.
    const next = this.src[this.pos + 1];
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
    if (next !== undefined && simple[next] !== undefined) {
      this.take(2);
      this.buffer += simple[next];
      return null;
    }
    if ((n = this.match(/\\[0-7]{1,3}/y))) {
      const text = this.take(n);
      const value = parseInt(text.slice(1), 8);
      if (value > 255) this.error(`octal escape sequence out of range '${text}'`);
      this.buffer += String.fromCharCode(value & 0xff);
      return null;
    }
    if ((n = this.match(/\\[xX][0-9a-fA-F]{1,2}/y))) {
      this.buffer += String.fromCharCode(parseInt(this.take(n).slice(2), 16));
      return null;
    }
    if (next !== undefined && next !== '\n') {
      this.error(`invalid escape character '${this.take(2)}'`);
      return null;
    }
    this.take(1);
    this.error('invalid character');
    this.states.pop();
    return null;
  }

  private scanComment(): Token | null {
    if (this.src.startsWith('*/', this.pos)) {
      this.take(2);
      this.states.pop();
    } else if (this.src[this.pos] === '\n') {
      this.take(1);
      this.lines(1);
      this.step();
    } else {
      this.take(this.match(/[^*\n]+|\*/y));
    }
    return null;
  }

  /** Inside `struct`/`union`/`enum`: a cast's type name up to `*` or `)`, or a whole definition. */
  private scanStruct(): Token | null {
    const c = this.src[this.pos]!;
    if (c === '*' || c === ')') {
      if (this.state === 'STRUCT') {
        // flex counts the character, then puts it back to be scanned again.
        this.columns(1);
        this.states.pop();
        return this.token('IDENT', `${this.structType} ${trim(this.buffer)}`);
      }
      this.buffer += this.take(1);
      return null;
    }
    if (c === '{') {
      this.take(1);
      this.states.push('BRACE');
      this.buffer += '{';
      return null;
    }
    if (c === '}') {
      this.buffer += this.take(this.src[this.pos + 1] === ';' ? 2 : 1);
      this.states.pop();
      if (this.state === 'STRUCT') {
        this.states.pop();
        return this.token('STRUCT_DEFN', this.structType + this.buffer);
      }
      return null;
    }
    if (c === '\n') {
      this.take(1);
      this.buffer += '\n';
      this.lines(1);
      this.step();
      return null;
    }
    this.buffer += this.take(1);
    return null;
  }
}
