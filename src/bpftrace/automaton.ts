// The LALR(1) automaton bison builds from parser.yy, built here from grammar.ohm's rules as Ohm
// reads them. bpftrace accepts exactly what this automaton accepts, its syntax errors are this
// automaton's, and its reductions, in bison's order and with bison's locations, build the tree:
// bison reduces by a state's default rule without looking at the token, so an error is found only
// in a state that shifts, and `expecting A or B` lists that state's tokens (none when more than four).

import type * as ohm from 'ohm-js';
import type { Location } from './ast.js';
import { TOKEN_NAMES, type Token, type TokenKind } from './lexer.js';

export interface Production {
  index: number;
  lhs: string;
  rhs: string[];
  /** The Ohm case name (`call_unknown`), or `lhs` for an alternative without one. */
  name: string;
}

/** parser.yy's %left/%right lines, lowest first; they settle shift/reduce conflicts as bison does. */
const PRECEDENCE: [assoc: 'left' | 'right', tokens: TokenKind[]][] = [
  ['left', ['COMMA']],
  ['right', ['ASSIGN', 'LEFTASSIGN', 'RIGHTASSIGN', 'PLUSASSIGN', 'MINUSASSIGN', 'MULASSIGN', 'DIVASSIGN', 'MODASSIGN', 'BANDASSIGN', 'BORASSIGN', 'BXORASSIGN']],
  ['left', ['QUES', 'COLON']],
  ['left', ['LOR']],
  ['left', ['LAND']],
  ['left', ['BOR']],
  ['left', ['BXOR']],
  ['left', ['BAND']],
  ['left', ['EQ', 'NE']],
  ['left', ['LE', 'GE', 'LT', 'GT']],
  ['left', ['LEFT', 'RIGHT']],
  ['left', ['PLUS', 'MINUS']],
  ['left', ['MUL', 'DIV', 'MOD']],
  ['right', ['LNOT', 'BNOT']],
  ['left', ['LPAREN', 'RPAREN', 'LBRACKET', 'RBRACKET', 'DOT', 'PTR']],
];

type Action = { shift: number } | { reduce: number };

interface State {
  /** Explicit actions by token; tokens not here take `defaultReduction`, or are errors. */
  readonly actions: Map<string, Action>;
  readonly defaultReduction: number | null;
  readonly gotos: Map<string, number>;
}

export interface Automaton {
  productions: Production[];
  states: State[];
  finalState: number;
  /** Conflicts bison would count against `%expect` (parser.yy expects 5 shift/reduce). */
  shiftReduceConflicts: number;
  reduceReduceConflicts: number;
}

const isTokenRule = (name: string): boolean => /^t[A-Z_]+$/.test(name);

/** The grammar's productions, with Ohm's inline `-- case` rules folded back into their rule. */
function productionsOf(grammar: ohm.Grammar): Production[] {
  const rules = (grammar as unknown as { rules: Record<string, { body: PExpr; source: { contents: string } }> }).rules;
  // Ohm names an inline `-- case` of rule R `R_case`; its source is the alternative, ending in `-- case`.
  const isCase = (name: string): boolean =>
    Object.keys(rules).some(
      (r) => name.startsWith(`${r}_`) && rules[name]!.source.contents.replace(/\/\/[^\n]*$/, '').trimEnd().endsWith(`-- ${name.slice(r.length + 1)}`),
    );
  const symbol = (p: PExpr): string[] => {
    const name = p.constructor.name;
    if (name === 'Apply') return [isTokenRule(p.ruleName!) ? p.ruleName!.slice(1) : p.ruleName!];
    if ((name === 'Terminal' && p.obj === '') || name === 'Not') return [];
    throw new Error(`grammar.ohm: unsupported expression in ${p.source?.contents}`);
  };
  const sequence = (p: PExpr): string[] => (p.constructor.name === 'Seq' ? p.factors!.flatMap(symbol) : symbol(p));
  const out: Production[] = [];
  const add = (lhs: string, rhs: string[], name: string): void => {
    out.push({ index: out.length, lhs, rhs, name });
  };
  // $accept: program (bison's augmented start; `program` itself ends in END).
  add('$accept', ['program'], '$accept');
  for (const lhs of Object.keys(rules)) {
    if (isTokenRule(lhs) || isCase(lhs)) continue;
    const body = rules[lhs]!.body;
    const alts = body.constructor.name === 'Alt' ? body.terms! : [body];
    for (const alt of alts) {
      if (alt.constructor.name === 'Apply' && isCase(alt.ruleName!)) add(lhs, sequence(rules[alt.ruleName!]!.body), alt.ruleName!);
      else add(lhs, sequence(alt), lhs);
    }
  }
  return out;
}

