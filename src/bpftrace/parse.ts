// bpftrace's Driver::parse (src/driver.cpp): scan, parse, then split the attach points. The scanner
// is lexer.ts; grammar.ohm is parser.yy, and its LALR(1) automaton (automaton.ts) parses as bison
// does: it decides acceptance, words syntax errors as bison does, and runs the grammar's actions
// below as it reduces, which build the AST with bison's locations. Any error leaves no tree, as in
// bpftrace.

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
  lrParse,
  YYERROR,
  type Automaton,
  type AutomatonTables,
  type Production,
  type Reduce,
  type StackEntry,
} from './automaton.js';
import type { Diagnostics } from './diagnostics.js';
import { Lexer, type Token } from './lexer.js';

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
 * grammar.ohm: src/'s in a checkout, where the copy the build puts in dist/bpftrace may be older
 * (tsc alone does not copy it), else that copy. The paths hold from dist/bpftrace/parse.js and
 * from the bundle in dist/bundle alike.
 */
export function loadGrammarSource(): string {
  for (const rel of ['../../src/bpftrace/grammar.ohm', '../bpftrace/grammar.ohm']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return readFileSync(path, 'utf8');
  }
  throw new Error('bpftrace: grammar.ohm not found in src/bpftrace or beside parse.js');
}

/**
 * What `npm run build` (scripts/build-bpftrace-parser.mjs) writes in dist/bpftrace: the
 * automaton's tables, which load in a millisecond where Ohm's compiling grammar.ohm and building
 * the automaton take a good part of a second. Run from src/ (vitest) there is no such file, and
 * tables built from another grammar.ohm are not used: the automaton is then built from the text.
 */
export const PARSER_TABLES_FILE = 'parser_tables.json';

export interface ParserTables {
  /** The grammar.ohm they were built from. */
  source: string;
  automaton: AutomatonTables;
}

/** Ohm, only to read grammar.ohm when there are no tables: its single-file CommonJS build loads fastest. */
const compileGrammar = (source: string): Ohm.Grammar => (createRequire(import.meta.url)('ohm-js') as typeof Ohm).grammar(source);

function loadPrebuilt(source: string): Automaton | null {
  const path = fileURLToPath(new URL(`../bpftrace/${PARSER_TABLES_FILE}`, import.meta.url));
  if (!existsSync(path)) return null;
  const tables = JSON.parse(readFileSync(path, 'utf8')) as ParserTables;
  return tables.source === source ? automatonFromTables(tables.automaton) : null;
}

/** The automaton as the build precomputes it (scripts/build-bpftrace-parser.mjs). */
export function buildParserTables(): ParserTables {
  const source = loadGrammarSource();
  return { source, automaton: automatonTables(buildAutomaton(compileGrammar(source))) };
}

interface Parser {
  automaton: Automaton;
  /** ACTIONS by production number. */
  actions: (Action | undefined)[];
}

let parser: Parser | null = null;

function getParser(): Parser {
  if (!parser) {
    const source = loadGrammarSource();
    const automaton = loadPrebuilt(source) ?? buildAutomaton(compileGrammar(source));
    parser = { automaton, actions: automaton.productions.map((p) => ACTIONS[p.name]) };
  }
  return parser;
}

const LONG_MAX = (1n << 63n) - 1n;

/** bison's `param: PARAM` action: `std::stol` of the digits, which must be 1..LONG_MAX. */
function positionalIndex(text: string): number | null {
  const n = BigInt(text.slice(1));
  return n === 0n || n > LONG_MAX ? null : Number(n);
}

const bisonLoc = (line: number, col: number, endLine: number, endCol: number): Location => ({ line, col, endLine, endCol });
/** A default-constructed bison location, which bpftrace's If and Probe nodes keep. */
const defaultLoc = (): Location => bisonLoc(1, 1, 1, 1);
const joinLoc = (a: Location, b: Location): Location => bisonLoc(a.line, a.col, b.endLine, b.endCol);

