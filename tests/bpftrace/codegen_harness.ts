// Builds bpftrace ASTs by hand (until the parser lands), types them with the semantic analyser,
// compiles them, and loads and runs the result on bpfbox's BPF machine the way bpftrace's
// runtime uses libbpf: maps created, perf event array filled with one perf event per CPU,
// programs loaded through BPF_PROG_LOAD, run with BPF_PROG_TEST_RUN.

import type { AttachPoint, Expr, Location, MapExpr, Probe, Program, Statement, VariableExpr } from '../../src/bpftrace/ast.js';
import { Diagnostics } from '../../src/bpftrace/diagnostics.js';
import { codegen, type CompiledProgram } from '../../src/bpftrace/passes/codegen.js';
import { analyseResources } from '../../src/bpftrace/passes/resource_analyser.js';
import { analyse } from '../../src/bpftrace/passes/semantic_analyser.js';
import { parse } from '../../src/bpftrace/parse.js';
import { parseCDefinitions } from '../../src/bpftrace/clang_parser.js';
import { StandaloneHost } from '../../src/bpf/host.js';
import { relocateMapRefs } from '../../src/bpf/program.js';
import { PERF_RECORD_SAMPLE } from '../../src/bpf/maps/perf_event.js';
import { BpfSubsystem } from '../../src/bpf/syscall.js';
import type { Dialect } from '../../src/bpf/verifier/options.js';

export const L: Location = { line: 1, col: 1, endLine: 1, endCol: 2 };

export const n = (v: number | bigint): Expr => ({ kind: 'Integer', loc: L, value: BigInt(v) });
export const s = (value: string): Expr => ({ kind: 'String', loc: L, value });
export const b = (ident: string): Expr => ({ kind: 'Builtin', loc: L, ident });
export const v = (ident: string): VariableExpr => ({ kind: 'Variable', loc: L, ident });
export const m = (ident: string, ...keys: Expr[]): MapExpr => ({ kind: 'Map', loc: L, ident, keys });
export const call = (func: string, ...args: Expr[]): Expr => ({ kind: 'Call', loc: L, func, args });
export const bin = (op: string, left: Expr, right: Expr): Expr => ({ kind: 'Binop', loc: L, op, left, right }) as Expr;
export const un = (op: string, expr: Expr, isPostOp = false): Expr => ({ kind: 'Unop', loc: L, op, expr, isPostOp }) as Expr;
export const tup = (...elems: Expr[]): Expr => ({ kind: 'Tuple', loc: L, elems });
export const tern = (cond: Expr, left: Expr, right: Expr): Expr => ({ kind: 'Ternary', loc: L, cond, left, right });
export const cast = (castType: string, expr: Expr): Expr => ({ kind: 'Cast', loc: L, castType, isPointer: false, isDoublePointer: false, expr });
export const field = (expr: Expr, f: string, index = -1): Expr => ({ kind: 'FieldAccess', loc: L, expr, field: f, index });
export const pos = (k: number, isInStr = false): Expr => ({ kind: 'PositionalParameter', loc: L, ptype: 'positional', n: k, isInStr });

export const ex = (expr: Expr): Statement => ({ kind: 'ExprStatement', loc: L, expr });
export const amap = (map: MapExpr, expr: Expr): Statement => ({ kind: 'AssignMapStatement', loc: L, map, expr, compound: false });
export const avar = (variable: VariableExpr, expr: Expr): Statement => ({ kind: 'AssignVarStatement', loc: L, variable, expr, compound: false });
export const if_ = (cond: Expr, stmts: Statement[], elseStmts: Statement[] | null = null): Statement => ({ kind: 'If', loc: L, cond, stmts, elseStmts });
export const while_ = (cond: Expr, stmts: Statement[]): Statement => ({ kind: 'While', loc: L, cond, stmts });
export const unroll = (count: number, stmts: Statement[]): Statement => ({ kind: 'Unroll', loc: L, expr: n(count), count, stmts });
export const jump = (ident: 'return' | 'break' | 'continue'): Statement => ({ kind: 'Jump', loc: L, ident });

/** An attach point as the attach-point parser splits it. */
export function ap(raw: string): AttachPoint {
  const parts = raw.split(':');
  const base = { loc: L, rawInput: raw, target: '', func: '', freq: 0, funcOffset: 0, needExpansion: false };
  switch (parts[0]) {
    case 'BEGIN':
    case 'END':
      return { ...base, provider: parts[0] };
    case 'interval':
    case 'profile':
      return { ...base, provider: parts[0], target: parts[1]!, freq: Number(parts[2]) };
    case 'tracepoint':
      return { ...base, provider: 'tracepoint', target: parts[1]!, func: parts[2]! };
    default:
      return { ...base, provider: parts[0]!, func: parts[1]! };
  }
}

export const probe = (attach: string, stmts: Statement[], pred: Expr | null = null): Probe => ({
  loc: L,
  attachPoints: attach.split(',').map(ap),
  pred: pred ? { loc: L, expr: pred } : null,
  stmts,
});

/** Types the program with the semantic analyser, then runs the resource analyser and codegen. */
export function compile(probes: Probe[], params: string[] = []): CompiledProgram {
  return compileProgram({ cDefinitions: [], probes }, params);
}