interface PExpr {
  ruleName?: string;
  obj?: string;
  terms?: PExpr[];
  factors?: PExpr[];
  source?: { contents: string };
}

export function buildAutomaton(grammar: ohm.Grammar): Automaton {
  const prods = productionsOf(grammar);
  const tokenSet = new Set<string>(TOKEN_NAMES.map(([k]) => k));
  const isTerminal = (s: string): boolean => tokenSet.has(s);
  const byLhs = new Map<string, Production[]>();
  for (const p of prods) byLhs.set(p.lhs, [...(byLhs.get(p.lhs) ?? []), p]);

  // Lookahead sets are bit masks over the token numbers; PROPAGATE marks the dragon book's `#`.
  const bits = new Map(TOKEN_NAMES.map(([k], i) => [k as string, 1n << BigInt(i)]));
  const bit = (t: string): bigint => bits.get(t)!;
  const PROPAGATE = 1n << 127n;

  // Nullable and FIRST.
  const nullable = new Set<string>();
  const first = new Map<string, bigint>();
  for (const nt of byLhs.keys()) first.set(nt, 0n);
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of prods) {
      let f = first.get(p.lhs)!;
      let allNullable = true;
      for (const s of p.rhs) {
        f |= isTerminal(s) ? bit(s) : first.get(s)!;
        if (isTerminal(s) || !nullable.has(s)) {
          allNullable = false;
          break;
        }
      }
      if (f !== first.get(p.lhs)) (first.set(p.lhs, f), (changed = true));
      if (allNullable && !nullable.has(p.lhs)) (nullable.add(p.lhs), (changed = true));
    }
  }

  // LR(0) states, identified by their kernel items (an item is `prod * 64 + dot`).
  const item = (p: number, dot: number): number => p * 64 + dot;
  const prodOf = (i: number): Production => prods[i >> 6]!;
  const dotOf = (i: number): number => i & 63;
  const closure0 = (kernel: number[]): number[] => {
    const seen = new Set(kernel);
    const items = [...kernel];
    for (let k = 0; k < items.length; k++) {
      const s = prodOf(items[k]!).rhs[dotOf(items[k]!)];
      if (s === undefined || isTerminal(s)) continue;
      for (const q of byLhs.get(s)!) {
        if (!seen.has(item(q.index, 0))) {
          seen.add(item(q.index, 0));
          items.push(item(q.index, 0));
        }
      }
    }
    return items;
  };
  const kernels: number[][] = [[item(0, 0)]];
  const stateIds = new Map<string, number>([[String(item(0, 0)), 0]]);
  const transitions: Map<string, number>[] = [];
  for (let s = 0; s < kernels.length; s++) {
    const next = new Map<string, number[]>();
    for (const i of closure0(kernels[s]!)) {
      const x = prodOf(i).rhs[dotOf(i)];
      if (x === undefined) continue;
      if (!next.has(x)) next.set(x, []);
      next.get(x)!.push(i + 1);
    }
    const trans = new Map<string, number>();
    for (const [x, kernel] of next) {
      kernel.sort((a, b) => a - b);
      const key = kernel.join(' ');
      let id = stateIds.get(key);
      if (id === undefined) {
        id = kernels.length;
        stateIds.set(key, id);
        kernels.push(kernel);
      }
      trans.set(x, id);
    }
    transitions.push(trans);
  }

  const tails = new Map<number, { first: bigint; nullable: boolean }>();
  /** FIRST of what follows the symbol after the dot, and whether all of it can be empty. */
  const tail = (i: number): { first: bigint; nullable: boolean } => {
    let t = tails.get(i);
    if (!t) {
      let f = 0n;
      let empty = true;
      for (const s of prodOf(i).rhs.slice(dotOf(i) + 1)) {
        f |= isTerminal(s) ? bit(s) : first.get(s)!;
        if (isTerminal(s) || !nullable.has(s)) {
          empty = false;
          break;
        }
      }
      tails.set(i, (t = { first: f, nullable: empty }));
    }
    return t;
  };
  /** The LR(1) closure, carrying a lookahead set per item. */
  const closure1 = (items: Map<number, bigint>): Map<number, bigint> => {
    const out = new Map<number, bigint>();
    const queued = new Set<number>();
    const work: number[] = [];
    const add = (i: number, las: bigint): void => {
      const cur = out.get(i) ?? 0n;
      if ((cur | las) === cur && out.has(i)) return;
      out.set(i, cur | las);
      if (!queued.has(i)) (queued.add(i), work.push(i));
    };
    for (const [i, las] of items) add(i, las);
    while (work.length) {
      const i = work.pop()!;
      queued.delete(i);
      const s = prodOf(i).rhs[dotOf(i)];
      if (s === undefined || isTerminal(s)) continue;
      const t = tail(i);
      const las = t.nullable ? t.first | out.get(i)! : t.first;
      for (const q of byLhs.get(s)!) add(item(q.index, 0), las);
    }
    return out;
  };

  // LALR(1) lookaheads by spontaneous generation and propagation (the dragon book's algorithm).
  const lookaheads = kernels.map((k) => new Map(k.map((i) => [i, 0n])));
  lookaheads[0]!.set(item(0, 0), bit('END'));
  const propagate: [number, number, number, number][] = [];
  kernels.forEach((kernel, s) => {
    for (const from of kernel) {
      for (const [i, las] of closure1(new Map([[from, PROPAGATE]]))) {
        const x = prodOf(i).rhs[dotOf(i)];
        if (x === undefined) continue;
        const t = transitions[s]!.get(x)!;
        if (las & PROPAGATE) propagate.push([s, from, t, i + 1]);
        const spontaneous = las & ~PROPAGATE;
        if (spontaneous) lookaheads[t]!.set(i + 1, lookaheads[t]!.get(i + 1)! | spontaneous);
      }
    }
  });
  for (let changed = true; changed; ) {
    changed = false;
    for (const [s, from, t, to] of propagate) {
      const cur = lookaheads[t]!.get(to)!;
      const next = cur | lookaheads[s]!.get(from)!;
      if (next !== cur) (lookaheads[t]!.set(to, next), (changed = true));
    }
  }

  // Actions, with bison's conflict resolution and default reductions.
  const prec = new Map<string, { level: number; assoc: 'left' | 'right' }>();
  PRECEDENCE.forEach(([assoc, toks], i) => toks.forEach((t) => prec.set(t, { level: i + 1, assoc })));
  const rulePrec = (p: Production): { level: number; assoc: 'left' | 'right' } | undefined => {
    const last = [...p.rhs].reverse().find(isTerminal);
    return last === undefined ? undefined : prec.get(last);
  };
  let shiftReduceConflicts = 0;
  let reduceReduceConflicts = 0;
  const states: State[] = kernels.map((_, s) => {
    const actions = new Map<string, Action>();
    const gotos = new Map<string, number>();
    for (const [x, t] of transitions[s]!) {
      if (isTerminal(x)) actions.set(x, { shift: t });
      else gotos.set(x, t);
    }
    const reductions: { prod: number; las: string[] }[] = [];
    for (const [i, mask] of closure1(lookaheads[s]!)) {
      const p = prodOf(i);
      if (dotOf(i) === p.rhs.length && p.index !== 0) reductions.push({ prod: p.index, las: TOKEN_NAMES.map(([k]) => k).filter((k) => mask & bit(k)) });
    }
    reductions.sort((a, b) => a.prod - b.prod);
    for (const { prod, las } of reductions) {
      for (const la of las) {
        const cur = actions.get(la);
        if (!cur) {
          actions.set(la, { reduce: prod });
        } else if ('reduce' in cur) {
          reduceReduceConflicts++;
        } else {
          const tp = prec.get(la);
          const rp = rulePrec(prods[prod]!);
          if (tp && rp) {
            if (rp.level > tp.level || (rp.level === tp.level && tp.assoc === 'left')) actions.set(la, { reduce: prod });
          } else {
            shiftReduceConflicts++;
          }
        }
      }
    }
    // The rule reducing on the most tokens becomes the default (the first one on a tie).
    let defaultReduction: number | null = null;
    let max = 0;
    for (const { prod } of reductions) {
      let count = 0;
      for (const a of actions.values()) if ('reduce' in a && a.reduce === prod) count++;
      if (count > max) {
        max = count;
        defaultReduction = prod;
      }
    }
    if (defaultReduction !== null) for (const [t, a] of actions) if ('reduce' in a && a.reduce === defaultReduction) actions.delete(t);
    return { actions, defaultReduction, gotos };
  });
  return { productions: prods, states, finalState: transitions[0]!.get('program')!, shiftReduceConflicts, reduceReduceConflicts };
}

