// bpftrace's ResourceAnalyser (src/ast/passes/resource_analyser.cpp): one walk over the typed AST
// that numbers what user space must know before the first event arrives. The Nth printf of the
// program (in the order codegen meets them) is printf id N, likewise system, cat, time, strftime,
// join and print(value); lhist bounds are fixed per map; kstack/ustack ask for stack-id maps;
// `elapsed` and join() ask for their helper maps. Codegen reads this, as bpftrace's does.

import type { AssignMapStatement, CallExpr, Expr, Probe, Program, Statement } from '../ast.js';
import { Diagnostics } from '../diagnostics.js';
import type { LhistArgs, MapInfo, SizedType, StackMode } from '../types.js';

/** bpftrace's StackType: a stack-id map per distinct mode and frame limit. */
export interface StackType {
  mode: StackMode;
  limit: number;
}

/** StackType{} as bpftrace defaults it: `kstack` with no arguments. */
export const DEFAULT_STACK: StackType = { mode: 'bpftrace', limit: 127 };

/** A printf/system/cat call before codegen lays it out: arguments promoted to 8 bytes unless aggregate. */
export interface FormatArgs {
  fmt: string;
  args: SizedType[];
}

export interface ResourceResult {
  printfArgs: FormatArgs[];
  systemArgs: FormatArgs[];
  catArgs: FormatArgs[];
  /** join()'s delimiter per join id (" " by default). */
  joinArgs: string[];
  /** time()'s format per time id ("%H:%M:%S\n" by default). */
  timeArgs: string[];
  strftimeArgs: string[];
  /** print(value)'s argument type per print id. */
  nonMapPrintArgs: SizedType[];
  /** Every @map, in bpftrace's map order (byte order of the name). */
  maps: MapInfo[];
  lhistArgs: Map<string, LhistArgs>;
  stackidMaps: StackType[];
  needsJoinMap: boolean;
  needsElapsedMap: boolean;
}

const isAggregate = (t: SizedType): boolean =>
  t.type === 'array' || t.type === 'tuple' || t.type === 'record' || isByteArray(t);

/** SizedType::IsByteArray. */
export const isByteArray = (t: SizedType): boolean =>
  t.type === 'string' || t.type === 'usym' || t.type === 'inet' || t.type === 'buffer' || t.type === 'mac_address';

function promote(t: SizedType): SizedType {
  if (isAggregate(t) || t.type === 'timestamp') return t;
  return { ...t, size: 8 };
}

const literal = (e: Expr | undefined): string => (e?.kind === 'String' ? e.value : '');

const integerArg = (e: Expr | undefined): bigint | null => (e?.kind === 'Integer' ? e.value : null);

export class ResourceAnalyser {
  private readonly out: ResourceResult;
  private mapOfCall: AssignMapStatement | null = null;

  constructor(private readonly program: Program, private readonly maps: ReadonlyMap<string, MapInfo>, private readonly diags = new Diagnostics()) {
    this.out = {
      printfArgs: [], systemArgs: [], catArgs: [], joinArgs: [], timeArgs: [], strftimeArgs: [], nonMapPrintArgs: [],
      maps: [...maps.values()].sort((a, b) => (Buffer.from(a.name) < Buffer.from(b.name) ? -1 : Buffer.from(a.name) > Buffer.from(b.name) ? 1 : 0)),
      lhistArgs: new Map(), stackidMaps: [], needsJoinMap: false, needsElapsedMap: false,
    };
  }

  /** The resources, or null after an error (reported in the Diagnostics). */
  analyse(): ResourceResult | null {
    for (const p of this.program.probes) this.visitProbe(p);
    return this.diags.hasErrors ? null : this.out;
  }

  private visitProbe(p: Probe): void {
    if (p.pred) this.visitExpr(p.pred.expr);
    this.visitStmts(p.stmts);
  }

  private visitStmts(ss: readonly Statement[]): void {
    for (const s of ss) this.visitStmt(s);
  }

