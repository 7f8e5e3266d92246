// bpftrace's CodegenLLVM (src/ast/passes/codegen_llvm.cpp), emitting BPF instructions directly
// instead of LLVM IR: for each probe, the program LLVM would have produced from bpftrace's IR, with
// the same maps, keys, values, helper calls and perf records, so that user space reads what
// bpftrace 0.17 reads. Integers are computed in 64 bits, as bpftrace casts every operand to i64.
//
// Register use: r6 holds the context for the whole program (LLVM keeps it in a callee-saved
// register too); an integer expression leaves its value in r0; a value that must survive the
// evaluation of another expression is spilled to a stack slot; strings, tuples and other
// aggregates live in stack slots and are passed around as their r10 offset.

import type {
  AssignMapStatement, AssignVarStatement, AttachPoint, BinopExpr, CallExpr, Expr, FieldAccessExpr, MapExpr, Probe, Program, Statement,
  UnopExpr,
} from '../ast.js';
import type { Location } from '../ast.js';
import { AsyncAction, AsyncEvent, JOIN_ARGNUM, JOIN_ARGSIZE, type FormatCall } from '../async_action.js';
import {
  BPF_ADD, BPF_AND, BPF_DIV, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JLE, BPF_JLT, BPF_JNE, BPF_JSGE, BPF_JSGT, BPF_JSLE, BPF_JSLT,
  BPF_LSH, BPF_MOD, BPF_MUL, BPF_NEG, BPF_OR, BPF_RSH, BPF_SUB, BPF_XOR, type Insn,
} from '../../bpf/isa.js';
import { PROG_TYPE_IDS } from '../../bpf/verifier/prog_types.js';
import { Emitter, FP, type Label, type MapRelocation, type Reg } from '../codegen/emitter.js';
import {
  CTX, HELPER, getCurrentComm, getStackid, low32, mapDelete, mapLookupValue, mapUpdate, perfEventOutput, probeReadStrToStack,
  probeReadToStack,
} from '../codegen/helper_calls.js';
import { emitLinear, emitLog2 } from '../codegen/histograms.js';
import { layoutFormat, onStack } from '../codegen/layout.js';
import { hasBucketKey, isClearable, layoutMaps, type CompiledMap } from '../codegen/maps.js';
import { DEFAULT_SETTINGS } from '../settings.js';
import { extend, loadInt, memcpy, memsetStack, storeBytes, storeIntStack } from '../codegen/memory.js';
import { StackFrame } from '../codegen/stack.js';
import { tracepointArgs } from '../tracepoint_format_parser.js';
import type { ResolvedProbe } from '../probe_matcher.js';
import type { MapInfo, SizedType } from '../types.js';
import { DEFAULT_STACK, type ResourceResult } from './resource_analyser.js';
import type { Bitfield, Struct } from './struct.js';

/** What codegen needs from the semantic analyser besides the typed tree (its SemanticResult fits). */
export interface CodegenSemantics {
  maps: ReadonlyMap<string, MapInfo>;
  /** The records field accesses resolve against (BPFtrace::structs). */
  structs?: ReadonlyMap<string, Struct>;
  /** The C definitions' enum constants (BPFtrace::enums_). */
  enums?: ReadonlyMap<string, bigint>;
  /** Per probe, whether it needs a program per matched attach point (Probe::need_expansion). */
  probes?: readonly { needExpansion: boolean }[];
}

export interface CodegenOptions {
  /** Positional parameters ($1 is params[0]); a missing one reads as 0 or "". */
  params?: readonly string[];
  /** kaddr("sym"): the symbol's kernel address, 0 when unknown. */
  resolveKname?: (name: string) => bigint;
  /** Per probe, per attach point, what it matches on this kernel: an expanded probe gets a program for each. */
  expansions?: readonly (readonly (readonly ResolvedProbe[])[])[];
  /** BPFtrace::mapmax_ (BPFTRACE_MAP_KEYS_MAX); 0.17's default when absent. */
  mapmax?: bigint;
  /** BPFtrace::max_programs_ (BPFTRACE_MAX_BPF_PROGS); 0.17's default when absent. */
  maxPrograms?: bigint;
}

/**
 * The program type each probe loads as. bpftrace attaches BEGIN and END as uprobes on itself and
 * kprobes as kprobes: BPF_PROG_TYPE_KPROBE. interval and profile are BPF_PROG_TYPE_PERF_EVENT in
 * bpftrace, a type bpfbox's verifier does not model; kprobe is the closest (a perf_event
 * program's context starts with the same struct pt_regs, and both may call the tracing helpers,
 * perf_event_output and get_stackid). tracepoints are BPF_PROG_TYPE_TRACEPOINT.
 */
export type ProbeProgType = 'kprobe' | 'tracepoint';

export interface CompiledProbe {
  /** bpftrace's probe name: its attach points joined by ',' (`BEGIN`, `interval:s:1`). */
  name: string;
  /** The probe's index among probes of the same name, from 1 (bpftrace's section index). */
  index: number;
  /** The probe block it was generated from (its number in the program). */
  astProbe: number;
  /** For a program of an expanded probe: the attach point (its number in the block) and the match it is for. */
  expansion?: { ap: number; match: string };
  attachPoints: AttachPoint[];
  progType: ProbeProgType;
  progTypeId: number;
  /** The instructions; a map reference is an lddw with src 1 and imm = map index + 1. */
  insns: Insn[];
  relocations: MapRelocation[];
  /** Bytes of stack the program uses. */
  stackDepth: number;
}

export interface CompiledProgram {
  maps: CompiledMap[];
  probes: CompiledProbe[];
  /** printf id → its format and argument layout; likewise system and cat. */
  printfArgs: FormatCall[];
  systemArgs: FormatCall[];
  catArgs: FormatCall[];
  joinArgs: string[];
  timeArgs: string[];
  strftimeArgs: string[];
  nonMapPrintArgs: SizedType[];
  /** The `probe` builtin's value is an index into this list of probe names. */
  probeIds: string[];
  /** The structs and unions values of record type are laid out by, by name. */
  structs: ReadonlyMap<string, Struct>;
  /** Per probe block, its name (attach points joined by ',') and index; 0 for an expanded one, as 0.17 never sets it. */
  astProbes: { name: string; index: number }[];
  /** Index of the `printf` perf event array in `maps`. */
  perfEventMap: number;
}

export class CodegenError extends Error {
  /** `fatal`: what bpftrace's codegen ends with LOG(FATAL), aborting the process. */
  constructor(message: string, readonly loc?: Location, readonly fatal = false) {
    super(message);
  }
}

/** Integer-like values live in r0; aggregates in a stack slot at r10 + off. */
type Val = { kind: 'int' } | { kind: 'stack'; off: number } | { kind: 'none' };
const INT: Val = { kind: 'int' };
const NONE: Val = { kind: 'none' };

const AGGREGATION_CALLS = new Set(['count', 'sum', 'min', 'max', 'avg', 'stats', 'hist', 'lhist']);

/**
 * Structs and arrays: codegen holds one as the address of its bytes in memory, which are read
 * with probe_read only when a member is used, or as a copy on the stack once it went through a map.
 */
const isAggregate = (t: SizedType): boolean => t.type === 'record' || t.type === 'array';

/** x86-64 struct pt_regs offsets (arch/x86_64.cpp): arg0..arg5, retval, func. */
const PT_REGS_ARG = [112, 104, 96, 88, 72, 64];
const PT_REGS_RET = 80;
const PT_REGS_IP = 128;

function typeOf(e: Expr): SizedType {
  if (!e.type) throw new CodegenError(`codegen: expression without a type (${e.kind}); run the semantic analyser first`, e.loc);
  return e.type;
}

/** AttachPoint::name as bpftrace builds probe names. */
export function attachPointName(ap: AttachPoint): string {
  switch (ap.provider) {
    case 'BEGIN':
    case 'END':
      return ap.provider;
    case 'interval':
    case 'profile':
      return `${ap.provider}:${ap.target}:${ap.freq}`;
    case 'tracepoint':
      return `tracepoint:${ap.target}:${ap.func}`;
    default:
      return `${ap.provider}:${ap.func}${ap.funcOffset ? `+${ap.funcOffset}` : ''}`;
  }
}

export const probeName = (p: Probe): string => p.attachPoints.map(attachPointName).join(',');

function progTypeFor(p: Probe, match: ResolvedProbe | null): ProbeProgType {
  return (match?.provider ?? p.attachPoints[0]?.provider) === 'tracepoint' ? 'tracepoint' : 'kprobe';
}

const textEncoder = new TextEncoder();

