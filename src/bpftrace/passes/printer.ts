// bpftrace's AST printer (src/ast/passes/printer.cpp) and the `-d` dump around it
// (src/ast/pass_manager.cpp): one node per line, one space of indent per level, expressions with
// their type (`none` until the semantic analyser has run). Quirks kept as bpftrace has them: a
// post-increment prints its operand before itself, `(struct X **)` prints as `(struct X*)`, and a
// `while` leaves the indent two levels deeper for whatever follows it.

import type { AttachPoint, Expr, Probe, Program, Statement } from '../ast.js';
import { CreateNone, type SizedType } from '../types.js';
import { formatType } from '../typestr.js';

const UNOP_NAMES: Record<string, string> = { '!': '!', '~': '~', '-': '-', '*': 'dereference', '++': '++', '--': '--' };

/** AttachPoint::name(func): the attach point as bpftrace names it once split. */
export function attachPointName(ap: AttachPoint): string {
  let n = ap.provider;
  if (ap.target !== '') n += `:${ap.target}`;
  if (ap.func !== '') {
    n += `:${ap.func}`;
    if (ap.funcOffset !== 0) n += `+${ap.funcOffset}`;
  }
  if (ap.freq !== 0) n += `:${ap.freq}`;
  return n;
}

/** The literal's bytes: escapes (`\xff`) are single characters below 256, other text is UTF-8. */
function bytesOf(s: string): number[] {
  return [...s].flatMap((ch) => (ch.charCodeAt(0) < 256 ? [ch.charCodeAt(0)] : [...Buffer.from(ch, 'utf8')]));
}

/** A string literal as the printer shows it: printable bytes as they are, others escaped. */
function escapeString(s: string): string {
  let out = '';
  for (const byte of bytesOf(s)) {
    const c = String.fromCharCode(byte);
    if (byte >= 0x20 && byte < 0x7f) out += c === '\\' ? '\\\\' : c === '"' ? '\\"' : c;
    else if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

export class Printer {
  private out = '';
  private depth = 0;

  /** `printTypes` as in bpftrace's Printer; the `-d` dumps print them. */
  constructor(private readonly printTypes = true) {}

  print(program: Program): string {
    this.out = '';
    this.depth = 0;
    this.program(program);
    return this.out;
  }

  private line(text: string, depth = this.depth): void {
    this.out += `${' '.repeat(depth)}${text}\n`;
  }

  private type(ty: SizedType | undefined): string {
    if (!this.printTypes) return '';
    const t = ty ?? CreateNone();
    let s = ` :: type[${formatType(t)}, ctx: ${t.isCtxAccess ? 1 : 0}`;
    if (t.addrSpace && t.addrSpace !== 'none') s += `, AS(${t.addrSpace})`;
    return `${s}]`;
  }

  private program(p: Program): void {
    if (p.cDefinitions.length > 0) this.out += `${p.cDefinitions.map((d) => d.text).join('')}\n`;
    this.line('Program');
    this.depth++;
    for (const probe of p.probes) this.probe(probe);
    this.depth--;
  }

  private probe(p: Probe): void {
    for (const ap of p.attachPoints) this.line(attachPointName(ap));
    this.depth++;
    if (p.pred) {
      this.line('pred');
      this.depth++;
      this.expr(p.pred.expr);
      this.depth--;
    }
    for (const s of p.stmts) this.stmt(s);
    this.depth--;
  }

  private stmt(s: Statement): void {
    const indent = this.depth;
    switch (s.kind) {
      case 'ExprStatement':
        this.expr(s.expr);
        return;
      case 'AssignMapStatement':
      case 'AssignVarStatement':
        this.line('=');
        this.depth++;
        this.expr(s.kind === 'AssignMapStatement' ? s.map : s.variable);
        this.expr(s.expr);
        this.depth--;
        return;
      case 'If':
        this.line('if');
        this.depth++;
        this.expr(s.cond);
        this.depth++;
        this.line(' then', indent);
        for (const t of s.stmts) this.stmt(t);
        if (s.elseStmts) {
          this.line(' else', indent);
          for (const t of s.elseStmts) this.stmt(t);
        }
        this.depth -= 2;
        return;
      case 'Unroll':
        this.line('unroll');
        this.depth++;
        this.expr(s.expr);
        this.line(' block', indent);
        this.depth++;
        for (const t of s.stmts) this.stmt(t);
        this.depth -= 2;
        return;
      case 'While':
        // bpftrace's printer never restores the depth after a while loop.
        this.line('while(');
        this.depth++;
        this.expr(s.cond);
        this.depth++;
        this.line(' )', indent);
        for (const t of s.stmts) this.stmt(t);
        return;
      case 'Jump':
        this.line(s.ident);
        return;
    }
  }

  private exprs(es: Expr[]): void {
    this.depth++;
    for (const e of es) this.expr(e);
    this.depth--;
  }

  private expr(e: Expr): void {
    const indent = this.depth;
    switch (e.kind) {
      case 'Integer':
        this.line(`int: ${e.value}${this.type(e.type)}`);
        return;
      case 'PositionalParameter':
        this.line(`param: $${e.ptype === 'count' ? '#' : e.n}${this.type(e.type)}`);
        return;
      case 'String':
        this.line(`string: ${escapeString(e.value)}${this.type(e.type)}`);
        return;
      case 'StackMode':
        this.line(`stack_mode: ${e.mode}${this.type(e.type)}`);
        return;
      case 'Builtin':
        this.line(`builtin: ${e.ident}${this.type(e.type)}`);
        return;
      case 'Identifier':
        this.line(`identifier: ${e.ident}${this.type(e.type)}`);
        return;
      case 'Call':
        this.line(`call: ${e.func}${this.type(e.type)}`);
        this.exprs(e.args);
        return;
      case 'Map':
        this.line(`map: ${e.ident}${this.type(e.type)}`);
        this.exprs(e.keys);
        return;
      case 'Variable':
        this.line(`variable: ${e.ident}${this.type(e.type)}`);
        return;
      case 'Binop':
        this.line(`${e.op}${this.type(e.type)}`);
        this.exprs([e.left, e.right]);
        return;
      case 'Unop':
        if (e.isPostOp) {
          this.expr(e.expr);
          this.line(UNOP_NAMES[e.op]!, indent + 1);
        } else {
          this.line(UNOP_NAMES[e.op]!);
          this.exprs([e.expr]);
        }
        return;
      case 'Ternary':
        this.line('?:');
        this.exprs([e.cond, e.left, e.right]);
        return;
      case 'FieldAccess':
        this.line('.');
        this.exprs([e.expr]);
        this.line(` ${e.field !== '' ? e.field : e.index}`, indent);
        return;
      case 'ArrayAccess':
        this.line('[]');
        this.exprs([e.expr, e.index]);
        return;
      case 'Cast':
        this.line(`(${e.castType}${e.isPointer ? '*' : ''})`);
        this.exprs([e.expr]);
        return;
      case 'Tuple':
        this.line('tuple:');
        this.exprs(e.elems);
        return;
    }
  }
}

/** One `-d` section: `AST after: NAME`, a rule, the tree and a blank line, as bpftrace writes it to stdout. */
export function printAst(program: Program, passName: string): string {
  return `\nAST after: ${passName}\n-------------------\n${new Printer(true).print(program)}\n`;
}