type Rhs = readonly StackEntry[];
type Action = (r: Rhs, loc: Location) => unknown;

const tok = (e: StackEntry): Token => e.token!;
const val = <T>(e: StackEntry): T => e.value as T;
const expr = (e: StackEntry): Expr => e.value as Expr;
const exprs = (e: StackEntry): Expr[] => e.value as Expr[];
const stmts = (e: StackEntry): Statement[] => e.value as Statement[];

const binop =
  (op: BinaryOperator): Action =>
  (r) => ({ kind: 'Binop', loc: r[1]!.loc, op, left: expr(r[0]!), right: expr(r[2]!) });
const unop =
  (op: UnaryOperator, isPostOp: boolean): Action =>
  (r) => {
    const [opEntry, operand] = isPostOp ? [r[1]!, r[0]!] : [r[0]!, r[1]!];
    return { kind: 'Unop', loc: opEntry.loc, op, expr: expr(operand), isPostOp };
  };
const call: Action = (r, loc) => ({ kind: 'Call', loc, func: tok(r[0]!).text, args: r.length === 4 ? exprs(r[2]!) : [] });
const cast: Action = (r) => {
  const stars = r.length - 4;
  return {
    kind: 'Cast',
    loc: joinLoc(r[0]!.loc, r[r.length - 2]!.loc),
    castType: tok(r[1]!).text,
    isPointer: stars > 0,
    isDoublePointer: stars > 1,
    expr: expr(r[r.length - 1]!),
  };
};
const constant =
  (v: string): Action =>
  () =>
    v;
/** `@m op= e` and `$v op= e` are `@m = @m op e`, the one map or variable node on both sides, as bpftrace builds them. */
const compound =
  (kind: 'AssignMapStatement' | 'AssignVarStatement'): Action =>
  (r, loc) => {
    const target = expr(r[0]!);
    const value: Expr = { kind: 'Binop', loc: r[1]!.loc, op: val<BinaryOperator>(r[1]!), left: target, right: expr(r[2]!) };
    return kind === 'AssignMapStatement'
      ? { kind, loc, map: target as MapExpr, expr: value, compound: true }
      : { kind, loc, variable: target as VariableExpr, expr: value, compound: true };
  };
const unknownFunction: Action = (r) => new ActionError(`Unknown function: ${tok(r[0]!).text}`, r[0]!.loc);

/** A grammar action's error (`error(...); YYERROR;` in parser.yy). */
class ActionError {
  constructor(
    readonly message: string,
    readonly loc: Location,
  ) {}
}

/**
 * parser.yy's actions, by grammar.ohm's case names (or the rule's name for an alternative
 * without one). A rule over one symbol with no action passes that symbol's value up, as bison's
 * default `$$ = $1`. Lists grow by push, as parser.yy's left-recursive rules grow them, except
 * the right-recursive ones (statements, C definitions), which put each new item first.
 */
