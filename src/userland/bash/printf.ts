// The printf builtin: bash 5.0's (printf.def), and dash's when the shell runs as sh. That one is
// Debian's dash 0.5.12, which these were checked against: upstream 0.5.10.2's printf with Debian's
// \e. Which of 0.5.8 and 0.5.10.2 Ubuntu 19.04 shipped is not established here (0.5.8's usage
// error and bad directives returned 1, not 2, and it had no %a or %F). Both reuse the format while
// arguments remain, print a missing argument as '' or 0, and go on after a bad number with what
// strtoimax made of it; they differ in escapes (\x, \u and \E are bash's alone), in conversions
// (%q, %n and %(fmt)T are bash's; a length modifier is dash's error), in numbers (long double or
// double), in -v (bash's) and in how they complain.

import { formatFloat, formatInt, formatString, floatOfInt, strtofloat, strtoint, DOUBLE, LONG_DOUBLE, type CFloat, type FloatFormat, type Spec } from './cformat.js';
import { strftime } from './strftime.js';
import { byteLength } from '../coreutils/io.js';

/** What a printf did: its output, its complaints, its status and the variables it set. */
export interface Printed {
  stdout: string;
  stderr: string;
  status: number;
  /** `-v NAME` gets the output instead of standard output; `%n` sets a count. In order. */
  assigns: [string, string][];
}

/** The times %(fmt)T may print, in seconds since the epoch: -1 stands for now, -2 for when the shell started. */
export interface Clock {
  now: number;
  shellStart: number;
}

const identifier = (s: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);

/** A `'c` or `"c` argument's number: the first byte of what follows the quote. */
const charCode = (a: string): bigint => BigInt(new TextEncoder().encode(a.slice(1))[0] ?? 0);

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/**
 * bash's tescape: the escape at S[I] (just after the backslash) and how many characters it took
 * (0: not an escape, the backslash stands for itself). IN_B is %b's reading: \c stops, \0 takes
 * three more octal digits, and \' \" \? keep their backslash.
 */
function bashEscape(s: string, i: number, inB: boolean, warn: (m: string) => void): { text: string; len: number; stop?: boolean } {
  const c = s[i];
  if (c === undefined) return { text: '\\', len: 0 };
  if (SIMPLE_ESCAPES[c] !== undefined) return { text: SIMPLE_ESCAPES[c]!, len: 1 };
  if (c >= '0' && c <= '7') {
    const max = 1 + 2 + (c === '0' && inB ? 1 : 0);
    const digits = /^[0-7]+/.exec(s.slice(i, i + max))![0];
    return { text: String.fromCharCode(parseInt(digits, 8) & 0xff), len: digits.length };
  }
  if (c === 'x' || c === 'u' || c === 'U') {
    const max = c === 'x' ? 2 : c === 'u' ? 4 : 8;
    const digits = /^[0-9a-fA-F]*/.exec(s.slice(i + 1, i + 1 + max))![0];
    if (digits === '') {
      warn(c === 'x' ? 'missing hex digit for \\x' : `missing unicode digit for \\${c}`);
      return { text: '\\', len: 0 };
    }
    const v = parseInt(digits, 16);
    if (c === 'x') return { text: String.fromCharCode(v), len: 1 + digits.length };
    // The machine's locale is C: a character past ASCII is written as the C escape for it.
    const text = v <= 0x7f ? String.fromCharCode(v) : v <= 0xffff ? `\\u${v.toString(16).toUpperCase().padStart(4, '0')}` : `\\U${v.toString(16).toUpperCase().padStart(8, '0')}`;
    return { text, len: 1 + digits.length };
  }
  if (c === "'" || c === '"' || c === '?') return inB ? { text: '\\', len: 0 } : { text: c, len: 1 };
  if (c === 'c' && inB) return { text: '', len: 1, stop: true };
  return { text: '\\', len: 0 };
}

