// bpftrace 0.17's SemanticAnalyser (src/ast/passes/semantic_analyser.cpp): gives every expression
// a SizedType and every map its key and value types, and reports what 0.17 rejects, with its
// messages at its locations.
//
// Like bpftrace it walks the whole program ten times so a map or variable used before the
// statement that assigns it is typed by the end; checks that need settled types run only in the
// final pass. Errors of a pass are held back and printed together when the pass ends, and the
// analysis stops after the first pass with any; warnings, and the few errors bpftrace logs
// straight to stderr (bad positional parameters), are printed as they happen. That order is what
// makes the sequence and number of messages match the real tool's.

import type {
  AssignMapStatement,
  AssignVarStatement,
  AttachPoint,
  BinopExpr,
  BuiltinExpr,
  CallExpr,
  CastExpr,
  Expr,
  FieldAccessExpr,
  IfStatement,
  JumpStatement,
  Location,
  MapExpr,
  PositionalParameterExpr,
  Predicate,
  Probe,
  Program,
  Statement,
  TernaryExpr,
  TupleExpr,
  UnopExpr,
  UnrollStatement,
  VariableExpr,
  WhileStatement,
} from '../ast.js';
import type { Diagnostics } from '../diagnostics.js';
import type { LhistArgs, MapInfo, SizedType, StackMode, TypeTag } from '../types.js';
import { CreateInt64, CreateInteger, CreateNone, CreateString, CreateUInt64 } from '../types.js';
import { DEFAULT_SETTINGS } from '../settings.js';
import { formatType, typestr } from '../typestr.js';
import { tracepointArgs as catalogueTracepointArgs, type TracepointArg } from '../tracepoint_format_parser.js';
import {
  getMatchesForAp,
  hasWildcard,
  HW_PROBE_LIST,
  isTraceableFunc,
  probetype,
  probetypeName,
  SW_PROBE_LIST,
  type ProbeType,
} from '../probe_matcher.js';
import { validateFormatString } from './format_string.js';
import { CreateTuple, tracepointStruct, type Struct } from './struct.js';
import type { ClangResult } from '../clang_parser.js';

/** The kernel facts the analyser asks for; tests may hand in their own. */
export interface KernelCatalogue {
  /** The fields of CATEGORY:EVENT, or null when the kernel has no such tracepoint. */
  tracepointArgs(category: string, event: string): TracepointArg[] | null;
  /** ProbeMatcher::get_matches_for_ap for a tracepoint: `category:event` names, sorted. */
  tracepointMatches(ap: AttachPoint): string[];
  /** BPFtrace::is_traceable_func: a kprobe target the kernel lists. */
  isTraceableFunc(name: string): boolean;
}

export const defaultKernelCatalogue: KernelCatalogue = {
  tracepointArgs: catalogueTracepointArgs,
  tracepointMatches: (ap) => getMatchesForAp(ap),
  isTraceableFunc,
};

export interface SemanticOptions {
  /** --unsafe: allow system(), signal() and override(). */
  unsafe: boolean;
  /** The positional parameters after the program ($1 is positional[0]). */
  positional: string[];
  kernelCatalogue?: KernelCatalogue;
  /** -c CMD was given, so `cpid` exists. */
  hasChild?: boolean;
  /** The kernel's verifier takes bounded loops (BPFfeature::has_loop, Linux 5.3 on); true unless said. */
  hasLoop?: boolean;
  /** What ClangParser made of the program's C definitions: its structs and enum constants. */
  clang?: ClangResult;
  /** BPFtrace::strlen_ (BPFTRACE_STRLEN); 0.17's default when absent. */
  strlen?: number;
}

/** What the analyser settled about one probe block. */
export interface ProbeInfo {
  probe: Probe;
  /** Its `$variables` and their types; in 0.17 a variable lives for the whole probe. */
  variables: Map<string, SizedType>;
  /**
   * Probe::need_expansion: the probe reads `probe` or tracepoint `args`, so codegen emits one
   * program per matched attach point instead of one for all.
   */
  needExpansion: boolean;
}

export interface SemanticResult {
  /** Every map by name, in first-assignment order. */
  maps: Map<string, MapInfo>;
  /** The probes in program order. */
  probes: ProbeInfo[];
  /** The records `->` resolved against (the program's C definitions, tracepoint `args` structs), by name. */
  structs: Map<string, Struct>;
  /** The enum constants of the program's C definitions, which it uses as identifiers. */
  enums: ReadonlyMap<string, bigint>;
}

/** The BPF program type each probe type loads as (progtype), for `ctx`. */
function progtypeName(pt: ProbeType): string {
  switch (pt) {
    case 'kprobe':
    case 'kretprobe':
    case 'uprobe':
    case 'uretprobe':
    case 'usdt':
      return 'BPF_PROG_TYPE_KPROBE';
    case 'tracepoint':
      return 'BPF_PROG_TYPE_TRACEPOINT';
    case 'profile':
    case 'interval':
    case 'software':
    case 'hardware':
    case 'watchpoint':
    case 'asyncwatchpoint':
      return 'BPF_PROG_TYPE_PERF_EVENT';
    case 'kfunc':
    case 'kretfunc':
    case 'iter':
      return 'BPF_PROG_TYPE_TRACING';
    default:
      return 'BPF_PROG_TYPE_UNSPEC';
  }
}

const INTCASTS: Record<string, [bits: number, signed: boolean]> = {
  uint8: [8, false],
  int8: [8, true],
  uint16: [16, false],
  int16: [16, true],
  uint32: [32, false],
  int32: [32, true],
  uint64: [64, false],
  int64: [64, true],
};

const STRING_SIZE = 64;
const COMM_SIZE = 16;
const MAX_STACK_SIZE = 1024;
/** arch::max_arg() on x86_64: arg0..arg5 live in registers. */
const MAX_ARG = 5;
const UNSAFE_BUILTIN_FUNCS = new Set(['system', 'signal', 'override']);
const COMPILE_TIME_FUNCS = new Set(['cgroupid']);
const MAX_PASSES = 10;
/** 0.17's parser builds ast::If without a location, so its errors point at bison's default, 1:1-1. */
const IF_LOC: Location = { line: 1, col: 1, endLine: 1, endCol: 1 };

/** signal_name_to_num (src/ast/signal_bt.h): the names signal() takes. */
const SIGNALS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGIOT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9,
  SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGSTKFLT: 16, SIGCHLD: 17, SIGCONT: 18,
  SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27,
  SIGWINCH: 28, SIGIO: 29, SIGPOLL: 29, SIGPWR: 30, SIGSYS: 31,
};

function signalNameToNum(name: string): number {
  const n = SIGNALS[name.startsWith('SIG') ? name : `SIG${name}`];
  return n ?? -1;
}

/** x86_64 pt_regs register names reg() accepts (arch::offset). */
const X86_REGISTERS = ['r15', 'r14', 'r13', 'r12', 'bp', 'bx', 'r11', 'r10', 'r9', 'r8', 'ax', 'cx', 'dx', 'si', 'di', 'orig_ax', 'ip', 'cs', 'flags', 'sp', 'ss'];

/** The location bison's `a + b` gives: from a's start to b's end. */
function span(a: Location, b: Location): Location {
  return { line: a.line, col: a.col, endLine: b.endLine, endCol: b.endCol };
}

/** std::stoll(s, &idx, 0) consuming all of s: decimal, 0x hex or 0 octal, optional sign. */
function isNumeric(s: string): boolean {
  return /^\s*[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(s) && inInt64(s);
}

function inInt64(s: string): boolean {
  const t = s.trim();
  const neg = t.startsWith('-');
  const body = t.replace(/^[+-]/, '');
  const v = body.startsWith('0x') || body.startsWith('0X') ? BigInt(body) : /^0[0-7]+$/.test(body) ? BigInt(`0o${body.slice(1)}`) : BigInt(body);
  return neg ? v <= 2n ** 63n : v < 2n ** 63n;
}

function parseNumeric(s: string): bigint {
  const t = s.trim();
  const neg = t.startsWith('-');
  const body = t.replace(/^[+-]/, '');
  const v = /^0[xX]/.test(body) ? BigInt(body) : /^0[0-7]+$/.test(body) ? BigInt(`0o${body.slice(1)}`) : BigInt(body);
  return neg ? -v : v;
}

/** bpftrace's `long` view of a 64-bit literal. */
function asLong(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

function isLiteralKind(e: Expr): boolean {
  return e.kind === 'Integer' || e.kind === 'String' || e.kind === 'StackMode' || e.kind === 'PositionalParameter';
}

function isIntTy(t: SizedType | undefined): boolean {
  return t?.type === 'integer';
}

function typeOf(e: Expr): SizedType {
  return e.type ?? CreateNone();
}

function withAS(t: SizedType, as: 'none' | 'kernel' | 'user'): SizedType {
  return { ...t, addrSpace: as };
}

function getAS(t: SizedType): 'none' | 'kernel' | 'user' {
  return t.addrSpace ?? 'none';
}

function isAggregate(t: SizedType): boolean {
  return t.type === 'array' || t.type === 'tuple' || t.type === 'record' || ['string', 'usym', 'inet', 'buffer', 'timestamp', 'mac_address', 'cgroup_path'].includes(t.type);
}

/** SizedType::IsEqual (operator==). */
function typesEqual(a: SizedType, b: SizedType): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'record') return a.name === b.name && a.size === b.size;
  if (a.type === 'pointer') return typesEqual(a.element ?? CreateNone(), b.element ?? CreateNone());
  if (a.type === 'array') return a.size === b.size && typesEqual(a.element ?? CreateNone(), b.element ?? CreateNone());
  if (a.type === 'tuple') {
    const fa = a.fields ?? [];
    const fb = b.fields ?? [];
    return a.size === b.size && fa.length === fb.length && fa.every((f, i) => f.offset === fb[i]!.offset && typesEqual(f.type, fb[i]!.type));
  }
  return a.size === b.size && a.isSigned === b.isSigned;
}

/** SizedType::IsSameType: tags match (and record names, and pointees). */
function isSameType(a: SizedType, b: SizedType): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'record') return a.name === b.name;
  if (a.type === 'pointer') return isSameType(a.element ?? CreateNone(), b.element ?? CreateNone());
  return true;
}

/** SizedType::FitsInto: strings and tuple members may be narrower than where they go. */
function fitsInto(a: SizedType, b: SizedType): boolean {
  if (a.type === 'string' && b.type === 'string') return a.size <= b.size;
  if (a.type === 'tuple' && b.type === 'tuple') {
    const fa = a.fields ?? [];
    const fb = b.fields ?? [];
    return fa.length === fb.length && fa.every((f, i) => fitsInto(f.type, fb[i]!.type));
  }
  return typesEqual(a, b);
}