/**
 * The automaton as JSON, which `npm run build` writes beside parse.js so that a run loads its
 * tables instead of building them. An action is a number: a shift to state `n` is `n`, a
 * reduction by production `n` is `-n - 1`.
 */
export interface AutomatonTables {
  /** The scanner's tokens and the precedences the tables were built with (`inputsKey`). */
  inputs: string;
  productions: [lhs: string, rhs: string[], name: string][];
  states: [actions: [string, number][], defaultReduction: number | null, gotos: [string, number][]][];
  finalState: number;
  shiftReduceConflicts: number;
  reduceReduceConflicts: number;
}

export function automatonTables(a: Automaton): AutomatonTables {
  return {
    inputs: inputsKey(),
    productions: a.productions.map((p) => [p.lhs, p.rhs, p.name]),
    states: a.states.map((s) => [
      [...s.actions].map(([t, act]) => [t, 'shift' in act ? act.shift : -act.reduce - 1]),
      s.defaultReduction,
      [...s.gotos],
    ]),
    finalState: a.finalState,
    shiftReduceConflicts: a.shiftReduceConflicts,
    reduceReduceConflicts: a.reduceReduceConflicts,
  };
}

/** What the tables depend on besides grammar.ohm: a build of tsc alone can change these and not the tables. */
const inputsKey = (): string => JSON.stringify([TOKEN_NAMES.map(([k]) => k), PRECEDENCE]);