  private visitStmt(s: Statement): void {
    switch (s.kind) {
      case 'ExprStatement':
        this.visitExpr(s.expr);
        break;
      case 'AssignMapStatement':
        this.visitExpr(s.map);
        this.mapOfCall = s;
        this.visitExpr(s.expr);
        this.mapOfCall = null;
        break;
      case 'AssignVarStatement':
        this.visitExpr(s.expr);
        break;
      case 'If':
        this.visitExpr(s.cond);
        this.visitStmts(s.stmts);
        if (s.elseStmts) this.visitStmts(s.elseStmts);
        break;
      case 'Unroll':
        this.visitStmts(s.stmts);
        break;
      case 'While':
        this.visitExpr(s.cond);
        this.visitStmts(s.stmts);
        break;
      case 'Jump':
        break;
    }
  }

  private visitExpr(e: Expr): void {
    switch (e.kind) {
      case 'Builtin':
        if (e.ident === 'elapsed') this.out.needsElapsedMap = true;
        else if (e.ident === 'kstack' || e.ident === 'ustack') this.addStack(DEFAULT_STACK);
        break;
      case 'Call': {
        const owner = this.mapOfCall;
        this.mapOfCall = null;
        for (const a of e.args) this.visitExpr(a);
        this.visitCall(e, owner);
        break;
      }
      case 'Map':
        for (const k of e.keys) this.visitExpr(k);
        break;
      case 'Binop':
        this.visitExpr(e.left);
        this.visitExpr(e.right);
        break;
      case 'Unop':
        this.visitExpr(e.expr);
        break;
      case 'FieldAccess':
        this.visitExpr(e.expr);
        break;
      case 'ArrayAccess':
        this.visitExpr(e.expr);
        this.visitExpr(e.index);
        break;
      case 'Cast':
        this.visitExpr(e.expr);
        break;
      case 'Tuple':
        for (const x of e.elems) this.visitExpr(x);
        break;
      case 'Ternary':
        this.visitExpr(e.cond);
        this.visitExpr(e.left);
        this.visitExpr(e.right);
        break;
      default:
        break;
    }
  }

  private addStack(st: StackType): void {
    if (!this.out.stackidMaps.some((s) => s.mode === st.mode && s.limit === st.limit)) this.out.stackidMaps.push(st);
  }

  private visitCall(call: CallExpr, owner: AssignMapStatement | null): void {
    const fmtArgs = (): FormatArgs => ({ fmt: literal(call.args[0]), args: call.args.slice(1).map((a) => promote(a.type!)) });
    switch (call.func) {
      case 'printf':
        this.out.printfArgs.push(fmtArgs());
        break;
      case 'system':
        this.out.systemArgs.push(fmtArgs());
        break;
      case 'cat':
        this.out.catArgs.push(fmtArgs());
        break;
      case 'join':
        this.out.joinArgs.push(call.args.length > 1 ? literal(call.args[1]) : ' ');
        this.out.needsJoinMap = true;
        break;
      case 'lhist': {
        if (!owner) break;
        const name = owner.map.ident;
        const known = this.maps.get(name)?.lhist;
        const min = integerArg(call.args[1]) ?? known?.min;
        const max = integerArg(call.args[2]) ?? known?.max;
        const step = integerArg(call.args[3]) ?? known?.step;
        if (min === undefined || max === undefined || step === undefined) break;
        const prev = this.out.lhistArgs.get(name);
        if (prev && (prev.min !== min || prev.max !== max || prev.step !== step)) {
          this.diags.error('Different lhist bounds in a single map unsupported', call.loc);
        } else {
          this.out.lhistArgs.set(name, { min, max, step });
        }
        break;
      }
      case 'time':
        this.out.timeArgs.push(call.args.length > 0 ? literal(call.args[0]) : '%H:%M:%S\n');
        break;
      case 'strftime':
        this.out.strftimeArgs.push(literal(call.args[0]));
        break;
      case 'print': {
        const arg = call.args[0];
        if (arg && arg.kind !== 'Map') this.out.nonMapPrintArgs.push(arg.type!);
        break;
      }
      case 'kstack':
      case 'ustack':
        this.addStack(call.type?.stack ?? DEFAULT_STACK);
        break;
      default:
        break;
    }
  }
}

/** CreateResourcePass: the resources of a typed program, or null with the errors in `diags`. */
export function analyseResources(program: Program, maps: ReadonlyMap<string, MapInfo>, diags = new Diagnostics()): ResourceResult | null {
  return new ResourceAnalyser(program, maps, diags).analyse();
}
