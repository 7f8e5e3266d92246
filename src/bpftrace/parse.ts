// bpftrace's Driver::parse (src/driver.cpp): scan, parse, then split the attach points. The scanner
// is lexer.ts; grammar.ohm is parser.yy; its LALR(1) automaton (automaton.ts) decides acceptance and
// words syntax errors as bison does, and Ohm's semantics over the same rules build the AST with
// bison's locations. Any error leaves no tree, as in bpftrace.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type * as Ohm from 'ohm-js';
import type {
  AttachPoint,
  BinaryOperator,
  CDefinition,
  Expr,
  Location,
  MapExpr,
  Predicate,
  Probe,
  Program,
  Statement,
  UnaryOperator,
  VariableExpr,
} from './ast.js';
import { parseAttachPoints } from './attach_point_parser.js';
import {
  automatonFromTables,
  automatonTables,
  buildAutomaton,
  recognize,
  type ActionCheck,
  type Automaton,
  type AutomatonTables,
} from './automaton.js';
import type { Diagnostics } from './diagnostics.js';
import { Lexer, TOKEN_NAMES, type Token } from './lexer.js';

/**
 * Ohm's single-file CommonJS build, which loads in half the time of its ES modules (some fifty
 * files), on every run of bpfbox. Ohm 17 has recipes, a grammar as data, but leaves `makeRecipe`
 * out of its type declarations.
 */
const ohm = createRequire(import.meta.url)('ohm-js') as typeof Ohm & { makeRecipe(recipe: unknown): Ohm.Grammar };

export interface ParseOptions {
  /**
   * `stdin` for -e, else the script's path. As in bpftrace's Driver::source, it names the source
   * for printing diagnostics (formatDiagnostics) and does not change the parse.
   */
  filename?: string;
  /** The positional parameters `$1`.. as given on the command line. */
  positional?: string[];
  /**
   * `bpftrace -l PATTERN`: the source is attach points alone (bpftrace's `listing_`), and a probe
   * with a block is an error. The probes come back with no statements.
   */
  listing?: boolean;
}

/**
 * grammar.ohm: src/'s in a checkout, where the copy the build puts beside parse.js in dist/ may be
 * older (tsc alone does not copy it), else that copy.
 */
function loadGrammarSource(): string {
  for (const rel of ['../../src/bpftrace/grammar.ohm', './grammar.ohm']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return readFileSync(path, 'utf8');
  }
  throw new Error('bpftrace: grammar.ohm not found in src/bpftrace or beside parse.js');
}

/**
 * What `npm run build` (scripts/build-bpftrace-parser.mjs) writes beside parse.js: the grammar as
 * an Ohm recipe and the automaton's tables, which load in milliseconds where compiling grammar.ohm
 * and building the automaton take a good part of a second. Run from src/ (vitest) there is no such
 * file, and tables built from another grammar.ohm are not used: both are then built from the text.
 */
export const PARSER_TABLES_FILE = 'parser_tables.json';

export interface ParserTables {
  /** The grammar.ohm they were built from. */
  source: string;
  recipe: unknown;
  automaton: AutomatonTables;
}


function loadPrebuilt(source: string): Pick<Parser, 'grammar' | 'automaton'> | null {
  const path = fileURLToPath(new URL(`./${PARSER_TABLES_FILE}`, import.meta.url));
  if (!existsSync(path)) return null;
  const tables = JSON.parse(readFileSync(path, 'utf8')) as ParserTables;
  const automaton = tables.source === source ? automatonFromTables(tables.automaton) : null;
  return automaton && { grammar: ohm.makeRecipe(tables.recipe), automaton };
}

/** The grammar and automaton as the build precomputes them (scripts/build-bpftrace-parser.mjs). */
export function buildParserTables(): ParserTables {
  const source = loadGrammarSource();
  const grammar = ohm.grammar(source);
  const recipe = (grammar as Ohm.Grammar & { toRecipe(): string }).toRecipe();
  return { source, recipe: JSON.parse(recipe) as unknown, automaton: automatonTables(buildAutomaton(grammar)) };
}

interface Parser {
  grammar: Ohm.Grammar;
  semantics: Ohm.Semantics;
  automaton: Automaton;
}