type StateTable = AutomatonTables['states'][number];

/**
 * A state read from the tables, its maps made on first use: a parse visits a few dozen of the
 * automaton's hundreds of states, and making them all took a good part of a short run's parse.
 */
class TableState implements State {
  private made: { actions: Map<string, Action>; gotos: Map<string, number> } | null = null;

  constructor(private readonly table: StateTable) {}

  private make(): { actions: Map<string, Action>; gotos: Map<string, number> } {
    if (!this.made) {
      const [actions, , gotos] = this.table;
      this.made = {
        actions: new Map(actions.map(([tok, n]): [string, Action] => [tok, n >= 0 ? { shift: n } : { reduce: -n - 1 }])),
        gotos: new Map(gotos),
      };
    }
    return this.made;
  }

  get actions(): Map<string, Action> {
    return this.make().actions;
  }

  get gotos(): Map<string, number> {
    return this.make().gotos;
  }

  get defaultReduction(): number | null {
    return this.table[1];
  }
}

/** The automaton of `automatonTables`, or null when they were built for other tokens or precedences. */
export function automatonFromTables(t: AutomatonTables): Automaton | null {
  if (t.inputs !== inputsKey()) return null;
  return {
    productions: t.productions.map(([lhs, rhs, name], index) => ({ index, lhs, rhs, name })),
    states: t.states.map((st) => new TableState(st)),
    finalState: t.finalState,
    shiftReduceConflicts: t.shiftReduceConflicts,
    reduceReduceConflicts: t.reduceReduceConflicts,
  };
}