/** bash's bexpand: %b's argument with its escapes; STOP if it held \c (nothing after it is printed). */
function bashExpandB(s: string, warn: (m: string) => void): { text: string; stop: boolean } {
  let text = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\' || i + 1 === s.length) {
      text += s[i];
      continue;
    }
    const e = bashEscape(s, i + 1, true, warn);
    if (e.stop) return { text, stop: true };
    text += e.text;
    i += e.len;
  }
  return { text, stop: false };
}

/** ansic_quote's letters for the characters it writes as `\x` inside $'...'. */
const ANSI_C_QUOTED: Record<string, string> = { '\x1b': 'E', '\x07': 'a', '\v': 'v', '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't', '\\': '\\', "'": "'" };

/**
 * bash's %q: the argument quoted so the shell reads it back as it is; with a byte that is not
 * printable in the C locale, as $'...' with escapes, else with a backslash before each character
 * the shell would take specially.
 */
function shellQuote(s: string): string {
  if (s === '') return "''";
  const bytes = new TextEncoder().encode(s);
  if (bytes.some((b) => b < 0x20 || b >= 0x7f)) {
    let out = "$'";
    for (const b of bytes) {
      const c = String.fromCharCode(b);
      if (ANSI_C_QUOTED[c] !== undefined) out += '\\' + ANSI_C_QUOTED[c];
      else if (b < 0x20 || b >= 0x7f) out += '\\' + b.toString(8).padStart(3, '0');
      else out += c;
    }
    return out + "'";
  }
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (' \t\n!"$&\'()*,;<>?[\\]^`{|}'.includes(c) || (c === '#' && i === 0) || (c === '~' && (i === 0 || s[i - 1] === ':' || s[i - 1] === '='))) out += '\\';
    out += c;
  }
  return out;
}

/** The arguments after the format, taken one at a time. */
class Args {
  i = 0;
  constructor(readonly list: readonly string[]) {}

  get left(): boolean {
    return this.i < this.list.length;
  }

  next(): string | undefined {
    return this.list[this.i++];
  }
}