let parser: Parser | null = null;

function getParser(): Parser {
  if (!parser) {
    const source = loadGrammarSource();
    const prebuilt = loadPrebuilt(source);
    const grammar = prebuilt?.grammar ?? ohm.grammar(source);
    parser = { grammar, semantics: createSemantics(grammar), automaton: prebuilt?.automaton ?? buildAutomaton(grammar) };
  }
  return parser;
}

/** Each token becomes one character for Ohm: U+E000 + its number in parser.yy's %token order. */
const TOKEN_CHARS = new Map(TOKEN_NAMES.map(([k], i) => [k, String.fromCharCode(0xe000 + i)]));
const tokenChar = (t: Token): string => TOKEN_CHARS.get(t.kind)!;

const LONG_MAX = (1n << 63n) - 1n;

/** bison's `param: PARAM` action: `std::stol` of the digits, which must be 1..LONG_MAX. */
function positionalIndex(text: string): number | null {
  const n = BigInt(text.slice(1));
  return n === 0n || n > LONG_MAX ? null : Number(n);
}

const bisonLoc = (line: number, col: number, endLine: number, endCol: number): Location => ({ line, col, endLine, endCol });
/** A default-constructed bison location, which bpftrace's If and Probe nodes keep. */
const defaultLoc = (): Location => bisonLoc(1, 1, 1, 1);

/** The grammar actions in parser.yy that report an error and abort the parse (YYERROR). */
const parserActionErrors = (listing: boolean): ActionCheck => (prod, rhs, loc) => {
  const first = rhs[0]?.token;
  switch (prod.name) {
    case 'probe_probe':
      return listing ? { message: 'unexpected listing query format', loc } : null;
    case 'probe_noBlock':
      return listing ? null : { message: 'unexpected end of file, expected {', loc };
    case 'attach_point_def_param':
      return rhs[1]!.token!.kind === 'PARAMCOUNT' ? { message: 'Not a positional parameter', loc } : null;
    case 'param_positional':
      return positionalIndex(first!.text) === null
        ? { message: `param ${first!.text} is out of integer range [1, ${LONG_MAX}]`, loc: rhs[0]!.loc }
        : null;
    case 'assign_stmt_tuple':
      return {
        message: 'Tuples are immutable once created. Consider creating a new tuple and assigning it instead.',
        loc: { ...rhs[0]!.loc, endLine: rhs[4]!.loc.endLine, endCol: rhs[4]!.loc.endCol },
      };
    case 'postfix_expr_incIdent':
    case 'unary_expr_identInc':
      return { message: 'The ++ operator must be applied to a map or variable', loc: rhs[0]!.loc };
    case 'postfix_expr_decIdent':
    case 'unary_expr_identDec':
      return { message: 'The -- operator must be applied to a map or variable', loc: rhs[0]!.loc };
    case 'call_unknown':
    case 'call_unknownArgs':
    case 'call_unknownBuiltin':
    case 'call_unknownBuiltinArgs':
    case 'call_unknownStackMode':
    case 'call_unknownStackModeArgs':
      return { message: `Unknown function: ${first!.text}`, loc: rhs[0]!.loc };
    default:
      return null;
  }
};

/** The tokens of the parse being built; Ohm's semantics read locations from them. */
let current: Token[] = [];

function spanLoc(node: Ohm.Node): Location {
  const { startIdx, endIdx } = node.source;
  if (endIdx > startIdx) {
    const a = current[startIdx]!.loc;
    const b = current[endIdx - 1]!.loc;
    return bisonLoc(a.line, a.col, b.endLine, b.endCol);
  }
  // An empty rule's location is the end of what precedes it (YYLLOC_DEFAULT).
  const prev = current[startIdx - 1]?.loc;
  return prev ? bisonLoc(prev.endLine, prev.endCol, prev.endLine, prev.endCol) : defaultLoc();
}

const tokenOf = (node: Ohm.Node): Token => current[node.source.startIdx]!;
const joinLoc = (a: Location, b: Location): Location => bisonLoc(a.line, a.col, b.endLine, b.endCol);