/** One symbol on the parser's stack: its state, its location (bison's `@n`) and its value (`$n`). */
export interface StackEntry {
  state: number;
  loc: Location;
  /** The token, for a token or a rule over exactly one token. */
  token?: Token;
  value?: unknown;
}

/** What a reduction returns to end the parse with an error it has reported (bison's `YYERROR`). */
export const YYERROR: unique symbol = Symbol('YYERROR');

/**
 * A grammar action: the value of `prod`'s left side from its right side's symbols and the span
 * they cover (`@$`), or YYERROR.
 */
export type Reduce = (prod: Production, rhs: readonly StackEntry[], loc: Location) => unknown;

const span = (a: Location, b: Location): Location => ({ line: a.line, col: a.col, endLine: b.endLine, endCol: b.endCol });

/** yytnamerr: a token's name in messages, without its quotes unless it holds a comma. */
function tokenName(kind: string): string {
  const name = TOKEN_NAMES.find(([k]) => k === kind)![1];
  return name === ',' ? '","' : name;
}

/**
 * Runs the automaton over the scanner's tokens as bison's lalr1.cc does, pulling a token only
 * when the state needs one and running each rule's action as it reduces. Returns the start
 * symbol's value, or YYERROR after a syntax error (reported here) or an action's error.
 */
export function lrParse(a: Automaton, next: () => Token, reduce: Reduce, report: (message: string, loc: Location) => void): unknown {
  const stack: StackEntry[] = [{ state: 0, loc: { line: 1, col: 1, endLine: 1, endCol: 1 } }];
  let la: Token | null = null;
  for (;;) {
    const top = stack[stack.length - 1]!;
    if (top.state === a.finalState) return top.value;
    const st = a.states[top.state]!;
    let action: Action | undefined;
    if (st.actions.size === 0) {
      action = st.defaultReduction === null ? undefined : { reduce: st.defaultReduction };
    } else {
      la ??= next();
      action = st.actions.get(la.kind) ?? (st.defaultReduction === null ? undefined : { reduce: st.defaultReduction });
    }
    if (!action) {
      const expected = [...st.actions.keys()].sort((x, y) => tokenIndex(x) - tokenIndex(y));
      let msg = `syntax error, unexpected ${tokenName(la!.kind)}`;
      if (expected.length > 0 && expected.length <= 4) msg += `, expecting ${expected.map(tokenName).join(' or ')}`;
      report(msg, la!.loc);
      return YYERROR;
    }
    if ('shift' in action) {
      stack.push({ state: action.shift, loc: la!.loc, token: la! });
      la = null;
      continue;
    }
    const prod = a.productions[action.reduce]!;
    const n = prod.rhs.length;
    const rhs = stack.slice(stack.length - n);
    // YYLLOC_DEFAULT: an empty rule's location is the end of what precedes it.
    const loc = n > 0 ? span(rhs[0]!.loc, rhs[n - 1]!.loc) : { line: top.loc.endLine, col: top.loc.endCol, endLine: top.loc.endLine, endCol: top.loc.endCol };
    const value = reduce(prod, rhs, loc);
    if (value === YYERROR) return YYERROR;
    stack.length -= n;
    const below = stack[stack.length - 1]!;
    const entry: StackEntry = { state: a.states[below.state]!.gotos.get(prod.lhs)!, loc, value };
    if (n === 1 && rhs[0]!.token) entry.token = rhs[0]!.token;
    stack.push(entry);
  }
}

function tokenIndex(kind: string): number {
  return TOKEN_NAMES.findIndex(([k]) => k === kind);
}