function isPrintableTy(t: SizedType): boolean {
  return t.type !== 'none' && t.type !== 'pointer' && t.type !== 'stack_mode' && !t.isCtxAccess;
}

function createStack(kernel: boolean, mode: StackMode = 'bpftrace', limit = 127): SizedType {
  return { type: kernel ? 'kstack' : 'ustack', size: 8, isSigned: false, stack: { mode, limit } };
}

function sized(type: TypeTag, size: number, isSigned = false): SizedType {
  return { type, size, isSigned };
}

function createPointer(element: SizedType, as: 'none' | 'kernel' | 'user' = 'none'): SizedType {
  return { type: 'pointer', size: 8, isSigned: false, element, addrSpace: as };
}

function createRecord(name: string, s: Struct | undefined): SizedType {
  return { type: 'record', size: s?.size ?? 0, isSigned: false, name };
}

/** How an expression is used, which bpftrace stores on the node (Expression::map, ::var, ::key_for_map). */
interface Usage {
  map?: MapExpr;
  variable?: VariableExpr;
  keyForMap?: MapExpr;
}

function opstrJump(j: JumpStatement): string {
  return j.ident;
}

/** Bytes of a decoded string literal as bpftrace's std::string holds them. */
function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export class SemanticAnalyser {
  private pass = 0;
  /** Errors of the current pass, printed when it ends (bpftrace's err_ stream). */
  private errs: { message: string; loc?: Location }[] = [];
  private probe!: Probe;
  private func = '';
  private funcArgIdx = -1;
  private hasPosParam = false;
  private loopDepth = 0;
  private hasBeginProbe = false;
  private hasEndProbe = false;

  private readonly variableVal = new Map<Probe, Map<string, SizedType>>();
  private readonly mapVal = new Map<string, SizedType>();
  private readonly mapKey = new Map<string, SizedType[]>();
  private readonly lhistArgs = new Map<string, LhistArgs>();
  private readonly needExpansion = new Set<Probe>();
  private readonly structs: Map<string, Struct>;
  private readonly enums: ReadonlyMap<string, bigint>;
  private readonly usage = new WeakMap<Expr, Usage>();
  /** Maps passed whole to print/clear/zero, whose keys are not checked (Map::skip_key_validation). */
  private readonly skipKeyValidation = new WeakSet<MapExpr>();
  /** `str($N)` calls, which stand for a literal (Call::is_literal). */
  private readonly literalCalls = new WeakSet<CallExpr>();
  private readonly catalogue: KernelCatalogue;
  private readonly strlen: number;

  constructor(
    private readonly program: Program,
    private readonly diags: Diagnostics,
    private readonly opts: SemanticOptions,
  ) {
    this.catalogue = opts.kernelCatalogue ?? defaultKernelCatalogue;
    this.structs = new Map(opts.clang?.structs);
    this.enums = opts.clang?.enums ?? new Map();
    this.strlen = opts.strlen ?? DEFAULT_SETTINGS.strlen;
  }

  /** SemanticAnalyser::analyse: the passes; returns false when one of them reported errors. */
  analyse(): boolean {
    this.recordUsage();
    for (this.pass = 1; this.pass <= MAX_PASSES; this.pass++) {
      this.visitProgram(this.program);
      if (this.errs.length > 0) {
        for (const e of this.errs) this.diags.error(e.message, e.loc);
        return false;
      }
    }
    return true;
  }

  result(): SemanticResult {
    const maps = new Map<string, MapInfo>();
    for (const [name, value] of this.mapVal) {
      const info: MapInfo = { name, key: this.mapKey.get(name) ?? [], value };
      const lhist = this.lhistArgs.get(name);
      if (lhist) info.lhist = lhist;
      maps.set(name, info);
    }
    const probes = this.program.probes.map((probe) => ({
      probe,
      variables: this.variableVal.get(probe) ?? new Map<string, SizedType>(),
      needExpansion: this.needExpansion.has(probe),
    }));
    return { maps, probes, structs: this.structs, enums: this.enums };
  }

  private isFinalPass(): boolean {
    return this.pass === MAX_PASSES;
  }

  private error(message: string, loc?: Location): void {
    this.errs.push(loc ? { message, loc } : { message });
  }

  private warning(message: string, loc?: Location): void {
    this.diags.warning(message, loc);
  }

  /** An error bpftrace logs straight to stderr rather than into the pass's error stream. */
  private immediateError(message: string, loc?: Location): void {
    this.diags.error(message, loc);
  }

  // --- usage: what bpftrace's AST constructors record on the nodes ---

  private recordUsage(): void {
    const walkStmts = (stmts: Statement[]): void => stmts.forEach(walkStmt);
    const walkStmt = (s: Statement): void => {
      switch (s.kind) {
        case 'ExprStatement':
          walkExpr(s.expr);
          break;
        case 'AssignMapStatement':
          this.use(s.expr).map = s.map;
          walkExpr(s.map);
          walkExpr(s.expr);
          break;
        case 'AssignVarStatement':
          this.use(s.expr).variable = s.variable;
          walkExpr(s.expr);
          break;
        case 'If':
          walkExpr(s.cond);
          walkStmts(s.stmts);
          if (s.elseStmts) walkStmts(s.elseStmts);
          break;
        case 'Unroll':
          walkExpr(s.expr);
          walkStmts(s.stmts);
          break;
        case 'While':
          walkExpr(s.cond);
          walkStmts(s.stmts);
          break;
        case 'Jump':
          break;
      }
    };
    const walkExpr = (e: Expr): void => {
      for (const c of children(e)) walkExpr(c);
      if (e.kind === 'Map') for (const k of e.keys) this.use(k).keyForMap = e;
    };
    for (const p of this.program.probes) {
      if (p.pred) walkExpr(p.pred.expr);
      walkStmts(p.stmts);
    }
  }

  private use(e: Expr): Usage {
    let u = this.usage.get(e);
    if (!u) {
      u = {};
      this.usage.set(e, u);
    }
    return u;
  }

  private isLiteral(e: Expr): boolean {
    return isLiteralKind(e) || (e.kind === 'Call' && this.literalCalls.has(e));
  }

  // --- literals (BPFtrace::get_int_literal, get_string_literal, get_param) ---

  private getParam(n: number, isStr: boolean): string {
    if (this.opts.positional.length < n) return isStr ? '' : '0';
    return this.opts.positional[n - 1] ?? '';
  }

  private getIntLiteral(e: Expr): bigint | null {
    if (!this.isLiteral(e)) return null;
    if (e.kind === 'Integer') return asLong(e.value);
    if (e.kind === 'PositionalParameter') {
      if (e.ptype === 'positional') {
        const s = this.getParam(e.n, false);
        if (isNumeric(s)) return parseNumeric(s);
        this.immediateError(`$${e.n} used numerically but given "${s}"`, e.loc);
        return null;
      }
      return BigInt(this.opts.positional.length);
    }
    return null;
  }

  private getStringLiteral(e: Expr): string {
    if (this.isLiteral(e)) {
      if (e.kind === 'String') return e.value;
      if (e.kind === 'Call' && e.func === 'str') {
        const a = e.args[0];
        if (a?.kind === 'PositionalParameter') return this.getParam(a.n, true);
      }
    }
    this.immediateError(`Expected string literal, got ${formatType(typeOf(e))}`);
    return '';
  }

  // --- program, probes, attach points ---

  private visitProgram(program: Program): void {
    for (const p of program.probes) this.visitProbe(p);
  }

  private visitProbe(probe: Probe): void {
    this.probe = probe;
    if (!this.variableVal.has(probe)) this.variableVal.set(probe, new Map());
    const aps = probe.attachPoints.length;
    for (const ap of probe.attachPoints) {
      if (aps > 1 && ap.provider === 'iter') {
        this.error('Only single iter attach point is allowed.', ap.loc);
        return;
      }
      this.visitAttachPoint(ap);
    }
    if (probe.pred) this.visitPredicate(probe.pred);
    for (const s of probe.stmts) this.visitStatement(s);
  }

  private visitAttachPoint(ap: AttachPoint): void {
    ap.provider = probetypeName(ap.provider);
    const p = ap.provider;
    if (p === 'kprobe' || p === 'kretprobe') {
      if (ap.target !== '') this.error('kprobes should not have a target', ap.loc);
      if (ap.func === '') this.error('kprobes should be attached to a function', ap.loc);
      if (this.isFinalPass() && !hasWildcard(ap.func) && !this.catalogue.isTraceableFunc(ap.func)) {
        this.warning(`${ap.func} is not traceable (either non-existing, inlined, or marked as "notrace"); attaching to it will likely fail`, ap.loc);
      }
    } else if (p === 'uprobe' || p === 'uretprobe') {
      if (ap.target === '') this.error(`${p} should have a target`, ap.loc);
      if (ap.func === '') this.error(`${p} should be attached to a function and/or address`, ap.loc);
      if (p === 'uretprobe' && ap.funcOffset !== 0) this.error('uretprobes can not be attached to a function offset', ap.loc);
      // bpfbox runs no user binaries a uprobe could resolve against.
      this.error(`uprobe target file '${ap.target}' does not exist or is not executable`, ap.loc);
    } else if (p === 'usdt') {
      if (ap.func === '') this.error('usdt probe must have a target function or wildcard', ap.loc);
      if (ap.target !== '') this.error(`usdt target file '${ap.target}' does not exist or is not executable`, ap.loc);
      else this.error('usdt probe must specify at least path or pid to probe', ap.loc);
    } else if (p === 'tracepoint') {
      if (ap.target === '' || ap.func === '') this.error('tracepoint probe must have a target', ap.loc);
    } else if (p === 'profile') {
      if (ap.target === '') this.error('profile probe must have unit of time', ap.loc);
      else if (!['hz', 'us', 'ms', 's'].includes(ap.target)) this.error(`${ap.target} is not an accepted unit of time`, ap.loc);
      if (ap.func !== '') this.error('profile probe must have an integer frequency', ap.loc);
      else if (ap.freq <= 0) this.error('profile frequency should be a positive integer', ap.loc);
    } else if (p === 'interval') {
      if (ap.target === '') this.error('interval probe must have unit of time', ap.loc);
      else if (!['ms', 's', 'us', 'hz'].includes(ap.target)) this.error(`${ap.target} is not an accepted unit of time`, ap.loc);
      if (ap.func !== '') this.error('interval probe must have an integer frequency', ap.loc);
    } else if (p === 'software' || p === 'hardware') {
      const list = p === 'software' ? SW_PROBE_LIST : HW_PROBE_LIST;
      if (ap.target === '') this.error(`${p} probe must have a ${p} event name`, ap.loc);
      else if (!hasWildcard(ap.target)) {
        if (!list.some((item) => ap.target === item.path || (item.alias !== '' && ap.target === item.alias))) {
          this.error(`${ap.target} is not a ${p} probe`, ap.loc);
        }
      } else this.error('wildcards are not allowed for hardware probe type', ap.loc);
      if (ap.func !== '') this.error(`${p} probe can only have an integer count`, ap.loc);
      else if (ap.freq < 0) this.error(p === 'software' ? 'software count should be a positive integer' : 'hardware frequency should be a positive integer', ap.loc);
    } else if (p === 'watchpoint' || p === 'asyncwatchpoint') {
      this.error('-p PID or -c CMD required for watchpoint', ap.loc);
    } else if (p === 'BEGIN' || p === 'END') {
      if (ap.target !== '' || ap.func !== '') this.error('BEGIN/END probes should not have a target', ap.loc);
      if (this.isFinalPass()) {
        if (p === 'BEGIN') {
          if (this.hasBeginProbe) this.error('More than one BEGIN probe defined', ap.loc);
          this.hasBeginProbe = true;
        }
        if (p === 'END') {
          if (this.hasEndProbe) this.error('More than one END probe defined', ap.loc);
          this.hasEndProbe = true;
        }
      }
    } else if (p === 'kfunc' || p === 'kretfunc') {
      // The emulated 5.0 kernel has no BTF and no BPF trampolines.
      this.error('kfunc/kretfunc not available for your kernel version.', ap.loc);
    } else if (p === 'iter') {
      this.error(`iter ${ap.func} not available for your kernel version.`, ap.loc);
    } else {
      this.error(`Invalid provider: '${p}'`, ap.loc);
    }
  }

  private singleProviderType(): ProbeType {
    let type: ProbeType = 'invalid';
    for (const ap of this.probe.attachPoints) {
      const t = probetype(ap.provider);
      if (type === 'invalid') type = t;
      if (type !== t) return 'invalid';
    }
    return type;
  }

  private findAddrspace(pt: ProbeType): 'none' | 'kernel' | 'user' {
    switch (pt) {
      case 'kprobe':
      case 'kretprobe':
      case 'kfunc':
      case 'kretfunc':
      case 'tracepoint':
      case 'iter':
        return 'kernel';
      case 'uprobe':
      case 'uretprobe':
      case 'usdt':
        return 'user';
      default:
        return 'none';
    }
  }

  private visitPredicate(pred: Predicate): void {
    this.visitExpr(pred.expr);
    if (this.isFinalPass()) {
      const t = typeOf(pred.expr);
      if (t.type !== 'integer' && t.type !== 'pointer') this.error(`Invalid type for predicate: ${typestr(t.type)}`, pred.loc);
    }
  }

  // --- statements ---

  private visitStatement(s: Statement): void {
    switch (s.kind) {
      case 'ExprStatement':
        this.visitExpr(s.expr);
        break;
      case 'AssignMapStatement':
        this.visitAssignMap(s);
        break;
      case 'AssignVarStatement':
        this.visitAssignVar(s);
        break;
      case 'If':
        this.visitIf(s);
        break;
      case 'Unroll':
        this.visitUnroll(s);
        break;
      case 'While':
        this.visitWhile(s);
        break;
      case 'Jump':
        this.visitJump(s);
        break;
    }
  }

  private acceptStatements(stmts: Statement[]): void {
    stmts.forEach((stmt, i) => {
      this.visitStatement(stmt);
      if (this.isFinalPass() && stmt.kind === 'Jump' && i < stmts.length - 1) {
        this.warning(`All code after a '${opstrJump(stmt)}' is unreachable.`, stmt.loc);
      }
    });
  }

  private visitIf(s: IfStatement): void {
    this.visitExpr(s.cond);
    if (this.isFinalPass()) {
      const cond = typeOf(s.cond).type;
      if (cond !== 'integer') this.error(`Invalid condition in if(): ${typestr(cond)}`, IF_LOC);
    }
    this.acceptStatements(s.stmts);
    if (s.elseStmts) this.acceptStatements(s.elseStmts);
  }

  private visitUnroll(s: UnrollStatement): void {
    this.visitExpr(s.expr);
    const v = this.getIntLiteral(s.expr);
    if (v === null) {
      this.error('invalid unroll value', s.loc);
      return;
    }
    s.count = Number(v);
    if (v > 100n) this.error('unroll maximum value is 100', s.loc);
    else if (v < 1n) this.error('unroll minimum value is 1', s.loc);
    this.acceptStatements(s.stmts);
  }

  private visitWhile(s: WhileStatement): void {
    if (this.isFinalPass() && this.opts.hasLoop === false) {
      this.warning('Kernel does not support bounded loops. Depending on LLVMs loop unroll to generate loadable code.', s.loc);
    }
    this.visitExpr(s.cond);
    // 0.17 checks no while() condition: a string or tuple is a non-null pointer to LLVM (always
    // true), and a call without a value crashes bpftrace. That crash is reported here instead.
    if (this.isFinalPass() && typeOf(s.cond).type === 'none') this.error('Invalid condition in while(): none', s.cond.loc);
    this.loopDepth++;
    this.acceptStatements(s.stmts);
    this.loopDepth--;
  }

  private visitJump(j: JumpStatement): void {
    if ((j.ident === 'break' || j.ident === 'continue') && this.loopDepth === 0) {
      this.error(`${opstrJump(j)} used outside of a loop`, j.loc);
    }
  }

  private visitAssignMap(s: AssignMapStatement): void {
    this.visitMap(s.map);
    this.visitExpr(s.expr);
    const type = typeOf(s.expr);
    this.assignMapType(s.map, type);
    const ident = s.map.ident;
    const stored = (): SizedType => this.mapVal.get(ident) ?? CreateNone();

    if (type.type === 'record') {
      const storedName = stored().name ?? '';
      if (storedName !== '' && storedName !== type.name) {
        this.error(`Type mismatch for ${ident}: trying to assign value of type '${type.name ?? ''}' when map already contains a value of type '${storedName}''`, s.loc);
      } else this.mapVal.set(ident, type);
    } else if (type.type === 'string') {
      const mapSize = stored().size;
      if (mapSize < type.size) this.warning(`String size mismatch: ${mapSize} < ${type.size}. The value may be truncated.`, s.loc);
    } else if (type.type === 'buffer') {
      const mapSize = stored().size;
      if (mapSize !== type.size) {
        const msg = `Buffer size mismatch: ${mapSize} != ${type.size}.`;
        if (mapSize < type.size) this.warning(`${msg} The value may be truncated.`, s.loc);
        else this.error(msg, s.loc);
      }
    } else if (type.isCtxAccess) {
      this.error('context cannot be assigned to a map', s.loc);
    } else if (type.type === 'tuple') {
      if (this.isFinalPass() && !fitsInto(type, stored())) {
        this.error(`Tuple type mismatch: ${formatType(stored())} != ${formatType(type)}.`, s.loc);
      }
    } else if (type.type === 'array') {
      if (!typesEqual(stored(), type)) this.error(`Array type mismatch: ${formatType(stored())} != ${formatType(type)}.`, s.loc);
    }

    if (this.isFinalPass() && type.type === 'none') this.error(`Invalid expression for assignment: ${formatType(type)}`, s.expr.loc);
  }

  private visitAssignVar(s: AssignVarStatement): void {
    this.visitExpr(s.expr);
    const ident = s.variable.ident;
    const vars = this.variableVal.get(this.probe)!;
    const assignTy = typeOf(s.expr);

    const found = vars.get(ident);
    if (found) {
      if (found.type === 'none') {
        if (this.isFinalPass()) this.error(`Undefined variable: ${ident}`, s.loc);
        else vars.set(ident, assignTy);
      } else if ((found.type === 'string' && assignTy.type === 'string') || (found.type === 'tuple' && assignTy.type === 'tuple')) {
        vars.set(ident, updateStringSize(found, assignTy) ?? found);
      } else if (!isSameType(found, assignTy)) {
        this.error(`Type mismatch for ${ident}: trying to assign value of type '${formatType(assignTy)}' when variable already contains a value of type '${formatType(found)}'`, s.loc);
      }
    } else {
      vars.set(ident, assignTy);
    }

    const storedTy = vars.get(ident)!;
    s.variable.type = storedTy;

    if (assignTy.type === 'record') {
      if (assignTy.name !== storedTy.name) {
        this.error(`Type mismatch for ${ident}: trying to assign value of type '${assignTy.name ?? ''}' when variable already contains a value of type '${formatType(storedTy)}`, s.loc);
      }
    } else if (assignTy.type === 'string') {
      if (storedTy.size < assignTy.size) this.warning(`String size mismatch: ${storedTy.size} != ${assignTy.size}. The value may be truncated.`, s.loc);
    } else if (assignTy.type === 'buffer') {
      if (storedTy.size !== assignTy.size) {
        this.warning(
          `Buffer size mismatch: ${storedTy.size} != ${assignTy.size}${storedTy.size < assignTy.size ? '. The value may be truncated.' : '. The value may contain garbage.'}`,
          s.loc,
        );
      }
    } else if (assignTy.type === 'tuple') {
      if (this.isFinalPass() && !fitsInto(assignTy, storedTy)) {
        this.error(`Tuple type mismatch: ${formatType(storedTy)} != ${formatType(assignTy)}.`, s.loc);
      }
    }

    if (this.isFinalPass() && assignTy.type === 'none') this.error(`Invalid expression for assignment: ${typestr('none')}`, s.expr.loc);
  }

  // --- maps ---

  private assignMapType(map: MapExpr, type: SizedType): void {
    const ident = map.ident;
    const maptype = this.mapVal.get(ident);
    if (maptype) {
      let current = maptype;
      if (maptype.type === 'none') {
        if (this.isFinalPass()) this.error(`Undefined map: ${ident}`, map.loc);
        else {
          current = type;
          this.mapVal.set(ident, type);
        }
      } else if (maptype.type !== type.type) {
        this.error(`Type mismatch for ${ident}: trying to assign value of type '${formatType(type)}' when map already contains a value of type '${formatType(maptype)}`, map.loc);
      }
      if (current.type === 'string' || current.type === 'tuple') {
        const grown = updateStringSize(current, type);
        if (grown) this.mapVal.set(ident, grown);
      }
    } else {
      // Integers are stored 64-bit so any integer assigned later fits.
      this.mapVal.set(ident, type.type === 'integer' ? { ...type, size: 8 } : type);
    }
  }

  private visitMap(map: MapExpr): void {
    const key: SizedType[] = [];
    map.keys.forEach((_, i) => {
      let expr = map.keys[i]!;
      this.visitExpr(expr);
      const t = typeOf(expr);
      if (t.type === 'integer' && t.size < 8) {
        // bpftrace widens small integer keys by splicing a cast into the tree.
        const cast: CastExpr = { kind: 'Cast', loc: map.loc, castType: t.isSigned ? 'int64' : 'uint64', isPointer: false, isDoublePointer: false, expr };
        this.visitExpr(cast);
        map.keys[i] = cast;
        expr = cast;
      } else if (t.isCtxAccess) {
        this.error('context cannot be used as a map key', map.loc);
      } else if (t.type === 'tuple') {
        this.error('tuple cannot be used as a map key. Try a multi-key associative array instead (eg `@map[$1, $2] = ...)`.', map.loc);
      }
      const et = typeOf(expr);
      if (this.isFinalPass() && et.type === 'none') this.error('Invalid expression for assignment: ', expr.loc);
      // Integer keys compare unsigned, so a lookup table keyed by signed and unsigned values is one map.
      key.push(et.type === 'integer' ? { ...et, isSigned: false } : et);
    });

    if (this.pass > 1 && !this.skipKeyValidation.has(map)) this.updateKeyType(map, key);

    const val = this.mapVal.get(map.ident);
    if (val) map.type = val;
    else {
      if (this.isFinalPass()) this.error(`Undefined map: ${map.ident}`, map.loc);
      map.type = CreateNone();
    }
  }

  private updateKeyType(map: MapExpr, newKey: SizedType[]): void {
    const key = this.mapKey.get(map.ident);
    if (!key) {
      this.mapKey.set(map.ident, newKey);
      return;
    }
    let valid = key.length === newKey.length;
    if (valid) {
      for (let i = 0; i < key.length; i++) {
        const k = key[i]!;
        const n = newKey[i]!;
        if (k.type === 'string' && n.type === 'string') key[i] = { ...k, size: Math.max(k.size, n.size) };
        else if (!typesEqual(k, n)) {
          valid = false;
          break;
        }
      }
    }
    if (!valid) {
      this.error(`Argument mismatch for ${map.ident}: trying to access with arguments: ${argumentTypeList(newKey)} when map expects arguments: ${argumentTypeList(key)}`, map.loc);
    }
  }

  // --- expressions ---

  private visitExpr(e: Expr): void {
    // Every ast::Expression starts out typed none; a type found in an earlier pass stays.
    e.type ??= CreateNone();
    switch (e.kind) {
      case 'Integer':
        e.type = CreateInt64();
        break;
      case 'PositionalParameter':
        this.visitPositionalParameter(e);
        break;
      case 'String': {
        const t = CreateString(byteLength(e.value) + 1);
        e.type = t;
        // printf's format is not part of the program, so its length is free.
        if (this.func === 'printf' && this.funcArgIdx === 0) break;
        if (!COMPILE_TIME_FUNCS.has(this.func) && byteLength(e.value) > STRING_SIZE - 1) {
          this.error(`String is too long (over ${STRING_SIZE} bytes): ${e.value}`, e.loc);
        }
        e.type = withAS(t, 'kernel');
        break;
      }
      case 'StackMode':
        if (e.mode === 'bpftrace' || e.mode === 'perf') e.type = { ...sized('stack_mode', 0), stack: { mode: e.mode, limit: 127 } };
        else {
          e.type = CreateNone();
          this.error(`Unknown stack mode: '${e.mode}'`, e.loc);
        }
        break;
      case 'Identifier':
        if (this.enums.has(e.ident)) e.type = CreateUInt64();
        else if (this.structs.has(e.ident)) e.type = createRecord(e.ident, this.structs.get(e.ident));
        else if (this.func === 'sizeof' && INTCASTS[e.ident]) e.type = CreateInteger(INTCASTS[e.ident]![0], true);
        else {
          e.type = CreateNone();
          this.error(`Unknown identifier: '${e.ident}'`, e.loc);
        }
        break;
      case 'Builtin':
        this.visitBuiltin(e);
        break;
      case 'Call':
        this.visitCall(e);
        break;
      case 'Map':
        this.visitMap(e);
        break;
      case 'Variable':
        this.visitVariable(e);
        break;
      case 'Binop':
        this.visitBinop(e);
        break;
      case 'Unop':
        this.visitUnop(e);
        break;
      case 'FieldAccess':
        this.visitFieldAccess(e);
        break;
      case 'ArrayAccess':
        this.visitArrayAccess(e);
        break;
      case 'Cast':
        this.visitCast(e);
        break;
      case 'Tuple':
        this.visitTuple(e);
        break;
      case 'Ternary':
        this.visitTernary(e);
        break;
    }
  }

  private visitPositionalParameter(p: PositionalParameterExpr): void {
    p.type = CreateInt64();
    if (this.func === 'str') {
      p.isInStr = true;
      this.hasPosParam = true;
    }
    if (p.ptype === 'positional') {
      if (p.n <= 0) this.error(`$${p.n} is not a valid parameter`, p.loc);
      if (this.isFinalPass()) {
        const s = this.getParam(p.n, p.isInStr);
        if (!isNumeric(s) && !p.isInStr) this.error(`$${p.n} used numerically but given "${s}". Try using str($${p.n}).`, p.loc);
        if (p.isInStr) p.type = withAS(p.type, 'kernel');
      }
    } else if (p.isInStr) {
      this.error('use $#, not str($#)', p.loc);
    }
  }

  private visitVariable(v: VariableExpr): void {
    const t = this.variableVal.get(this.probe)!.get(v.ident);
    if (t) v.type = t;
    else {
      this.error(`Undefined or undeclared variable: ${v.ident}`, v.loc);
      v.type = CreateNone();
    }
  }

  private visitBuiltin(b: BuiltinExpr): void {
    const id = b.ident;
    const aps = this.probe.attachPoints;
    if (id === 'ctx') {
      const pt = probetype(aps[0]!.provider);
      const bt = progtypeName(pt);
      for (const ap of aps) {
        const bt2 = progtypeName(probetype(ap.provider));
        if (bt !== bt2) this.error(`ctx cannot be used in different BPF program types: ${bt} and ${bt2}`, b.loc);
      }
      if (bt === 'BPF_PROG_TYPE_KPROBE') b.type = { ...createPointer(createRecord('struct pt_regs', undefined), 'kernel'), isCtxAccess: true };
      else if (bt === 'BPF_PROG_TYPE_TRACEPOINT') this.error('Use args instead of ctx in tracepoint', b.loc);
      else if (bt === 'BPF_PROG_TYPE_PERF_EVENT') b.type = { ...createPointer(createRecord('struct bpf_perf_event_data', undefined), 'kernel'), isCtxAccess: true };
      else this.error('invalid program type', b.loc);
    } else if (['nsecs', 'elapsed', 'pid', 'tid', 'cgroup', 'uid', 'gid', 'cpu', 'rand', 'numaid'].includes(id)) {
      b.type = CreateUInt64();
    } else if (id === 'curtask') {
      b.type = createPointer(createRecord('struct task_struct', this.structs.get('struct task_struct')), 'kernel');
    } else if (id === 'retval') {
      const type = this.singleProviderType();
      if (type === 'kretprobe' || type === 'uretprobe') b.type = CreateUInt64();
      else if (type === 'kfunc' || type === 'kretfunc') this.error("Can't find a field $retval", b.loc);
      else {
        this.error(`The retval builtin can only be used with 'kretprobe' and 'uretprobe' and 'kfunc' probes${type === 'tracepoint' ? ' (try to use args->ret instead)' : ''}`, b.loc);
      }
      b.type = withAS(b.type ?? CreateNone(), this.findAddrspace(type));
    } else if (id === 'kstack') {
      b.type = createStack(true);
    } else if (id === 'ustack') {
      b.type = createStack(false);
    } else if (id === 'comm') {
      b.type = withAS(CreateString(COMM_SIZE), 'kernel');
    } else if (id === 'func') {
      for (const ap of aps) {
        const t = probetype(ap.provider);
        if (t === 'kprobe' || t === 'kretprobe') b.type = sized('ksym', 8);
        else if (t === 'uprobe' || t === 'uretprobe') b.type = sized('usym', 16);
        else this.error(`The func builtin can not be used with '${ap.provider}' probes`, b.loc);
      }
    } else if (/^arg[0-9]$/.test(id)) {
      const as = this.findAddrspace(probetype(aps[0]!.provider));
      for (const ap of aps) {
        const t = probetype(ap.provider);
        if (t !== 'kprobe' && t !== 'uprobe' && t !== 'usdt') this.error(`The ${id} builtin can only be used with 'kprobes', 'uprobes' and 'usdt' probes`, b.loc);
      }
      if (Number(id.slice(3)) > MAX_ARG) this.error(`x86_64 doesn't support ${id}`, b.loc);
      b.type = withAS(CreateUInt64(), as);
    } else if (/^sarg[0-9]$/.test(id)) {
      const as = this.findAddrspace(probetype(aps[0]!.provider));
      for (const ap of aps) {
        const t = probetype(ap.provider);
        if (t !== 'kprobe' && t !== 'uprobe') this.error(`The ${id} builtin can only be used with 'kprobes' and 'uprobes' probes`, b.loc);
        if (this.isFinalPass() && ap.funcOffset !== 0) {
          this.warning('Using an address offset with the sargX built-in canlead to unexpected behavior ', b.loc);
        }
      }
      b.type = withAS(CreateUInt64(), as);
    } else if (id === 'probe') {
      b.type = sized('probe', 8);
      this.needExpansion.add(this.probe);
    } else if (id === 'username') {
      b.type = sized('username', 8);
    } else if (id === 'cpid') {
      if (!this.opts.hasChild) this.error('cpid cannot be used without child command', b.loc);
      b.type = CreateInteger(32, false);
    } else if (id === 'args') {
      for (const ap of aps) {
        if (probetype(ap.provider) === 'tracepoint') {
          this.needExpansion.add(this.probe);
          this.builtinArgsTracepoint(ap, b);
        }
      }
      const type = this.singleProviderType();
      if (type !== 'tracepoint') {
        if (type === 'kfunc' || type === 'kretfunc' || type === 'uprobe') {
          // Those probes are refused at their attach point in bpfbox; give args a type so analysis goes on.
          b.type = { ...createPointer(createRecord(type === 'uprobe' ? 'struct uprobe_args' : 'struct kfunc', undefined), type === 'uprobe' ? 'user' : 'kernel'), isCtxAccess: true };
        } else {
          this.error(`The args builtin can only be used with tracepoint/kfunc/uprobeprobes (${type} used here)`, b.loc);
        }
      }
    } else {
      b.type = CreateNone();
      this.error(`Unknown builtin variable: '${id}'`, b.loc);
    }
  }

  /** Tracepoint wildcard expansion, part 2: `args` takes the first match's struct. */
  private builtinArgsTracepoint(ap: AttachPoint, b: BuiltinExpr): void {
    const matches = this.tracepointMatches(ap);
    const first = matches[0];
    if (!first) return;
    const name = this.tracepointStructFor(first);
    b.type = { ...createPointer(createRecord(name, this.structs.get(name)), ap.target === 'syscalls' ? 'user' : 'kernel'), isCtxAccess: true };
  }

  private tracepointMatches(ap: AttachPoint): string[] {
    return this.catalogue.tracepointMatches(ap);
  }

  /** The struct of a matched `category:event`, registered on first use. */
  private tracepointStructFor(full: string): string {
    const [cat, ev] = full.split(':') as [string, string];
    const name = `struct _tracepoint_${cat}_${ev}`;
    if (!this.structs.has(name)) {
      const args = this.catalogue.tracepointArgs(cat, ev);
      if (args) this.structs.set(name, tracepointStruct(name, args));
    }
    return name;
  }

  private visitCall(call: CallExpr): void {
    if (!this.opts.unsafe && UNSAFE_BUILTIN_FUNCS.has(call.func)) {
      this.error(`${call.func}() is an unsafe function being used in safe mode`, call.loc);
    }
    const oldFunc = this.func;
    this.func = call.func;
    try {
      call.args.forEach((arg, i) => {
        this.funcArgIdx = i;
        this.visitExpr(arg);
      });
      for (const ap of this.probe.attachPoints) {
        if (!checkAvailable(call.func, probetype(ap.provider))) this.error(`${call.func} can not be used with "${ap.provider}" probes`, call.loc);
      }
      this.checkCall(call);
    } finally {
      this.func = oldFunc;
      this.funcArgIdx = -1;
    }
  }

  private checkCall(call: CallExpr): void {
    const f = call.func;
    const args = call.args;
    const argTy = (i: number): SizedType => typeOf(args[i]!);
    switch (f) {
      case 'hist':
        this.checkAssignment(call, true, false, false);
        this.checkNargs(call, 1);
        this.checkArg(call, 'integer', 0);
        call.type = sized('hist', 8);
        return;
      case 'lhist':
        this.checkAssignment(call, true, false, false);
        if (this.checkNargs(call, 4)) {
          this.checkArg(call, 'integer', 0, false);
          this.checkArg(call, 'integer', 1, true);
          this.checkArg(call, 'integer', 2, true);
          this.checkArg(call, 'integer', 3, true);
        }
        if (this.isFinalPass()) {
          const min = this.getIntLiteral(args[1]!);
          const max = this.getIntLiteral(args[2]!);
          const step = this.getIntLiteral(args[3]!);
          if (min === null) return this.error(`${f}: invalid min value`, call.loc);
          if (max === null) return this.error(`${f}: invalid max value`, call.loc);
          if (step === null) return this.error(`${f}: invalid step value`, call.loc);
          if (step <= 0n) this.error(`lhist() step must be >= 1 (${step} provided)`, call.loc);
          else {
            // bpftrace keeps the bucket count in an int.
            const buckets = BigInt.asIntN(32, (max - min) / step);
            if (buckets > 1000n) this.error(`lhist() too many buckets, must be <= 1000 (would need ${buckets})`, call.loc);
          }
          if (min < 0n) this.error(`lhist() min must be non-negative (provided min ${min})`, call.loc);
          if (min > max) this.error(`lhist() min must be less than max (provided min ${min} and max ${max})`, call.loc);
          if (max - min < step) this.error(`lhist() step is too large for the given range (provided step ${step} for range ${max - min})`, call.loc);
          const map = this.usage.get(call)?.map;
          if (map) this.lhistArgs.set(map.ident, { min, max, step });
        }
        call.type = sized('lhist', 8);
        return;
      case 'count':
        this.checkAssignment(call, true, false, false);
        this.checkNargs(call, 0);
        call.type = sized('count', 8, true);
        return;
      case 'sum':
      case 'min':
      case 'max': {
        let sign = false;
        this.checkAssignment(call, true, false, false);
        if (this.checkNargs(call, 1)) {
          this.checkArg(call, 'integer', 0);
          sign = argTy(0).isSigned;
        }
        call.type = sized(f, 8, sign);
        return;
      }
      case 'avg':
      case 'stats':
        this.checkAssignment(call, true, false, false);
        this.checkNargs(call, 1);
        this.checkArg(call, 'integer', 0);
        call.type = sized(f, 8, true);
        return;
      case 'delete':
        this.checkAssignment(call, false, false, false);
        if (this.checkNargs(call, 1) && args[0]!.kind !== 'Map') this.error('delete() expects a map to be provided', call.loc);
        call.type = CreateNone();
        return;
      case 'str':
        this.checkStr(call);
        return;
      case 'buf':
        this.checkBuf(call);
        return;
      case 'ksym':
      case 'usym':
        if (this.checkNargs(call, 1)) {
          const t = argTy(0);
          if (t.type !== 'integer' && t.type !== 'pointer') this.error(`${f}() expects an integer or pointer argument`, call.loc);
        }
        call.type = f === 'ksym' ? sized('ksym', 8) : sized('usym', 16);
        return;
      case 'ntop': {
        if (!this.checkVarargs(call, 1, 2)) return;
        let arg = args[0]!;
        if (args.length === 2) {
          arg = args[1]!;
          this.checkArg(call, 'integer', 0);
        }
        const t = typeOf(arg);
        if (t.type !== 'integer' && t.type !== 'string' && t.type !== 'array') {
          this.error(`${f}() expects an integer or array argument, got ${typestr(t.type)}`, call.loc);
        }
        if ((t.type === 'array' || t.type === 'string') && t.size !== 4 && t.size !== 16) {
          this.error(`${f}() argument must be 4 or 16 bytes in size`, call.loc);
        }
        call.type = sized('inet', 24);
        return;
      }
      case 'join':
        this.checkAssignment(call, false, false, false);
        call.type = CreateNone();
        if (!this.checkVarargs(call, 1, 2)) return;
        if (!this.isFinalPass()) return;
        if (argTy(0).type !== 'integer' && argTy(0).type !== 'pointer') {
          this.error(`() only supports int or pointer arguments (${typestr(argTy(0).type)} provided)`, call.loc);
        }
        if (args.length > 1) this.checkArg(call, 'string', 1, true);
        return;
      case 'reg':
        if (this.checkNargs(call, 1) && this.checkArg(call, 'string', 0, true)) {
          const name = this.getStringLiteral(args[0]!);
          if (!X86_REGISTERS.includes(name)) this.error(`'${name}' is not a valid register on this architecture (x86_64)`, call.loc);
        }
        call.type = withAS(CreateUInt64(), this.findAddrspace(this.singleProviderType()));
        return;
      case 'kaddr':
        if (this.checkNargs(call, 1)) this.checkArg(call, 'string', 0, true);
        call.type = withAS(CreateUInt64(), 'kernel');
        return;
      case 'uaddr': {
        if (!this.checkNargs(call, 1)) return;
        if (!(this.checkArg(call, 'string', 0, true) && this.checkSymbol(call))) return;
        const name = this.getStringLiteral(args[0]!);
        // No user binary here has symbols to resolve.
        for (const ap of this.probe.attachPoints) this.error(`Could not resolve symbol: ${ap.target}:${name}`, call.loc);
        call.type = createPointer(CreateInteger(64, true), 'user');
        return;
      }
      case 'cgroupid':
        if (this.checkNargs(call, 1)) this.checkArg(call, 'string', 0, true);
        call.type = CreateUInt64();
        return;
      case 'printf':
      case 'system':
      case 'cat':
      case 'debugf':
        this.checkAssignment(call, false, false, false);
        if (this.checkVarargs(call, 1, 128)) {
          this.checkArg(call, 'string', 0, true);
          if (this.isFinalPass()) {
            const fmt = args[0]!;
            const fmtStr = fmt.kind === 'String' ? fmt.value : '';
            // Every non-aggregate argument travels as 64 bits.
            const types = args.slice(1).map((a) => {
              const t = typeOf(a);
              return !isAggregate(t) && t.type !== 'timestamp' ? { ...t, size: 8 } : t;
            });
            const msg = validateFormatString(fmtStr, types, f);
            if (msg !== '') this.error(msg, call.loc);
          }
        }
        if (f === 'debugf' && this.isFinalPass()) {
          this.warning('The debugf() builtin is not recommended for production use. For more information see bpf_trace_printk in bpf-helpers(7).', call.loc);
        }
        call.type = CreateNone();
        return;
      case 'exit':
        this.checkAssignment(call, false, false, false);
        this.checkNargs(call, 0);
        return;
      case 'print':
        this.checkPrint(call);
        return;
      case 'cgroup_path':
        call.type = sized('cgroup_path', 16);
        if (this.checkVarargs(call, 1, 2)) {
          this.checkArg(call, 'integer', 0, false);
          if (args.length > 1) this.checkArg(call, 'string', 1, false);
        }
        return;
      case 'clear':
      case 'zero':
        this.checkAssignment(call, false, false, false);
        if (this.checkNargs(call, 1)) {
          const arg = args[0]!;
          if (arg.kind !== 'Map') this.error(`${f}() expects a map to be provided`, call.loc);
          else {
            this.skipKeyValidation.add(arg);
            if (arg.keys.length > 0) this.error(`The map passed to ${f}() should not be indexed by a key`, call.loc);
          }
        }
        return;
      case 'time':
        this.checkAssignment(call, false, false, false);
        if (this.checkVarargs(call, 0, 1) && this.isFinalPass() && args.length > 0) this.checkArg(call, 'string', 0, true);
        return;
      case 'strftime':
        call.type = sized('timestamp', 16);
        if (this.checkVarargs(call, 2, 2) && this.isFinalPass() && this.checkArg(call, 'string', 0, true)) this.checkArg(call, 'integer', 1, false);
        return;
      case 'kstack':
      case 'ustack':
        this.checkStackCall(call, f === 'kstack');
        return;
      case 'signal':
        this.checkSignal(call);
        return;
      case 'sizeof':
        this.checkNargs(call, 1);
        call.type = CreateUInt64();
        return;
      case 'path':
        this.error('BPF_FUNC_d_path not available for your kernel version', call.loc);
        if (this.checkVarargs(call, 1, 1)) {
          if (!this.checkArg(call, 'record', 0, false, false) && !this.checkArg(call, 'pointer', 0, false, false)) {
            this.error(`path() only supports pointer or record argument (${typestr(argTy(0).type)} provided)`, call.loc);
          }
          call.type = CreateString(this.strlen);
        }
        for (const ap of this.probe.attachPoints) {
          const t = probetype(ap.provider);
          if (t !== 'kfunc' && t !== 'kretfunc' && t !== 'iter') this.error("The path function can only be used with 'kfunc', 'kretfunc', 'iter' probes", call.loc);
        }
        return;
      case 'strerror':
        call.type = sized('strerror', 8);
        if (this.checkNargs(call, 1)) this.checkArg(call, 'integer', 0, false);
        return;
      case 'strncmp':
        if (this.checkNargs(call, 3)) {
          this.checkArg(call, 'string', 0);
          this.checkArg(call, 'string', 1);
          if (this.checkArg(call, 'integer', 2, true)) {
            const size = this.getIntLiteral(args[2]!);
            if (size === null) this.error(`${f}: invalid size value`, call.loc);
            else if (size < 0n) this.error('Builtin strncmp requires a non-negative size', call.loc);
          }
        }
        call.type = CreateUInt64();
        return;
      case 'strcontains':
        if (this.checkNargs(call, 2)) {
          this.checkArg(call, 'string', 0);
          this.checkArg(call, 'string', 1);
        }
        call.type = CreateUInt64();
        return;
      case 'override':
        this.checkAssignment(call, false, false, false);
        if (this.checkVarargs(call, 1, 1)) this.checkArg(call, 'integer', 0, false);
        for (const ap of this.probe.attachPoints) {
          if (probetype(ap.provider) !== 'kprobe') this.error(`${f} can only be used with kprobes.`, call.loc);
        }
        return;
      case 'kptr':
      case 'uptr': {
        if (!this.checkNargs(call, 1)) return;
        const t = argTy(0);
        if (t.type !== 'integer' && t.type !== 'pointer') {
          this.error(`${f}() only supports integer or pointer arguments (${typestr(t.type)} provided)`, call.loc);
          return;
        }
        call.type = withAS(t, f === 'kptr' ? 'kernel' : 'user');
        return;
      }
      case 'macaddr': {
        if (!this.checkNargs(call, 1)) return;
        const t = argTy(0);
        const byteArray = ['string', 'usym', 'inet', 'buffer', 'timestamp', 'mac_address', 'cgroup_path'].includes(t.type);
        if (t.type !== 'integer' && t.type !== 'array' && !byteArray && t.type !== 'pointer') {
          this.error(`${f}() only supports array or pointer arguments (${typestr(t.type)} provided)`, call.loc);
        }
        if ((t.type === 'array' || byteArray) && t.size !== 6) this.error(`${f}() argument must be 6 bytes in size`, call.loc);
        if (t.type === 'string' && this.isLiteral(args[0]!)) this.error(`${f}() does not support literal string arguments`, call.loc);
        call.type = sized('mac_address', 6);
        return;
      }
      case 'bswap': {
        if (!this.checkNargs(call, 1)) return;
        const t = argTy(0);
        if (t.type !== 'integer') {
          this.error(`${f}() only supports integer arguments (${typestr(t.type)} provided)`, call.loc);
          return;
        }
        call.type = CreateInteger(t.size * 8, false);
        return;
      }
      default:
        this.error(`Unknown function: '${f}'`, call.loc);
        call.type = CreateNone();
    }
  }

  private checkStr(call: CallExpr): void {
    if (this.checkVarargs(call, 1, 2)) {
      const arg = call.args[0]!;
      const t = typeOf(arg);
      if (t.type !== 'integer' && t.type !== 'pointer') {
        this.error(`${call.func}() expects an integer or a pointer type as first argument (${formatType(t)} provided)`, call.loc);
      }
      call.type = CreateString(this.strlen);
      if (this.hasPosParam) {
        if (arg.kind === 'PositionalParameter') this.literalCalls.add(call);
        else if (!(arg.kind === 'Binop' && (arg.left.kind === 'PositionalParameter' || arg.right.kind === 'PositionalParameter'))) {
          this.error(`${call.func}() only accepts positional parameters directly or with a single constant offset added`, call.loc);
        }
      }
      if (this.isFinalPass() && call.args.length === 2 && this.checkArg(call, 'integer', 1, false)) {
        const size = call.args[1]!;
        if (size.kind === 'Integer' && asLong(size.value) < 0n) {
          this.error(`${call.func}cannot use negative length (${asLong(size.value)})`, call.loc);
        }
      }
      call.type = withAS(call.type, getAS(t));
    }
    this.hasPosParam = false;
  }

  private checkBuf(call: CallExpr): void {
    if (!this.checkVarargs(call, 1, 2)) return;
    const arg = call.args[0]!;
    const t = typeOf(arg);
    if (this.isFinalPass() && !['integer', 'string', 'pointer', 'array'].includes(t.type)) {
      this.error(`${call.func}() expects an integer, string, or array argument but saw ${typestr(t.type)}`, call.loc);
    }
    let bufferSize = this.strlen;
    if (call.args.length === 1) {
      if (t.type === 'array') bufferSize = t.size;
      else if (this.isFinalPass()) this.error(`${call.func}() expects a length argument for non-array type ${typestr(t.type)}`, call.loc);
    } else {
      if (this.isFinalPass()) this.checkArg(call, 'integer', 1, false);
      const sizeArg = call.args[1]!;
      if (isIntTy(sizeArg.type) && this.isLiteral(sizeArg)) {
        const v = this.getIntLiteral(sizeArg);
        if (v !== null) {
          if (v < 0n) this.error(`${call.func} cannot use negative length (${v})`, call.loc);
          // size_t: a negative length wraps to a huge one and is shortened below.
          bufferSize = v < 0n ? Number.MAX_SAFE_INTEGER : Number(v);
        } else this.error(`${call.func}: invalid length value`, call.loc);
      }
    }
    if (bufferSize > this.strlen) {
      if (this.isFinalPass()) this.warning(`${call.func}() length is too long and will be shortened to ${this.strlen} bytes (see BPFTRACE_STRLEN)`, call.loc);
      bufferSize = this.strlen;
    }
    // One more byte holds the buffer's length.
    call.type = withAS(sized('buffer', bufferSize + 1), 'kernel');
  }

  private checkPrint(call: CallExpr): void {
    this.checkAssignment(call, false, false, false);
    if (this.loopDepth > 0 && this.isFinalPass()) {
      this.warning(
        "Due to it's asynchronous nature using 'print()' in a loop can lead to unexpected behavior. The map will likely be updated before the runtime can 'print' it.",
        call.loc,
      );
    }
    if (!this.checkVarargs(call, 1, 3)) return;
    const arg = call.args[0]!;
    if (arg.kind === 'Map') {
      this.skipKeyValidation.add(arg);
      if (arg.keys.length > 0) this.error(`The map passed to ${call.func}() should not be indexed by a key`, call.loc);
      if (this.isFinalPass()) {
        if (call.args.length > 1) this.checkArg(call, 'integer', 1, true);
        if (call.args.length > 2) this.checkArg(call, 'integer', 2, true);
        if (typeOf(arg).type === 'stats' && call.args.length > 1) {
          this.warning("print()'s top and div arguments are ignored when used on stats() maps.", call.loc);
        }
      }
    } else if (isPrintableTy(typeOf(arg))) {
      if (call.args.length !== 1) this.error(`Non-map print() only takes 1 argument, ${call.args.length} found`, call.loc);
    } else if (this.isFinalPass()) {
      this.error(`${formatType(typeOf(arg))} type passed to ${call.func}() is not printable`, call.loc);
    }
  }

  private checkSignal(call: CallExpr): void {
    this.checkAssignment(call, false, false, false);
    if (!this.checkVarargs(call, 1, 1)) return;
    const arg = call.args[0]!;
    const t = typeOf(arg);
    if (t.type === 'string' && this.isLiteral(arg)) {
      const sig = this.getStringLiteral(arg);
      if (signalNameToNum(sig) < 1) this.error(`${sig} is not a valid signal`, call.loc);
    } else if (t.type === 'integer' && this.isLiteral(arg)) {
      const sig = this.getIntLiteral(arg);
      if (sig === null || sig < 1n || sig > 64n) this.error(`${sig ?? 0} is not a valid signal, allowed range: [1,64]`, call.loc);
    } else if (t.type !== 'integer') {
      this.error('signal only accepts string literals or integers', call.loc);
    }
  }

  private checkStackCall(call: CallExpr, kernel: boolean): void {
    call.type = createStack(kernel);
    if (!this.checkVarargs(call, 0, 2)) return;
    let mode: StackMode = 'bpftrace';
    let limit = 127n;
    const args = call.args;
    const modeOf = (e: Expr): StackMode => typeOf(e).stack?.mode ?? 'bpftrace';
    if (args.length === 1) {
      const arg = args[0]!;
      if (typeOf(arg).type === 'stack_mode') {
        if (this.checkArg(call, 'stack_mode', 0, true)) mode = modeOf(arg);
      } else if (this.checkArg(call, 'integer', 0, true)) {
        const v = this.getIntLiteral(arg);
        if (v !== null) limit = v;
        else this.error(`${call.func}: invalid limit value`, call.loc);
      }
    } else if (args.length === 2) {
      if (this.checkArg(call, 'stack_mode', 0, true)) mode = modeOf(args[0]!);
      if (this.checkArg(call, 'integer', 1, true)) {
        const v = this.getIntLiteral(args[1]!);
        if (v !== null) limit = v;
        else this.error(`${call.func}: invalid limit value`, call.loc);
      }
    }
    // The limit is a uint64 to 0.17: a negative one is huge.
    limit = BigInt.asUintN(64, limit);
    if (limit > BigInt(MAX_STACK_SIZE)) {
      this.error(`${call.func}([int limit]): limit shouldn't exceed ${MAX_STACK_SIZE}, ${limit} given`, call.loc);
    }
    call.type = createStack(kernel, mode, Number(limit));
  }

  private checkAssignment(call: CallExpr, wantMap: boolean, wantVar: boolean, wantMapKey: boolean): boolean {
    const u = this.usage.get(call) ?? {};
    const isMap = u.map !== undefined;
    const isVar = u.variable !== undefined;
    const isKey = u.keyForMap !== undefined;
    const fail = (msg: string): boolean => {
      this.error(`${call.func}() ${msg}`, call.loc);
      return false;
    };
    if (wantMap && wantVar && wantMapKey) {
      if (!isMap && !isVar && !isKey) return fail('should be assigned to a map or a variable, or be used as a map key');
    } else if (wantMap && wantVar) {
      if (!isMap && !isVar) return fail('should be assigned to a map or a variable');
    } else if (wantMap && wantMapKey) {
      if (!isMap && !isKey) return fail('should be assigned to a map or be used as a map key');
    } else if (wantVar && wantMapKey) {
      if (!isVar && !isKey) return fail('should be assigned to a variable or be used as a map key');
    } else if (wantMap) {
      if (!isMap) return fail('should be directly assigned to a map');
    } else if (wantVar) {
      if (!isVar) return fail('should be assigned to a variable');
    } else if (wantMapKey) {
      if (!isKey) return fail('should be used as a map key');
    } else if (isMap || isVar || isKey) {
      return fail('should not be used in an assignment or as a map key');
    }
    return true;
  }

  private checkNargs(call: CallExpr, expected: number): boolean {
    const n = call.args.length;
    if (n === expected) return true;
    const what = expected === 0 ? 'requires no arguments' : expected === 1 ? 'requires one argument' : `requires ${expected} arguments`;
    this.error(`${call.func}() ${what} (${n} provided)`, call.loc);
    return false;
  }

  private checkVarargs(call: CallExpr, min: number, max: number): boolean {
    const n = call.args.length;
    if (n < min) {
      const what = min === 1 ? 'requires at least one argument' : `requires at least ${min} arguments`;
      this.error(`${call.func}() ${what} (${n} provided)`, call.loc);
      return false;
    }
    if (n > max) {
      const what = max === 0 ? 'requires no arguments' : max === 1 ? 'takes up to one argument' : `takes up to ${max} arguments`;
      this.error(`${call.func}() ${what} (${n} provided)`, call.loc);
      return false;
    }
    return true;
  }

  private checkArg(call: CallExpr, type: TypeTag, argNum: number, wantLiteral = false, fail = true): boolean {
    const arg = call.args[argNum];
    if (!arg) return false;
    const t = typeOf(arg);
    if (wantLiteral && (!this.isLiteral(arg) || t.type !== type)) {
      if (fail) {
        this.error(`${call.func}() expects a ${typestr(type)} literal (${typestr(t.type)} provided)`, call.loc);
        if (type === 'string' && arg.kind === 'PositionalParameter') {
          this.immediateError(`Use str($${arg.n}) to treat $${arg.n} as a string`);
        }
      }
      return false;
    }
    if (this.isFinalPass() && t.type !== type) {
      if (fail) this.error(`${call.func}() only supports ${typestr(type)} arguments (${typestr(t.type)} provided)`, call.loc);
      return false;
    }
    return true;
  }

  private checkSymbol(call: CallExpr): boolean {
    const arg = this.getStringLiteral(call.args[0]!);
    if (!/^[a-zA-Z0-9./_-]+$/.test(arg)) {
      this.error(`${call.func}() expects a string that is a valid symbol (^[a-zA-Z0-9./_-]+$) as input ("${arg}" provided)`, call.loc);
      return false;
    }
    return true;
  }

  private visitArrayAccess(arr: Extract<Expr, { kind: 'ArrayAccess' }>): void {
    this.visitExpr(arr.expr);
    this.visitExpr(arr.index);
    const type = typeOf(arr.expr);
    const indexType = typeOf(arr.index);
    if (this.isFinalPass()) {
      if (type.type !== 'array' && type.type !== 'pointer') {
        this.error(`The array index operator [] can only be used on arrays and pointers, found ${typestr(type.type)}.`, arr.loc);
        return;
      }
      if (type.type === 'pointer' && (type.element?.size ?? 0) === 0) {
        this.error('The array index operator [] cannot be used on a pointer to an unsized type (void *).', arr.loc);
      }
      if (indexType.type === 'integer' && this.isLiteral(arr.index)) {
        if (type.type === 'array') {
          const idx = this.getIntLiteral(arr.index);
          const n = type.element && type.element.size > 0 ? type.size / type.element.size : 0;
          if (idx === null) this.error('invalid index expression', arr.loc);
          else if (BigInt.asUintN(64, idx) >= BigInt(n)) this.error(`the index ${idx} is out of bounds for array of size ${n}`, arr.loc);
        }
      } else {
        this.error('The array index operator [] only accepts literal integer indices.', arr.loc);
      }
    }
    const elem = type.type === 'array' || type.type === 'pointer' ? (type.element ?? CreateNone()) : CreateNone();
    arr.type = withAS(elem, getAS(type));
  }

  private visitBinop(binop: BinopExpr): void {
    this.visitExpr(binop.left);
    this.visitExpr(binop.right);
    const lht = typeOf(binop.left);
    const rht = typeOf(binop.right);
    if (lht.type === 'pointer' || rht.type === 'pointer') {
      this.binopPtr(binop, lht, rht);
      return;
    }
    const isSigned = binop.op === '<<' || binop.op === '>>' ? lht.isSigned : lht.isSigned && rht.isSigned;
    let type = CreateInteger(64, isSigned);
    const asL = getAS(lht);
    const asR = getAS(rht);
    if (asL !== asR && asL !== 'none' && asR !== 'none') {
      if (this.isFinalPass()) this.warning('Addrspace mismatch', binop.loc);
      type = withAS(type, 'none');
    } else type = withAS(type, asL !== 'none' ? asL : asR);
    binop.type = type;

    if (!this.isFinalPass()) return;

    if (lht.type === 'integer' && rht.type === 'integer') this.binopInt(binop);
    else if (lht.type === 'array' && rht.type === 'array') this.binopArray(binop, lht, rht);
    else if (lht.type !== rht.type) {
      this.error(`Type mismatch for '${binop.op}': comparing '${formatType(lht)}' with '${formatType(rht)}'`, span(binop.left.loc, binop.right.loc));
    } else if (binop.op !== '==' && binop.op !== '!=') {
      this.error(`The ${binop.op} operator can not be used on expressions of types ${formatType(lht)}, ${formatType(rht)}`, binop.loc);
    } else if (binop.op === '==' && this.isLiteral(binop.left) !== this.isLiteral(binop.right)) {
      const lit = this.isLiteral(binop.left) ? binop.left : binop.right;
      const str = lit === binop.left ? binop.right : binop.left;
      const litLen = byteLength(this.getStringLiteral(lit));
      const strLen = typeOf(str).size;
      if (litLen > strLen) {
        this.warning(`The literal is longer than the variable string (size=${strLen}), condition will always be false`, span(binop.left.loc, binop.right.loc));
      }
    }
  }

  private binopInt(binop: BinopExpr): void {
    const left = binop.left;
    const right = binop.right;
    let lsign = typeOf(left).isSigned;
    let rsign = typeOf(right).isSigned;
    const nonNegLiteral = (e: Expr): boolean => this.isLiteral(e) && (this.getIntLiteral(e) ?? 0n) >= 0n;
    if (lsign !== rsign) {
      // A non-negative literal is as good as unsigned (`unsigned a > 10` is fine).
      if (lsign && !rsign && nonNegLiteral(left)) lsign = false;
      else if (!lsign && rsign && nonNegLiteral(right)) rsign = false;
      else if (['==', '!=', '<=', '>=', '<', '>'].includes(binop.op)) {
        this.warning(`comparison of integers of different signs: '${formatType(typeOf(left))}' and '${formatType(typeOf(right))}' can lead to undefined behavior`, binop.loc);
      } else if (['+', '-', '*', '/', '%'].includes(binop.op)) {
        this.warning(`arithmetic on integers of different signs: '${formatType(typeOf(left))}' and '${formatType(typeOf(right))}' can lead to undefined behavior`, binop.loc);
      }
    }
    // BPF has no signed division.
    if (binop.op === '/' || binop.op === '%') {
      if (lsign && nonNegLiteral(left)) lsign = false;
      if (rsign && nonNegLiteral(right)) rsign = false;
      if (lsign || rsign) {
        this.warning(`signed operands for '${binop.op}' can lead to undefined behavior (cast to unsigned to silence warning)`, binop.loc);
      }
    }
    if (this.func === 'str') {
      let pos = left.kind === 'PositionalParameter' ? left : null;
      let offset = right.kind === 'Integer' ? right : null;
      if (!pos) {
        pos = right.kind === 'PositionalParameter' ? right : null;
        offset = left.kind === 'Integer' ? left : null;
      }
      if (pos) {
        const len = byteLength(this.getParam(pos.n, true));
        if (!offset || binop.op !== '+' || asLong(offset.value) < 0n || asLong(offset.value) > BigInt(len)) {
          this.error(`only addition of a single constant less or equal to the length of $${pos.n} (which is ${len}) is allowed inside str()`, span(binop.loc, binop.right.loc));
        }
      }
    }
  }

  private binopArray(binop: BinopExpr, lht: SizedType, rht: SizedType): void {
    if (binop.op !== '==' && binop.op !== '!=') this.error(`The ${binop.op} operator cannot be used on arrays.`, binop.loc);
    const n = (t: SizedType): number => (t.element && t.element.size > 0 ? t.size / t.element.size : 0);
    if (n(lht) !== n(rht)) this.error('Only arrays of same size support comparison operators.', binop.loc);
    if (lht.element?.type !== 'integer' || !typesEqual(lht, rht)) this.error('Only arrays of same sized integer support comparison operators.', binop.loc);
  }

  private binopPtr(binop: BinopExpr, lht: SizedType, rht: SizedType): void {
    const leftIsPtr = lht.type === 'pointer';
    const ptr = leftIsPtr ? lht : rht;
    const other = leftIsPtr ? rht : lht;
    const compare = ['==', '!=', '<=', '>=', '<', '>'].includes(binop.op);
    const invalidOp = (): void => this.error(`The ${binop.op} operator can not be used on expressions of types ${formatType(lht)}, ${formatType(rht)}`, binop.loc);
    if (other.type === 'pointer') {
      if (compare) {
        binop.type = CreateUInt64();
        if (this.isFinalPass()) {
          const le = lht.element ?? CreateNone();
          const re = rht.element ?? CreateNone();
          if (!typesEqual(le, re)) this.warning(`comparison of distinct pointer types ('${formatType(le)}, '${formatType(re)}')`, span(binop.left.loc, binop.right.loc));
        }
      } else invalidOp();
    } else if (other.type === 'integer') {
      if (binop.op === '-' && !leftIsPtr) invalidOp();
      else if (binop.op === '+' || binop.op === '-') binop.type = createPointer(ptr.element ?? CreateNone(), getAS(ptr));
      else if (compare) binop.type = CreateInt64();
      else invalidOp();
    } else invalidOp();
  }

  private visitUnop(unop: UnopExpr): void {
    if (unop.op === '++' || unop.op === '--') {
      // ++ and -- may create the map they apply to.
      if (unop.expr.kind !== 'Map' && unop.expr.kind !== 'Variable') {
        this.error(`The ${unop.op} operator must be applied to a map or variable`, unop.loc);
      }
      if (unop.expr.kind === 'Map' && !this.mapVal.has(unop.expr.ident)) this.assignMapType(unop.expr, CreateInt64());
    }
    this.visitExpr(unop.expr);
    const validPtrOp = unop.op === '++' || unop.op === '--' || unop.op === '*';
    const type = typeOf(unop.expr);
    if (this.isFinalPass() && type.type !== 'integer' && !(type.type === 'pointer' && validPtrOp)) {
      this.error(`The ${unop.op} operator can not be used on expressions of type '${formatType(type)}'`, unop.loc);
    }
    if (unop.op === '*') {
      if (type.type === 'pointer') {
        const pointee = type.element ?? CreateNone();
        unop.type = withAS(type.isCtxAccess ? { ...pointee, isCtxAccess: true } : { ...pointee }, getAS(type));
      } else if (type.type === 'record') {
        this.error(`Can not dereference struct/union of type '${type.name ?? ''}'. It is not a pointer.`, unop.loc);
      } else if (type.type === 'integer') {
        unop.type = CreateUInt64();
      }
    } else if (unop.op === '!') {
      if (![0, 1, 2, 4, 8].includes(type.size)) {
        this.error(`The ${unop.op} operator can not be used on expressions of type '${formatType(type)}'`, unop.loc);
      } else unop.type = CreateInteger(8 * type.size, false);
    } else if (type.type === 'pointer' && validPtrOp) {
      unop.type = type;
    } else {
      unop.type = CreateInteger(64, type.isSigned);
    }
  }

  private visitTernary(t: TernaryExpr): void {
    this.visitExpr(t.cond);
    this.visitExpr(t.left);
    this.visitExpr(t.right);
    const cond = typeOf(t.cond).type;
    const lhs = typeOf(t.left).type;
    const rhs = typeOf(t.right).type;
    if (this.isFinalPass()) {
      if (lhs !== rhs) this.error(`Ternary operator must return the same type: have '${typestr(lhs)}' and '${typestr(rhs)}'`, t.loc);
      if (cond !== 'integer') this.error(`Invalid condition in ternary: ${typestr(cond)}`, t.loc);
    }
    if (lhs === 'string') t.type = CreateString(STRING_SIZE);
    else if (lhs === 'integer') t.type = CreateInteger(64, typeOf(t.left).isSigned);
    else if (lhs === 'none') t.type = CreateNone();
    else this.error(`Ternary return type unsupported ${typestr(lhs)}`, t.loc);
  }

  private visitFieldAccess(acc: FieldAccessExpr): void {
    this.visitExpr(acc.expr);
    const type = typeOf(acc.expr);
    if (type.type === 'pointer') {
      this.error(`Can not access field '${acc.field}' on type '${formatType(type)}'. Try dereferencing it first, or using '->'`, acc.loc);
      return;
    }
    if (type.type !== 'record' && type.type !== 'tuple') {
      if (this.isFinalPass()) {
        const what = acc.index < 0 ? `field '${acc.field}'` : `index ${acc.index}`;
        this.error(`Can not access ${what} on expression of type '${formatType(type)}'`, acc.loc);
      }
      return;
    }
    if (type.type === 'tuple') {
      if (acc.index < 0) {
        this.error('Tuples must be indexed with a constant and non-negative integer', acc.loc);
        return;
      }
      const fields = type.fields ?? [];
      const valid = acc.index < fields.length;
      if (!valid && this.isFinalPass()) this.error(`Invalid tuple index: ${acc.index}. Found ${fields.length} elements in tuple.`, acc.loc);
      if (valid) acc.type = fields[acc.index]!.type;
      return;
    }
    const name = type.name ?? '';
    if (!this.structs.has(name)) {
      this.error(`Unknown struct/union: '${name}'`, acc.loc);
      return;
    }
    // A tracepoint's args may stand for several events' structs; the field must be in each.
    const isTparg = name.startsWith('struct _tracepoint_') && type.isCtxAccess === true;
    const candidates: string[] = [];
    if (isTparg) {
      for (const ap of this.probe.attachPoints) {
        if (probetype(ap.provider) !== 'tracepoint') continue;
        for (const m of this.tracepointMatches(ap)) {
          const s = this.tracepointStructFor(m);
          if (!candidates.includes(s)) candidates.push(s);
        }
      }
      candidates.sort();
    } else candidates.push(name);
    for (const sname of candidates) {
      const record = this.structs.get(sname);
      const field = record?.fields.get(acc.field);
      if (!field) {
        this.error(`Struct/union of type '${sname}' does not contain a field named '${acc.field}'`, acc.loc);
        continue;
      }
      let ft: SizedType = { ...field.type };
      if (type.isCtxAccess && (ft.type === 'array' || ft.type === 'record')) ft.isCtxAccess = true;
      ft = withAS(ft, getAS(type));
      acc.type = ft;
      if (isTparg && field.offset < 8) this.error('BPF does not support accessing common tracepoint fields', acc.loc);
    }
  }

  private visitCast(cast: CastExpr): void {
    this.visitExpr(cast.expr);
    const et = typeOf(cast.expr);
    if (et.type === 'record') this.error(`Cannot cast from struct type "${formatType(et)}"`, cast.loc);
    else if (et.type === 'none') this.error(`Cannot cast from "${formatType(et)}" type`, cast.loc);
    const isCtx = et.isCtxAccess === true;
    const intcast = INTCASTS[cast.castType];
    if (intcast) {
      const [bits, signed] = intcast;
      let t: SizedType;
      if (cast.isPointer) {
        t = createPointer(CreateInteger(bits, signed));
        if (isCtx) this.error('Integer pointer casts are not supported for type: ctx', cast.loc);
        if (cast.isDoublePointer) t = createPointer(t);
      } else {
        t = CreateInteger(bits, signed);
        // An integer cast of the context reads a tracepoint's __data_loc field.
        if (et.type !== 'integer' && et.type !== 'record' && et.type !== 'pointer' && !isCtx) {
          this.error(`Casts are not supported for type: "${formatType(et)}"`, cast.loc);
        }
      }
      cast.type = withAS(t, getAS(et));
      return;
    }
    if (!this.structs.has(cast.castType)) {
      this.error(`Unknown struct/union: '${cast.castType}'`, cast.loc);
      return;
    }
    const record = createRecord(cast.castType, this.structs.get(cast.castType));
    let t: SizedType | undefined;
    if (cast.isPointer) {
      t = createPointer(record);
      if (cast.isDoublePointer) t = createPointer(t);
    } else {
      this.error(`Cannot cast to struct type "${cast.castType}"`, cast.loc);
    }
    let ct = t ?? cast.type ?? CreateNone();
    if (isCtx) ct = { ...ct, isCtxAccess: true };
    ct = withAS(ct, getAS(et));
    if (getAS(ct) === 'none') ct = withAS(ct, this.findAddrspace(this.singleProviderType()));
    cast.type = ct;
  }

  private visitTuple(tuple: TupleExpr): void {
    const elems: SizedType[] = [];
    for (const e of tuple.elems) {
      this.visitExpr(e);
      const t = typeOf(e);
      // A none or empty element means an invalid cast inside, already reported.
      if (t.type === 'none' || t.size === 0) return;
      if (t.size < 0) {
        // A struct only ever seen behind a pointer has no size to give its place in the tuple.
        this.error(`bpfbox cannot put struct/union '${t.name ?? ''}', whose size is unknown, in a tuple`, e.loc);
        return;
      }
      elems.push(t);
    }
    tuple.type = CreateTuple(elems);
  }
}