function createSemantics(grammar: Ohm.Grammar): Ohm.Semantics {
  const s = grammar.createSemantics();

  s.addOperation<CDefinition[]>('defs', {
    c_definitions_preproc(d, rest) {
      return [{ loc: spanLoc(d), text: `${tokenOf(d).text}\n` }, ...rest.defs()];
    },
    c_definitions_struct(d, rest) {
      return [{ loc: spanLoc(d), text: `${tokenOf(d).text};\n` }, ...rest.defs()];
    },
    c_definitions_empty(_) {
      return [];
    },
  });

  s.addOperation<Probe[]>('probes', {
    probes_more(ps, p) {
      return [...ps.probes(), ...p.probes()];
    },
    probes_one(p) {
      return p.probes();
    },
    probe_probe(aps, pred, block) {
      return [{ loc: defaultLoc(), attachPoints: aps.aps(), pred: pred.pred(), stmts: block.stmts() }];
    },
    probe_noBlock(aps, _end) {
      return [{ loc: defaultLoc(), attachPoints: aps.aps(), pred: null, stmts: [] }];
    },
  });

  s.addOperation<AttachPoint[]>('aps', {
    attach_points_more(aps, _c, ap) {
      return [...aps.aps(), ...ap.aps()];
    },
    attach_points_one(ap) {
      return ap.aps();
    },
    attach_point(def) {
      return [
        { loc: spanLoc(this), rawInput: def.apText(), provider: '', target: '', func: '', freq: 0, funcOffset: 0, needExpansion: false },
      ];
    },
  });

  // attach_point_def's string: the tokens' text glued back together, strings re-quoted.
  s.addOperation<string>('apText', {
    attach_point_def_ident(d, id) {
      return d.apText() + id.text();
    },
    attach_point_def_string(d, str) {
      return `${d.apText()}"${tokenOf(str).text.replace(/"/g, '\\"')}"`;
    },
    attach_point_def_path(d, p) {
      return d.apText() + tokenOf(p).text;
    },
    attach_point_def_int(d, i) {
      return d.apText() + String(tokenOf(i).value);
    },
    attach_point_def_colon(d, _) {
      return `${d.apText()}:`;
    },
    attach_point_def_dot(d, _) {
      return `${d.apText()}.`;
    },
    attach_point_def_plus(d, _) {
      return `${d.apText()}+`;
    },
    attach_point_def_mul(d, _) {
      return `${d.apText()}*`;
    },
    attach_point_def_lbracket(d, _) {
      return `${d.apText()}[`;
    },
    attach_point_def_rbracket(d, _) {
      return `${d.apText()}]`;
    },
    attach_point_def_param(d, p) {
      return `${d.apText()}$${positionalIndex(tokenOf(p).text)}`;
    },
    attach_point_def_empty(_) {
      return '';
    },
  });

  s.addOperation<Predicate | null>('pred', {
    pred_pred(_d, e, _end) {
      return { loc: spanLoc(this), expr: e.expr() };
    },
    pred_none(_) {
      return null;
    },
  });

  s.addOperation<Statement[]>('stmts', {
    block(_l, list, _r) {
      return list.stmts();
    },
    stmt_list_semi(st, _s, rest) {
      return [st.stmt(), ...rest.stmts()];
    },
    stmt_list_last(st) {
      return [st.stmt()];
    },
    stmt_list_block(st, rest) {
      return [st.stmt(), ...rest.stmts()];
    },
    stmt_list_empty(_) {
      return [];
    },
    block_or_if(b) {
      return b.stmts();
    },
    block_or_if_if(i) {
      return [i.stmt()];
    },
  });

  s.addOperation<Statement>('stmt', {
    block_stmt(st) {
      return st.stmt();
    },
    expr_stmt(st) {
      return st.stmt();
    },
    expr_stmt_expr(e) {
      return { kind: 'ExprStatement', loc: spanLoc(e), expr: e.expr() };
    },
    jump_stmt_break(_) {
      return { kind: 'Jump', loc: spanLoc(this), ident: 'break' };
    },
    jump_stmt_continue(_) {
      return { kind: 'Jump', loc: spanLoc(this), ident: 'continue' };
    },
    jump_stmt_return(_) {
      return { kind: 'Jump', loc: spanLoc(this), ident: 'return' };
    },
    loop_stmt_unrollInt(u, _l, n, r, block) {
      return { kind: 'Unroll', loc: joinLoc(spanLoc(u), spanLoc(r)), expr: n.expr(), count: 0, stmts: block.stmts() };
    },
    loop_stmt_unrollParam(u, _l, n, r, block) {
      return { kind: 'Unroll', loc: joinLoc(spanLoc(u), spanLoc(r)), expr: n.expr(), count: 0, stmts: block.stmts() };
    },
    loop_stmt_while(w, _l, cond, _r, block) {
      return { kind: 'While', loc: spanLoc(w), cond: cond.expr(), stmts: block.stmts() };
    },
    if_stmt_ifElse(_i, _l, cond, _r, block, _e, elseStmts) {
      return { kind: 'If', loc: defaultLoc(), cond: cond.expr(), stmts: block.stmts(), elseStmts: elseStmts.stmts() };
    },
    if_stmt_if(_i, _l, cond, _r, block) {
      return { kind: 'If', loc: defaultLoc(), cond: cond.expr(), stmts: block.stmts(), elseStmts: null };
    },
    assign_stmt_map(m, a, e) {
      return { kind: 'AssignMapStatement', loc: spanLoc(a), map: m.expr() as MapExpr, expr: e.expr(), compound: false };
    },
    assign_stmt_var(v, a, e) {
      return { kind: 'AssignVarStatement', loc: spanLoc(a), variable: v.expr() as VariableExpr, expr: e.expr(), compound: false };
    },
    // `@m op= e` is `@m = @m op e`, the one map node on both sides, as bpftrace builds it.
    assign_stmt_mapCompound(m, op, e) {
      const map = m.expr() as MapExpr;
      const expr: Expr = { kind: 'Binop', loc: spanLoc(op), op: op.op() as BinaryOperator, left: map, right: e.expr() };
      return { kind: 'AssignMapStatement', loc: spanLoc(this), map, expr, compound: true };
    },
    assign_stmt_varCompound(v, op, e) {
      const variable = v.expr() as VariableExpr;
      const expr: Expr = { kind: 'Binop', loc: spanLoc(op), op: op.op() as BinaryOperator, left: variable, right: e.expr() };
      return { kind: 'AssignVarStatement', loc: spanLoc(this), variable, expr, compound: true };
    },
  });

  s.addOperation<string>('op', {
    unary_op_deref(_) {
      return '*';
    },
    unary_op_bnot(_) {
      return '~';
    },
    unary_op_lnot(_) {
      return '!';
    },
    unary_op_minus(_) {
      return '-';
    },
    compound_op_left(_) {
      return '<<';
    },
    compound_op_band(_) {
      return '&';
    },
    compound_op_bor(_) {
      return '|';
    },
    compound_op_bxor(_) {
      return '^';
    },
    compound_op_div(_) {
      return '/';
    },
    compound_op_minus(_) {
      return '-';
    },
    compound_op_mod(_) {
      return '%';
    },
    compound_op_mul(_) {
      return '*';
    },
    compound_op_plus(_) {
      return '+';
    },
    compound_op_right(_) {
      return '>>';
    },
  });

  s.addOperation<string>('text', {
    ident(t) {
      return tokenOf(t).text;
    },
  });

  const binop = (op: BinaryOperator) =>
    function (this: Ohm.Node, l: Ohm.Node, o: Ohm.Node, r: Ohm.Node): Expr {
      return { kind: 'Binop', loc: spanLoc(o), op, left: l.expr(), right: r.expr() };
    };
  // Ohm checks each action's arity, so the shared ones read `this.children`.
  function call(this: Ohm.Node): Expr {
    const c = this.children;
    const args = c.length === 4 ? c[2]!.exprs() : [];
    return { kind: 'Call', loc: spanLoc(this), func: tokenOf(c[0]!).text, args };
  }
  function cast(this: Ohm.Node): Expr {
    const c = this.children;
    const stars = c.length - 4;
    return {
      kind: 'Cast',
      loc: joinLoc(spanLoc(c[0]!), spanLoc(c[c.length - 2]!)),
      castType: tokenOf(c[1]!).text,
      isPointer: stars > 0,
      isDoublePointer: stars > 1,
      expr: c[c.length - 1]!.expr(),
    };
  }
  const unop = (op: UnaryOperator, isPostOp: boolean) =>
    function (this: Ohm.Node, a: Ohm.Node, b: Ohm.Node): Expr {
      const [opNode, operand] = isPostOp ? [b, a] : [a, b];
      return { kind: 'Unop', loc: spanLoc(opNode), op, expr: operand.expr(), isPostOp };
    };

  s.addOperation<Expr[]>('exprs', {
    vargs_more(vs, _c, e) {
      return [...vs.exprs(), e.expr()];
    },
    vargs_one(e) {
      return [e.expr()];
    },
  });

  s.addOperation<Expr>('expr', {
    primary_expr_ident(t) {
      return { kind: 'Identifier', loc: spanLoc(this), ident: tokenOf(t).text };
    },
    primary_expr_string(t) {
      return { kind: 'String', loc: spanLoc(this), value: tokenOf(t).text };
    },
    primary_expr_stackMode(t) {
      return { kind: 'StackMode', loc: spanLoc(this), mode: tokenOf(t).text };
    },
    primary_expr_builtin(t) {
      return { kind: 'Builtin', loc: spanLoc(this), ident: tokenOf(t).text };
    },
    primary_expr_callBuiltin(t) {
      return { kind: 'Builtin', loc: spanLoc(this), ident: tokenOf(t).text };
    },
    primary_expr_paren(_l, e, _r) {
      return e.expr();
    },
    primary_expr_tuple(_l, e, _c, vs, _r) {
      return { kind: 'Tuple', loc: spanLoc(this), elems: [e.expr(), ...vs.exprs()] };
    },
    param_positional(t) {
      return { kind: 'PositionalParameter', loc: spanLoc(this), ptype: 'positional', n: positionalIndex(tokenOf(t).text)!, isInStr: false };
    },
    param_count(_) {
      return { kind: 'PositionalParameter', loc: spanLoc(this), ptype: 'count', n: 0, isInStr: false };
    },
    int_neg(_m, t) {
      return { kind: 'Integer', loc: spanLoc(this), value: BigInt.asIntN(64, -tokenOf(t).value!) };
    },
    int_pos(t) {
      return { kind: 'Integer', loc: spanLoc(this), value: tokenOf(t).value! };
    },
    map_keyed(t, _l, vs, _r) {
      return { kind: 'Map', loc: spanLoc(this), ident: tokenOf(t).text, keys: vs.exprs() };
    },
    map_plain(t) {
      return { kind: 'Map', loc: spanLoc(this), ident: tokenOf(t).text, keys: [] };
    },
    var(t) {
      return { kind: 'Variable', loc: spanLoc(this), ident: tokenOf(t).text };
    },
    postfix_expr_field(e, dot, id) {
      return { kind: 'FieldAccess', loc: spanLoc(dot), expr: e.expr(), field: id.text(), index: -1 };
    },
    // `e->f` is `(*e).f`.
    postfix_expr_ptr(e, arrow, id) {
      const deref: Expr = { kind: 'Unop', loc: spanLoc(arrow), op: '*', expr: e.expr(), isPostOp: false };
      return { kind: 'FieldAccess', loc: spanLoc(this), expr: deref, field: id.text(), index: -1 };
    },
    postfix_expr_index(e, l, i, r) {
      return { kind: 'ArrayAccess', loc: joinLoc(spanLoc(l), spanLoc(r)), expr: e.expr(), index: i.expr() };
    },
    postfix_expr_tuple(e, _dot, n) {
      return { kind: 'FieldAccess', loc: spanLoc(n), expr: e.expr(), field: '', index: Number(tokenOf(n).value) };
    },
    postfix_expr_postInc: unop('++', true),
    postfix_expr_postDec: unop('--', true),
    unary_expr_op(op, e) {
      return { kind: 'Unop', loc: spanLoc(op), op: op.op() as UnaryOperator, expr: e.expr(), isPostOp: false };
    },
    unary_expr_preInc: unop('++', false),
    unary_expr_preDec: unop('--', false),
    conditional_expr_ternary(c, _q, l, _c, r) {
      return { kind: 'Ternary', loc: spanLoc(this), cond: c.expr(), left: l.expr(), right: r.expr() };
    },
    logical_or_expr_binop: binop('||'),
    logical_and_expr_binop: binop('&&'),
    or_expr_binop: binop('|'),
    xor_expr_binop: binop('^'),
    and_expr_binop: binop('&'),
    equality_expr_eq: binop('=='),
    equality_expr_ne: binop('!='),
    relational_expr_le: binop('<='),
    relational_expr_ge: binop('>='),
    relational_expr_lt: binop('<'),
    relational_expr_gt: binop('>'),
    shift_expr_left: binop('<<'),
    shift_expr_right: binop('>>'),
    muli_expr_mul: binop('*'),
    muli_expr_div: binop('/'),
    muli_expr_mod: binop('%'),
    addi_expr_plus: binop('+'),
    addi_expr_minus: binop('-'),
    cast_expr_cast(_l, _t, _r, _e) {
      return cast.call(this);
    },
    cast_expr_ptr(_l, _t, _m, _r, _e) {
      return cast.call(this);
    },
    cast_expr_ptrPtr(_l, _t, _m, _m2, _r, _e) {
      return cast.call(this);
    },
    call_call(_f, _l, _r) {
      return call.call(this);
    },
    call_callArgs(_f, _l, _a, _r) {
      return call.call(this);
    },
    call_callBuiltin(_f, _l, _r) {
      return call.call(this);
    },
    call_callBuiltinArgs(_f, _l, _a, _r) {
      return call.call(this);
    },
  });
  return s;
}