const ACTIONS: Record<string, Action> = {
  program: (r) => ({ cDefinitions: val<CDefinition[]>(r[0]!), probes: val<Probe[]>(r[1]!) }),

  c_definitions_preproc: (r) => [{ loc: r[0]!.loc, text: `${tok(r[0]!).text}\n` }, ...val<CDefinition[]>(r[1]!)],
  c_definitions_struct: (r) => [{ loc: r[0]!.loc, text: `${tok(r[0]!).text};\n` }, ...val<CDefinition[]>(r[1]!)],
  c_definitions_enum: (r) => [{ loc: r[0]!.loc, text: `${tok(r[0]!).text};\n` }, ...val<CDefinition[]>(r[1]!)],
  c_definitions_empty: () => [],

  probes_more: (r) => (val<Probe[]>(r[0]!).push(val<Probe>(r[1]!)), r[0]!.value),
  probes_one: (r) => [r[0]!.value],
  probe_probe: (r) => ({ loc: defaultLoc(), attachPoints: val<AttachPoint[]>(r[0]!), pred: val<Predicate | null>(r[1]!), stmts: stmts(r[2]!) }),
  // Only `bpftrace -l` takes attach points without a block (`reduce` refuses it otherwise).
  probe_noBlock: (r) => ({ loc: defaultLoc(), attachPoints: val<AttachPoint[]>(r[0]!), pred: null, stmts: [] }),

  attach_points_more: (r) => (val<AttachPoint[]>(r[0]!).push(val<AttachPoint>(r[2]!)), r[0]!.value),
  attach_points_one: (r) => [r[0]!.value],
  attach_point: (r, loc): AttachPoint => ({ loc, rawInput: val<string>(r[0]!), provider: '', target: '', func: '', freq: 0, funcOffset: 0, needExpansion: false }),
  // attach_point_def's string: the tokens' text glued back together, strings re-quoted.
  attach_point_def_ident: (r) => val<string>(r[0]!) + val<string>(r[1]!),
  attach_point_def_string: (r) => `${val<string>(r[0]!)}"${tok(r[1]!).text.replace(/"/g, '\\"')}"`,
  attach_point_def_path: (r) => val<string>(r[0]!) + tok(r[1]!).text,
  attach_point_def_int: (r) => val<string>(r[0]!) + String(tok(r[1]!).value),
  attach_point_def_colon: (r) => `${val<string>(r[0]!)}:`,
  attach_point_def_dot: (r) => `${val<string>(r[0]!)}.`,
  attach_point_def_plus: (r) => `${val<string>(r[0]!)}+`,
  attach_point_def_mul: (r) => `${val<string>(r[0]!)}*`,
  attach_point_def_lbracket: (r) => `${val<string>(r[0]!)}[`,
  attach_point_def_rbracket: (r) => `${val<string>(r[0]!)}]`,
  attach_point_def_param: (r, loc) =>
    tok(r[1]!).kind === 'PARAMCOUNT' ? new ActionError('Not a positional parameter', loc) : `${val<string>(r[0]!)}$${positionalIndex(tok(r[1]!).text)}`,
  attach_point_def_empty: () => '',

  pred_pred: (r, loc): Predicate => ({ loc, expr: expr(r[1]!) }),
  pred_none: () => null,

  block: (r) => r[1]!.value,
  stmt_list_semi: (r) => [r[0]!.value, ...stmts(r[2]!)],
  stmt_list_last: (r) => [r[0]!.value],
  stmt_list_block: (r) => [r[0]!.value, ...stmts(r[1]!)],
  stmt_list_empty: () => [],
  block_or_if_if: (r) => [r[0]!.value],

  expr_stmt_expr: (r) => ({ kind: 'ExprStatement', loc: r[0]!.loc, expr: expr(r[0]!) }),
  jump_stmt_break: (_r, loc) => ({ kind: 'Jump', loc, ident: 'break' }),
  jump_stmt_continue: (_r, loc) => ({ kind: 'Jump', loc, ident: 'continue' }),
  jump_stmt_return: (_r, loc) => ({ kind: 'Jump', loc, ident: 'return' }),
  loop_stmt_unrollInt: (r) => ({ kind: 'Unroll', loc: joinLoc(r[0]!.loc, r[3]!.loc), expr: expr(r[2]!), count: 0, stmts: stmts(r[4]!) }),
  loop_stmt_unrollParam: (r) => ({ kind: 'Unroll', loc: joinLoc(r[0]!.loc, r[3]!.loc), expr: expr(r[2]!), count: 0, stmts: stmts(r[4]!) }),
  loop_stmt_while: (r) => ({ kind: 'While', loc: r[0]!.loc, cond: expr(r[2]!), stmts: stmts(r[4]!) }),
  if_stmt_ifElse: (r) => ({ kind: 'If', loc: defaultLoc(), cond: expr(r[2]!), stmts: stmts(r[4]!), elseStmts: stmts(r[6]!) }),
  if_stmt_if: (r) => ({ kind: 'If', loc: defaultLoc(), cond: expr(r[2]!), stmts: stmts(r[4]!), elseStmts: null }),
  assign_stmt_tuple: (r) =>
    new ActionError('Tuples are immutable once created. Consider creating a new tuple and assigning it instead.', joinLoc(r[0]!.loc, r[4]!.loc)),
  assign_stmt_map: (r) => ({ kind: 'AssignMapStatement', loc: r[1]!.loc, map: expr(r[0]!) as MapExpr, expr: expr(r[2]!), compound: false }),
  assign_stmt_var: (r) => ({ kind: 'AssignVarStatement', loc: r[1]!.loc, variable: expr(r[0]!) as VariableExpr, expr: expr(r[2]!), compound: false }),
  assign_stmt_mapCompound: compound('AssignMapStatement'),
  assign_stmt_varCompound: compound('AssignVarStatement'),

  unary_op_deref: constant('*'),
  unary_op_bnot: constant('~'),
  unary_op_lnot: constant('!'),
  unary_op_minus: constant('-'),
  compound_op_left: constant('<<'),
  compound_op_band: constant('&'),
  compound_op_bor: constant('|'),
  compound_op_bxor: constant('^'),
  compound_op_div: constant('/'),
  compound_op_minus: constant('-'),
  compound_op_mod: constant('%'),
  compound_op_mul: constant('*'),
  compound_op_plus: constant('+'),
  compound_op_right: constant('>>'),
  ident: (r) => tok(r[0]!).text,

  primary_expr_ident: (r, loc) => ({ kind: 'Identifier', loc, ident: tok(r[0]!).text }),
  primary_expr_string: (r, loc) => ({ kind: 'String', loc, value: tok(r[0]!).text }),
  primary_expr_stackMode: (r, loc) => ({ kind: 'StackMode', loc, mode: tok(r[0]!).text }),
  primary_expr_builtin: (r, loc) => ({ kind: 'Builtin', loc, ident: tok(r[0]!).text }),
  primary_expr_callBuiltin: (r, loc) => ({ kind: 'Builtin', loc, ident: tok(r[0]!).text }),
  primary_expr_paren: (r) => r[1]!.value,
  primary_expr_tuple: (r, loc) => ({ kind: 'Tuple', loc, elems: [expr(r[1]!), ...exprs(r[3]!)] }),
  param_positional: (r, loc) => {
    const n = positionalIndex(tok(r[0]!).text);
    return n === null
      ? new ActionError(`param ${tok(r[0]!).text} is out of integer range [1, ${LONG_MAX}]`, r[0]!.loc)
      : { kind: 'PositionalParameter', loc, ptype: 'positional', n, isInStr: false };
  },
  param_count: (_r, loc) => ({ kind: 'PositionalParameter', loc, ptype: 'count', n: 0, isInStr: false }),
  int_neg: (r, loc) => ({ kind: 'Integer', loc, value: BigInt.asIntN(64, -tok(r[1]!).value!) }),
  int_pos: (r, loc) => ({ kind: 'Integer', loc, value: tok(r[0]!).value! }),
  map_keyed: (r, loc) => ({ kind: 'Map', loc, ident: tok(r[0]!).text, keys: exprs(r[2]!) }),
  map_plain: (r, loc) => ({ kind: 'Map', loc, ident: tok(r[0]!).text, keys: [] }),
  var: (r, loc) => ({ kind: 'Variable', loc, ident: tok(r[0]!).text }),
  postfix_expr_field: (r) => ({ kind: 'FieldAccess', loc: r[1]!.loc, expr: expr(r[0]!), field: val<string>(r[2]!), index: -1 }),
  // `e->f` is `(*e).f`.
  postfix_expr_ptr: (r, loc) => ({
    kind: 'FieldAccess',
    loc,
    expr: { kind: 'Unop', loc: r[1]!.loc, op: '*', expr: expr(r[0]!), isPostOp: false },
    field: val<string>(r[2]!),
    index: -1,
  }),
  postfix_expr_index: (r) => ({ kind: 'ArrayAccess', loc: joinLoc(r[1]!.loc, r[3]!.loc), expr: expr(r[0]!), index: expr(r[2]!) }),
  postfix_expr_tuple: (r) => ({ kind: 'FieldAccess', loc: r[2]!.loc, expr: expr(r[0]!), field: '', index: Number(tok(r[2]!).value) }),
  postfix_expr_postInc: unop('++', true),
  postfix_expr_postDec: unop('--', true),
  postfix_expr_incIdent: (r) => new ActionError('The ++ operator must be applied to a map or variable', r[0]!.loc),
  postfix_expr_decIdent: (r) => new ActionError('The -- operator must be applied to a map or variable', r[0]!.loc),
  unary_expr_op: (r) => ({ kind: 'Unop', loc: r[0]!.loc, op: val<UnaryOperator>(r[0]!), expr: expr(r[1]!), isPostOp: false }),
  unary_expr_preInc: unop('++', false),
  unary_expr_preDec: unop('--', false),
  unary_expr_identInc: (r) => new ActionError('The ++ operator must be applied to a map or variable', r[0]!.loc),
  unary_expr_identDec: (r) => new ActionError('The -- operator must be applied to a map or variable', r[0]!.loc),
  conditional_expr_ternary: (r, loc) => ({ kind: 'Ternary', loc, cond: expr(r[0]!), left: expr(r[2]!), right: expr(r[4]!) }),
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
  cast_expr_cast: cast,
  cast_expr_ptr: cast,
  cast_expr_ptrPtr: cast,
  call_call: call,
  call_callArgs: call,
  call_callBuiltin: call,
  call_callBuiltinArgs: call,
  call_unknown: unknownFunction,
  call_unknownArgs: unknownFunction,
  call_unknownBuiltin: unknownFunction,
  call_unknownBuiltinArgs: unknownFunction,
  call_unknownStackMode: unknownFunction,
  call_unknownStackModeArgs: unknownFunction,

  vargs_more: (r) => (exprs(r[0]!).push(expr(r[2]!)), r[0]!.value),
  vargs_one: (r) => [r[0]!.value],
};