/** bpftrace's passes from source text: parse, semantic analysis, resources, codegen. */
export function compileSource(source: string, params: string[] = []): CompiledProgram {
  const diags = new Diagnostics();
  const program = parse(source, diags, { positional: params });
  if (!program) throw new Error(`parse errors: ${JSON.stringify(diags.list.map((d) => d.message))}`);
  return compileProgram(program, params);
}

function compileProgram(program: Program, params: string[]): CompiledProgram {
  const diags = new Diagnostics();
  const clang = parseCDefinitions(program.cDefinitions, diags);
  if (!clang) throw new Error(`clang errors: ${JSON.stringify(diags.list.map((d) => d.message))}`);
  const sem = analyse(program, diags, { unsafe: true, positional: params, clang });
  if (!sem || diags.hasErrors) throw new Error(`semantic errors: ${JSON.stringify(diags.list.map((d) => d.message))}`);
  const res = analyseResources(program, sem.maps, diags);
  if (!res) throw new Error(`resource errors: ${JSON.stringify(diags.list.map((d) => d.message))}`);
  return codegen(program, sem, res, { params });
}

export interface Loaded {
  bpf: BpfSubsystem;
  host: MemoryHost;
  mapFds: number[];
  progFds: number[];
  logs: string[];
  /** Runs probe i once with a zeroed (or given) context; returns r0. */
  run(i: number, ctx?: Uint8Array): bigint;
  /** Every perf sample since the last call, in order. */
  records(): Uint8Array[];
  /** A map's entries: key bytes (hex) → value bytes of each CPU. */
  entries(name: string): Map<string, Uint8Array>;
}

/** A host with some kernel memory: `memory` maps an address to the bytes there. */
export class MemoryHost extends StandaloneHost {
  readonly memory = new Map<bigint, Uint8Array>();

  override readMemory(dst: Uint8Array, dstOff: number, size: number, lo: number, hi: number): boolean {
    const addr = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    for (const [base, bytes] of this.memory) {
      if (addr >= base && addr + BigInt(size) <= base + BigInt(bytes.length)) {
        dst.set(bytes.subarray(Number(addr - base), Number(addr - base) + size), dstOff);
        return true;
      }
    }
    return false;
  }
}

export function load(compiled: CompiledProgram, dialect: Dialect = '5.0', nrCpus = 1): Loaded & { host: MemoryHost } {
  const host = new MemoryHost({ nrCpus });
  const bpf = new BpfSubsystem(host, dialect);
  const mapFds = compiled.maps.map((mp) => {
    const fd = bpf.mapCreate({ mapType: mp.mapType, keySize: mp.keySize, valueSize: mp.valueSize, maxEntries: mp.kind === 'perf_event' ? nrCpus : mp.maxEntries, name: mp.bpfName });
    if (fd < 0) throw new Error(`map ${mp.name}: ${fd}`);
    return fd;
  });
  const perfFd = mapFds[compiled.perfEventMap]!;
  const events: number[] = [];
  for (let cpu = 0; cpu < nrCpus; cpu++) {
    const ev = bpf.perfEventOpen(cpu, 8);
    events.push(ev);
    const k = new Uint8Array(4);
    new DataView(k.buffer).setUint32(0, cpu, true);
    const val = new Uint8Array(4);
    new DataView(val.buffer).setUint32(0, ev, true);
    if (bpf.mapUpdateElem(perfFd, k, val) !== 0) throw new Error('perf map update');
  }
  const logs: string[] = [];
  const progFds = compiled.probes.map((p) => {
    const out = { log: '' };
    const fd = bpf.progLoad({ progType: p.progTypeId, insns: relocateMapRefs(p.insns, mapFds), license: 'GPL', name: 'bpftrace', logLevel: 1 }, out);
    logs.push(out.log);
    if (fd < 0) throw new Error(`load of ${p.name} failed (${fd}):\n${out.log}`);
    return fd;
  });
  return {
    bpf, host, mapFds, progFds, logs,
    run(i, ctx = new Uint8Array(168)) {
      const r = bpf.progTestRun(progFds[i]!, { ctx });
      if (r.err) throw new Error(`run failed: ${r.error ?? r.err}`);
      return r.retval;
    },
    records() {
      const out: Uint8Array[] = [];
      for (const fd of events) bpf.perfEventByFd(fd)!.consume((r) => r.type === PERF_RECORD_SAMPLE && out.push(r.data));
      return out;
    },
    entries(name) {
      const idx = compiled.maps.findIndex((mp) => mp.name === name);
      const fd = mapFds[idx]!;
      const map = bpf.mapByFd(fd)!;
      const res = new Map<string, Uint8Array>();
      for (const key of bpf.mapKeys(fd)) {
        const val = new Uint8Array(map.userValueSize);
        if (bpf.mapLookupElem(fd, key, val) === 0) res.set(hex(key), val);
      }
      return res;
    },
  };
}

export const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

/** Little-endian u64 bytes of v. */
export function u64(v: bigint | number): string {
  const b8 = Buffer.alloc(8);
  b8.writeBigUInt64LE(BigInt.asUintN(64, BigInt(v)));
  return b8.toString('hex');
}

export const i64At = (u: Uint8Array, off: number): bigint => Buffer.from(u).readBigInt64LE(off);
export const u64At = (u: Uint8Array, off: number): bigint => Buffer.from(u).readBigUInt64LE(off);