/** The `#define NAME BODY` lines among the C definitions, as the scanner's second pass expands them. */
function objectMacros(defs: CDefinition[]): Map<string, string> {
  const macros = new Map<string, string>();
  for (const d of defs) {
    const m = /^#\s*define\s+([_a-zA-Z][_a-zA-Z0-9]*)(?!\()(?:\s+(.*?))?\s*$/.exec(d.text.replace(/\n$/, ''));
    if (m) macros.set(m[1]!, m[2] ?? '');
  }
  return macros;
}

function parsePass(source: string, diags: Diagnostics, macros: ReadonlyMap<string, string>, listing: boolean): Program | null {
  const { grammar, semantics, automaton } = getParser();
  const before = diags.list.length;
  const lexer = new Lexer(source, diags, { macros });
  const tokens = recognize(automaton, () => lexer.next(), parserActionErrors(listing), (m, loc) => diags.error(m, loc));
  if (!tokens || diags.list.length > before) return null;
  current = tokens;
  try {
    const match = grammar.match(tokens.map(tokenChar).join(''), 'program');
    if (match.failed()) {
      // The automaton accepted what Ohm's ordered choice could not: a fault in grammar.ohm.
      diags.list.push({ type: 'BUG', message: `grammar.ohm rejected a program the parser accepted: ${match.shortMessage}` });
      return null;
    }
    const node = semantics(match);
    return { cDefinitions: node.child(0).defs(), probes: node.child(1).probes() };
  } catch (e) {
    // Ohm recurses once per rule, about twenty rules per parenthesis: some hundred nested
    // parentheses exhaust the JavaScript stack, where bison's own stack would grow.
    if (!(e instanceof RangeError)) throw e;
    diags.error('bpfbox: the program is nested too deeply for its parser');
    return null;
  } finally {
    current = [];
  }
}

/**
 * Parses a bpftrace program as `bpftrace` does before its semantic analysis: errors go to `diags`
 * (bpftrace's messages and locations) and the result is null; otherwise the AST, attach points
 * split. A program with `#define`s is parsed a second time with them expanded, as bpftrace
 * re-parses after clang has read the macros.
 */
export function parse(source: string, diags: Diagnostics, opts: ParseOptions = {}): Program | null {
  const listing = opts.listing ?? false;
  let program = parsePass(source, diags, new Map(), listing);
  if (!program) return null;
  const macros = objectMacros(program.cDefinitions);
  if (macros.size > 0) {
    program = parsePass(source, diags, macros, listing);
    if (!program) return null;
  }
  return parseAttachPoints(program, diags, opts.positional ?? [], listing) ? program : null;
}