/** The ids codegen hands out in program order; unroll and expansion rewind them (create_reset_ids). */
interface Ids {
  printf: number;
  system: number;
  cat: number;
  time: number;
  strftime: number;
  join: number;
  nonMapPrint: number;
}

export class CodegenBPF {
  private readonly maps: CompiledMap[];
  private readonly mapIndex = new Map<string, number>();
  private readonly perfMap: number;
  private readonly printfArgs: FormatCall[];
  private readonly systemArgs: FormatCall[];
  private readonly catArgs: FormatCall[];
  private readonly probeIds: string[] = [];
  private ids: Ids = { printf: 0, system: 0, cat: 0, time: 0, strftime: 0, join: 0, nonMapPrint: 0 };

  // Per probe.
  private em = new Emitter();
  private frame = new StackFrame();
  /** `copy`: the slot holds a struct's or array's bytes rather than its address. */
  private vars = new Map<string, { off: number; type: SizedType; copy: boolean }>();
  private loops: { cont: Label; brk: Label }[] = [];
  private probe: Probe | null = null;
  /** The match the program is for, in an expanded probe. */
  private match: ResolvedProbe | null = null;
  private probefull = '';
  /**
   * The bucket of the probe's last avg/stats/hist/lhist update, for delete() on such a map: bpftrace
   * 0.17 builds that key without its bucket part, so the map sees whatever bucket the reused stack
   * slot last held (an avg's total, a hist's bucket). Allocated only in probes that need it.
   */
  private lastBucket: number | null = null;

  constructor(
    private readonly program: Program,
    private readonly sem: CodegenSemantics,
    private readonly res: ResourceResult,
    private readonly opts: CodegenOptions = {},
  ) {
    this.maps = layoutMaps(res, opts.mapmax ?? DEFAULT_SETTINGS.mapmax);
    this.maps.forEach((m, i) => {
      if (m.kind === 'user') this.mapIndex.set(m.name, i);
    });
    this.perfMap = this.maps.findIndex((m) => m.kind === 'perf_event');
    this.printfArgs = res.printfArgs.map(layoutFormat);
    this.systemArgs = res.systemArgs.map(layoutFormat);
    this.catArgs = res.catArgs.map(layoutFormat);
  }

