// Word expansion, in bash's order for what this shell has: tilde and parameter expansion, field
// splitting of what unquoted expansions produced (on IFS), and quote removal. There is no
// pathname expansion: `*` stays as written.

import type { Assignment, HereDoc, Redirect, Word, WordPart } from './parse.js';

/** The shell's variables: a Map will do, or the shell's own store with its export marks. */
export interface ShellVars {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

/** What expansion reads of the shell's state. */
export interface ShellParams {
  readonly vars: ShellVars;
  /** $1, $2, ... */
  readonly positional: readonly string[];
  /** $0 */
  readonly arg0: string;
  /** $? */
  readonly status: number;
  /** $$ */
  readonly pid: number;
  /** $!, or null before any background job. */
  readonly lastBackgroundPid: number | null;
  /** $-: the shell's single-letter options (bash -c has `hBc`). */
  readonly flags: string;
  /** The home directory of USER (`~user`; '' is the shell's own user when HOME is unset), or null if there is no such user. */
  homeOf(user: string): string | null;
}

/** An expansion bash refuses when it runs the command: `${}: bad substitution`, `x: parameter not set`. */
export class ShellExpansionError extends Error {
  /** STATUS is what a non-interactive bash exits with (it abandons the script); a prompt goes on. */
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/** A redirection ready to apply, in order. */
export type ResolvedRedirect =
  | { kind: 'file'; fd: number; path: string; mode: 'read' | 'write' | 'append' | 'readwrite' }
  | { kind: 'dup'; fd: number; from: number }
  | { kind: 'close'; fd: number }
  /** A here-document or here-string: FD reads TEXT. */
  | { kind: 'text'; fd: number; text: string };

const DEFAULT_IFS = ' \t\n';

/** Builds fields from text, splitting only what came from unquoted expansions. */
class Fields {
  readonly out: string[] = [];
  private cur = '';
  /** The current field exists (it has text, or quoting that makes even an empty word). */
  private has = false;

  constructor(private readonly ifs: string | null) {}

  /** Text that stays in one piece: literals, quoted text, tilde expansions. */
  whole(text: string, makesWord: boolean): void {
    this.cur += text;
    if (makesWord || text !== '') this.has = true;
  }

  /** What an unquoted expansion produced: split on IFS, and nothing at all if empty. */
  split(text: string): void {
    const ifs = this.ifs;
    if (ifs === null) return this.whole(text, false);
    const isWhite = (c: string): boolean => ifs.includes(c) && DEFAULT_IFS.includes(c);
    let i = 0;
    while (i < text.length) {
      const c = text[i]!;
      if (!ifs.includes(c)) {
        this.cur += c;
        this.has = true;
        i++;
        continue;
      }
      while (i < text.length && isWhite(text[i]!)) i++;
      if (i < text.length && ifs.includes(text[i]!) && !isWhite(text[i]!)) {
        // A delimiter that is not white space ends a field even if the field is empty.
        i++;
        while (i < text.length && isWhite(text[i]!)) i++;
        this.push(true);
      } else this.push(false);
    }
  }

  /** Ends the current field: always for "$@"'s boundaries and IFS's non-blank delimiters, else if it exists. */
  push(force: boolean): void {
    if (force || this.has) this.out.push(this.cur);
    this.cur = '';
    this.has = false;
  }