export function bashPrintf(argv: readonly string[], prefix: string, clock: Clock): Printed {
  const r: Printed = { stdout: '', stderr: '', status: 0, assigns: [] };
  const error = (m: string): void => void (r.stderr += `${prefix}printf: ${m}\n`);
  const usage = (): Printed => {
    r.stderr += 'printf: usage: printf [-v var] format [arguments]\n';
    r.status = 2;
    return r;
  };
  // internal_getopt with "v:": options until an operand or `--`; --help is the builtin's help.
  let vname: string | null = null;
  let i = 1;
  while (i < argv.length) {
    const a = argv[i]!;
    if (a === '--help') {
      r.stdout = HELP;
      r.status = 2;
      return r;
    }
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    if (a[1] !== 'v') {
      error(`-${a[1]}: invalid option`);
      return usage();
    }
    let name = a.slice(2);
    if (name === '') {
      if (i + 1 >= argv.length) {
        error('-v: option requires an argument');
        return usage();
      }
      name = argv[++i]!;
    }
    if (!identifier(name)) {
      error(`\`${name}': not a valid identifier`);
      r.status = 2;
      return r;
    }
    vname = name;
    i++;
  }
  if (i >= argv.length) return usage();
  const format = argv[i]!;
  if (format === '') {
    if (vname !== null) r.assigns.push([vname, '']);
    return r;
  }
  const args = new Args(argv.slice(i + 1));
  let out = '';
  let conversionError = false;
  const finish = (status: number): Printed => {
    if (vname !== null) r.assigns.push([vname, out]);
    else r.stdout = out;
    r.status = status;
    return r;
  };
  const number = (text: string, signed: boolean): bigint => {
    if (text[0] === "'" || text[0] === '"') return charCode(text);
    const n = strtoint(text, signed);
    if (n.end < text.length) {
      error(`${text}: ${invalidNumber(text)}`);
      conversionError = true;
    } else if (n.erange) error(`warning: ${text}: Numerical result out of range`);
    return n.value;
  };
  const intArg = (signed: boolean): bigint => {
    const a = args.next();
    return a === undefined ? 0n : number(a, signed);
  };
  // getint: a `*` width or precision, held to an int (unless it was the last argument).
  const starArg = (): number => {
    const a = args.next();
    if (a === undefined) return 0;
    const v = number(a, true);
    if (!args.left) return Number(BigInt.asIntN(32, v));
    if (v > 2147483647n || v < -2147483648n) {
      // bash names the argument after the one it read.
      error(`warning: ${args.list[args.i]}: Numerical result out of range`);
      return v > 0n ? 2147483647 : -2147483648;
    }
    return Number(v);
  };
  const floatArg = (): CFloat => {
    const a = args.next();
    if (a === undefined) return floatOfInt(0n);
    if (a[0] === "'" || a[0] === '"') return floatOfInt(charCode(a));
    const n = strtofloat(a, LONG_DOUBLE);
    if (n.end < a.length) {
      error(`${a}: ${invalidNumber(a)}`);
      conversionError = true;
    } else if (n.erange) error(`warning: ${a}: Numerical result out of range`);
    return n.value;
  };
  do {
    // %n counts what this pass over the format has printed.
    const passStart = byteLength(out);
    for (let f = 0; f < format.length; f++) {
      const ch = format[f]!;
      if (ch === '\\') {
        const e = bashEscape(format, f + 1, false, error);
        out += e.text;
        f += e.len;
        continue;
      }
      if (ch !== '%') {
        out += ch;
        continue;
      }
      const start = f++;
      if (format[f] === '%') {
        out += '%';
        continue;
      }
      while (f < format.length && "#'-+ 0".includes(format[f]!)) f++;
      const stars: Stars = {};
      if (format[f] === '*') {
        f++;
        stars.width = starArg();
      } else while (/[0-9]/.test(format[f] ?? '')) f++;
      if (format[f] === '.') {
        f++;
        if (format[f] === '*') {
          f++;
          stars.precision = starArg();
        } else {
          if (format[f] === '-') f++;
          while (/[0-9]/.test(format[f] ?? '')) f++;
        }
      }
      const modStart = f;
      while (f < format.length && 'hjlLtz'.includes(format[f]!)) f++;
      if (f >= format.length) {
        error(`\`${format.slice(start)}': missing format character`);
        return finish(1);
      }
      const conv = format[f]!;
      const spec = parseSpec(format.slice(start, modStart) + conv, stars);
      switch (conv) {
        case 'c': {
          // The first character (bash prints the first byte of one past ASCII); '' is a NUL.
          const a = args.next() ?? '';
          out += formatString({ ...spec, precision: null }, a === '' ? '\0' : String.fromCodePoint(a.codePointAt(0)!));
          break;
        }
        case 's':
          out += formatString(spec, args.next() ?? '');
          break;
        case '(': {
          const close = timeFormatEnd(format, f);
          if (close < 0 || format[close + 1] !== 'T') {
            error(`warning: \`${format[close < 0 ? format.length : close + 1] ?? ''}': invalid time format specification`);
            out += '%';
            f = start;
            break;
          }
          const fmt = format.slice(f + 1, close) || '%X';
          f = close + 1;
          const a = args.left ? Number(intArg(true)) : -1;
          out += formatString({ ...spec, conv: 's' }, strftime(fmt, a === -1 ? clock.now : a === -2 ? clock.shellStart : a));
          break;
        }
        case 'n': {
          const name = args.next() ?? '';
          if (name === '') break;
          if (!identifier(name)) {
            error(`\`${name}': not a valid identifier`);
            return finish(1);
          }
          r.assigns.push([name, String(byteLength(out) - passStart)]);
          break;
        }
        case 'b': {
          const b = bashExpandB(args.next() ?? '', error);
          out += formatString({ ...spec, conv: 's' }, b.text);
          if (b.stop) return finish(0);
          break;
        }
        case 'q':
          out += formatString({ ...spec, conv: 's' }, shellQuote(args.next() ?? ''));
          break;
        case 'd':
        case 'i':
          out += formatInt(spec, intArg(true));
          break;
        case 'o':
        case 'u':
        case 'x':
        case 'X':
          out += formatInt(spec, intArg(false));
          break;
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
        case 'a':
        case 'A':
          out += formatFloat(spec, floatArg(), LONG_DOUBLE);
          break;
        default:
          error(`\`${conv}': invalid format character`);
          return finish(1);
      }
    }
  } while (args.left && args.i > 0);
  return finish(conversionError ? 1 : 0);
}