/** update_string_size: a string (or a tuple's strings) widened to the larger of two; null if unchanged. */
function updateStringSize(type: SizedType, newType: SizedType): SizedType | null {
  if (type.type === 'string' && newType.type === 'string' && type.size !== newType.size) {
    return { ...type, size: Math.max(type.size, newType.size) };
  }
  if (type.type === 'tuple' && newType.type === 'tuple' && (type.fields ?? []).length === (newType.fields ?? []).length) {
    let updated = false;
    const elems = (type.fields ?? []).map((f, i) => {
      const g = updateStringSize(f.type, newType.fields![i]!.type);
      if (g) updated = true;
      return g ?? f.type;
    });
    return updated ? CreateTuple(elems) : null;
  }
  return null;
}

/** MapKey::argument_type_list. */
function argumentTypeList(key: readonly SizedType[]): string {
  return `[${key.map(formatType).join(', ')}]`;
}

/** check_available: functions some probe types cannot call. */
function checkAvailable(func: string, type: ProbeType): boolean {
  if (func === 'reg') return ['kprobe', 'kretprobe', 'uprobe', 'uretprobe', 'usdt', 'profile', 'interval', 'software', 'hardware', 'watchpoint', 'asyncwatchpoint'].includes(type);
  if (func === 'uaddr') return ['usdt', 'uretprobe', 'uprobe'].includes(type);
  if (func === 'signal') return ['kprobe', 'kretprobe', 'uprobe', 'uretprobe', 'usdt', 'tracepoint', 'profile', 'kfunc', 'kretfunc'].includes(type);
  return type !== 'invalid';
}

function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'Call':
      return e.args;
    case 'Map':
      return e.keys;
    case 'Binop':
      return [e.left, e.right];
    case 'Unop':
      return [e.expr];
    case 'FieldAccess':
      return [e.expr];
    case 'ArrayAccess':
      return [e.expr, e.index];
    case 'Cast':
      return [e.expr];
    case 'Tuple':
      return e.elems;
    case 'Ternary':
      return [e.cond, e.left, e.right];
    default:
      return [];
  }
}

/** The semantic pass: types the program in place; null after errors (already in `diags`). */
export function analyse(program: Program, diags: Diagnostics, opts: SemanticOptions): SemanticResult | null {
  const analyser = new SemanticAnalyser(program, diags, opts);
  return analyser.analyse() ? analyser.result() : null;
}
