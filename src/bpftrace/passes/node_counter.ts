// bpftrace's NodeCounter pass (ast/passes/node_counter.h): how many nodes ast::Visitor visits, which
// `-v` reports as `INFO: node count: N`. The visitor goes where 0.17's does: attach points,
// predicates, statements and expressions, so a map shared by both sides of `@m += e` counts twice.

import type { Expr, Program, Statement } from '../ast.js';

function countExpr(e: Expr): number {
  switch (e.kind) {
    case 'Call':
      return 1 + e.args.reduce((n, a) => n + countExpr(a), 0);
    case 'Map':
      return 1 + e.keys.reduce((n, a) => n + countExpr(a), 0);
    case 'Tuple':
      return 1 + e.elems.reduce((n, a) => n + countExpr(a), 0);
    case 'Binop':
      return 1 + countExpr(e.left) + countExpr(e.right);
    case 'Unop':
    case 'FieldAccess':
    case 'Cast':
      return 1 + countExpr(e.expr);
    case 'Ternary':
      return 1 + countExpr(e.cond) + countExpr(e.left) + countExpr(e.right);
    case 'ArrayAccess':
      return 1 + countExpr(e.expr) + countExpr(e.index);
    default:
      return 1;
  }
}

const countStmts = (ss: readonly Statement[]): number => ss.reduce((n, s) => n + countStmt(s), 0);

function countStmt(s: Statement): number {
  switch (s.kind) {
    case 'ExprStatement':
      return 1 + countExpr(s.expr);
    case 'AssignMapStatement':
      return 1 + countExpr(s.map) + countExpr(s.expr);
    case 'AssignVarStatement':
      return 1 + countExpr(s.variable) + countExpr(s.expr);
    case 'If':
      return 1 + countExpr(s.cond) + countStmts(s.stmts) + (s.elseStmts ? countStmts(s.elseStmts) : 0);
    case 'Unroll':
      return 1 + countExpr(s.expr) + countStmts(s.stmts);
    case 'While':
      return 1 + countExpr(s.cond) + countStmts(s.stmts);
    case 'Jump':
      return 1;
  }
}

export function countNodes(program: Program): number {
  let n = 1;
  for (const p of program.probes) {
    n += 1 + p.attachPoints.length + (p.pred ? 1 + countExpr(p.pred.expr) : 0) + countStmts(p.stmts);
  }
  return n;
}
