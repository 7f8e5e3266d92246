// The bpftrace 0.17 AST (src/ast/ast.h): the same node kinds, fields and operator names, as a
// discriminated union. The parser builds it; the semantic analyser fills each expression's `type`
// in place (as bpftrace's SemanticAnalyser sets Expression::type), so later passes read one tree.

import type { SizedType } from './types.js';

/**
 * A bison location: 1-based lines and columns, the end column exclusive, as bpftrace prints it
 * (`stdin:1:1-15` covers columns 1 to 14).
 */
export interface Location {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

/** ast::Operator, by the name bpftrace's AST printer shows (`opstr`). */
export type BinaryOperator = '==' | '!=' | '<=' | '>=' | '<<' | '>>' | '<' | '>' | '&&' | '||' | '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^';
export type UnaryOperator = '!' | '~' | '-' | '*' | '++' | '--';

interface ExprBase {
  loc: Location;
  /** Set by the semantic analyser; `undefined` before it runs. */
  type?: SizedType;
}

/** An integer literal. `value` is exact (64-bit, two's complement as bpftrace's `long`). */
export interface IntegerExpr extends ExprBase {
  kind: 'Integer';
  value: bigint;
}

/** `$1`..`$N` (`ptype` 'positional'), or `$#` ('count'). */
export interface PositionalParameterExpr extends ExprBase {
  kind: 'PositionalParameter';
  ptype: 'positional' | 'count';
  n: number;
  /** Inside `str(...)`: the parameter is taken as a string. */
  isInStr: boolean;
}

export interface StringExpr extends ExprBase {
  kind: 'String';
  /** The literal with its escapes already decoded. */
  value: string;
}

/** `bpftrace` / `perf` as the argument of kstack/ustack. */
export interface StackModeExpr extends ExprBase {
  kind: 'StackMode';
  mode: string;
}

/** A bare identifier that is not a builtin (a struct name for sizeof, an enum-like word). */
export interface IdentifierExpr extends ExprBase {
  kind: 'Identifier';
  ident: string;
}

/** pid, tid, comm, nsecs, arg0, args, retval, kstack, curtask, ... */
export interface BuiltinExpr extends ExprBase {
  kind: 'Builtin';
  ident: string;
}

export interface CallExpr extends ExprBase {
  kind: 'Call';
  func: string;
  args: Expr[];
}

/** `@name` or `@name[k1, k2]`; `@` alone has the name `@`. */
export interface MapExpr extends ExprBase {
  kind: 'Map';
  ident: string;
  keys: Expr[];
}

/** `$name`. */
export interface VariableExpr extends ExprBase {
  kind: 'Variable';
  ident: string;
}

export interface BinopExpr extends ExprBase {
  kind: 'Binop';
  op: BinaryOperator;
  left: Expr;
  right: Expr;
}

export interface UnopExpr extends ExprBase {
  kind: 'Unop';
  op: UnaryOperator;
  expr: Expr;
  /** `x++` as opposed to `++x`. */
  isPostOp: boolean;
}

/** `expr.field`, `expr->field` (parsed as `(*expr).field` as bpftrace does), or a tuple index `t.0`. */
export interface FieldAccessExpr extends ExprBase {
  kind: 'FieldAccess';
  expr: Expr;
  field: string;
  /** The tuple index for `t.N`, else -1. */
  index: number;
}

export interface ArrayAccessExpr extends ExprBase {
  kind: 'ArrayAccess';
  expr: Expr;
  index: Expr;
}

/** `(type)expr`, `(type *)expr`, `(struct x **)expr`. */
export interface CastExpr extends ExprBase {
  kind: 'Cast';
  castType: string;
  isPointer: boolean;
  isDoublePointer: boolean;
  expr: Expr;
}

export interface TupleExpr extends ExprBase {
  kind: 'Tuple';
  elems: Expr[];
}

export interface TernaryExpr extends ExprBase {
  kind: 'Ternary';
  cond: Expr;
  left: Expr;
  right: Expr;
}

export type Expr =
  | IntegerExpr
  | PositionalParameterExpr
  | StringExpr
  | StackModeExpr
  | IdentifierExpr
  | BuiltinExpr
  | CallExpr
  | MapExpr
  | VariableExpr
  | BinopExpr
  | UnopExpr
  | FieldAccessExpr
  | ArrayAccessExpr
  | CastExpr
  | TupleExpr
  | TernaryExpr;

export interface ExprStatement {
  kind: 'ExprStatement';
  loc: Location;
  expr: Expr;
}

/** `@m[k] = e`, and compound `@m[k] op= e` (bpftrace rewrites it to `@m[k] = @m[k] op e`, keeping `compound`). */
export interface AssignMapStatement {
  kind: 'AssignMapStatement';
  loc: Location;
  map: MapExpr;
  expr: Expr;
  compound: boolean;
}

export interface AssignVarStatement {
  kind: 'AssignVarStatement';
  loc: Location;
  variable: VariableExpr;
  expr: Expr;
  compound: boolean;
}

/** `if (c) { } else if ... else { }`: an `else if` is an If alone in `elseStmts`. */
export interface IfStatement {
  kind: 'If';
  loc: Location;
  cond: Expr;
  stmts: Statement[];
  elseStmts: Statement[] | null;
}

export interface UnrollStatement {
  kind: 'Unroll';
  loc: Location;
  expr: Expr;
  /** The count once resolved (the semantic analyser sets it from `expr`). */
  count: number;
  stmts: Statement[];
}

export interface WhileStatement {
  kind: 'While';
  loc: Location;
  cond: Expr;
  stmts: Statement[];
}

/** `return`, `break`, `continue` (ast::Jump). */
export interface JumpStatement {
  kind: 'Jump';
  loc: Location;
  ident: 'return' | 'break' | 'continue';
}

export type Statement = ExprStatement | AssignMapStatement | AssignVarStatement | IfStatement | UnrollStatement | WhileStatement | JumpStatement;

/**
 * One attach point as written (`kprobe:vmalloc`, `tracepoint:kmem:*`, `interval:s:1`, `BEGIN`),
 * split by the attach-point parser into provider, target, func and frequency.
 */
export interface AttachPoint {
  loc: Location;
  rawInput: string;
  /** The canonical provider: 'BEGIN', 'END', 'kprobe', 'kretprobe', 'tracepoint', 'interval', 'profile', ... */
  provider: string;
  /** tracepoint category; interval/profile unit (`s`, `ms`, `us`, `hz`). */
  target: string;
  /** Function or event name, possibly with wildcards. */
  func: string;
  /** interval/profile rate in `target` units, kprobe offset; 0 when absent. */
  freq: number;
  funcOffset: number;
  /** Wildcards to expand against the kernel's catalogue. */
  needExpansion: boolean;
}

export interface Predicate {
  loc: Location;
  expr: Expr;
}

export interface Probe {
  loc: Location;
  attachPoints: AttachPoint[];
  pred: Predicate | null;
  stmts: Statement[];
}

/** A `struct NAME { ... }` (or union) definition, kept as C text as bpftrace hands it to clang. */
export interface CDefinition {
  loc: Location;
  text: string;
}

export interface Program {
  /** `#include`/`#define` lines and struct definitions, in source order. */
  cDefinitions: CDefinition[];
  probes: Probe[];
}