/** sh_invalidnum's words for a number strtoimax stopped short in. */
function invalidNumber(s: string): string {
  if (s[0] === '0' && /[0-9]/.test(s[1] ?? '')) return 'invalid octal number';
  if (s[0] === '0' && s[1] === 'x') return 'invalid hex number';
  return 'invalid number';
}

/** Where %( ... ) closes, counting nested parentheses; -1 if it does not. */
function timeFormatEnd(format: string, open: number): number {
  let depth = 0;
  for (let i = open; i < format.length; i++) {
    if (format[i] === '(') depth++;
    else if (format[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/** A width or precision given as `*`, with the argument's value. */
interface Stars {
  width?: number;
  precision?: number;
}

/** A specification (without length modifiers) like `%-08.3d`; a negative precision is none. */
function parseSpec(text: string, stars: Stars): Spec {
  const m = /^%([-#'+ 0]*)(\*|[0-9]*)(?:\.(\*|-?[0-9]*))?(.)$/s.exec(text)!;
  const width = stars.width ?? Number(m[2] || 0);
  const precision = stars.precision ?? (m[3] === undefined || m[3].startsWith('-') ? null : Number(m[3] || 0));
  return { flags: m[1]!, width, precision: precision !== null && precision < 0 ? null : precision, conv: m[4]! };
}

/** dash's conv_escape: octal (up to three digits) and the C letters (\e is Debian's); anything else keeps its backslash. */
function dashEscape(s: string, i: number): { text: string; len: number } {
  const c = s[i];
  if (c !== undefined && /[0-7]/.test(c)) {
    const digits = /^[0-7]{1,3}/.exec(s.slice(i))![0];
    return { text: String.fromCharCode(parseInt(digits, 8) & 0xff), len: digits.length };
  }
  const simple: Record<string, string> = { '\\': '\\', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
  if (c !== undefined && simple[c] !== undefined) return { text: simple[c]!, len: 1 };
  return { text: '\\', len: 0 };
}

/** dash's conv_escape_str for %b: \c stops, and \0 may lead up to three more octal digits. */
function dashExpandB(s: string): { text: string; stop: boolean } {
  let text = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\') {
      text += s[i];
      continue;
    }
    if (s[i + 1] === 'c') return { text, stop: true };
    const skip = s[i + 1] === '0' && /[0-7]/.test(s[i + 2] ?? '') ? 2 : 1;
    const e = dashEscape(s, i + skip);
    text += e.text;
    i += skip - 1 + e.len;
  }
  return { text, stop: false };
}

/** An error that ends dash's builtin: its message and status 2, after what it had printed. */
class DashError {
  constructor(readonly message: string) {}
}

export function dashPrintf(argv: readonly string[], prefix: string): Printed {
  const r: Printed = { stdout: '', stderr: '', status: 0, assigns: [] };
  try {
    dashRun(argv, prefix, r);
  } catch (e) {
    if (!(e instanceof DashError)) throw e;
    r.stderr += `${prefix}printf: ${e.message}\n`;
    r.status = 2;
  }
  return r;
}

function dashRun(argv: readonly string[], prefix: string, r: Printed): void {
  // nextopt(""): any option is illegal; `--` ends them.
  let i = 1;
  const first = argv[1];
  if (first !== undefined && first.startsWith('-') && first !== '-') {
    if (first !== '--') throw new DashError(`Illegal option -${first[1]}`);
    i = 2;
  }
  const format = argv[i];
  if (format === undefined) throw new DashError('usage: printf format [arg ...]');
  const args = new Args(argv.slice(i + 1));
  const warn = (m: string): void => {
    r.stderr += `${prefix}printf: ${m}\n`;
    r.status = 1;
  };
  const check = (text: string, end: number, erange: boolean): void => {
    if (end < text.length) warn(`${text}: ${end === 0 ? 'expected numeric value' : 'not completely converted'}`);
    else if (erange) warn(`${text}: Numerical result out of range`);
  };
  const intArg = (signed: boolean): bigint => {
    const a = args.next();
    if (a === undefined) return 0n;
    if (a[0] === '"' || a[0] === "'") return charCode(a);
    const n = strtoint(a, signed);
    check(a, n.end, n.erange);
    return n.value;
  };
  const floatArg = (f: FloatFormat): CFloat => {
    const a = args.next();
    if (a === undefined) return floatOfInt(0n);
    if (a[0] === '"' || a[0] === "'") return floatOfInt(charCode(a));
    const n = strtofloat(a, f);
    check(a, n.end, n.erange);
    return n.value;
  };
  do {
    for (let f = 0; f < format.length; ) {
      const ch = format[f++]!;
      if (ch === '\\') {
        const e = dashEscape(format, f);
        r.stdout += e.text;
        f += e.len;
        continue;
      }
      if (ch !== '%') {
        r.stdout += ch;
        continue;
      }
      if (format[f] === '%') {
        r.stdout += '%';
        f++;
        continue;
      }
      const start = f - 1;
      while (f < format.length && '#-+ 0'.includes(format[f]!)) f++;
      // A `*` takes an argument as an int.
      const stars: Stars = {};
      if (format[f] === '*') {
        f++;
        stars.width = Number(BigInt.asIntN(32, intArg(true)));
      } else while (/[0-9]/.test(format[f] ?? '')) f++;
      if (format[f] === '.') {
        f++;
        if (format[f] === '*') {
          f++;
          stars.precision = Number(BigInt.asIntN(32, intArg(true)));
        } else while (/[0-9]/.test(format[f] ?? '')) f++;
      }
      const conv = format[f];
      if (conv === undefined) throw new DashError('missing format character');
      const text = format.slice(start, f + 1);
      f++;
      const spec = parseSpec(text, stars);
      switch (conv) {
        case 'b': {
          const b = dashExpandB(args.next() ?? '');
          r.stdout += formatString({ ...spec, conv: 's' }, b.text);
          if (b.stop) return;
          break;
        }
        case 'c': {
          const a = args.next() ?? '';
          r.stdout += formatString({ ...spec, precision: null }, a === '' ? '\0' : a[0]!);
          break;
        }
        case 's':
          r.stdout += formatString(spec, args.next() ?? '');
          break;
        case 'd':
        case 'i':
          r.stdout += formatInt(spec, intArg(true));
          break;
        case 'o':
        case 'u':
        case 'x':
        case 'X':
          r.stdout += formatInt(spec, intArg(false));
          break;
        case 'a':
        case 'A':
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
          r.stdout += formatFloat(spec, floatArg(DOUBLE), DOUBLE);
          break;
        default:
          throw new DashError(`${text}: invalid directive`);
      }
    }
  } while (args.left && args.i > 0);
}

/** `help printf` as bash 5.0 shows it for `printf --help`. */
const HELP = `printf: printf [-v var] format [arguments]
    Formats and prints ARGUMENTS under control of the FORMAT.
    
    Options:
      -v var	assign the output to shell variable VAR rather than
    		display it on the standard output
    
    FORMAT is a character string which contains three types of objects: plain
    characters, which are simply copied to standard output; character escape
    sequences, which are converted and copied to the standard output; and
    format specifications, each of which causes printing of the next successive
    argument.
    
    In addition to the standard format specifications described in printf(1),
    printf interprets:
    
      %b	expand backslash escape sequences in the corresponding argument
      %q	quote the argument in a way that can be reused as shell input
      %(fmt)T	output the date-time string resulting from using FMT as a format
    	        string for strftime(3)
    
    The format is re-used as necessary to consume all of the arguments.  If
    there are fewer arguments than the format requires,  extra format
    specifications behave as if a zero value or null string, as appropriate,
    had been supplied.
    
    Exit Status:
    Returns success unless an invalid option is given or a write or assignment
    error occurs.
`;