/** The `#define NAME BODY` lines among the C definitions, as the scanner's second pass expands them. */
function objectMacros(defs: CDefinition[]): Map<string, string> {
  const macros = new Map<string, string>();
  for (const d of defs) {
    const m = /^#\s*define\s+([_a-zA-Z][_a-zA-Z0-9]*)(?!\()(?:\s+(.*?))?\s*$/.exec(d.text.replace(/\n$/, ''));
    if (m) macros.set(m[1]!, m[2] ?? '');
  }
  return macros;
}

/** The reductions of one parse: ACTIONS, bison's default `$$ = $1`, and parser.yy's errors. */
function reducer(actions: readonly (Action | undefined)[], listing: boolean, diags: Diagnostics): Reduce {
  return (prod: Production, rhs: readonly StackEntry[], loc: Location): unknown => {
    if (prod.name === (listing ? 'probe_probe' : 'probe_noBlock')) {
      diags.error(listing ? 'unexpected listing query format' : 'unexpected end of file, expected {', loc);
      return YYERROR;
    }
    const action = actions[prod.index];
    const value = action ? action(rhs, loc) : rhs[0]?.value;
    if (value instanceof ActionError) {
      diags.error(value.message, value.loc);
      return YYERROR;
    }
    return value;
  };
}

function parsePass(source: string, diags: Diagnostics, macros: ReadonlyMap<string, string>, listing: boolean): Program | null {
  const { automaton, actions } = getParser();
  const before = diags.list.length;
  const lexer = new Lexer(source, diags, { macros });
  const program = lrParse(automaton, () => lexer.next(), reducer(actions, listing, diags), (m, loc) => diags.error(m, loc));
  return program === YYERROR || diags.list.length > before ? null : (program as Program);
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