  done(): string[] {
    this.push(false);
    return this.out;
  }
}

/** What to split on: IFS's value, or null where bash does not split (IFS set to ''). */
function ifsOf(p: ShellParams): string | null {
  const ifs = p.vars.get('IFS');
  return ifs === undefined ? DEFAULT_IFS : ifs === '' ? null : ifs;
}

/** The value of a parameter, or undefined if it is unset. `@` and `*` are joined as "$*" is. */
function lookup(name: string, p: ShellParams): string | undefined {
  if (/^[0-9]+$/.test(name)) return name === '0' ? p.arg0 : p.positional[Number(name) - 1];
  switch (name) {
    case '#': return String(p.positional.length);
    case '?': return String(p.status);
    case '$': return String(p.pid);
    case '!': return p.lastBackgroundPid === null ? undefined : String(p.lastBackgroundPid);
    case '-': return p.flags;
    case '@':
    case '*': return p.positional.length === 0 ? undefined : p.positional.join(joiner(p));
    default: return p.vars.get(name);
  }
}

/** "$*" joins with IFS's first character: a space if IFS is unset, nothing if it is empty. */
function joiner(p: ShellParams): string {
  const ifs = p.vars.get('IFS');
  return ifs === undefined ? ' ' : ifs.slice(0, 1);
}

/**
 * Expands PARTS into F. SPLIT says the parts are an unquoted `${x:-...}` operand, whose text is
 * itself the product of an expansion and so is split too (`${u:-a b}` is two words).
 */
function expandParts(parts: readonly WordPart[], p: ShellParams, f: Fields, split: boolean): void {
  for (const part of parts) {
    switch (part.type) {
      case 'Literal':
        if (split && !part.quoted) f.split(part.value);
        else f.whole(part.value, part.quoted);
        break;
      case 'Tilde': {
        const home = tildeHome(part.user, p);
        f.whole(home ?? '~' + part.user, true);
        break;
      }
      case 'Length': {
        const n = part.name === '@' || part.name === '*' ? p.positional.length : [...(lookup(part.name, p) ?? '')].length;
        emit(String(n), part.quoted, f);
        break;
      }
      case 'BadSubst':
        throw new ShellExpansionError(`${part.text}: bad substitution`, 1);
      case 'Param':
        expandParam(part, p, f);
        break;
    }
  }
}

function tildeHome(user: string, p: ShellParams): string | null {
  if (user === '') return p.vars.get('HOME') ?? p.homeOf('');
  if (user === '+') return p.vars.get('PWD') ?? null;
  if (user === '-') return p.vars.get('OLDPWD') ?? null;
  return p.homeOf(user);
}

function expandParam(part: Extract<WordPart, { type: 'Param' }>, p: ShellParams, f: Fields): void {
  const value = lookup(part.name, p);
  const op = part.op;
  if (op !== null) {
    const missing = value === undefined || (op.startsWith(':') && value === '');
    const kind = op.slice(-1);
    if ((kind === '-' && missing) || (kind === '+' && !missing)) {
      // "${u:-}" is still an (empty) word.
      if (part.quoted) f.whole('', true);
      return expandParts(part.operand, p, f, !part.quoted);
    }
    if (kind === '+') {
      if (part.quoted) f.whole('', true);
      return;
    }
    if (kind === '=' && missing) {
      if (!/^[A-Za-z_]/.test(part.name)) throw new ShellExpansionError(`$${part.name}: cannot assign in this way`, 1);
      const assigned = expandString(part.operand, p);
      p.vars.set(part.name, assigned);
      return emit(assigned, part.quoted, f);
    }
    if (kind === '?' && missing) {
      const message = part.operand.length > 0 ? expandString(part.operand, p) : op === ':?' ? 'parameter null or not set' : 'parameter not set';
      throw new ShellExpansionError(`${part.name}: ${message}`, 127);
    }
  }
  if (part.name === '@' || part.name === '*') return expandPositional(part.name, part.quoted, p, f);
  emit(value ?? '', part.quoted, f);
}

function emit(text: string, quoted: boolean, f: Fields): void {
  if (quoted) f.whole(text, true);
  else f.split(text);
}

/** "$@" is one word per parameter (none if there are none); "$*" one word; unquoted, both are every parameter, split. */
function expandPositional(name: '@' | '*', quoted: boolean, p: ShellParams, f: Fields): void {
  if (quoted && name === '*') return f.whole(p.positional.join(joiner(p)), true);
  p.positional.forEach((arg, i) => {
    if (quoted) {
      if (i > 0) f.push(true);
      f.whole(arg, true);
    } else {
      if (i > 0) f.push(false);
      f.split(arg);
    }
  });
}

/** A command's words as its argv. */
export function expandWords(words: readonly Word[], p: ShellParams): string[] {
  return words.flatMap((w) => expandWord(w, p));
}

/** One word's fields: none (an unquoted empty expansion), one, or several (split, or "$@"). */
export function expandWord(word: Word, p: ShellParams): string[] {
  const f = new Fields(ifsOf(p));
  expandParts(word.parts, p, f, false);
  return f.done();
}

/** Expansion without field splitting, as for an assignment's value, a here-string or a here-document. */
function expandString(parts: readonly WordPart[], p: ShellParams): string {
  const f = new Fields(null);
  expandParts(parts, p, f, false);
  // "$@" still makes separate fields; where one string is wanted bash joins them with spaces.
  return f.done().join(' ');
}

/** The value an assignment gives its variable (`NAME+=value` appends to the current one). */
export function expandAssignment(a: Assignment, p: ShellParams): string {
  const value = expandString(a.value.parts, p);
  return a.append ? (p.vars.get(a.name) ?? '') + value : value;
}

/** A redirection's target expanded, as the operations to apply (`&>f` is `>f 2>&1`). */
export function expandRedirect(r: Redirect | HereDoc, p: ShellParams): ResolvedRedirect[] {
  if (r.type === 'HereDoc') return [{ kind: 'text', fd: r.fd ?? 0, text: expandString(r.body.parts, p) }];
  if (r.op === '<<<') return [{ kind: 'text', fd: r.fd ?? 0, text: expandString(r.target.parts, p) + '\n' }];
  const fields = expandWord(r.target, p);
  if (fields.length !== 1) throw new ShellExpansionError(`${r.target.text}: ambiguous redirect`, 1);
  const target = fields[0]!;
  switch (r.op) {
    case '<': return [{ kind: 'file', fd: r.fd ?? 0, path: target, mode: 'read' }];
    case '<>': return [{ kind: 'file', fd: r.fd ?? 0, path: target, mode: 'readwrite' }];
    case '>':
    case '>|': return [{ kind: 'file', fd: r.fd ?? 1, path: target, mode: 'write' }];
    case '>>': return [{ kind: 'file', fd: r.fd ?? 1, path: target, mode: 'append' }];
    case '&>': return [{ kind: 'file', fd: 1, path: target, mode: 'write' }, { kind: 'dup', fd: 2, from: 1 }];
    case '&>>': return [{ kind: 'file', fd: 1, path: target, mode: 'append' }, { kind: 'dup', fd: 2, from: 1 }];
    case '>&':
    case '<&': {
      const fd = r.fd ?? (r.op === '>&' ? 1 : 0);
      if (/^[0-9]+$/.test(target)) return [{ kind: 'dup', fd, from: Number(target) }];
      if (target === '-') return [{ kind: 'close', fd }];
      // `>&word` with no descriptor written is bash's old spelling of `&>word`.
      if (r.op === '>&' && r.fd === null) return [{ kind: 'file', fd: 1, path: target, mode: 'write' }, { kind: 'dup', fd: 2, from: 1 }];
      throw new ShellExpansionError(`${r.target.text}: ambiguous redirect`, 1);
    }
  }
}