  /**
   * CodegenLLVM::visit(Probe): a program for the whole probe, or, when it reads `probe` or
   * tracepoint `args`, one per match of each attach point, named for the match. Every program
   * takes the next index among programs of its probe's name (getNextIndexForProbe).
   */
  compile(): CompiledProgram {
    const probes: CompiledProbe[] = [];
    const astProbes: { name: string; index: number }[] = [];
    const seen = new Map<string, number>();
    const nextIndex = (name: string): number => {
      const index = (seen.get(name) ?? 0) + 1;
      seen.set(name, index);
      return index;
    };
    const maxPrograms = this.opts.maxPrograms ?? DEFAULT_SETTINGS.maxPrograms;
    let programs = 0n;
    this.program.probes.forEach((p, i) => {
      const name = probeName(p);
      if (!this.sem.probes?.[i]?.needExpansion) {
        const index = nextIndex(name);
        astProbes.push({ name, index });
        probes.push(this.generateProbe(p, i, name, index, null));
        return;
      }
      astProbes.push({ name, index: 0 });
      const ids = { ...this.ids };
      p.attachPoints.forEach((ap, j) => {
        // Without the kernel's matches, an attach point stands for itself.
        const matches = this.opts.expansions?.[i]?.[j] ?? [{ name: attachPointName(ap), provider: ap.provider, target: ap.target, func: ap.func }];
        // Only expanded probes count towards the limit, and 0.17 names the count where it means
        // the limit: "more than 2 BPF programs" for 2 programs.
        programs += BigInt(matches.length);
        if (programs > maxPrograms) {
          throw new CodegenError(
            `Your program is trying to generate more than ${programs} BPF programs, which exceeds the current limit of ${maxPrograms}.\nYou can increase the limit through the BPFTRACE_MAX_BPF_PROGS environment variable.`,
          );
        }
        for (const m of matches) {
          // create_reset_ids: each program numbers its printfs and the like from the same start.
          this.ids = { ...ids };
          probes.push({ ...this.generateProbe(p, i, m.name, nextIndex(name), m), expansion: { ap: j, match: m.name } });
        }
      });
    });
    return {
      maps: this.maps,
      probes,
      printfArgs: this.printfArgs,
      systemArgs: this.systemArgs,
      catArgs: this.catArgs,
      joinArgs: this.res.joinArgs,
      timeArgs: this.res.timeArgs,
      strftimeArgs: this.res.strftimeArgs,
      nonMapPrintArgs: this.res.nonMapPrintArgs,
      probeIds: this.probeIds,
      structs: this.sem.structs ?? new Map(),
      astProbes,
      perfEventMap: this.perfMap,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Probes and statements.

  private generateProbe(p: Probe, astProbe: number, name: string, index: number, match: ResolvedProbe | null): CompiledProbe {
    this.match = match;
    this.em = new Emitter();
    this.frame = new StackFrame();
    this.vars = new Map();
    this.loops = [];
    this.probe = p;
    this.probefull = name;
    const em = this.em;
    em.mov(CTX, 1);
    // CreateAllocaBPFInit: every $variable is zeroed in the entry block, so a read on a path
    // that never assigned it sees 0 (and the verifier sees initialised stack).
    this.declareVariables(p.stmts);
    this.lastBucket = null;
    if (this.deletesBucketed(p)) {
      this.lastBucket = this.frame.alloc(8);
      em.st(8, FP, this.lastBucket, 0);
    }
    if (p.pred) {
      const mark = this.frame.mark();
      this.intExpr(p.pred.expr);
      const pass = em.newLabel();
      em.jccImm(BPF_JNE, 0, 0, pass);
      this.createRet();
      em.bind(pass);
      this.frame.release(mark);
    }
    this.stmts(p.stmts);
    this.createRet();
    const progType = progTypeFor(p, match);
    return {
      name,
      index,
      astProbe,
      attachPoints: p.attachPoints,
      progType,
      progTypeId: PROG_TYPE_IDS[progType],
      insns: em.finish(),
      relocations: em.relocations,
      stackDepth: this.frame.maxDepth,
    };
  }

  /** Whether the probe calls delete() on a map whose keys end in a bucket. */
  private deletesBucketed(p: Probe): boolean {
    const walk = (node: unknown): boolean => {
      if (Array.isArray(node)) return node.some(walk);
      if (!node || typeof node !== 'object') return false;
      const n = node as { kind?: unknown; func?: unknown; args?: Expr[] };
      if (n.kind === 'Call' && n.func === 'delete' && n.args?.[0]?.kind === 'Map' && hasBucketKey(this.mapOf(n.args[0]).info)) return true;
      return Object.entries(node).some(([k, v]) => k !== 'type' && k !== 'loc' && walk(v));
    };
    return walk(p.stmts) || walk(p.pred);
  }

  /**
   * The bucket part of a key 0.17 builds without one (delete(), or reading an avg/stats/hist
   * map, whose value nothing can use): the probe's last bucket, else 0.
   */
  private staleBucket(): number {
    if (this.lastBucket !== null) return this.lastBucket;
    const off = this.frame.alloc(8);
    this.em.st(8, FP, off, 0);
    return off;
  }

  /** Remembers an aggregation's bucket (in r1) for a later delete() in this probe. */
  private noteBucket(bucketSlot: number): void {
    if (this.lastBucket === null) return;
    this.em.ldx(8, 1, FP, bucketSlot);
    this.em.stx(8, FP, this.lastBucket, 1);
  }

  private declareVariables(ss: readonly Statement[]): void {
    const sizes = new Map<string, SizedType>();
    const assigns: AssignVarStatement[] = [];
    const walk = (list: readonly Statement[]): void => {
      for (const s of list) {
        if (s.kind === 'AssignVarStatement') {
          assigns.push(s);
          const t = s.variable.type ?? typeOf(s.expr);
          const prev = sizes.get(s.variable.ident);
          if (!prev || prev.size < t.size) sizes.set(s.variable.ident, t);
        } else if (s.kind === 'If') {
          walk(s.stmts);
          if (s.elseStmts) walk(s.elseStmts);
        } else if (s.kind === 'Unroll' || s.kind === 'While') {
          walk(s.stmts);
        }
      }
    };
    walk(ss);
    // A variable keeps an array's bytes when any assignment gives it a stack copy (a map's value,
    // say), since then there is no address to keep; otherwise it keeps the address, as 0.17 does.
    const copies = new Set<string>();
    for (let grew = true; grew; ) {
      grew = false;
      for (const s of assigns) {
        if (!copies.has(s.variable.ident) && this.isStackAggregate(s.expr, copies)) {
          copies.add(s.variable.ident);
          grew = true;
        }
      }
    }
    for (const [name, type] of sizes) {
      const copy = copies.has(name);
      const size = onStack(type) || copy ? type.size : 8;
      const off = this.frame.alloc(size);
      memsetStack(this.em, off, (size + 7) & ~7);
      this.vars.set(name, { off, type, copy });
    }
  }

  /** Whether the struct or array `e` evaluates to is a copy on the stack rather than an address. */
  private isStackAggregate(e: Expr, copies: ReadonlySet<string>): boolean {
    if (!isAggregate(typeOf(e))) return false;
    switch (e.kind) {
      case 'Map':
        return true;
      case 'Variable':
        return copies.has(e.ident);
      case 'FieldAccess':
        return typeOf(e.expr).type === 'tuple' || this.isStackAggregate(e.expr, copies);
      case 'ArrayAccess':
        return typeOf(e.expr).type === 'array' && this.isStackAggregate(e.expr, copies);
      default:
        return false;
    }
  }

  /** createRet: 0, or 1 for tracepoints (perf sees the event only then). */
  private createRet(): void {
    this.em.movImm(0, progTypeFor(this.probe!, this.match) === 'tracepoint' ? 1 : 0);
    this.em.exit();
  }

  private stmts(ss: readonly Statement[]): void {
    for (const s of ss) {
      const mark = this.frame.mark();
      this.stmt(s);
      this.frame.release(mark);
    }
  }

  private stmt(s: Statement): void {
    const em = this.em;
    switch (s.kind) {
      case 'ExprStatement':
        this.expr(s.expr);
        return;
      case 'AssignMapStatement':
        this.assignMap(s);
        return;
      case 'AssignVarStatement': {
        const v = this.vars.get(s.variable.ident)!;
        const val = this.expr(s.expr);
        if (v.copy || val.kind === 'stack') this.storeValue(val, typeOf(s.expr), v.off, v.type.size);
        else if (val.kind === 'int') em.stx(8, FP, v.off, 0);
        return;
      }
      case 'If': {
        const elseL = em.newLabel();
        const end = em.newLabel();
        this.intExpr(s.cond);
        em.jccImm(BPF_JEQ, 0, 0, s.elseStmts ? elseL : end);
        this.stmts(s.stmts);
        if (s.elseStmts) {
          em.ja(end);
          em.bind(elseL);
          this.stmts(s.elseStmts);
        }
        em.bind(end);
        return;
      }
      case 'Unroll':
        for (let i = 0; i < s.count; i++) {
          const saved = { ...this.ids };
          this.stmts(s.stmts);
          if (i !== s.count - 1) this.ids = saved;
        }
        return;
      case 'While': {
        const cond = em.newLabel();
        const end = em.newLabel();
        em.ja(cond);
        em.bind(cond);
        // A string or tuple condition is the address of its stack copy to bpftrace: never null.
        if (this.expr(s.cond).kind === 'int') em.jccImm(BPF_JEQ, 0, 0, end);
        this.loops.push({ cont: cond, brk: end });
        this.stmts(s.stmts);
        this.loops.pop();
        em.ja(cond);
        em.bind(end);
        return;
      }
      case 'Jump':
        if (s.ident === 'return') this.createRet();
        else {
          const loop = this.loops.at(-1);
          if (!loop) throw new CodegenError(`${s.ident} outside a loop`, s.loc);
          em.ja(s.ident === 'break' ? loop.brk : loop.cont);
        }
        return;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Maps.

  private mapOf(m: MapExpr): { index: number; info: MapInfo } {
    const index = this.mapIndex.get(m.ident);
    const info = this.sem.maps.get(m.ident);
    if (index === undefined || !info) throw new CodegenError(`codegen: unknown map ${m.ident}`, m.loc);
    return { index, info };
  }

  /**
   * getMapKey / getMultiMapKey / getHistMapKey: the key in a stack slot, its parts back to back
   * at their own sizes, then the extra u64 bucket (taken from `bucketSlot`) for hist-like maps.
   */
  private mapKey(m: MapExpr, bucketSlot?: number): number {
    const em = this.em;
    const { info } = this.mapOf(m);
    if (m.keys.length === 0) {
      const off = this.frame.alloc(8);
      if (bucketSlot === undefined) em.st(8, FP, off, 0);
      else {
        em.ldx(8, 1, FP, bucketSlot);
        em.stx(8, FP, off, 1);
      }
      return off;
    }
    if (m.keys.length === 1 && bucketSlot === undefined) {
      const k = m.keys[0]!;
      const kt = info.key[0] ?? typeOf(k);
      const v = this.expr(k);
      if (v.kind === 'stack') {
        if (typeOf(k).size === kt.size) return v.off;
        const off = this.frame.alloc(kt.size);
        memsetStack(em, off, (kt.size + 7) & ~7);
        memcpy(em, FP, off, FP, v.off, Math.min(typeOf(k).size, kt.size), 1);
        return off;
      }
      if (isAggregate(kt)) {
        const off = this.frame.alloc(kt.size);
        this.storeValue(v, typeOf(k), off, kt.size);
        return off;
      }
      const off = this.frame.alloc(8);
      em.stx(kt.size, FP, off, 0);
      return off;
    }
    const partsSize = info.key.reduce((n, t) => n + t.size, 0);
    const total = partsSize + (bucketSlot === undefined ? 0 : 8);
    const key = this.frame.alloc(total);
    let offset = 0;
    m.keys.forEach((k, i) => {
      const kt = info.key[i] ?? typeOf(k);
      const v = this.expr(k);
      if (v.kind === 'stack' && typeOf(k).type === 'string' && typeOf(k).size < kt.size) memsetStack(em, key + offset, kt.size);
      this.storeValue(v, typeOf(k), key + offset, kt.size);
      offset += kt.size;
    });
    if (bucketSlot !== undefined) {
      em.ldx(8, 0, FP, bucketSlot);
      storeIntStack(em, key + offset, 0, 8, 1);
    }
    return key;
  }

  /** The value of @m[keys]: an integer in r0, or an aggregate copied to a stack slot. */
  private mapRead(m: MapExpr): Val {
    const { index, info } = this.mapOf(m);
    const key = this.mapKey(m, hasBucketKey(info) ? this.staleBucket() : undefined);
    if (onStack(info.value) || isAggregate(info.value)) {
      const off = this.frame.alloc(info.value.size);
      mapLookupValue(this.em, index, key, { off, size: info.value.size });
      return { kind: 'stack', off };
    }
    mapLookupValue(this.em, index, key, null);
    return INT;
  }

  /**
   * A value into `size` bytes of stack at `dst`: copied from its stack slot, read from memory
   * when it is the address of a struct or array, else the integer in r0.
   */
  private storeValue(v: Val, t: SizedType, dst: number, size: number): void {
    const em = this.em;
    if (v.kind === 'stack') memcpy(em, FP, dst, FP, v.off, Math.min(t.size, size), 1);
    else if (v.kind === 'int' && isAggregate(t)) {
      em.mov(3, 0);
      if (Math.min(t.size, size) > 0) probeReadToStack(em, dst, Math.min(t.size, size));
    } else if (v.kind === 'int') storeIntStack(em, dst, 0, size, 1);
  }

  /** Spills r0 to a new slot; returns the slot. */
  private spill(): number {
    const off = this.frame.alloc(8);
    this.em.stx(8, FP, off, 0);
    return off;
  }

  private assignMap(s: AssignMapStatement): void {
    const em = this.em;
    const m = s.map;
    if (s.expr.kind === 'Call' && AGGREGATION_CALLS.has(s.expr.func)) {
      this.aggregate(m, s.expr);
      return;
    }
    const { index, info } = this.mapOf(m);
    const exprType = typeOf(s.expr);
    const v = this.expr(s.expr);
    if (v.kind === 'none') return;
    let valOff: number;
    if (v.kind === 'stack') {
      if (exprType.size !== info.value.size) {
        valOff = this.frame.alloc(info.value.size);
        memsetStack(em, valOff, (info.value.size + 7) & ~7);
        memcpy(em, FP, valOff, FP, v.off, Math.min(exprType.size, info.value.size), 1);
      } else valOff = v.off;
    } else if (isAggregate(exprType)) {
      // The array is read whole from memory so the map can keep its bytes.
      valOff = this.frame.alloc(info.value.size);
      this.storeValue(v, exprType, valOff, info.value.size);
    } else {
      // Integers are always stored as 64 bits, extended by the map's signedness.
      if (exprType.size < 8 && exprType.isSigned !== info.value.isSigned) extend(em, 0, exprType.size, info.value.isSigned);
      valOff = this.spill();
    }
    const key = this.mapKey(m);
    mapUpdate(em, index, key, valOff);
  }

  /** count, sum, min, max, avg, stats, hist and lhist: read-modify-write of this CPU's value. */
  private aggregate(m: MapExpr, call: CallExpr): void {
    const em = this.em;
    const { index, info } = this.mapOf(m);
    const f = call.func;
    const argValue = (): void => {
      const a = call.args[0]!;
      this.intExpr(a);
    };
    const bump = (key: number, add: () => void): void => {
      mapLookupValue(em, index, key, null);
      const old = this.spill();
      add();
      em.ldx(8, 1, FP, old);
      em.alu(BPF_ADD, 0, 1);
      const nv = this.spill();
      mapUpdate(em, index, key, nv);
    };
    switch (f) {
      case 'count': {
        const key = this.mapKey(m);
        bump(key, () => em.movImm(0, 1));
        return;
      }
      case 'sum': {
        const key = this.mapKey(m);
        bump(key, argValue);
        return;
      }
      case 'min':
      case 'max': {
        const key = this.mapKey(m);
        mapLookupValue(em, index, key, null);
        const old = this.spill();
        argValue();
        if (f === 'min') {
          // 0.17 stores 0xffffffff - v and keeps the larger, reverted when printing.
          em.mov(1, 0);
          em.loadConst(0, 0xffffffffn);
          em.alu(BPF_SUB, 0, 1);
        }
        const skip = em.newLabel();
        em.ldx(8, 1, FP, old);
        em.jcc(BPF_JSLT, 0, 1, skip);
        const nv = this.spill();
        mapUpdate(em, index, key, nv);
        em.bind(skip);
        return;
      }
      case 'avg':
      case 'stats': {
        const bucket = this.frame.alloc(8);
        em.st(8, FP, bucket, 0);
        const countKey = this.mapKey(m, bucket);
        bump(countKey, () => em.movImm(0, 1));
        em.st(8, FP, bucket, 1);
        this.noteBucket(bucket);
        const totalKey = this.mapKey(m, bucket);
        bump(totalKey, argValue);
        return;
      }
      case 'hist':
      case 'lhist': {
        argValue();
        if (f === 'hist') emitLog2(em);
        else {
          const args = this.maps[index]!.lhist ?? info.lhist;
          if (!args) throw new CodegenError(`codegen: lhist bounds of ${m.ident} unknown`, call.loc);
          emitLinear(em, args);
        }
        const bucket = this.spill();
        this.noteBucket(bucket);
        const key = this.mapKey(m, bucket);
        bump(key, () => em.movImm(0, 1));
        return;
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Expressions.

  /** Evaluates an integer-valued expression into r0. */
  private intExpr(e: Expr): void {
    const v = this.expr(e);
    if (v.kind !== 'int') throw new CodegenError(`codegen: ${e.kind} is not an integer here`, e.loc);
  }

  private expr(e: Expr): Val {
    const em = this.em;
    switch (e.kind) {
      case 'Integer':
        em.loadConst(0, e.value);
        return INT;
      case 'PositionalParameter':
        return this.positional(e.ptype, e.n, e.isInStr, typeOf(e));
      case 'String':
        return this.stringLiteral(e.value, typeOf(e).size);
      case 'Identifier': {
        const value = this.sem.enums?.get(e.ident);
        if (value === undefined) throw new CodegenError(`unknown identifier "${e.ident}"`, e.loc);
        em.loadConst(0, value);
        return INT;
      }
      case 'StackMode':
        return NONE;
      case 'Builtin':
        return this.builtin(e.ident, typeOf(e), e.loc);
      case 'Call':
        return this.call(e);
      case 'Map':
        return this.mapRead(e);
      case 'Variable': {
        const v = this.vars.get(e.ident);
        if (!v) throw new CodegenError(`codegen: unknown variable ${e.ident}`, e.loc);
        if (onStack(v.type) || v.copy) return { kind: 'stack', off: v.off };
        em.ldx(8, 0, FP, v.off);
        return INT;
      }
      case 'Binop':
        return this.binop(e);
      case 'Unop':
        return this.unop(e);
      case 'FieldAccess':
        return this.fieldAccess(e);
      case 'ArrayAccess': {
        const at = typeOf(e.expr);
        const elem = at.element ?? typeOf(e);
        const base = this.expr(e.expr);
        // An array on the stack is indexed by the literal the semantic analyser insists on.
        if (base.kind === 'stack') return this.member(base, this.literalIndex(e.index) * elem.size, elem, undefined, e.loc);
        if (base.kind !== 'int') throw new CodegenError(`codegen: ${at.type} to index is not an address`, e.loc);
        const slot = this.spill();
        this.intExpr(e.index);
        em.aluImm(BPF_MUL, 0, elem.size);
        em.ldx(8, 1, FP, slot);
        em.alu(BPF_ADD, 0, 1);
        return this.member(INT, 0, elem, undefined, e.loc);
      }
      case 'Cast': {
        const from = typeOf(e.expr);
        const to = typeOf(e);
        const v = this.expr(e.expr);
        if (v.kind === 'int' && to.type === 'integer') extend(em, 0, Math.min(from.size || 8, to.size), to.isSigned);
        if (v.kind === 'stack' && to.type === 'pointer') {
          // A value held on the stack (a string, ntop()'s inet...) is its alloca to LLVM: the
          // cast makes a pointer to it, which a dereference reads through probe_read.
          em.mov(0, FP);
          em.aluImm(BPF_ADD, 0, v.off);
          return INT;
        }
        return v;
      }
      case 'Tuple':
        return this.tuple(e.elems, typeOf(e));
      case 'Ternary':
        return this.ternary(e.cond, e.left, e.right, typeOf(e));
    }
  }

  /** The value of a literal index (an integer, or a positional parameter given as one). */
  private literalIndex(e: Expr): number {
    if (e.kind === 'Integer') return Number(BigInt.asIntN(64, e.value));
    if (e.kind === 'PositionalParameter') {
      const params = this.opts.params ?? [];
      return Number(e.ptype === 'count' ? params.length : parseCInteger(params[e.n - 1] ?? '0'));
    }
    throw new CodegenError('codegen: array index is not a literal', e.loc);
  }

  /**
   * A member `off` bytes into a struct or array (readDatastructElemFromStack, and
   * probereadDatastructElem): loaded from the stack copy, or read with probe_read from the memory
   * at the address in r0. A struct or array member is not read: it stays an address, or a place
   * in the copy.
   */
  private member(base: Val, off: number, t: SizedType, bitfield: Bitfield | undefined, loc: Location): Val {
    const em = this.em;
    // LLVM has no type for a member bpftrace could not type (a float, say).
    if (t.type === 'none') throw new CodegenError('0 is not a valid type size for GetType', loc, true);
    if (base.kind === 'stack') {
      const at = base.off + off;
      if (onStack(t) || isAggregate(t)) return { kind: 'stack', off: at };
      if (bitfield) {
        loadBytes(em, at, Math.min(bitfield.readBytes, 8));
        extractBitfield(em, bitfield, t);
      } else loadTupleInt(em, at, t);
      return INT;
    }
    if (base.kind !== 'int') throw new CodegenError('codegen: member of a value without an address', loc);
    em.mov(3, 0);
    if (off) em.aluImm(BPF_ADD, 3, off);
    if (isAggregate(t)) {
      em.mov(0, 3);
      return INT;
    }
    if (bitfield) {
      // Only the bytes the bits occupy are read, into a zeroed slot of the field's type.
      const size = Math.max(t.size, bitfield.readBytes);
      const slot = this.frame.alloc(size);
      memsetStack(em, slot, (size + 7) & ~7);
      probeReadToStack(em, slot, bitfield.readBytes);
      loadBytes(em, slot, Math.min(size, 8));
      extractBitfield(em, bitfield, t);
      return INT;
    }
    return this.readAt(t);
  }

  /** Reads a value of type `t` from the kernel address in r3 (probe_read onto the stack). */
  private readAt(t: SizedType): Val {
    const em = this.em;
    const off = this.frame.alloc(t.size);
    probeReadToStack(em, off, t.size);
    if (onStack(t)) return { kind: 'stack', off };
    loadInt(em, 0, FP, off, Math.min(8, t.size), t.isSigned);
    return INT;
  }

  private positional(ptype: 'positional' | 'count', n: number, inStr: boolean, t: SizedType): Val {
    const params = this.opts.params ?? [];
    if (ptype === 'count') {
      this.em.loadConst(0, BigInt(params.length));
      return INT;
    }
    const p = params[n - 1];
    if (inStr) return this.stringLiteral(p ?? '', Math.max(t.size, (p ?? '').length + 1));
    this.em.loadConst(0, parseCInteger(p ?? '0'));
    return INT;
  }

  private stringLiteral(s: string, size: number): Val {
    const off = this.frame.alloc(size);
    const bytes = textEncoder.encode(s).subarray(0, Math.max(0, size - 1));
    storeBytes(this.em, off, bytes, (size + 7) & ~7, 1);
    return { kind: 'stack', off };
  }

  private builtin(ident: string, t: SizedType, loc: Location): Val {
    const em = this.em;
    switch (ident) {
      case 'nsecs':
        em.call(HELPER.ktime_get_ns);
        return INT;
      case 'elapsed': {
        const idx = this.maps.findIndex((m) => m.kind === 'elapsed');
        const key = this.frame.alloc(8);
        em.st(8, FP, key, 0);
        mapLookupValue(em, idx, key, null);
        const start = this.spill();
        em.call(HELPER.ktime_get_ns);
        em.ldx(8, 1, FP, start);
        em.alu(BPF_SUB, 0, 1);
        return INT;
      }
      case 'kstack':
      case 'ustack':
        return this.stack(ident === 'ustack', t.stack ?? DEFAULT_STACK);
      case 'pid':
        em.call(HELPER.get_current_pid_tgid);
        em.aluImm(BPF_RSH, 0, 32);
        return INT;
      case 'tid':
        em.call(HELPER.get_current_pid_tgid);
        low32(em);
        return INT;
      case 'cgroup':
        em.call(HELPER.get_current_cgroup_id);
        return INT;
      case 'uid':
      case 'username':
        em.call(HELPER.get_current_uid_gid);
        low32(em);
        return INT;
      case 'gid':
        em.call(HELPER.get_current_uid_gid);
        em.aluImm(BPF_RSH, 0, 32);
        return INT;
      case 'numaid':
        em.call(HELPER.get_numa_node_id);
        low32(em);
        return INT;
      case 'cpu':
        em.call(HELPER.get_smp_processor_id);
        low32(em);
        return INT;
      case 'curtask':
        em.call(HELPER.get_current_task);
        return INT;
      case 'rand':
        em.call(HELPER.get_prandom_u32);
        low32(em);
        return INT;
      case 'comm': {
        const off = this.frame.alloc(t.size);
        memsetStack(em, off, (t.size + 7) & ~7);
        getCurrentComm(em, off, t.size);
        return { kind: 'stack', off };
      }
      case 'retval':
        em.ldx(8, 0, CTX, PT_REGS_RET);
        return INT;
      case 'func':
        em.ldx(8, 0, CTX, PT_REGS_IP);
        return INT;
      case 'probe': {
        let id = this.probeIds.indexOf(this.probefull);
        if (id < 0) id = this.probeIds.push(this.probefull) - 1;
        em.movImm(0, id);
        return INT;
      }
      case 'args':
      case 'ctx':
        em.mov(0, CTX);
        return INT;
      default: {
        const m = /^arg([0-5])$/.exec(ident);
        if (m) {
          em.ldx(8, 0, CTX, PT_REGS_ARG[Number(m[1])]!);
          return INT;
        }
        throw new CodegenError(`unknown builtin "${ident}"`, loc);
      }
    }
  }

  /** kstack/ustack: the stack id from bpf_get_stackid; ustack packs the pid in the high half. */
  private stack(user: boolean, st: { mode: string; limit: number }): Val {
    const em = this.em;
    const idx = this.maps.findIndex((m) => m.kind === 'stack' && m.stack!.mode === st.mode && m.stack!.limit === st.limit);
    if (idx < 0) throw new CodegenError('codegen: no stack map for this stack type');
    getStackid(em, idx, user);
    if (user) {
      const id = this.spill();
      em.call(HELPER.get_current_pid_tgid);
      em.aluImm(BPF_LSH, 0, 32);
      em.ldx(8, 1, FP, id);
      em.alu(BPF_OR, 0, 1);
    }
    return INT;
  }

  /**
   * 0.17 hands tuples to binop_int, which compares the allocas holding them: a variable equals
   * itself and nothing else, so the result is known here once both sides have run.
   */
  private tupleAddressCompare(e: BinopExpr): Val {
    if (e.op !== '==' && e.op !== '!=') throw new CodegenError(`codegen: tuples cannot be operands of ${e.op}`, e.loc);
    const mark = this.frame.mark();
    const slot = (v: Val): number | null => (v.kind === 'stack' ? v.off : null);
    const l = slot(this.expr(e.left));
    const r = slot(this.expr(e.right));
    this.frame.release(mark);
    const same = l !== null && l === r;
    this.em.movImm(0, same === (e.op === '==') ? 1 : 0);
    return INT;
  }

  private binop(e: BinopExpr): Val {
    const em = this.em;
    if (e.op === '&&' || e.op === '||') {
      const isAnd = e.op === '&&';
      const short = em.newLabel();
      const done = em.newLabel();
      this.intExpr(e.left);
      em.jccImm(isAnd ? BPF_JEQ : BPF_JNE, 0, 0, short);
      this.intExpr(e.right);
      em.jccImm(isAnd ? BPF_JEQ : BPF_JNE, 0, 0, short);
      em.movImm(0, isAnd ? 1 : 0);
      em.ja(done);
      em.bind(short);
      em.movImm(0, isAnd ? 0 : 1);
      em.bind(done);
      return INT;
    }
    const lt = typeOf(e.left);
    const rt = typeOf(e.right);
    if (lt.type === 'array' && rt.type === 'array') return this.arrayCompare(e, lt);
    if (lt.type === 'tuple' || rt.type === 'tuple') return this.tupleAddressCompare(e);
    if (lt.type === 'string' || lt.type === 'buffer') {
      const inverse = e.op === '==';
      const l = this.stringOperand(e.left);
      const r = this.stringOperand(e.right);
      this.strncmp(l, r, Math.min(l.size, r.size), inverse);
      return INT;
    }
    const isPtr = lt.type === 'pointer' || rt.type === 'pointer';
    const signed = !isPtr && lt.isSigned && rt.isSigned;
    // r1 = left, r2 = right.
    this.intExpr(e.left);
    const rLit = e.right.kind === 'Integer' && BigInt.asIntN(64, e.right.value) >= -0x80000000n && BigInt.asIntN(64, e.right.value) <= 0x7fffffffn;
    if (rLit) {
      em.mov(1, 0);
      em.loadConst(2, (e.right as { value: bigint }).value);
    } else {
      const left = this.spill();
      this.intExpr(e.right);
      em.mov(2, 0);
      em.ldx(8, 1, FP, left);
    }
    if (isPtr && (e.op === '+' || e.op === '-')) {
      // Pointer arithmetic scales the integer by the pointee's size.
      const ptrLeft = lt.type === 'pointer';
      const elem = (ptrLeft ? lt : rt).element;
      const scale = elem ? (elem.type === 'pointer' ? 8 : elem.size) : 1;
      if (scale !== 1) em.aluImm(BPF_MUL, ptrLeft ? 2 : 1, scale);
    }
    const cmp: Record<string, number> = signed
      ? { '==': BPF_JEQ, '!=': BPF_JNE, '<': BPF_JSLT, '<=': BPF_JSLE, '>': BPF_JSGT, '>=': BPF_JSGE }
      : { '==': BPF_JEQ, '!=': BPF_JNE, '<': BPF_JLT, '<=': BPF_JLE, '>': BPF_JGT, '>=': BPF_JGE };
    const jop = cmp[e.op];
    if (jop !== undefined) {
      const yes = em.newLabel();
      em.movImm(0, 1);
      em.jcc(jop, 1, 2, yes);
      em.movImm(0, 0);
      em.bind(yes);
      return INT;
    }
    const alu: Record<string, number> = {
      '+': BPF_ADD, '-': BPF_SUB, '*': BPF_MUL, '/': BPF_DIV, '%': BPF_MOD, '&': BPF_AND, '|': BPF_OR, '^': BPF_XOR,
      '<<': BPF_LSH, '>>': BPF_RSH,
    };
    const op = alu[e.op];
    if (op === undefined) throw new CodegenError(`codegen: operator ${e.op}`, e.loc);
    em.alu(op, 1, 2);
    em.mov(0, 1);
    return INT;
  }

  /** CreateArrayCmp for == and !=: both arrays on the stack, equal when every element is. */
  private arrayCompare(e: BinopExpr, t: SizedType): Val {
    const em = this.em;
    const copy = (x: Expr): number => {
      const v = this.expr(x);
      if (v.kind === 'stack') return v.off;
      const off = this.frame.alloc(t.size);
      this.storeValue(v, typeOf(x), off, t.size);
      return off;
    };
    const l = copy(e.left);
    const r = copy(e.right);
    const elem = t.element!;
    const differ = em.newLabel();
    const done = em.newLabel();
    for (let i = 0; elem.size > 0 && i < t.size / elem.size; i++) {
      loadTupleInt(em, l + i * elem.size, elem);
      em.mov(2, 0);
      loadTupleInt(em, r + i * elem.size, elem);
      em.jcc(BPF_JNE, 0, 2, differ);
    }
    em.movImm(0, e.op === '==' ? 1 : 0);
    em.ja(done);
    em.bind(differ);
    em.movImm(0, e.op === '==' ? 0 : 1);
    em.bind(done);
    return INT;
  }

  private unop(e: UnopExpr): Val {
    const em = this.em;
    const t = typeOf(e.expr);
    const rt = typeOf(e);
    if (e.op === '++' || e.op === '--') return this.incDec(e);
    if (e.op === '*') {
      if (isAggregate(rt)) return this.expr(e.expr);
      // unop_ptr reads only integers and pointers; a void pointer's target has no value.
      if (rt.type === 'none') {
        this.expr(e.expr);
        return NONE;
      }
      this.intExpr(e.expr);
      em.mov(3, 0);
      const target = t.type === 'pointer' && t.element ? t.element : t;
      return this.readAt(target);
    }
    this.intExpr(e.expr);
    switch (e.op) {
      case '!': {
        const zero = em.newLabel();
        em.mov(1, 0);
        em.movImm(0, 1);
        em.jccImm(BPF_JEQ, 1, 0, zero);
        em.movImm(0, 0);
        em.bind(zero);
        return INT;
      }
      case '~':
        em.aluImm(BPF_XOR, 0, -1);
        extend(em, 0, t.size, rt.isSigned);
        return INT;
      case '-':
        em.aluImm(BPF_NEG, 0, 0);
        extend(em, 0, t.size, rt.isSigned);
        return INT;
    }
    return INT;
  }

  /** createIncDec: the map or variable changes; the value is the old one for x++, the new for ++x. */
  private incDec(e: UnopExpr): Val {
    const em = this.em;
    const t = typeOf(e.expr);
    const step = t.type === 'pointer' && t.element ? t.element.size : 1;
    const delta = e.op === '++' ? step : -step;
    if (e.expr.kind === 'Map') {
      const { index } = this.mapOf(e.expr);
      const key = this.mapKey(e.expr);
      mapLookupValue(em, index, key, null);
      const old = this.spill();
      em.aluImm(BPF_ADD, 0, delta);
      const nv = this.spill();
      mapUpdate(em, index, key, nv);
      em.ldx(8, 0, FP, e.isPostOp ? old : nv);
      return INT;
    }
    if (e.expr.kind === 'Variable') {
      const v = this.vars.get(e.expr.ident)!;
      em.ldx(8, 0, FP, v.off);
      em.mov(1, 0);
      em.aluImm(BPF_ADD, 1, delta);
      em.stx(8, FP, v.off, 1);
      if (!e.isPostOp) em.mov(0, 1);
      return INT;
    }
    throw new CodegenError(`invalid expression passed to ${e.op}`, e.loc);
  }

  private fieldAccess(e: FieldAccessExpr): Val {
    const em = this.em;
    const st = typeOf(e.expr);
    const ft = typeOf(e);
    if (st.type === 'tuple') {
      const v = this.expr(e.expr);
      if (v.kind !== 'stack') throw new CodegenError('codegen: tuple not on the stack', e.loc);
      const field = st.fields![e.index]!;
      if (onStack(field.type) || isAggregate(field.type)) return { kind: 'stack', off: v.off + field.offset };
      loadTupleInt(em, v.off + field.offset, field.type);
      return INT;
    }
    if (st.name?.startsWith('struct _tracepoint_')) {
      const f = this.tracepointField(e);
      if (f.isDataLoc) {
        // __data_loc: the low 16 bits of the u32 are the data's offset in the record.
        em.ldx(4, 0, CTX, f.offset);
        em.aluImm(BPF_AND, 0, 0xffff);
        em.alu(BPF_ADD, 0, CTX);
        return INT;
      }
      if (onStack(ft) || ft.type === 'array' || ft.type === 'record') {
        em.mov(3, CTX);
        em.aluImm(BPF_ADD, 3, f.offset);
        if (ft.type === 'array' || ft.type === 'record') {
          em.mov(0, 3);
          return INT;
        }
        return this.readAt(ft);
      }
      loadInt(em, 0, CTX, f.offset, Math.min(8, f.size), ft.isSigned);
      return INT;
    }
    const field = this.sem.structs?.get(st.name ?? '')?.fields.get(e.field);
    if (!field) throw new CodegenError(`codegen: no field ${e.field} in ${st.name ?? st.type}`, e.loc);
    return this.member(this.expr(e.expr), field.offset, field.type, field.bitfield, e.loc);
  }

  /** The field of `args` in the probe's tracepoint, from the kernel's catalogue. */
  private tracepointField(e: FieldAccessExpr): { offset: number; size: number; isDataLoc: boolean } {
    const ap = this.match?.provider === 'tracepoint' ? this.match : this.probe!.attachPoints.find((a) => a.provider === 'tracepoint');
    const fields = ap ? tracepointArgs(ap.target, ap.func) : null;
    const f = fields?.find((x) => x.name === e.field);
    if (!f) throw new CodegenError(`codegen: no field ${e.field} in ${ap ? `${ap.target}:${ap.func}` : 'this probe'}`, e.loc);
    return { offset: f.offset, size: f.size, isDataLoc: !!f.isDataLoc };
  }

  private tuple(elems: readonly Expr[], t: SizedType): Val {
    const em = this.em;
    const off = this.frame.alloc(t.size);
    memsetStack(em, off, (t.size + 7) & ~7);
    elems.forEach((el, i) => {
      const field = t.fields![i]!;
      this.storeValue(this.expr(el), typeOf(el), off + field.offset, field.type.size);
    });
    return { kind: 'stack', off };
  }

  private ternary(cond: Expr, left: Expr, right: Expr, t: SizedType): Val {
    const em = this.em;
    const rightL = em.newLabel();
    const done = em.newLabel();
    const buf = onStack(t) ? this.frame.alloc(t.size) : 0;
    // A shorter branch value fills only the start of the buffer: the rest must read as zeroes.
    if (onStack(t)) memsetStack(em, buf, (t.size + 7) & ~7);
    this.intExpr(cond);
    em.jccImm(BPF_JEQ, 0, 0, rightL);
    const branch = (x: Expr): void => {
      const mark = this.frame.mark();
      const v = this.expr(x);
      if (v.kind === 'stack') memcpy(em, FP, buf, FP, v.off, Math.min(typeOf(x).size, t.size), 1);
      else if (v.kind === 'int' && t.type === 'integer') extend(em, 0, t.size, t.isSigned);
      this.frame.release(mark);
    };
    branch(left);
    em.ja(done);
    em.bind(rightL);
    branch(right);
    em.bind(done);
    if (onStack(t)) return { kind: 'stack', off: buf };
    return t.type === 'none' ? NONE : INT;
  }

  /** A string operand of ==, != or strncmp: its literal bytes, or its stack slot. */
  private stringOperand(e: Expr): { lit?: Uint8Array; off?: number; size: number } {
    if (e.kind === 'String') {
      const b = textEncoder.encode(e.value);
      return { lit: b, size: b.length + 1 };
    }
    const v = this.expr(e);
    if (v.kind !== 'stack') throw new CodegenError('codegen: string operand not on the stack', e.loc);
    return { off: v.off, size: typeOf(e).size };
  }

  /**
   * CreateStrncmp: byte by byte up to n, stopping at the first difference or NUL. The result is
   * `inverse` when equal, `!inverse` otherwise. Operands on the stack are read from r10, so no
   * register needs to survive a call.
   */
  private strncmp(l: { lit?: Uint8Array; off?: number }, r: { lit?: Uint8Array; off?: number }, n: number, inverse: boolean): void {
    const em = this.em;
    const ne = em.newLabel();
    const eq = em.newLabel();
    const done = em.newLabel();
    const byte = (s: { lit?: Uint8Array; off?: number }, i: number, reg: Reg): void => {
      if (s.lit) em.movImm(reg, s.lit[i] ?? 0);
      else em.ldx(1, reg, FP, s.off! + i);
    };
    for (let i = 0; i < n; i++) {
      byte(l, i, 1);
      byte(r, i, 2);
      em.jcc(BPF_JNE, 1, 2, ne);
      em.jccImm(BPF_JEQ, 1, 0, eq);
    }
    em.ja(eq);
    em.bind(eq);
    em.movImm(0, inverse ? 1 : 0);
    em.ja(done);
    em.bind(ne);
    em.movImm(0, inverse ? 0 : 1);
    em.bind(done);
  }

  // -------------------------------------------------------------------------------------------
  // Calls.

  private call(c: CallExpr): Val {
    const em = this.em;
    switch (c.func) {
      case 'printf': {
        const id = this.ids.printf++;
        this.formatCall(c, this.printfArgs[id], AsyncAction.printf + id);
        return NONE;
      }
      case 'system': {
        const id = this.ids.system++;
        this.formatCall(c, this.systemArgs[id], AsyncAction.syscall + id);
        return NONE;
      }
      case 'cat': {
        const id = this.ids.cat++;
        this.formatCall(c, this.catArgs[id], AsyncAction.cat + id);
        return NONE;
      }
      case 'exit': {
        const off = this.frame.alloc(8);
        em.st(8, FP, off, AsyncAction.exit);
        perfEventOutput(em, this.perfMap, off, AsyncEvent.Exit.size);
        this.createRet();
        return NONE;
      }
      case 'print':
        return this.print(c);
      case 'clear':
      case 'zero': {
        const m = c.args[0] as MapExpr;
        const { index } = this.mapOf(m);
        const off = this.frame.alloc(AsyncEvent.MapEvent.size);
        memsetStack(em, off, 16);
        em.st(8, FP, off, c.func === 'clear' ? AsyncAction.clear : AsyncAction.zero);
        em.st(4, FP, off + AsyncEvent.MapEvent.mapid, index);
        perfEventOutput(em, this.perfMap, off, AsyncEvent.MapEvent.size);
        return NONE;
      }
      case 'time': {
        const off = this.frame.alloc(AsyncEvent.Time.size);
        memsetStack(em, off, 16);
        em.st(8, FP, off, AsyncAction.time);
        em.st(4, FP, off + AsyncEvent.Time.time_id, this.ids.time++);
        perfEventOutput(em, this.perfMap, off, AsyncEvent.Time.size);
        return NONE;
      }
      case 'strftime': {
        const off = this.frame.alloc(AsyncEvent.Strftime.size);
        em.st(8, FP, off, this.ids.strftime++);
        em.st(8, FP, off + 8, 0);
        this.intExpr(c.args[1]!);
        em.stx(8, FP, off + AsyncEvent.Strftime.nsecs, 0);
        return { kind: 'stack', off };
      }
      case 'delete': {
        const m = c.args[0] as MapExpr;
        const { index, info } = this.mapOf(m);
        const key = this.mapKey(m, hasBucketKey(info) ? this.staleBucket() : undefined);
        if (isClearable(this.maps[index]!)) mapDelete(em, index, key);
        else {
          const size = this.maps[index]!.valueSize;
          const zero = this.frame.alloc(size);
          memsetStack(em, zero, (size + 7) & ~7);
          mapUpdate(em, index, key, zero);
        }
        return NONE;
      }
      case 'str':
        return this.str(c);
      case 'buf':
        return this.buf(c);
      case 'join':
        this.join(c);
        return NONE;
      case 'kstack':
      case 'ustack':
        return this.stack(c.func === 'ustack', typeOf(c).stack ?? DEFAULT_STACK);
      case 'ksym':
      case 'strerror':
      case 'kptr':
      case 'uptr':
        return this.expr(c.args[0]!);
      case 'sizeof':
        em.loadConst(0, BigInt(typeOf(c.args[0]!).size));
        return INT;
      case 'kaddr': {
        const name = c.args[0]?.kind === 'String' ? c.args[0].value : '';
        const addr = this.opts.resolveKname?.(name) ?? 0n;
        if (!addr) throw new CodegenError(`Failed to resolve kernel symbol: ${name}`, c.loc);
        em.loadConst(0, addr);
        return INT;
      }
      case 'strncmp': {
        const n = c.args[2]?.kind === 'Integer' ? Number(c.args[2].value) : 0;
        const l = this.stringOperand(c.args[0]!);
        const r = this.stringOperand(c.args[1]!);
        // Both operands are NUL-terminated within their sizes, so no comparison goes past the
        // shorter: 0.17 unrolls the full n (and crashes on a huge one); the result is the same.
        this.strncmp(l, r, Math.min(n, l.size, r.size), false);
        return INT;
      }
      case 'bswap': {
        const t = typeOf(c.args[0]!);
        this.intExpr(c.args[0]!);
        if (t.size > 1) {
          em.toBe(0, (t.size * 8) as 16 | 32 | 64);
          extend(em, 0, t.size, t.isSigned);
        }
        return INT;
      }
      case 'signal': {
        const a = c.args[0]!;
        if (a.kind === 'String') em.movImm(1, signalNumber(a.value));
        else {
          this.intExpr(a);
          em.mov(1, 0);
          low32(em);
        }
        em.call(HELPER.send_signal);
        return NONE;
      }
      case 'override':
        this.intExpr(c.args[0]!);
        em.mov(2, 0);
        em.mov(1, CTX);
        em.call(HELPER.override_return);
        return NONE;
      case 'ntop':
        return this.ntop(c);
      case 'usym': {
        // CreateUSym: { u64 addr; u64 pid } — user symbols resolve in the process's address space.
        this.intExpr(c.args[0]!);
        const off = this.frame.alloc(16);
        em.stx(8, FP, off, 0);
        em.call(HELPER.get_current_pid_tgid);
        em.aluImm(BPF_RSH, 0, 32);
        em.stx(8, FP, off + 8, 0);
        return { kind: 'stack', off };
      }
      case 'macaddr': {
        const a = c.args[0]!;
        const off = this.frame.alloc(6);
        memsetStack(em, off, 8);
        const v = this.expr(a);
        if (v.kind === 'stack') memcpy(em, FP, off, FP, v.off, 6, 1);
        else {
          em.mov(3, 0);
          probeReadToStack(em, off, 6);
        }
        return { kind: 'stack', off };
      }
      case 'cgroupid': {
        // resolve_cgroupid's name_to_handle_at needs a cgroup2 mount, and the emulated kernel has none.
        const path = c.args[0]?.kind === 'String' ? c.args[0].value : '';
        throw new CodegenError(`Failed to get \`cgroupid\` for path: "${path}": No such file or directory`, c.loc);
      }
      default:
        throw new CodegenError(`missing codegen for function "${c.func}"`, c.loc);
    }
  }

  /** createFormatStringCall: { u64 id; args... } zeroed, filled, sent. */
  private formatCall(c: CallExpr, layout: FormatCall | undefined, id: number): void {
    const em = this.em;
    if (!layout) throw new CodegenError(`codegen: ${c.func} without resources`, c.loc);
    const off = this.frame.alloc(layout.size);
    memsetStack(em, off, (layout.size + 7) & ~7);
    em.st(8, FP, off, id);
    c.args.slice(1).forEach((a, i) => {
      const f = layout.args[i]!;
      const v = this.expr(a);
      if (v.kind === 'stack') memcpy(em, FP, off + f.offset, FP, v.off, Math.min(typeOf(a).size, f.type.size), 1);
      else if (v.kind === 'int') storeIntStack(em, off + f.offset, 0, f.type.size, 1);
    });
    perfEventOutput(em, this.perfMap, off, layout.size);
  }

  private print(c: CallExpr): Val {
    const em = this.em;
    const arg = c.args[0]!;
    if (arg.kind === 'Map') {
      const { index } = this.mapOf(arg);
      const P = AsyncEvent.Print;
      const off = this.frame.alloc(P.size);
      memsetStack(em, off, 24);
      em.st(8, FP, off, AsyncAction.print);
      em.st(4, FP, off + P.mapid, index);
      [P.top, P.div].forEach((field, i) => {
        const a = c.args[i + 1];
        if (!a) return;
        this.intExpr(a);
        em.stx(4, FP, off + field, 0);
      });
      perfEventOutput(em, this.perfMap, off, P.size);
      return NONE;
    }
    const t = typeOf(arg);
    const v = this.expr(arg);
    const P = AsyncEvent.PrintNonMap;
    const size = P.size(t.size);
    const off = this.frame.alloc(size);
    memsetStack(em, off, (size + 7) & ~7);
    em.st(8, FP, off, AsyncAction.print_non_map);
    em.st(8, FP, off + P.print_id, this.ids.nonMapPrint++);
    this.storeValue(v, t, off + P.content, onStack(t) || isAggregate(t) ? t.size : Math.min(8, t.size));
    perfEventOutput(em, this.perfMap, off, size);
    return NONE;
  }

  /** str(ptr[, n]): bpf_probe_read_str into a zeroed strlen-byte buffer, at most min(n + 1, strlen). */
  private str(c: CallExpr): Val {
    const em = this.em;
    const size = typeOf(c).size;
    const arg = c.args[0]!;
    if (onStack(typeOf(arg)) || (arg.kind === 'PositionalParameter' && arg.isInStr)) {
      // str($1) of a string parameter, or of a string already read: a copy.
      const v = this.expr(arg);
      const off = this.frame.alloc(size);
      memsetStack(em, off, (size + 7) & ~7);
      const from = arg.kind === 'PositionalParameter' ? (this.opts.params?.[arg.n - 1] ?? '').length + 1 : typeOf(arg).size;
      // str(s, n) with a literal n keeps n bytes; the zeroed slot supplies the NUL after them. As
      // probe_read_str, a string longer than the buffer keeps what fits before its NUL.
      const n = c.args[1]?.kind === 'Integer' ? Number(c.args[1].value) : Infinity;
      if (v.kind === 'stack') memcpy(em, FP, off, FP, v.off, Math.max(0, Math.min(size - 1, from, n)), 1);
      return { kind: 'stack', off };
    }
    // The length stays in callee-saved r7 while the pointer is computed: Linux 5.0 forgets the
    // bounds of a scalar spilled to the stack, and the helper's size must be bounded.
    const sized = c.args.length > 1;
    if (sized) {
      this.intExpr(c.args[1]!);
      em.aluImm(BPF_ADD, 0, 1);
      const ok = em.newLabel();
      em.jccImm(BPF_JLE, 0, size, ok);
      em.movImm(0, size);
      em.bind(ok);
      em.mov(7, 0);
    }
    const off = this.frame.alloc(size);
    memsetStack(em, off, (size + 7) & ~7);
    this.intExpr(arg);
    em.mov(3, 0);
    if (sized) em.mov(2, 7);
    else em.movImm(2, size);
    probeReadStrToStack(em, off);
    return { kind: 'stack', off };
  }

  /** buf(ptr, n): { u8 length; u8 content[n] } with content read by probe_read. */
  private buf(c: CallExpr): Val {
    const em = this.em;
    const t = typeOf(c);
    const fixed = t.size - 1;
    const off = this.frame.alloc(t.size);
    memsetStack(em, off, (t.size + 7) & ~7);
    if (c.args.length > 1) {
      this.intExpr(c.args[1]!);
      const ok = em.newLabel();
      em.jccImm(BPF_JLE, 0, fixed, ok);
      em.movImm(0, fixed);
      em.bind(ok);
    } else em.movImm(0, fixed);
    em.stx(1, FP, off, 0);
    em.mov(7, 0);
    const arg = c.args[0]!;
    const v = this.expr(arg);
    if (v.kind === 'stack') {
      memcpy(em, FP, off + 1, FP, v.off, Math.min(fixed, typeOf(arg).size), 1);
      return { kind: 'stack', off };
    }
    em.mov(3, 0);
    em.mov(2, 7);
    em.mov(1, FP);
    em.aluImm(BPF_ADD, 1, off + 1);
    em.call(HELPER.probe_read);
    return { kind: 'stack', off };
  }

  /** ntop([af,] addr): { i64 af; u8 addr[16] }. */
  private ntop(c: CallExpr): Val {
    const em = this.em;
    const off = this.frame.alloc(24);
    memsetStack(em, off, 24);
    const inet = c.args.length === 1 ? c.args[0]! : c.args[1]!;
    const it = typeOf(inet);
    if (c.args.length === 1) em.st(8, FP, off, it.type === 'integer' || it.size === 4 ? 2 : 10);
    else {
      this.intExpr(c.args[0]!);
      em.stx(8, FP, off, 0);
    }
    const v = this.expr(inet);
    if (v.kind === 'stack') memcpy(em, FP, off + 8, FP, v.off, Math.min(16, it.size), 1);
    else if (it.type === 'array') {
      em.mov(3, 0);
      probeReadToStack(em, off + 8, Math.min(16, it.size));
    } else em.stx(4, FP, off + 8, 0);
    return { kind: 'stack', off };
  }

  /**
   * join(argv[, delim]): in the per-CPU `join` map's value (too big for the stack), the action,
   * the join id and up to 16 argv strings, then one perf record of the whole value.
   */
  private join(c: CallExpr): void {
    const em = this.em;
    const joinMap = this.maps.findIndex((m) => m.kind === 'join');
    this.intExpr(c.args[0]!);
    em.mov(8, 0);
    const key = this.frame.alloc(8);
    em.st(4, FP, key, 0);
    em.ldMap(1, joinMap);
    em.mov(2, FP);
    em.aluImm(BPF_ADD, 2, key);
    em.call(HELPER.map_lookup_elem);
    const zero = em.newLabel();
    em.jccImm(BPF_JEQ, 0, 0, zero);
    em.mov(7, 0);
    em.st(8, 7, AsyncEvent.Join.action_id, AsyncAction.join);
    em.st(8, 7, AsyncEvent.Join.join_id, this.ids.join++);
    const arr = this.frame.alloc(8);
    for (let i = 0; i < JOIN_ARGNUM; i++) {
      em.mov(3, 8);
      if (i) em.aluImm(BPF_ADD, 3, i * 8);
      probeReadToStack(em, arr, 8);
      em.mov(1, 7);
      em.aluImm(BPF_ADD, 1, AsyncEvent.Join.args + i * JOIN_ARGSIZE);
      em.movImm(2, JOIN_ARGSIZE);
      em.ldx(8, 3, FP, arr);
      em.call(HELPER.probe_read_str);
    }
    em.mov(1, CTX);
    em.ldMap(2, this.perfMap);
    em.lddw(3, 0xffffffffn);
    em.mov(4, 7);
    em.movImm(5, AsyncEvent.Join.size(JOIN_ARGNUM, JOIN_ARGSIZE));
    em.call(HELPER.perf_event_output);
    em.bind(zero);
  }
}

/** An integer of a tuple field into r0: a misaligned one byte by byte, as LLVM loads align-1 fields. */
function loadTupleInt(em: Emitter, off: number, t: SizedType): void {
  const size = Math.min(8, t.size);
  if (((off % size) + size) % size === 0) {
    loadInt(em, 0, FP, off, size, t.isSigned);
    return;
  }
  loadByteWise(em, off, size);
  if (t.isSigned) extend(em, 0, size, true);
}

/** r0 = `n` bytes of stack at `off`, little-endian, one byte load each. */
function loadByteWise(em: Emitter, off: number, n: number): void {
  em.movImm(0, 0);
  for (let i = n - 1; i >= 0; i--) {
    em.aluImm(BPF_LSH, 0, 8);
    em.ldx(1, 1, FP, off + i);
    em.alu(BPF_OR, 0, 1);
  }
}

/** r0 = `n` bytes of stack at `off`, little-endian (a bitfield's bytes, wherever they start). */
function loadBytes(em: Emitter, off: number, n: number): void {
  if (n === 1 || n === 2 || n === 4 || n === 8) loadTupleInt(em, off, { type: 'integer', size: n, isSigned: false });
  else loadByteWise(em, off, n);
}

/** A bitfield's bits out of its bytes in r0: shifted down, masked, then as wide as its type. */
function extractBitfield(em: Emitter, b: Bitfield, t: SizedType): void {
  if (b.accessRshift) em.aluImm(BPF_RSH, 0, b.accessRshift);
  if (b.mask <= 0x7fffffffn) em.aluImm(BPF_AND, 0, Number(b.mask));
  else if (b.mask !== (1n << 64n) - 1n) {
    em.loadConst(1, b.mask);
    em.alu(BPF_AND, 0, 1);
  }
  extend(em, 0, Math.min(t.size, 8), t.isSigned);
}

/** std::stoll(s, nullptr, 0): decimal, 0x hex or 0 octal, with a sign; garbage after digits ignored. */
function parseCInteger(s: string): bigint {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) return 0n;
  const body = m[2]!;
  const v = /^0[xX]/.test(body) ? BigInt(body) : body.startsWith('0') && body.length > 1 ? BigInt('0o' + body.slice(1)) : BigInt(body);
  return m[1] === '-' ? -v : v;
}

const SIGNALS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10,
  SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGSTKFLT: 16, SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19,
  SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28,
  SIGIO: 29, SIGPWR: 30, SIGSYS: 31,
};

/** signal_name_to_num: `SIGKILL` or `KILL`. */
function signalNumber(name: string): number {
  return SIGNALS[name] ?? SIGNALS['SIG' + name] ?? -1;
}

/** The codegen pass: the typed program's maps and one BPF program per probe. */
export function codegen(program: Program, sem: CodegenSemantics, resources: ResourceResult, opts: CodegenOptions = {}): CompiledProgram {
  return new CodegenBPF(program, sem, resources, opts).compile();
}
