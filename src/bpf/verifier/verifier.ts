// bpf_check (kernel/bpf/verifier.c): walks every path of a program with abstract register and
// stack states, and accepts the program only if no path can read an uninitialised register,
// touch memory out of bounds, leak or misuse a pointer, call a helper wrongly, loop forever or
// run past the complexity limit. The log explains each step in the chosen dialect's words.
//
// The structure follows Linux's: one function per check, named as in the kernel, so that a
// reader of verifier.c finds the same reasoning here. Differences between the dialects are the
// named switches of DialectRules, not separate code paths.

import { formatInsn } from '../disasm.js';
import {
  BPF_ABS, BPF_ADD, BPF_ALU, BPF_ALU64, BPF_AND, BPF_ARSH, BPF_ATOMIC, BPF_CALL, BPF_CLASS, BPF_CMPXCHG, BPF_DIV,
  BPF_DW, BPF_END, BPF_EXIT, BPF_TO_BE, BPF_FETCH, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JLE, BPF_JLT, BPF_JMP,
  BPF_JMP32, BPF_JNE, BPF_JSET, BPF_JSGE, BPF_JSGT, BPF_JSLE, BPF_JSLT, BPF_K, BPF_LD, BPF_LDX, BPF_LSH, BPF_MEM,
  BPF_MEMSX, BPF_MOD, BPF_MODE, BPF_MOV, BPF_MUL, BPF_NEG, BPF_OP, BPF_OR, BPF_PSEUDO_CALL, BPF_PSEUDO_MAP_FD,
  BPF_PSEUDO_MAP_VALUE, BPF_RSH, BPF_SIZE, BPF_SRC, BPF_ST, BPF_STX, BPF_SUB, BPF_X, BPF_XCHG, BPF_XOR, MAX_BPF_STACK,
  MAX_CALL_FRAMES, bpfSizeBytes, type Insn,
} from '../isa.js';
import { helperName } from '../helper_ids.js';
import { BPF_MAP_TYPE } from '../maps/map.js';
import type { ArgType, HelperProto } from '../helpers.js';
import { checkCfg, checkInsnTable, checkSubprogs, type Subprog } from './cfg.js';
import { printState50, printState6, REG_TYPE_STR_50, REG_TYPE_STR_6, VerifierLog } from './log.js';
import {
  BPF_COMPLEXITY_LIMIT_STATES, BPF_MAX_VAR_OFF,
  BPF_MAX_VAR_SIZ, BPF_MAXINSNS, DIALECTS, type Dialect, type DialectRules,
} from './options.js';
import { computeLiveRegisters, computeScc, formatLiveRegs } from './liveness.js';
import { LINKED_REGS_MAX, Precision, stackAccessFlags, type JmpHistoryEntry, type LinkedReg } from './precision.js';
import { ctxAccessOk, funcProto, mayAccessSkb, type ProgTypeName } from './prog_types.js';
import {
  REG_LIVE_DONE, REG_LIVE_NONE, REG_LIVE_READ, REG_LIVE_WRITTEN, RegState, S32_MAX, S32_MIN, S64_MAX, S64_MIN, U32_MAX, U64_MAX,
  coerceRegToSize, markRegConstZero, markRegKnown, markRegKnownZero, markRegNotInit, markRegUnbounded, markRegUnknown,
  rangeWithin, regBoundOffset, regBoundsSync6, regDeduceBounds, regNormalize, registerIsNull, sync32FromVarOff, toS64, toU64, typeMayBeNull,
  updateRegBounds, type MapInfo, type RegType,
} from './reg_state.js';
import {
  BPF_REG_SIZE, STACK_INVALID, STACK_MISC, STACK_SPILL, STACK_ZERO, FuncState, VerifierState, initFuncState, type StackSlot,
} from './state.js';
import {
  tnumAdd, tnumAnd, tnumArshift, tnumConst, tnumEqualsConst, tnumIn, tnumIntersect, tnumIsAligned, tnumIsConst,
  tnumLshift, tnumMul, tnumOr, tnumRange, tnumRshift, tnumStr, tnumSub, tnumXor, type Tnum,
} from './tnum.js';

const E2BIG = 7, EACCES = 13, EFAULT = 14, EINVAL = 22;

const MAP_TYPE_PROG_ARRAY = 3, MAP_TYPE_PERF_EVENT_ARRAY = 4, MAP_TYPE_STACK_TRACE = 7, MAP_TYPE_RINGBUF = 27;
const FUNC_TAIL_CALL = 12, FUNC_PERF_EVENT_OUTPUT = 25, FUNC_GET_STACKID = 27, FUNC_PERF_EVENT_READ = 22;
const FUNC_PERF_EVENT_READ_VALUE = 55, FUNC_GET_STACK = 67, FUNC_PROBE_READ_STR = 45;
const FUNC_RINGBUF_OUTPUT = 130, FUNC_RINGBUF_RESERVE = 131, FUNC_RINGBUF_SUBMIT = 132, FUNC_RINGBUF_DISCARD = 133, FUNC_RINGBUF_QUERY = 134;
const FUNC_PROBE_READ_USER_STR = 114, FUNC_PROBE_READ_KERNEL_STR = 115, FUNC_GET_SMP_PROCESSOR_ID = 8;
/** MAX_ERRNO: helpers fail with -1 .. -4095. */
const MAX_ERRNO = 4095n;

export interface VerifyOptions {
  progType: ProgTypeName;
  kernel?: Dialect;
  logLevel?: number;
  /** CAP_SYS_ADMIN (5.0) / CAP_BPF+CAP_PERFMON (6.x): pointer leaks, BPF-to-BPF calls, 1M insns. */
  privileged?: boolean;
  gplCompatible?: boolean;
  /** The map a pseudo ld_imm64's immediate names (the fd), or null. */
  resolveMap: (fd: number) => MapInfo | null;
  /** nr_cpu_ids, which bounds bpf_get_smp_processor_id() in 6.x. */
  nrCpus?: number;
}

/** What later stages need to know about each instruction. */
export interface InsnAux {
  seen: boolean;
  /** Pointer type an LDX/STX saw first; another type on another path is an error. */
  ptrType: RegType | null;
  /** The map a helper call on this instruction always used. */
  map: MapInfo | null;
}

export interface VerifyResult {
  ok: boolean;
  /** 0 or the positive errno bpf() fails with. */
  errno: number;
  log: string;
  /** The rejection's message, the log's last word. */
  message: string;
  processed: number;
  totalStates: number;
  peakStates: number;
  maxStatesPerInsn: number;
  subprogs: Subprog[];
  aux: InsnAux[];
}

class VerifierError extends Error {
  constructor(readonly errno: number, message: string) {
    super(message);
  }
}

type Access = 'read' | 'write';
type RegArg = 'SRC_OP' | 'DST_OP' | 'DST_OP_NO_MARK';

interface CallArgMeta {
  map: MapInfo | null;
  rawMode: boolean;
  regno: number;
  accessSize: number;
  msizeSmax: bigint;
  msizeUmax: bigint;
  refObjId: number;
  ringbufSize: bigint;
  /** The lookup key when the verifier can read it off the stack (6.x), else -1. */
  constMapKey: bigint;
}

interface StackElem {
  st: VerifierState;
  insnIdx: number;
  prevInsnIdx: number;
  logPos: number;
}

/** struct bpf_scc_visit: a walk through one loop, from the checkpoint that entered it. */
interface SccVisit {
  entry: VerifierState | null;
}

interface ExploredState {
  st: VerifierState;
  /** Times a path was pruned against this state, and times it was compared in vain (6.x). */
  hits: number;
  misses: number;
}

const CALLER_SAVED = [0, 1, 2, 3, 4, 5];
/** sizeof(struct bpf_map) on x86-64 6.x kernels, the readable extent of a map pointer. */
const BPF_MAP_STRUCT_SIZE = 256;

const ALU_STR: Record<number, string> = {
  0x00: '+=', 0x10: '-=', 0x20: '*=', 0x30: '/=', 0x40: '|=', 0x50: '&=', 0x60: '<<=', 0x70: '>>=',
  0x80: 'neg', 0x90: '%=', 0xa0: '^=', 0xb0: '=', 0xc0: 's>>=', 0xd0: 'endian',
};

export class Verifier {
  readonly d: DialectRules;
  readonly log: VerifierLog;
  readonly privileged: boolean;
  readonly allowPtrLeaks: boolean;
  private readonly n: number;
  cur: VerifierState = new VerifierState();
  private head: StackElem[] = [];
  private explored: (ExploredState[] | null)[] = [];
  insnIdx = 0;
  prevInsnIdx = -1;
  private idGen = 0;
  subprogs: Subprog[] = [];
  readonly aux: InsnAux[];
  processed = 0;
  totalStates = 0;
  peakStates = 0;
  maxStatesPerInsn = 0;
  /** explored_states_size: checkpoints kept, for peak_states. */
  private curStates = 0;
  /**
   * free_list_size: forgotten checkpoints still in memory, since paths from them are being walked
   * (their descendants' parent links lead through them); peak_states counts them too.
   */
  private freeListSize = 0;
  /** 6.x log: what the current instruction touched. */
  private scratchRegs = new Set<number>();
  private scratchSlots = new Set<number>();
  private prevLogPos = -1;
  private prevInsnLen = 0;
  private lastMessage = '';
  private jmpsProcessed = 0;
  private prevJmps = 0;
  private prevProcessed = 0;
  /** The instruction the path executed last (do_check's prev_insn_idx). */
  private lastInsn = -1;
  /** The current instruction's jump-history entry, once it has one (cur_hist_ent). */
  private curHistEnt: JmpHistoryEntry | null = null;
  private readonly precision: Precision;
  /** 6.x: registers live before each instruction (compute_live_registers). */
  private liveRegs: Uint16Array = new Uint16Array(0);
  private jmpPoint: Uint8Array = new Uint8Array(0);
  /** 6.x: the loop (strongly connected component) each instruction is in, 0 if none. */
  private scc: Int32Array = new Int32Array(0);
  private readonly sccVisits = new Map<string, SccVisit>();

  constructor(readonly insns: readonly Insn[], readonly opts: VerifyOptions) {
    this.d = DIALECTS[opts.kernel ?? '5.0'];
    this.log = new VerifierLog(opts.logLevel ?? 0);
    this.privileged = opts.privileged ?? true;
    this.allowPtrLeaks = this.privileged;
    this.n = insns.length;
    this.aux = insns.map(() => ({ seen: false, ptrType: null, map: null }));
    this.precision = new Precision({
      insns,
      logLevel: this.log.level,
      verbose: (s) => this.verbose(s),
      insnText: (idx) => this.insnTextAt(idx),
      printFrame: (st, fr) => printState6(st.frames[fr]!, st.refs),
    });
  }

  private readonly mapCache = new Map<number, MapInfo | null>();

  /** One MapInfo per map fd, so map pointers compare by identity as the kernel's do. */
  private resolveMap(fd: number): MapInfo | null {
    let m = this.mapCache.get(fd);
    if (m === undefined) {
      m = this.opts.resolveMap(fd);
      this.mapCache.set(fd, m);
    }
    return m;
  }

  /** 6.x: scalars start imprecise for privileged programs, precise for the rest. */
  private markUnknown(reg: RegState): void {
    markRegUnknown(reg, this.d.name !== '5.0' && !this.privileged);
  }

  /** __mark_reg_const_zero (6.x): a known zero scalar, imprecise when privileged. */
  private markConstZero(reg: RegState): void {
    markRegConstZero(reg);
    reg.precise = this.d.name !== '5.0' && !this.privileged;
  }

  /** mark_chain_precision, which only the 6.x dialect has. */
  private markPrecise(regno: number): void {
    if (this.d.name !== '5.0' && this.privileged && regno >= 0) this.precision.markChainPrecision(this.cur, regno);
  }

  /** propagate_precision: what the explored state `old` needed precise, `cur`'s path needs. */
  private propagatePrecision(old: VerifierState, cur: VerifierState): void {
    if (!this.privileged) return;
    const regs: number[] = [];
    const slots: bigint[] = [];
    for (let fr = old.curframe; fr >= 0; fr--) {
      const f = old.frames[fr]!;
      const names: string[] = [];
      regs[fr] = 0;
      slots[fr] = 0n;
      for (let i = 0; i < 10; i++) {
        const r = f.regs[i]!;
        if (r.type !== 'SCALAR_VALUE' || !r.precise) continue;
        regs[fr]! |= 1 << i;
        names.push(`r${i}`);
      }
      f.stack.forEach((slot, i) => {
        if (slot.slotType[BPF_REG_SIZE - 1] !== STACK_SPILL) return;
        if (slot.spilledPtr.type !== 'SCALAR_VALUE' || !slot.spilledPtr.precise) return;
        slots[fr]! |= 1n << BigInt(i);
        names.push(`fp${-(i + 1) * BPF_REG_SIZE}`);
      });
      if (names.length && this.log.level >= 2) this.verbose(`frame ${fr}: propagating ${names.join(',')}\n`);
    }
    this.precision.markBatch(cur, regs, slots);
  }

  // -------------------------------------------------------------------------------------------
  // Loops (6.x): a checkpoint inside a strongly connected component opens a visit of it, which
  // ends when every path from that checkpoint has. Linux also keeps, per visit, the states pruned
  // against checkpoints whose paths are still being walked (back-edges), to propagate marks to
  // them at the end; only open-coded iterators, may_goto and callbacks prune that way, and bpfbox
  // has none of them: a plain loop is pruned only against finished checkpoints, whose read and
  // precision marks are complete (incomplete_read_marks is false).

  /** compute_scc_callchain: the call sites leading to the loop a state is in, or null. */
  private sccCallchain(st: VerifierState): string | null {
    const sites: number[] = [];
    for (let i = 0; i <= st.curframe; i++) {
      const idx = i === st.curframe ? st.insnIdx : st.frames[i + 1]!.callsite;
      const scc = this.scc[idx] ?? 0;
      if (scc) return `(${[...sites, scc].join(',')})`;
      if (i === st.curframe) return null;
      sites.push(idx);
    }
    return null;
  }

  private maybeEnterScc(st: VerifierState): void {
    const chain = this.sccCallchain(st);
    if (chain === null) return;
    let visit = this.sccVisits.get(chain);
    if (!visit) {
      visit = { entry: null };
      this.sccVisits.set(chain, visit);
    }
    if (visit.entry) return;
    visit.entry = st;
    if (this.log.level >= 2) this.verbose(`SCC enter ${chain}\n`);
  }

  private maybeExitScc(st: VerifierState): void {
    const chain = this.sccCallchain(st);
    if (chain === null) return;
    const visit = this.sccVisits.get(chain);
    if (!visit || visit.entry !== st) return;
    if (this.log.level >= 2) this.verbose(`SCC exit ${chain}\n`);
    visit.entry = null;
  }

  /** push_jmp_history: record a spill or fill of a stack slot (or a jump) at this instruction. */
  private pushJmpHistory(flags: number, linked?: readonly LinkedReg[]): void {
    if (this.d.name === '5.0') return;
    if (this.curHistEnt) {
      this.curHistEnt.flags |= flags;
      if (linked) this.curHistEnt.linked = linked;
      return;
    }
    const e: JmpHistoryEntry = { idx: this.insnIdx, prevIdx: this.prevInsnIdx, flags };
    if (linked) e.linked = linked;
    this.cur.jmpHistory.push(e);
    this.curHistEnt = e;
  }

  // -------------------------------------------------------------------------------------------
  // Logging.

  verbose(s: string): void {
    this.log.write(s);
  }

  /** Logs `msg` (a rejection's reason) and unwinds the check with `errno`. */
  fail(errno: number, msg: string): never {
    this.lastMessage = msg;
    this.verbose(msg + '\n');
    throw new VerifierError(errno, msg);
  }

  private typeStr(t: RegType): string {
    return this.d.name === '5.0' ? REG_TYPE_STR_50[t] : REG_TYPE_STR_6[t];
  }

  private printState(st: FuncState): string {
    return this.d.name === '5.0' ? printState50(st, (f) => this.cur.frames[f]?.callsite ?? -1) : printState6(st, this.cur.refs) + '\n';
  }

  private scratchReg(r: number): void {
    this.scratchRegs.add(r);
  }

  private scratchSlot(spi: number): void {
    this.scratchSlots.add(spi);
  }

  /** print_insn_state (6.x): the registers an instruction touched, as a comment after it. */
  private printInsnState(): void {
    if (!this.scratchRegs.size && !this.scratchSlots.size) return;
    const st = printState6(this.cur.cur, this.cur.refs, { regs: this.scratchRegs, slots: this.scratchSlots });
    if (this.prevLogPos >= 0 && this.prevLogPos === this.log.pos) {
      this.log.reset(this.prevLogPos - 1);
      const p = this.prevInsnLen;
      const width = Math.ceil(Math.max(p + 4, 40) / 8) * 8 - p - 1;
      this.verbose(' '.repeat(width) + ';' + st + '\n');
    } else {
      this.verbose(`${this.insnIdx}:${st}\n`);
    }
    this.scratchRegs.clear();
    this.scratchSlots.clear();
  }

  private scratchAll(): void {
    for (let i = 0; i < 11; i++) this.scratchRegs.add(i);
    this.cur.cur.stack.forEach((_s, i) => this.scratchSlots.add(i));
  }

  // -------------------------------------------------------------------------------------------
  // Registers.

  private regs(): RegState[] {
    return this.cur.cur.regs;
  }

  /** The frame a stack pointer register points into. */
  private func(reg: RegState): FuncState {
    return this.cur.frames[reg.frameno]!;
  }

  private markRegRead(state: RegState, parent: RegState | null): void {
    let writes = parent === state.parent;
    while (parent) {
      if (writes && state.live & REG_LIVE_WRITTEN) break;
      if (parent.live & REG_LIVE_DONE) this.fail(EFAULT, `verifier BUG type ${this.typeStr(parent.type)} var_off ${parent.varOff.value} off ${parent.off}`);
      // The parentage chain never changes, so a parent marked read has its ancestors marked
      // already; walking on would make each read cost the depth of the chain (a long loop's).
      if (parent.live & REG_LIVE_READ) break;
      parent.live |= REG_LIVE_READ;
      state = parent;
      parent = state.parent;
      writes = true;
    }
  }

  checkRegArg(regno: number, t: RegArg): void {
    const regs = this.regs();
    if (regno >= 11) this.fail(EINVAL, `R${regno} is invalid`);
    this.scratchReg(regno);
    if (t === 'SRC_OP') {
      if (regs[regno]!.type === 'NOT_INIT') this.fail(EACCES, `R${regno} !read_ok`);
      if (regno !== 10) this.markRegRead(regs[regno]!, regs[regno]!.parent);
    } else {
      if (regno === 10) this.fail(EACCES, 'frame pointer is read only');
      regs[regno]!.live |= REG_LIVE_WRITTEN;
      if (t === 'DST_OP') this.markUnknown(regs[regno]!);
    }
  }

  private isPointerValue(regno: number): boolean {
    if (this.allowPtrLeaks) return false;
    return this.regs()[regno]!.type !== 'SCALAR_VALUE';
  }

  private isCtxReg(regno: number): boolean {
    return this.regs()[regno]!.type === 'PTR_TO_CTX';
  }

  // -------------------------------------------------------------------------------------------
  // The stack.

  private static isSpillable(t: RegType): boolean {
    return t !== 'SCALAR_VALUE' && t !== 'NOT_INIT';
  }

  /** check_stack_write (5.0): a store at fp+off (off < 0) of `size` bytes. Only pointers spill. */
  private checkStackWrite(state: FuncState, off: number, size: number, valueRegno: number): void {
    const slot = -off - 1;
    const spi = Math.floor(slot / BPF_REG_SIZE);
    state.growStack(Math.ceil((slot + 1) / BPF_REG_SIZE) * BPF_REG_SIZE);
    this.scratchSlot(spi);
    const st = state.stack[spi]!;
    if (!this.allowPtrLeaks && st.slotType[0] === STACK_SPILL && size !== BPF_REG_SIZE) {
      this.fail(EACCES, 'attempt to corrupt spilled pointer on stack');
    }
    const cur = this.cur.cur;
    const v = valueRegno >= 0 ? cur.regs[valueRegno]! : null;
    if (v && Verifier.isSpillable(v.type)) {
      if (size !== BPF_REG_SIZE) this.fail(EACCES, 'invalid size of register spill');
      if (state !== cur && v.type === 'PTR_TO_STACK') this.fail(EINVAL, 'cannot spill pointers to stack into stack frame of the caller');
      const parent = st.spilledPtr.parent;
      st.spilledPtr.copyFrom(v);
      st.spilledPtr.parent = parent;
      st.spilledPtr.live |= REG_LIVE_WRITTEN;
      st.slotType.fill(STACK_SPILL);
      return;
    }
    // A regular write of data destroys any spilled pointer in the slot.
    const live = st.spilledPtr.live;
    const parent = st.spilledPtr.parent;
    markRegNotInit(st.spilledPtr);
    st.spilledPtr.live = live;
    st.spilledPtr.parent = parent;
    if (st.slotType[0] === STACK_SPILL) st.slotType.fill(STACK_MISC);
    if (size === BPF_REG_SIZE) st.spilledPtr.live |= REG_LIVE_WRITTEN;
    const type = v && registerIsNull(v) ? STACK_ZERO : STACK_MISC;
    for (let i = 0; i < size; i++) st.slotType[(slot - i) % BPF_REG_SIZE] = type;
  }

  /**
   * check_stack_write_fixed_off (6.x): privileged programs spill scalars too, of any width at an
   * 8-byte aligned offset, and a stored immediate spills as a known scalar. Spills are recorded
   * in the jump history so backtracking can follow a value through the stack.
   */
  private checkStackWrite6(state: FuncState, off: number, size: number, valueRegno: number, immReg: RegState | null): void {
    const slot = -off - 1;
    const spi = Math.floor(slot / BPF_REG_SIZE);
    state.growStack(Math.ceil((slot + 1) / BPF_REG_SIZE) * BPF_REG_SIZE);
    this.scratchSlot(spi);
    const st = state.stack[spi]!;
    const spilled = st.slotType[BPF_REG_SIZE - 1] === STACK_SPILL;
    if (!this.allowPtrLeaks && spilled && st.spilledPtr.type !== 'SCALAR_VALUE' && size !== BPF_REG_SIZE) {
      this.fail(EACCES, 'attempt to corrupt spilled pointer on stack');
    }
    const cur = this.cur.cur;
    const v = valueRegno >= 0 ? cur.regs[valueRegno]! : null;
    const aligned = off % BPF_REG_SIZE === 0;
    let flags = stackAccessFlags(state.frameno, spi);
    if (v && aligned && v.type === 'SCALAR_VALUE' && this.privileged) {
      const fits = bitWidth(v.umax) <= size * 8;
      if (fits) this.assignScalarIdBeforeMov(v);
      this.saveRegisterState(st, v, size);
      // A narrowing spill no longer equals the register it came from.
      if (!fits) st.spilledPtr.id = 0;
    } else if (!v && immReg && aligned && this.privileged) {
      this.saveRegisterState(st, immReg, size);
    } else if (v && Verifier.isSpillable(v.type)) {
      if (size !== BPF_REG_SIZE) this.fail(EACCES, 'invalid size of register spill');
      if (state !== cur && v.type === 'PTR_TO_STACK') this.fail(EINVAL, 'cannot spill pointers to stack into stack frame of the caller');
      this.saveRegisterState(st, v, size);
    } else {
      // A regular write of data destroys any spilled register in the slot.
      const live = st.spilledPtr.live;
      const parent = st.spilledPtr.parent;
      markRegNotInit(st.spilledPtr);
      st.spilledPtr.live = live;
      st.spilledPtr.parent = parent;
      if (spilled) st.slotType.fill(STACK_MISC);
      if (size === BPF_REG_SIZE) st.spilledPtr.live |= REG_LIVE_WRITTEN;
      let type = STACK_MISC;
      if ((v && registerIsNull(v)) || (!v && immReg && registerIsNull(immReg))) {
        // The zero is only known while the register that held it is: make it precise.
        this.markPrecise(valueRegno);
        type = STACK_ZERO;
      }
      for (let i = 0; i < size; i++) st.slotType[(slot - i) % BPF_REG_SIZE] = type;
      flags = 0;
    }
    if (flags) this.pushJmpHistory(flags);
  }

  /** save_register_state: the register in the slot's top `size` bytes, the rest left as data. */
  private saveRegisterState(st: StackSlot, reg: RegState, size: number): void {
    const live = st.spilledPtr.live;
    const parent = st.spilledPtr.parent;
    st.spilledPtr.copyFrom(reg);
    st.spilledPtr.live = live;
    st.spilledPtr.parent = parent;
    if (size === BPF_REG_SIZE) st.spilledPtr.live |= REG_LIVE_WRITTEN;
    let i = BPF_REG_SIZE;
    for (; i > BPF_REG_SIZE - size; i--) st.slotType[i - 1] = STACK_SPILL;
    for (; i; i--) {
      const t = st.slotType[i - 1]!;
      if (t === STACK_ZERO || (t === STACK_INVALID && this.allowPtrLeaks)) continue;
      st.slotType[i - 1] = STACK_MISC;
    }
  }

  /** assign_scalar_id_before_mov: link a copy to its source so a later bounds check refines both. */
  private assignScalarIdBeforeMov(src: RegState): void {
    if (src.type !== 'SCALAR_VALUE') return;
    // A copy of `rY + K` cannot carry a second constant: the link to rY is dropped.
    if (src.addConst) {
      src.id = 0;
      src.off = 0;
      src.addConst = false;
    }
    if (!src.id && !tnumIsConst(src.varOff)) src.id = ++this.idGen;
  }

  /**
   * check_stack_read_fixed_off (6.x): a fill restores the spilled register, a narrow one from the
   * slot's low bytes too; reading data gives an unknown scalar, reading zeros a zero.
   */
  private checkStackRead6(regState: FuncState, off: number, size: number, valueRegno: number): void {
    const state = this.cur.cur;
    const slot = -off - 1;
    const spi = Math.floor(slot / BPF_REG_SIZE);
    this.scratchSlot(spi);
    const uninitOk = this.d.uninitStackReads && this.privileged;
    if (regState.allocatedStack <= slot) {
      if (!uninitOk) this.fail(EACCES, `invalid read from stack off ${off}+0 size ${size}`);
      if (valueRegno >= 0) {
        this.markUnknown(state.regs[valueRegno]!);
        state.regs[valueRegno]!.live |= REG_LIVE_WRITTEN;
      }
      return;
    }
    const st = regState.stack[spi]!;
    const stype = st.slotType;
    const reg = st.spilledPtr;
    let flags = stackAccessFlags(regState.frameno, spi);
    if (stype[BPF_REG_SIZE - 1] === STACK_SPILL) {
      let spillSize = 1;
      for (let i = BPF_REG_SIZE - 1; i > 0 && stype[i - 1] === STACK_SPILL; i--) spillSize++;
      if (size !== BPF_REG_SIZE || spillSize !== BPF_REG_SIZE) {
        if (reg.type !== 'SCALAR_VALUE') this.fail(EACCES, 'invalid size of register fill');
        this.markRegRead(reg, reg.parent);
        if (valueRegno < 0) return;
        const r = state.regs[valueRegno]!;
        if (size <= spillSize && off % BPF_REG_SIZE === 0) {
          copyRegisterState(r, reg);
          if (bitWidth(reg.umax) > size * 8) r.id = 0;
        } else {
          let spills = 0;
          let zeros = 0;
          for (let i = 0; i < size; i++) {
            const t = stype[(slot - i) % BPF_REG_SIZE];
            if (t === STACK_SPILL) spills++;
            else if (t === STACK_ZERO) zeros++;
            else if (t !== STACK_MISC && !(t === STACK_INVALID && uninitOk)) this.fail(EACCES, `invalid read from stack off ${off}+${i} size ${size}`);
          }
          if (spills === size && tnumIsConst(reg.varOff) && reg.varOff.value === 0n) {
            this.markConstZero(r);
          } else if (zeros === size) {
            this.markConstZero(r);
            flags = 0;
          } else {
            this.markUnknown(r);
            flags = 0;
          }
        }
        r.live |= REG_LIVE_WRITTEN;
      } else if (valueRegno >= 0) {
        copyRegisterState(state.regs[valueRegno]!, reg);
        state.regs[valueRegno]!.live |= REG_LIVE_WRITTEN;
        this.markRegRead(reg, reg.parent);
      } else {
        if (reg.type !== 'SCALAR_VALUE' && !this.allowPtrLeaks) this.fail(EACCES, `leaking pointer from stack off ${off}`);
        this.markRegRead(reg, reg.parent);
      }
    } else {
      let zeros = 0;
      for (let i = 0; i < size; i++) {
        const t = stype[(slot - i) % BPF_REG_SIZE];
        if (t === STACK_MISC) continue;
        if (t === STACK_ZERO) {
          zeros++;
          continue;
        }
        if (t === STACK_INVALID && uninitOk) continue;
        this.fail(EACCES, `invalid read from stack off ${off}+${i} size ${size}`);
      }
      this.markRegRead(reg, reg.parent);
      if (valueRegno >= 0) {
        const r = state.regs[valueRegno]!;
        if (zeros === size) this.markConstZero(r);
        else this.markUnknown(r);
        r.live |= REG_LIVE_WRITTEN;
      }
      flags = 0;
    }
    if (flags) this.pushJmpHistory(flags);
  }

  /** check_stack_read (5.0): a load of `size` bytes at fp+off into valueRegno (-1: nowhere). */
  private checkStackRead(regState: FuncState, off: number, size: number, valueRegno: number): void {
    const state = this.cur.cur;
    const slot = -off - 1;
    const spi = Math.floor(slot / BPF_REG_SIZE);
    this.scratchSlot(spi);
    if (regState.allocatedStack <= slot) {
      this.fail(EACCES, `invalid read from stack off ${off}+0 size ${size}`);
    }
    const st = regState.stack[spi]!;
    const stype = st.slotType;
    if (stype[0] === STACK_SPILL) {
      if (size !== BPF_REG_SIZE) this.fail(EACCES, 'invalid size of register spill');
      for (let i = 1; i < BPF_REG_SIZE; i++) {
        if (stype[(slot - i) % BPF_REG_SIZE] !== STACK_SPILL) this.fail(EACCES, 'corrupted spill memory');
      }
      if (valueRegno >= 0) {
        const r = state.regs[valueRegno]!;
        const parent = r.parent;
        r.copyFrom(st.spilledPtr);
        r.parent = parent;
        r.live |= REG_LIVE_WRITTEN;
      }
      this.markRegRead(st.spilledPtr, st.spilledPtr.parent);
      return;
    }
    let zeros = 0;
    for (let i = 0; i < size; i++) {
      const t = stype[(slot - i) % BPF_REG_SIZE];
      if (t === STACK_MISC) continue;
      if (t === STACK_ZERO) {
        zeros++;
        continue;
      }
      this.fail(EACCES, `invalid read from stack off ${off}+${i} size ${size}`);
    }
    this.markRegRead(st.spilledPtr, st.spilledPtr.parent);
    if (valueRegno >= 0) {
      const r = state.regs[valueRegno]!;
      if (zeros === size) this.markConstZero(r);
      else this.markUnknown(r);
      r.live |= REG_LIVE_WRITTEN;
    }
  }

  /**
   * check_stack_access: inside the 512-byte frame. 5.0 wants a fixed offset; 6.x lets a
   * privileged program use a variable one whose whole range is inside. Returns the range of
   * bytes the access may touch, [min, max).
   */
  private checkStackAccess(reg: RegState, regno: number, off: number, size: number, t: Access): [number, number] {
    const rw = t === 'read' ? 'read from' : 'write to';
    if (!tnumIsConst(reg.varOff)) {
      if (this.d.name === '5.0' || !this.privileged) {
        this.fail(EACCES, `variable stack access var_off=${tnumStr(reg.varOff)} off=${off} size=${size}`);
      }
      const lim = BigInt(BPF_MAX_VAR_OFF);
      if (reg.smax >= lim || reg.smin <= -lim) this.fail(EACCES, `invalid unbounded variable-offset ${rw} stack R${regno}`);
      const min = Number(reg.smin) + off;
      const max = Number(reg.smax) + off + size;
      if (min < -MAX_BPF_STACK || max > 0) {
        this.fail(EACCES, `invalid variable-offset ${rw} stack R${regno} var_off=${tnumStr(reg.varOff)} off=${off} size=${size}`);
      }
      return [min, max];
    }
    const o = off + Number(toS64(reg.varOff.value));
    if (o >= 0 || o < this.minValidStackOff(reg, t) || (this.d.name !== '5.0' && o + size > 0)) {
      if (this.d.name === '5.0') this.fail(EACCES, `invalid stack off=${o} size=${size}`);
      this.fail(EACCES, `invalid ${rw} stack R${regno} off=${off} size=${size}`);
    }
    return [o, o + size];
  }

  /**
   * check_stack_slot_within_bounds: 6.x lets a program without CAP_BPF read only the stack it has
   * written (allocated_stack), so such a read fails the bounds check, not the slot check.
   */
  private minValidStackOff(reg: RegState, t: Access): number {
    if (this.d.name === '5.0' || t === 'write' || this.privileged) return -MAX_BPF_STACK;
    return -this.func(reg).allocatedStack;
  }

  /** A variable-offset stack read (6.x): every byte it may read initialised; an unknown result. */
  private checkStackReadVarOff(state: FuncState, min: number, max: number, valueRegno: number, regno: number): void {
    // 6.x's log shows the slot the range starts in.
    this.scratchSlot(Math.floor((-min - 1) / BPF_REG_SIZE));
    for (let o = min; o < max; o++) {
      const slot = -o - 1;
      const spi = Math.floor(slot / BPF_REG_SIZE);
      const t = spi < state.stack.length ? state.stack[spi]!.slotType[slot % BPF_REG_SIZE] : STACK_INVALID;
      if (t === STACK_INVALID && !this.d.uninitStackReads) {
        this.fail(EACCES, `invalid read from stack R${regno} off ${min}+${o - min} size ${max - min}`);
      }
      if (spi < state.stack.length) this.markRegRead(state.stack[spi]!.spilledPtr, state.stack[spi]!.spilledPtr.parent);
    }
    if (valueRegno >= 0) {
      this.markUnknown(this.regs()[valueRegno]!);
      this.regs()[valueRegno]!.live |= REG_LIVE_WRITTEN;
    }
  }

  /** A variable-offset stack write (6.x): every byte it may hit becomes unknown data. */
  private checkStackWriteVarOff(state: FuncState, min: number, max: number): void {
    state.growStack(-min);
    for (let o = min; o < max; o++) {
      const slot = -o - 1;
      const st = state.stack[Math.floor(slot / BPF_REG_SIZE)]!;
      if (st.slotType[0] === STACK_SPILL) {
        markRegNotInit(st.spilledPtr);
        st.slotType.fill(STACK_MISC);
      }
      if (st.slotType[slot % BPF_REG_SIZE] !== STACK_INVALID || this.d.uninitStackReads) st.slotType[slot % BPF_REG_SIZE] = STACK_MISC;
    }
  }

  private updateStackDepth(func: FuncState, off: number): void {
    const sp = this.subprogs[func.subprogno]!;
    if (sp.stackDepth < -off) sp.stackDepth = -off;
  }

  /**
   * check_max_stack_depth: the frames of the deepest call chain fit in 512 bytes. 6.x gives a
   * tracing program's function of 64 bytes or more a private stack of its own, outside the sum.
   */
  private checkMaxStackDepth(): void {
    const depthOf = (idx: number): number => Math.ceil(Math.max(this.subprogs[idx]!.stackDepth, 1) / 32) * 32;
    const privStack = this.d.name !== '5.0' && this.opts.progType !== 'socket_filter';
    const walk = (idx: number, frame: number, depth: number): void => {
      if (!(privStack && this.subprogs[idx]!.stackDepth >= 64)) depth += depthOf(idx);
      if (depth > MAX_BPF_STACK) this.fail(EACCES, `combined stack size of ${frame + 1} calls is ${depth}. Too large`);
      const end = this.subprogs[idx + 1]?.start ?? this.n;
      for (let i = this.subprogs[idx]!.start; i < end; i++) {
        const insn = this.insns[i]!;
        if (insn.code !== (BPF_JMP | BPF_CALL) || insn.src !== BPF_PSEUDO_CALL) continue;
        const callee = this.subprogs.findIndex((s) => s.start === i + insn.imm + 1);
        if (frame + 1 >= MAX_CALL_FRAMES) this.fail(EFAULT, `the call stack of ${frame + 2} frames is too deep`);
        walk(callee, frame + 1, depth);
      }
    };
    walk(0, 0, 0);
  }

  // -------------------------------------------------------------------------------------------
  // Memory access.

  /**
   * check_map_access: every offset the register may hold stays inside value_size. A bad bound
   * logs __check_map_access's line, then fails with the summary that names the register.
   */
  private checkMapAccess(regno: number, off: number, size: number, zeroSizeAllowed: boolean): void {
    const state = this.cur.cur;
    const reg = state.regs[regno]!;
    const map = reg.map!;
    if (this.d.name === '5.0' && this.log.enabled) this.verbose(this.printState(state));
    const describe = (o: bigint): string => `invalid access to map value, value_size=${map.valueSize} off=${o} size=${size}`;
    this.checkRegionAccess(regno, off, size, map.valueSize, zeroSizeAllowed, describe, this.d.name === '5.0' ? 'array range' : 'allowed memory range');
  }

  /** check_mem_region_access: min and max of the register's offset both inside [0, memSize). */
  private checkRegionAccess(regno: number, off: number, size: number, memSize: number, zeroSizeAllowed: boolean, describe: (o: bigint) => string, rangeWord: string): void {
    const reg = this.regs()[regno]!;
    const bad = (o: bigint): boolean => o < 0n || size < 0 || (size === 0 && !zeroSizeAllowed) || o + BigInt(size) > BigInt(memSize);
    const o = BigInt(off);
    if (reg.smin < 0n && (reg.smin === S64_MIN || o + reg.smin !== BigInt.asIntN(32, o + reg.smin) || reg.smin + o < 0n)) {
      this.fail(EACCES, `R${regno} min value is negative, either use unsigned index or do a if (index >=0) check.`);
    }
    if (bad(reg.smin + o)) {
      this.verbose(describe(reg.smin + o) + '\n');
      this.fail(EACCES, `R${regno} min value is outside of the ${rangeWord}`);
    }
    if (reg.umax >= BigInt(BPF_MAX_VAR_OFF)) {
      this.fail(EACCES, this.d.name === '5.0'
        ? `R${regno} unbounded memory access, make sure to bounds check any array access into a map`
        : `R${regno} unbounded memory access, make sure to bounds check any such access`);
    }
    if (bad(reg.umax + o)) {
      this.verbose(describe(reg.umax + o) + '\n');
      this.fail(EACCES, `R${regno} max value is outside of the ${rangeWord}`);
    }
  }

  /** The bounds check of a ringbuf record. */
  private checkRingbufAccess(regno: number, off: number, size: number, zeroSizeAllowed: boolean): void {
    const memSize = this.regs()[regno]!.range;
    const describe = (o: bigint): string => `invalid access to memory, mem_size=${memSize} off=${o} size=${size}`;
    this.checkRegionAccess(regno, off, size, memSize, zeroSizeAllowed, describe, 'allowed memory range');
  }

  /** check_ctx_access: the program type decides which bytes of the context are readable. */
  private checkCtxAccess(off: number, size: number, t: Access): void {
    if (ctxAccessOk(this.opts.progType, off, size, t === 'write', this.d.name)) return;
    this.fail(EACCES, `invalid bpf_context access off=${off} size=${size}`);
  }

  private checkCtxReg(reg: RegState, regno: number): void {
    if (reg.off) this.fail(EACCES, `dereference of modified ctx ptr R${regno} off=${reg.off} disallowed`);
    if (!tnumIsConst(reg.varOff) || reg.varOff.value) {
      this.fail(EACCES, `variable ctx access var_off=${tnumStr(reg.varOff)} disallowed`);
    }
  }

  /** check_ptr_alignment: stack accesses must be aligned; x86-64 allows the rest unaligned. */
  private checkPtrAlignment(reg: RegState, off: number, size: number, strictOnce: boolean): void {
    let strict = strictOnce;
    let desc = '';
    switch (reg.type) {
      case 'PTR_TO_MAP_VALUE': desc = 'value '; break;
      case 'PTR_TO_CTX': desc = 'context '; break;
      case 'PTR_TO_STACK': desc = 'stack '; strict = true; break;
      default: break;
    }
    if (!strict || size === 1) return;
    const regOff = tnumAdd(reg.varOff, tnumConst(BigInt(reg.off + off)));
    if (!tnumIsAligned(regOff, size)) {
      // 6.x writes a known variable offset as its value, 5.0 always as the tnum.
      const vo = this.d.name !== '5.0' && tnumIsConst(reg.varOff) ? String(toS64(reg.varOff.value)) : tnumStr(reg.varOff);
      this.fail(EACCES, `misaligned ${desc}access off ${vo}+${reg.off}+${off} size ${size}`);
    }
  }

  /**
   * check_mem_access: a load or store of `bpfSize` at regno+off. For a read, valueRegno gets the
   * loaded value's state; for a write it is the stored register (-1 for an immediate).
   */
  checkMemAccess(regno: number, off: number, bpfSize: number, t: Access, valueRegno: number, strictOnce: boolean, signExt = false, immReg: RegState | null = null): void {
    const regs = this.regs();
    const reg = regs[regno]!;
    const size = bpfSizeBytes(bpfSize);
    this.checkPtrAlignment(reg, off, size, strictOnce);
    off += reg.off;
    if (reg.type === 'PTR_TO_MAP_VALUE') {
      if (t === 'write' && valueRegno >= 0 && this.isPointerValue(valueRegno)) this.fail(EACCES, `R${valueRegno} leaks addr into map`);
      this.checkMapAccess(regno, off, size, false);
      if (t === 'read' && valueRegno >= 0) this.markUnknown(regs[valueRegno]!);
    } else if (reg.type === 'PTR_TO_RINGBUF_MEM') {
      if (t === 'write' && valueRegno >= 0 && this.isPointerValue(valueRegno)) this.fail(EACCES, `R${valueRegno} leaks addr into mem`);
      this.checkRingbufAccess(regno, off, size, false);
      if (t === 'read' && valueRegno >= 0) this.markUnknown(regs[valueRegno]!);
    } else if (reg.type === 'PTR_TO_CTX') {
      if (t === 'write' && valueRegno >= 0 && this.isPointerValue(valueRegno)) this.fail(EACCES, `R${valueRegno} leaks addr into ctx`);
      this.checkCtxReg(reg, regno);
      this.checkCtxAccess(off, size, t);
      if (t === 'read' && valueRegno >= 0) this.markUnknown(regs[valueRegno]!);
    } else if (reg.type === 'PTR_TO_STACK') {
      const [min, max] = this.checkStackAccess(reg, regno, off, size, t);
      const state = this.func(reg);
      this.updateStackDepth(state, min);
      if (!tnumIsConst(reg.varOff)) {
        if (t === 'write') this.checkStackWriteVarOff(state, min, max);
        else this.checkStackReadVarOff(state, min, max, valueRegno, regno);
      } else if (this.d.name !== '5.0') {
        if (t === 'write') this.checkStackWrite6(state, min, size, valueRegno, immReg);
        else this.checkStackRead6(state, min, size, valueRegno);
      } else if (t === 'write') {
        this.checkStackWrite(state, min, size, valueRegno);
      } else {
        this.checkStackRead(state, min, size, valueRegno);
      }
    } else if (reg.type === 'CONST_PTR_TO_MAP' && this.d.name !== '5.0' && this.privileged) {
      // 6.x reads struct bpf_map's fields through BTF; writes are refused.
      if (t === 'write') this.fail(EACCES, 'only read from bpf_map is supported');
      if (off < 0 || off + size > BPF_MAP_STRUCT_SIZE) this.fail(EACCES, `access beyond struct bpf_map at off ${off} size ${size}`);
      if (valueRegno >= 0) this.markUnknown(regs[valueRegno]!);
    } else {
      this.fail(EACCES, `R${regno} invalid mem access '${this.typeStr(reg.type)}'`);
    }
    if (size < BPF_REG_SIZE && valueRegno >= 0 && t === 'read' && regs[valueRegno]!.type === 'SCALAR_VALUE') {
      const r = regs[valueRegno]!;
      if (signExt) {
        coerceSext(r, size);
      } else {
        coerceRegToSize(r, size);
      }
      if (this.d.sub32) sync32FromVarOff(r);
    }
  }

  /** check_xadd (5.0) / check_atomic (6.x). */
  private checkAtomic(insn: Insn): void {
    const imm = insn.imm;
    if (!this.d.atomics) {
      if ((BPF_SIZE(insn.code) !== 0 && BPF_SIZE(insn.code) !== BPF_DW) || imm !== 0) this.fail(EINVAL, 'BPF_XADD uses reserved fields');
    } else {
      const ok = [BPF_ADD, BPF_ADD | BPF_FETCH, BPF_AND, BPF_AND | BPF_FETCH, BPF_OR, BPF_OR | BPF_FETCH, BPF_XOR, BPF_XOR | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG];
      if (!ok.includes(imm)) this.fail(EINVAL, `BPF_ATOMIC uses invalid atomic opcode ${(imm >>> 0).toString(16).padStart(2, '0')}`);
      if (BPF_SIZE(insn.code) !== 0 && BPF_SIZE(insn.code) !== BPF_DW) this.fail(EINVAL, 'invalid atomic operand size');
    }
    this.checkRegArg(insn.src, 'SRC_OP');
    this.checkRegArg(insn.dst, 'SRC_OP');
    if (imm === BPF_CMPXCHG) {
      this.checkRegArg(0, 'SRC_OP');
      if (this.isPointerValue(0)) this.fail(EACCES, 'R0 leaks addr into mem');
    }
    if (this.isPointerValue(insn.src)) this.fail(EACCES, `R${insn.src} leaks addr into mem`);
    const dstType = this.regs()[insn.dst]!.type;
    if (dstType === 'PTR_TO_CTX') {
      this.fail(EACCES, this.d.name === '5.0'
        ? `BPF_XADD stores into R${insn.dst} ${this.typeStr(dstType)} is not allowed`
        : `BPF_ATOMIC stores into R${insn.dst} ${this.typeStr(dstType)} is not allowed`);
    }
    const fetch = this.d.atomics && (imm & BPF_FETCH) !== 0;
    const loadReg = imm === BPF_CMPXCHG ? 0 : fetch ? insn.src : -1;
    const size = BPF_SIZE(insn.code);
    this.checkMemAccess(insn.dst, insn.off, size, 'read', loadReg, true);
    this.checkMemAccess(insn.dst, insn.off, size, 'write', -1, true);
  }

  /**
   * check_stack_boundary: a helper reads (or, in raw mode, writes) `accessSize` bytes from the
   * stack pointer in regno; every byte must be initialised unless the helper only writes.
   */
  private checkStackBoundary(regno: number, accessSize: number, zeroSizeAllowed: boolean, meta: CallArgMeta | null): void {
    const reg = this.regs()[regno]!;
    if (reg.type !== 'PTR_TO_STACK') {
      if (zeroSizeAllowed && accessSize === 0 && registerIsNull(reg)) return;
      this.fail(EACCES, this.d.name === '5.0'
        ? `R${regno} type=${this.typeStr(reg.type)} expected=${this.typeStr('PTR_TO_STACK')}`
        : `R${regno} type=${this.typeStr(reg.type)} expected=fp`);
    }
    const state = this.func(reg);
    if (!tnumIsConst(reg.varOff)) {
      this.fail(EACCES, `invalid variable stack read R${regno} var_off=${tnumStr(reg.varOff)}`);
    }
    const off = reg.off + Number(BigInt.asIntN(64, reg.varOff.value));
    const minOff = this.minValidStackOff(reg, meta?.rawMode ? 'write' : 'read');
    if (off >= 0 || off < minOff || off + accessSize > 0 || accessSize < 0 || (accessSize === 0 && !zeroSizeAllowed)) {
      this.fail(EACCES, this.d.name === '5.0'
        ? `invalid stack type R${regno} off=${off} access_size=${accessSize}`
        : `invalid ${meta?.rawMode ? 'write to' : 'read from'} stack R${regno} off=${off} size=${accessSize}`);
    }
    if (meta && meta.rawMode) {
      meta.accessSize = accessSize;
      meta.regno = regno;
      return;
    }
    for (let i = 0; i < accessSize; i++) {
      const slot = -(off + i) - 1;
      const spi = Math.floor(slot / BPF_REG_SIZE);
      let ok = false;
      if (state.allocatedStack > slot) {
        const st = state.stack[spi]!;
        const t = st.slotType[slot % BPF_REG_SIZE];
        if (t === STACK_MISC) ok = true;
        else if (t === STACK_ZERO) {
          // 5.0 assumes the helper may overwrite what it reads; 6.x keeps the zero.
          if (this.d.name === '5.0') st.slotType[slot % BPF_REG_SIZE] = STACK_MISC;
          ok = true;
        } else if (t === STACK_SPILL && this.d.name !== '5.0' && st.spilledPtr.type === 'SCALAR_VALUE') {
          ok = true;
        } else if (t === STACK_SPILL && this.d.name !== '5.0' && this.allowPtrLeaks) {
          ok = true;
        }
        if (ok) this.markRegRead(st.spilledPtr, st.spilledPtr.parent);
      }
      if (!ok && this.d.uninitStackReads && this.privileged) ok = true;
      if (!ok) {
        this.fail(EACCES, this.d.name === '5.0'
          ? `invalid indirect read from stack off ${off}+${i} size ${accessSize}`
          : `invalid read from stack R${regno} off ${off}+${i} size ${accessSize}`);
      }
    }
    this.updateStackDepth(state, off);
  }

  /**
   * get_constant_map_key (6.x, privileged): the key's bytes are zeros the verifier tracked, or a
   * spill of a known scalar exactly key_size wide. Otherwise -1.
   */
  private constantMapKey(key: RegState, keySize: number): bigint {
    if (!this.privileged || key.type !== 'PTR_TO_STACK' || !tnumIsConst(key.varOff)) return -1n;
    const stackOff = key.off + Number(toS64(key.varOff.value));
    const slot = -stackOff - 1;
    const spi = Math.floor(slot / BPF_REG_SIZE);
    const st = this.func(key).stack[spi];
    if (!st) return -1n;
    const off = slot % BPF_REG_SIZE;
    let zeros = 0;
    for (let i = off; i >= 0 && st.slotType[i] === STACK_ZERO; i--) zeros++;
    if (zeros >= keySize) return 0n;
    if (st.slotType[BPF_REG_SIZE - 1] !== STACK_SPILL || st.spilledPtr.type !== 'SCALAR_VALUE') return -1n;
    let spilled = 0;
    for (let i = off; i >= 0 && st.slotType[i] === STACK_SPILL; i--) spilled++;
    if (spilled !== keySize || !tnumIsConst(st.spilledPtr.varOff)) return -1n;
    // The lookup's result now depends on the key's value: it must be precise.
    const slots: bigint[] = [];
    slots[key.frameno] = 1n << BigInt(spi);
    this.precision.markBatch(this.cur, [], slots);
    return st.spilledPtr.varOff.value;
  }

  private checkHelperMemAccess(regno: number, accessSize: number, zeroSizeAllowed: boolean, meta: CallArgMeta | null): void {
    const reg = this.regs()[regno]!;
    switch (reg.type) {
      case 'PTR_TO_MAP_VALUE':
        this.checkMapAccess(regno, reg.off, accessSize, zeroSizeAllowed);
        return;
      case 'PTR_TO_RINGBUF_MEM':
        this.checkRingbufAccess(regno, reg.off, accessSize, zeroSizeAllowed);
        return;
      default:
        this.checkStackBoundary(regno, accessSize, zeroSizeAllowed, meta);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Helper calls.

  private static argIsMemPtr(t: ArgType): boolean {
    return t === 'ARG_PTR_TO_MEM' || t === 'ARG_PTR_TO_MEM_OR_NULL' || t === 'ARG_PTR_TO_UNINIT_MEM';
  }

  private static argIsMemSize(t: ArgType): boolean {
    return t === 'ARG_CONST_SIZE' || t === 'ARG_CONST_SIZE_OR_ZERO';
  }

  /** The "expected=" list 6.x prints for an argument type. */
  private static expected6(t: ArgType): string {
    switch (t) {
      case 'ARG_PTR_TO_MAP_KEY':
      case 'ARG_PTR_TO_MAP_VALUE':
      case 'ARG_PTR_TO_MEM':
      case 'ARG_PTR_TO_MEM_OR_NULL':
      case 'ARG_PTR_TO_UNINIT_MEM':
        return 'fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_';
      case 'ARG_CONST_SIZE':
      case 'ARG_CONST_SIZE_OR_ZERO':
        return 'scalar';
      case 'ARG_CONST_MAP_PTR':
        return 'map_ptr';
      case 'ARG_PTR_TO_CTX':
        return 'ctx';
      case 'ARG_PTR_TO_ALLOC_MEM':
        return 'ringbuf_mem';
      default:
        return '?';
    }
  }

  /** check_func_arg: one argument register against its prototype type. */
  private checkFuncArg(regno: number, argType: ArgType, meta: CallArgMeta): void {
    const regs = this.regs();
    const reg = regs[regno]!;
    if (argType === 'ARG_DONTCARE') return;
    this.checkRegArg(regno, 'SRC_OP');
    if (argType === 'ARG_ANYTHING') {
      if (this.isPointerValue(regno)) this.fail(EACCES, `R${regno} leaks addr into helper function`);
      return;
    }
    const type = reg.type;
    let expected: RegType;
    const errType = (): never =>
      this.fail(EACCES, this.d.name === '5.0'
        ? `R${regno} type=${this.typeStr(type)} expected=${this.typeStr(expected)}`
        : `R${regno} type=${this.typeStr(type)} expected=${Verifier.expected6(argType)}`);
    if (argType === 'ARG_PTR_TO_MAP_KEY' || argType === 'ARG_PTR_TO_MAP_VALUE' || argType === 'ARG_PTR_TO_UNINIT_MAP_VALUE') {
      expected = 'PTR_TO_STACK';
      if (type !== 'PTR_TO_MAP_VALUE' && type !== expected) errType();
    } else if (Verifier.argIsMemSize(argType)) {
      expected = 'SCALAR_VALUE';
      if (type !== expected) errType();
    } else if (argType === 'ARG_CONST_MAP_PTR') {
      expected = 'CONST_PTR_TO_MAP';
      if (type !== expected) errType();
    } else if (argType === 'ARG_PTR_TO_CTX') {
      expected = 'PTR_TO_CTX';
      if (type !== expected) errType();
      this.checkCtxReg(reg, regno);
    } else if (argType === 'ARG_PTR_TO_ALLOC_MEM') {
      expected = 'PTR_TO_RINGBUF_MEM';
      if (type !== expected) errType();
      if (reg.off !== 0 || !tnumEqualsConst(reg.varOff, 0n)) {
        this.fail(EACCES, `R${regno} must have zero offset when passed to release func`);
      }
      meta.refObjId = reg.refObjId;
    } else if (argType === 'ARG_CONST_ALLOC_SIZE_OR_ZERO') {
      expected = 'SCALAR_VALUE';
      if (type !== expected) errType();
      if (!tnumIsConst(reg.varOff)) this.fail(EACCES, `R${regno} is not a known constant'`);
      meta.ringbufSize = reg.varOff.value;
      this.markPrecise(regno);
      return;
    } else if (Verifier.argIsMemPtr(argType)) {
      expected = 'PTR_TO_STACK';
      if (registerIsNull(reg) && argType === 'ARG_PTR_TO_MEM_OR_NULL') {
        // The final test happens in check_stack_boundary.
      } else if (type !== 'PTR_TO_MAP_VALUE' && type !== expected && !(this.d.name !== '5.0' && type === 'PTR_TO_RINGBUF_MEM')) {
        errType();
      }
      meta.rawMode = argType === 'ARG_PTR_TO_UNINIT_MEM';
    } else {
      this.fail(EFAULT, `unsupported arg_type ${argType}`);
    }

    if (argType === 'ARG_CONST_MAP_PTR') {
      meta.map = reg.map;
    } else if (argType === 'ARG_PTR_TO_MAP_KEY') {
      if (!meta.map) this.fail(EACCES, 'invalid map_ptr to access map->key');
      this.checkHelperMemAccess(regno, meta.map.keySize, false, null);
      if (this.d.name !== '5.0' && (meta.map.type === BPF_MAP_TYPE.array || meta.map.type === BPF_MAP_TYPE.percpu_array)) {
        meta.constMapKey = this.constantMapKey(reg, meta.map.keySize);
      }
    } else if (argType === 'ARG_PTR_TO_MAP_VALUE' || argType === 'ARG_PTR_TO_UNINIT_MAP_VALUE') {
      if (!meta.map) this.fail(EACCES, 'invalid map_ptr to access map->value');
      meta.rawMode = argType === 'ARG_PTR_TO_UNINIT_MAP_VALUE';
      this.checkHelperMemAccess(regno, meta.map.valueSize, false, meta);
    } else if (Verifier.argIsMemSize(argType)) {
      const zeroSizeAllowed = argType === 'ARG_CONST_SIZE_OR_ZERO';
      meta.msizeSmax = reg.smax;
      meta.msizeUmax = reg.umax;
      // A variable size means the helper may fill only part: the program must initialise it all.
      const m: CallArgMeta | null = tnumIsConst(reg.varOff) ? meta : null;
      if (reg.smin < 0n) this.fail(EACCES, `R${regno} min value is negative, either use unsigned or 'var &= const'`);
      if (reg.umin === 0n && !zeroSizeAllowed && this.d.name !== '5.0') {
        this.fail(EACCES, `R${regno} invalid zero-sized read: u64=[${reg.umin},${reg.umax}]`);
      }
      if (reg.umin === 0n) this.checkHelperMemAccess(regno - 1, 0, zeroSizeAllowed, m);
      if (reg.umax >= BigInt(BPF_MAX_VAR_SIZ)) this.fail(EACCES, `R${regno} unbounded memory access, use 'var &= const' or 'if (var < const)'`);
      this.checkHelperMemAccess(regno - 1, Number(reg.umax), zeroSizeAllowed, m);
      this.markPrecise(regno);
    }
  }

  /** check_map_func_compatibility: special maps go with their own helpers only. */
  private checkMapFuncCompatibility(map: MapInfo | null, funcId: number): void {
    if (!map) return;
    const bad = (): never =>
      this.fail(EINVAL, `cannot pass map_type ${map.type} into func ${helperName(funcId) ?? 'unknown'}#${funcId}`);
    switch (map.type) {
      case MAP_TYPE_PROG_ARRAY:
        if (funcId !== FUNC_TAIL_CALL) bad();
        break;
      case MAP_TYPE_PERF_EVENT_ARRAY:
        if (funcId !== FUNC_PERF_EVENT_READ && funcId !== FUNC_PERF_EVENT_OUTPUT && funcId !== FUNC_PERF_EVENT_READ_VALUE) bad();
        break;
      case MAP_TYPE_STACK_TRACE:
        if (funcId !== FUNC_GET_STACKID) bad();
        break;
      case MAP_TYPE_RINGBUF:
        if (funcId !== FUNC_RINGBUF_OUTPUT && funcId !== FUNC_RINGBUF_RESERVE && funcId !== FUNC_RINGBUF_QUERY) bad();
        break;
    }
    switch (funcId) {
      case FUNC_TAIL_CALL:
        if (map.type !== MAP_TYPE_PROG_ARRAY) bad();
        break;
      case FUNC_PERF_EVENT_READ:
      case FUNC_PERF_EVENT_OUTPUT:
      case FUNC_PERF_EVENT_READ_VALUE:
        if (map.type !== MAP_TYPE_PERF_EVENT_ARRAY) bad();
        break;
      case FUNC_GET_STACKID:
        if (map.type !== MAP_TYPE_STACK_TRACE) bad();
        break;
      case FUNC_RINGBUF_OUTPUT:
      case FUNC_RINGBUF_RESERVE:
      case FUNC_RINGBUF_QUERY:
        if (map.type !== MAP_TYPE_RINGBUF) bad();
        break;
    }
  }

  /** Every scratch register r0-r5 becomes unreadable after a call. */
  private clobberCallerSaved(regs: RegState[]): void {
    for (const r of CALLER_SAVED) {
      markRegNotInit(regs[r]!);
      this.checkRegArg(r, 'DST_OP_NO_MARK');
    }
  }

  /** check_helper_call. */
  private checkHelperCall(funcId: number, insnIdx: number): void {
    const maxId = this.d.name === '5.0' ? 93 : 212;
    if (funcId < 0 || funcId >= maxId) this.fail(EINVAL, `invalid func ${helperName(funcId) ?? 'unknown'}#${funcId}`);
    const fn: HelperProto | null = funcProto(this.opts.progType, funcId, this.d.name, this.privileged);
    if (!fn) {
      this.fail(EINVAL, this.d.name === '5.0'
        ? `unknown func ${helperName(funcId) ?? 'unknown'}#${funcId}`
        : `program of this type cannot use helper ${helperName(funcId) ?? 'unknown'}#${funcId}`);
    }
    if (this.opts.gplCompatible === false && fn.gplOnly) this.fail(EINVAL, 'cannot call GPL-restricted function from non-GPL compatible program');
    const meta: CallArgMeta = { map: null, rawMode: false, regno: -1, accessSize: 0, msizeSmax: 0n, msizeUmax: 0n, refObjId: 0, ringbufSize: 0n, constMapKey: -1n };
    for (let i = 0; i < 5; i++) this.checkFuncArg(i + 1, fn.args[i] ?? 'ARG_DONTCARE', meta);
    const aux = this.aux[insnIdx]!;
    if (meta.map && (funcId === 1 || funcId === 2 || funcId === 3)) aux.map = aux.map ?? meta.map;
    // Raw mode: the helper writes these stack bytes, which become initialised data.
    for (let i = 0; i < meta.accessSize; i++) this.checkMemAccess(meta.regno, i, 0x10, 'write', -1, false);

    if (funcId === FUNC_RINGBUF_SUBMIT || funcId === FUNC_RINGBUF_DISCARD) this.releaseReference(meta.refObjId);

    const regs = this.regs();
    this.clobberCallerSaved(regs);
    const r0 = regs[0]!;
    switch (fn.ret) {
      case 'RET_INTEGER':
        this.markUnknown(r0);
        break;
      case 'RET_VOID':
        r0.type = 'NOT_INIT';
        break;
      case 'RET_PTR_TO_MAP_VALUE_OR_NULL':
        markRegKnownZero(r0);
        if (!meta.map) this.fail(EINVAL, 'kernel subsystem misconfigured verifier');
        r0.map = meta.map;
        // 6.x: an array lookup with a constant key below max_entries cannot fail.
        if (funcId === 1 && meta.constMapKey >= 0n && meta.constMapKey < BigInt(meta.map.maxEntries)) {
          r0.type = 'PTR_TO_MAP_VALUE';
          break;
        }
        r0.type = 'PTR_TO_MAP_VALUE_OR_NULL';
        r0.id = ++this.idGen;
        break;
      case 'RET_PTR_TO_ALLOC_MEM_OR_NULL': {
        markRegKnownZero(r0);
        r0.type = 'PTR_TO_RINGBUF_MEM_OR_NULL';
        r0.range = Number(meta.ringbufSize);
        // 6.x spends one id on the maybe-null pointer and the next on the reference.
        if (this.d.name !== '5.0') ++this.idGen;
        const id = ++this.idGen;
        r0.id = id;
        r0.refObjId = id;
        this.cur.refs.push({ id, insnIdx });
        break;
      }
    }
    // do_refine_retval_range: a string/stack helper returns at most the buffer size.
    if (fn.ret === 'RET_INTEGER' && (funcId === FUNC_GET_STACK || funcId === FUNC_PROBE_READ_STR || (this.d.name !== '5.0' && (funcId === FUNC_PROBE_READ_USER_STR || funcId === FUNC_PROBE_READ_KERNEL_STR)))) {
      if (this.d.name === '5.0') {
        r0.smax = meta.msizeSmax;
        r0.umax = meta.msizeUmax;
        regDeduceBounds(r0, false);
        regBoundOffset(r0, false);
      } else {
        // 6.x: the size read, or a negative errno.
        r0.smax = r0.s32max = meta.msizeUmax;
        r0.smin = r0.s32min = -MAX_ERRNO;
        regNormalize(r0, true);
      }
    } else if (fn.ret === 'RET_INTEGER' && funcId === FUNC_GET_SMP_PROCESSOR_ID && this.d.name !== '5.0') {
      const last = BigInt((this.opts.nrCpus ?? 1) - 1);
      r0.umin = r0.u32min = r0.smin = r0.s32min = 0n;
      r0.umax = r0.u32max = r0.smax = r0.s32max = last;
      regNormalize(r0, true);
    }
    this.checkMapFuncCompatibility(meta.map, funcId);
  }

  /** release_reference: the record is gone; every copy of its pointer becomes unusable. */
  private releaseReference(id: number): void {
    const refs = this.cur.refs;
    const i = refs.findIndex((r) => r.id === id);
    if (i < 0) this.fail(EINVAL, `R1 must be referenced when passed to release function`);
    refs.splice(i, 1);
    for (let f = 0; f <= this.cur.curframe; f++) {
      const fs = this.cur.frames[f]!;
      for (const r of fs.regs) if (r.refObjId === id) this.markUnknown(r);
      for (const s of fs.stack) if (s.slotType[BPF_REG_SIZE - 1] === STACK_SPILL && s.spilledPtr.refObjId === id) this.markUnknown(s.spilledPtr);
    }
  }

  private checkReferenceLeak(): void {
    if (!this.cur.refs.length) return;
    for (const r of this.cur.refs) this.verbose(`Unreleased reference id=${r.id} alloc_insn=${r.insnIdx}\n`);
    this.fail(EINVAL, 'BPF_EXIT instruction in main prog would lead to reference leak');
  }

  /** check_func_call: entering a BPF-to-BPF callee. */
  private checkFuncCall(insn: Insn): void {
    const state = this.cur;
    if (state.curframe + 1 >= MAX_CALL_FRAMES) this.fail(E2BIG, `the call stack of ${state.curframe + 2} frames is too deep`);
    const target = this.insnIdx + insn.imm;
    const subprog = this.subprogs.findIndex((s) => s.start === target + 1);
    if (subprog < 0) this.fail(EFAULT, `verifier bug. No program starts at insn ${target + 1}`);
    const caller = state.cur;
    const callee = new FuncState();
    initFuncState(callee, this.insnIdx, state.curframe + 1, subprog);
    for (let i = 1; i <= 5; i++) callee.regs[i]!.copyFrom(caller.regs[i]!);
    this.clobberCallerSaved(caller.regs);
    state.frames[state.curframe + 1] = callee;
    state.curframe++;
    this.insnIdx = target;
    if (this.log.enabled) {
      this.verbose('caller:\n' + this.printState(caller));
      this.verbose('callee:\n' + this.printState(callee));
    }
    // 6.x shows the callee's whole state at its first instruction.
    if (this.d.name !== '5.0') this.scratchAll();
  }

  /** prepare_func_exit: back to the caller with r0. */
  private prepareFuncExit(): void {
    const state = this.cur;
    const callee = state.cur;
    const r0 = callee.regs[0]!;
    if (r0.type === 'PTR_TO_STACK') this.fail(EINVAL, 'cannot return stack pointer to the caller');
    state.curframe--;
    const caller = state.cur;
    const parent = caller.regs[0]!.parent;
    caller.regs[0]!.copyFrom(r0);
    caller.regs[0]!.parent = parent;
    this.insnIdx = callee.callsite + 1;
    if (this.log.enabled) {
      this.verbose('returning from callee:\n' + this.printState(callee));
      this.verbose(`to caller at ${this.insnIdx}:\n` + this.printState(caller));
    }
    state.frames[state.curframe + 1] = null;
  }

  // -------------------------------------------------------------------------------------------
  // ALU.

  private static signedAddOverflows(a: bigint, b: bigint): boolean {
    const res = toS64(a + b);
    return b < 0n ? res > a : res < a;
  }

  private static signedSubOverflows(a: bigint, b: bigint): boolean {
    const res = toS64(a - b);
    return b < 0n ? res < a : res > a;
  }

  private checkRegSaneOffset(reg: RegState, type: RegType): boolean {
    const known = tnumIsConst(reg.varOff);
    const val = toS64(reg.varOff.value);
    const smin = reg.smin;
    const lim = BigInt(BPF_MAX_VAR_OFF);
    const ts = this.typeStr(type);
    if (known && (val >= lim || val <= -lim)) {
      this.lastMessage = `math between ${ts} pointer and ${val} is not allowed`;
      this.verbose(this.lastMessage + '\n');
      return false;
    }
    if (reg.off >= BPF_MAX_VAR_OFF || reg.off <= -BPF_MAX_VAR_OFF) {
      this.lastMessage = `${ts} pointer offset ${reg.off} is not allowed`;
      this.verbose(this.lastMessage + '\n');
      return false;
    }
    if (smin === S64_MIN) {
      this.lastMessage = `math between ${ts} pointer and register with unbounded min value is not allowed`;
      this.verbose(this.lastMessage + '\n');
      return false;
    }
    if (smin >= lim || smin <= -lim) {
      this.lastMessage = `value ${smin} makes ${ts} pointer be out of bounds`;
      this.verbose(this.lastMessage + '\n');
      return false;
    }
    return true;
  }

  /** adjust_ptr_min_max_vals: pointer +/- scalar. */
  private adjustPtrMinMaxVals(insn: Insn, ptrReg: RegState, offReg: RegState): void {
    const regs = this.regs();
    const dst = insn.dst;
    const dstReg = regs[dst]!;
    const known = tnumIsConst(offReg.varOff);
    const sminVal = offReg.smin, smaxVal = offReg.smax, uminVal = offReg.umin, umaxVal = offReg.umax;
    const sminPtr = ptrReg.smin, smaxPtr = ptrReg.smax, uminPtr = ptrReg.umin, umaxPtr = ptrReg.umax;
    const opcode = BPF_OP(insn.code);
    if ((known && (sminVal !== smaxVal || uminVal !== umaxVal)) || sminVal > smaxVal || uminVal > umaxVal) {
      this.markUnknown(dstReg);
      return;
    }
    if (BPF_CLASS(insn.code) !== BPF_ALU64) this.fail(EACCES, `R${dst} 32-bit pointer arithmetic prohibited`);
    switch (ptrReg.type) {
      case 'PTR_TO_MAP_VALUE_OR_NULL':
      case 'PTR_TO_RINGBUF_MEM_OR_NULL':
        this.fail(EACCES, `R${dst} pointer arithmetic on ${this.typeStr(ptrReg.type)} prohibited, null-check it first`);
      // eslint-disable-next-line no-fallthrough
      case 'CONST_PTR_TO_MAP':
        this.fail(EACCES, `R${dst} pointer arithmetic on ${this.typeStr(ptrReg.type)} prohibited`);
      // eslint-disable-next-line no-fallthrough
      case 'PTR_TO_MAP_VALUE':
        if (!this.allowPtrLeaks && !known && (sminVal < 0n) !== (smaxVal < 0n)) {
          this.fail(EACCES, `R${offReg === dstReg ? dst : insn.src} has unknown scalar with mixed signed bounds, pointer arithmetic with it prohibited for !root`);
        }
        break;
      default:
        break;
    }
    const ptrCopy = ptrReg.clone();
    dstReg.type = ptrCopy.type;
    dstReg.id = ptrCopy.id;
    if (!this.checkRegSaneOffset(offReg, ptrCopy.type) || !this.checkRegSaneOffset(ptrCopy, ptrCopy.type)) {
      throw new VerifierError(EACCES, this.lastMessage);
    }
    const assignPtrFields = (): void => {
      dstReg.map = ptrCopy.map;
      dstReg.range = ptrCopy.range;
      dstReg.frameno = ptrCopy.frameno;
    };
    switch (opcode) {
      case BPF_ADD: {
        const newOff = BigInt(ptrCopy.off) + sminVal;
        if (known && newOff === BigInt.asIntN(32, newOff)) {
          dstReg.smin = sminPtr;
          dstReg.smax = smaxPtr;
          dstReg.umin = uminPtr;
          dstReg.umax = umaxPtr;
          dstReg.varOff = ptrCopy.varOff;
          dstReg.off = Number(newOff);
          assignPtrFields();
          break;
        }
        if (Verifier.signedAddOverflows(sminPtr, sminVal) || Verifier.signedAddOverflows(smaxPtr, smaxVal)) {
          dstReg.smin = S64_MIN;
          dstReg.smax = S64_MAX;
        } else {
          dstReg.smin = sminPtr + sminVal;
          dstReg.smax = smaxPtr + smaxVal;
        }
        if (toU64(uminPtr + uminVal) < uminPtr || toU64(umaxPtr + umaxVal) < umaxPtr) {
          dstReg.umin = 0n;
          dstReg.umax = U64_MAX;
        } else {
          dstReg.umin = uminPtr + uminVal;
          dstReg.umax = umaxPtr + umaxVal;
        }
        dstReg.varOff = tnumAdd(ptrCopy.varOff, offReg.varOff);
        dstReg.off = ptrCopy.off;
        assignPtrFields();
        break;
      }
      case BPF_SUB: {
        if (dstReg === offReg) this.fail(EACCES, `R${dst} tried to subtract pointer from scalar`);
        if (ptrCopy.type === 'PTR_TO_STACK') this.fail(EACCES, `R${dst} subtraction from stack pointer prohibited`);
        const newOff = BigInt(ptrCopy.off) - sminVal;
        if (known && newOff === BigInt.asIntN(32, newOff)) {
          dstReg.smin = sminPtr;
          dstReg.smax = smaxPtr;
          dstReg.umin = uminPtr;
          dstReg.umax = umaxPtr;
          dstReg.varOff = ptrCopy.varOff;
          dstReg.id = ptrCopy.id;
          dstReg.off = Number(newOff);
          assignPtrFields();
          break;
        }
        if (Verifier.signedSubOverflows(sminPtr, smaxVal) || Verifier.signedSubOverflows(smaxPtr, sminVal)) {
          dstReg.smin = S64_MIN;
          dstReg.smax = S64_MAX;
        } else {
          dstReg.smin = sminPtr - smaxVal;
          dstReg.smax = smaxPtr - sminVal;
        }
        if (uminPtr < umaxVal) {
          dstReg.umin = 0n;
          dstReg.umax = U64_MAX;
        } else {
          dstReg.umin = uminPtr - umaxVal;
          dstReg.umax = umaxPtr - uminVal;
        }
        dstReg.varOff = tnumSub(ptrCopy.varOff, offReg.varOff);
        dstReg.off = ptrCopy.off;
        assignPtrFields();
        break;
      }
      case BPF_AND:
      case BPF_OR:
      case BPF_XOR:
        this.fail(EACCES, `R${dst} bitwise operator ${ALU_STR[opcode]} on pointer prohibited`);
      // eslint-disable-next-line no-fallthrough
      default:
        this.fail(EACCES, `R${dst} pointer arithmetic with ${ALU_STR[opcode]} operator prohibited`);
    }
    if (!this.checkRegSaneOffset(dstReg, ptrCopy.type)) throw new VerifierError(EACCES, this.lastMessage);
    updateRegBounds(dstReg, false);
    regDeduceBounds(dstReg, false);
    regBoundOffset(dstReg, false);
    if (this.d.sub32) sync32FromVarOff(dstReg);
    if (!this.allowPtrLeaks) {
      if (dstReg.type === 'PTR_TO_MAP_VALUE') {
        try {
          this.checkMapAccess(dst, dstReg.off, 1, false);
        } catch {
          this.fail(EACCES, `R${dst} pointer arithmetic of map value goes out of range, prohibited for !root`);
        }
      } else if (dstReg.type === 'PTR_TO_STACK') {
        const o = dstReg.off + Number(toS64(dstReg.varOff.value));
        if (!tnumIsConst(dstReg.varOff) || o >= 0 || o < -MAX_BPF_STACK) {
          this.fail(EACCES, `R${dst} stack pointer arithmetic goes out of range, prohibited for !root`);
        }
      }
    }
  }

  /** adjust_scalar_min_max_vals: scalar op scalar. */
  private adjustScalarMinMaxVals(insn: Insn, dstReg: RegState, srcIn: RegState): void {
    const opcode = BPF_OP(insn.code);
    const is64 = BPF_CLASS(insn.code) === BPF_ALU64;
    const bitness = is64 ? 64n : 32n;
    const src = srcIn.clone();
    if (!is64) {
      coerceRegToSize(dstReg, 4);
      coerceRegToSize(src, 4);
    }
    const sminVal = src.smin, smaxVal = src.smax, uminVal = src.umin, umaxVal = src.umax;
    const srcKnown = tnumIsConst(src.varOff);
    const dstKnown = tnumIsConst(dstReg.varOff);
    if ((srcKnown && (sminVal !== smaxVal || uminVal !== umaxVal)) || sminVal > smaxVal || uminVal > umaxVal) {
      this.markUnknown(dstReg);
      return;
    }
    if (!srcKnown && opcode !== BPF_ADD && opcode !== BPF_SUB && opcode !== BPF_AND) {
      this.markUnknown(dstReg);
      if (!is64) coerceRegToSize(dstReg, 4);
      if (this.d.sub32) sync32FromVarOff(dstReg);
      return;
    }
    switch (opcode) {
      case BPF_ADD:
        if (Verifier.signedAddOverflows(dstReg.smin, sminVal) || Verifier.signedAddOverflows(dstReg.smax, smaxVal)) {
          dstReg.smin = S64_MIN;
          dstReg.smax = S64_MAX;
        } else {
          dstReg.smin += sminVal;
          dstReg.smax += smaxVal;
        }
        if (toU64(dstReg.umin + uminVal) < uminVal || toU64(dstReg.umax + umaxVal) < umaxVal) {
          dstReg.umin = 0n;
          dstReg.umax = U64_MAX;
        } else {
          dstReg.umin += uminVal;
          dstReg.umax += umaxVal;
        }
        dstReg.varOff = tnumAdd(dstReg.varOff, src.varOff);
        break;
      case BPF_SUB:
        if (Verifier.signedSubOverflows(dstReg.smin, smaxVal) || Verifier.signedSubOverflows(dstReg.smax, sminVal)) {
          dstReg.smin = S64_MIN;
          dstReg.smax = S64_MAX;
        } else {
          dstReg.smin -= smaxVal;
          dstReg.smax -= sminVal;
        }
        if (dstReg.umin < umaxVal) {
          dstReg.umin = 0n;
          dstReg.umax = U64_MAX;
        } else {
          dstReg.umin -= umaxVal;
          dstReg.umax -= uminVal;
        }
        dstReg.varOff = tnumSub(dstReg.varOff, src.varOff);
        break;
      case BPF_MUL:
        dstReg.varOff = tnumMul(dstReg.varOff, src.varOff);
        if (sminVal < 0n || dstReg.smin < 0n) {
          markRegUnbounded(dstReg);
          updateRegBounds(dstReg, false);
          break;
        }
        if (umaxVal > U32_MAX || dstReg.umax > U32_MAX) {
          markRegUnbounded(dstReg);
          updateRegBounds(dstReg, false);
          break;
        }
        dstReg.umin *= uminVal;
        dstReg.umax *= umaxVal;
        if (dstReg.umax > S64_MAX) {
          dstReg.smin = S64_MIN;
          dstReg.smax = S64_MAX;
        } else {
          dstReg.smin = dstReg.umin;
          dstReg.smax = dstReg.umax;
        }
        break;
      case BPF_AND:
        if (srcKnown && dstKnown) {
          markRegKnown(dstReg, dstReg.varOff.value & src.varOff.value);
          break;
        }
        dstReg.varOff = tnumAnd(dstReg.varOff, src.varOff);
        dstReg.umin = dstReg.varOff.value;
        dstReg.umax = dstReg.umax < umaxVal ? dstReg.umax : umaxVal;
        if (dstReg.smin < 0n || sminVal < 0n) {
          dstReg.smin = S64_MIN;
          dstReg.smax = S64_MAX;
        } else {
          dstReg.smin = dstReg.umin;
          dstReg.smax = dstReg.umax;
        }
        updateRegBounds(dstReg, false);
        break;
      case BPF_OR:
        if (srcKnown && dstKnown) {
          markRegKnown(dstReg, dstReg.varOff.value | src.varOff.value);
          break;
        }
        dstReg.varOff = tnumOr(dstReg.varOff, src.varOff);
        dstReg.umin = dstReg.umin > uminVal ? dstReg.umin : uminVal;
        dstReg.umax = dstReg.varOff.value | dstReg.varOff.mask;
        if (dstReg.smin < 0n || sminVal < 0n) {
          dstReg.smin = S64_MIN;
          dstReg.smax = S64_MAX;
        } else {
          dstReg.smin = dstReg.umin;
          dstReg.smax = dstReg.umax;
        }
        updateRegBounds(dstReg, false);
        break;
      case BPF_XOR:
        // 5.0 has no XOR bounds tracking: a known operand still gives an unknown result there.
        if (this.d.name === '5.0') {
          this.markUnknown(dstReg);
          break;
        }
        if (srcKnown && dstKnown) {
          markRegKnown(dstReg, dstReg.varOff.value ^ src.varOff.value);
          break;
        }
        dstReg.varOff = tnumXor(dstReg.varOff, src.varOff);
        markRegUnbounded(dstReg);
        updateRegBounds(dstReg, false);
        break;
      case BPF_LSH:
        if (umaxVal >= bitness) {
          this.markUnknown(dstReg);
          break;
        }
        dstReg.smin = S64_MIN;
        dstReg.smax = S64_MAX;
        if (dstReg.umax > 1n << (63n - umaxVal)) {
          dstReg.umin = 0n;
          dstReg.umax = U64_MAX;
        } else {
          dstReg.umin = toU64(dstReg.umin << uminVal);
          dstReg.umax = toU64(dstReg.umax << umaxVal);
        }
        dstReg.varOff = tnumLshift(dstReg.varOff, Number(uminVal));
        updateRegBounds(dstReg, false);
        break;
      case BPF_RSH:
        if (umaxVal >= bitness) {
          this.markUnknown(dstReg);
          break;
        }
        dstReg.smin = S64_MIN;
        dstReg.smax = S64_MAX;
        dstReg.varOff = tnumRshift(dstReg.varOff, Number(uminVal));
        dstReg.umin >>= umaxVal;
        dstReg.umax >>= uminVal;
        updateRegBounds(dstReg, false);
        break;
      case BPF_ARSH:
        if (umaxVal >= bitness) {
          this.markUnknown(dstReg);
          break;
        }
        if (is64) {
          dstReg.smin >>= uminVal;
          dstReg.smax >>= uminVal;
          dstReg.varOff = tnumArshift(dstReg.varOff, Number(uminVal));
        } else {
          // 32-bit ARSH works on the sign of bit 31, which the 64-bit bounds do not see.
          const v = BigInt.asIntN(32, dstReg.varOff.value) >> uminVal;
          const m = BigInt.asIntN(32, dstReg.varOff.mask) >> uminVal;
          dstReg.varOff = { value: v & U32_MAX, mask: m & U32_MAX };
          dstReg.smin = S64_MIN;
          dstReg.smax = S64_MAX;
        }
        dstReg.umin = 0n;
        dstReg.umax = U64_MAX;
        updateRegBounds(dstReg, false);
        break;
      default:
        this.markUnknown(dstReg);
        break;
    }
    if (!is64) coerceRegToSize(dstReg, 4);
    regDeduceBounds(dstReg, false);
    regBoundOffset(dstReg, false);
    if (this.d.sub32) sync32FromVarOff(dstReg);
  }

  /** adjust_reg_min_max_vals: sorts out which operand is the pointer. */
  private adjustRegMinMaxVals(insn: Insn): void {
    const regs = this.regs();
    const dstReg = regs[insn.dst]!;
    const opcode = BPF_OP(insn.code);
    const ptrReg = dstReg.type !== 'SCALAR_VALUE' ? dstReg : null;
    let srcReg: RegState;
    if (BPF_SRC(insn.code) === BPF_X) {
      srcReg = regs[insn.src]!;
      if (srcReg.type !== 'SCALAR_VALUE') {
        if (dstReg.type !== 'SCALAR_VALUE') {
          if (opcode === BPF_SUB && this.allowPtrLeaks) {
            this.markUnknown(dstReg);
            if (this.d.sub32) sync32FromVarOff(dstReg);
            return;
          }
          this.fail(EACCES, `R${insn.dst} pointer ${ALU_STR[opcode]} pointer prohibited`);
        }
        this.markPrecise(insn.dst);
        this.adjustPtrMinMaxVals(insn, srcReg, dstReg);
        return;
      }
      if (ptrReg) {
        this.markPrecise(insn.src);
        this.adjustPtrMinMaxVals(insn, dstReg, srcReg);
        return;
      }
      if (dstReg.precise) this.markPrecise(insn.src);
    } else {
      srcReg = new RegState();
      srcReg.type = 'SCALAR_VALUE';
      markRegKnown(srcReg, BigInt(insn.imm));
      if (ptrReg) {
        this.adjustPtrMinMaxVals(insn, ptrReg, srcReg);
        return;
      }
    }
    this.adjustScalarMinMaxVals(insn, dstReg, srcReg);
    if (this.d.name === '5.0') return;
    // 6.x: `rX += K` keeps rX linked to the registers it was copied from, K apart; any other
    // arithmetic ends the link.
    if (this.privileged && opcode === BPF_ADD && BPF_CLASS(insn.code) === BPF_ALU64 && dstReg.id && tnumIsConst(srcReg.varOff)) {
      const val = toU64(srcReg.varOff.value);
      if (dstReg.addConst || val > S32_MAX) {
        clearScalarId(dstReg);
      } else {
        dstReg.addConst = true;
        dstReg.off = Number(val);
      }
    } else {
      clearScalarId(dstReg);
    }
  }

  /** check_alu_op. */
  private checkAluOp(insn: Insn): void {
    const regs = this.regs();
    const opcode = BPF_OP(insn.code);
    const is64 = BPF_CLASS(insn.code) === BPF_ALU64;
    const v4ok = this.d.v4;
    if (opcode === BPF_END || opcode === BPF_NEG) {
      if (opcode === BPF_NEG) {
        if (BPF_SRC(insn.code) !== 0 || insn.src !== 0 || insn.off !== 0 || insn.imm !== 0) this.fail(EINVAL, 'BPF_NEG uses reserved fields');
      } else if (insn.src !== 0 || insn.off !== 0 || (insn.imm !== 16 && insn.imm !== 32 && insn.imm !== 64) || (is64 && (!v4ok || BPF_SRC(insn.code) !== 0))) {
        this.fail(EINVAL, 'BPF_END uses reserved fields');
      }
      this.checkRegArg(insn.dst, 'SRC_OP');
      if (this.isPointerValue(insn.dst)) this.fail(EACCES, `R${insn.dst} pointer arithmetic prohibited`);
      const dst = regs[insn.dst]!;
      if (this.d.name !== '5.0' && dst.type === 'SCALAR_VALUE' && opcode === BPF_NEG) {
        const zero = new RegState();
        zero.type = 'SCALAR_VALUE';
        markRegKnownZero(zero);
        const copy = dst.clone();
        dst.copyFrom(zero);
        dst.live |= REG_LIVE_WRITTEN;
        this.adjustScalarMinMaxVals({ ...insn, code: (insn.code & 0x07) | BPF_SUB | BPF_X }, dst, copy);
        return;
      }
      if (this.d.name !== '5.0' && dst.type === 'SCALAR_VALUE') {
        // scalar_byte_swap (6.x): the known bits move with the bytes; on a little-endian machine
        // le16/le32 only truncate and le64 does nothing.
        this.checkRegArg(insn.dst, 'DST_OP_NO_MARK');
        dst.live |= REG_LIVE_WRITTEN;
        if (is64 || BPF_SRC(insn.code) === BPF_TO_BE) {
          dst.varOff = tnumBswap(dst.varOff, insn.imm);
          markRegUnbounded(dst);
        }
        if (insn.imm === 16 || insn.imm === 32) coerceRegToSize(dst, insn.imm / 8);
        regNormalize(dst, true);
        return;
      }
      this.checkRegArg(insn.dst, 'DST_OP');
      return;
    }
    if (opcode === BPF_MOV) {
      const movsx = insn.off !== 0;
      if (BPF_SRC(insn.code) === BPF_X) {
        const offOk = insn.off === 0 || (v4ok && (insn.off === 8 || insn.off === 16 || (insn.off === 32 && is64)));
        if (insn.imm !== 0 || !offOk) this.fail(EINVAL, 'BPF_MOV uses reserved fields');
        this.checkRegArg(insn.src, 'SRC_OP');
      } else if (insn.src !== 0 || insn.off !== 0) {
        this.fail(EINVAL, 'BPF_MOV uses reserved fields');
      }
      this.checkRegArg(insn.dst, 'DST_OP_NO_MARK');
      const dst = regs[insn.dst]!;
      if (BPF_SRC(insn.code) === BPF_X) {
        const src = regs[insn.src]!;
        if (movsx) {
          if (src.type !== 'SCALAR_VALUE' && !this.allowPtrLeaks) this.fail(EACCES, `R${insn.src} sign-extension part of pointer`);
          const parent = dst.parent;
          if (src.type === 'SCALAR_VALUE') {
            // A value the sign extension leaves alone stays linked to its source.
            const noSext = this.d.name !== '5.0' && src.umax < 1n << BigInt(insn.off - 1);
            if (noSext) this.assignScalarIdBeforeMov(src);
            dst.copyFrom(src);
            dst.parent = parent;
            if (!noSext) clearScalarId(dst);
            coerceSext(dst, insn.off / 8);
          } else {
            this.markUnknown(dst);
          }
          if (!is64) coerceRegToSize(dst, 4);
          dst.live |= REG_LIVE_WRITTEN;
          if (this.d.sub32) sync32FromVarOff(dst);
          return;
        }
        if (is64) {
          const parent = dst.parent;
          if (this.d.name !== '5.0') this.assignScalarIdBeforeMov(src);
          dst.copyFrom(src);
          dst.parent = parent;
          dst.live |= REG_LIVE_WRITTEN;
        } else {
          if (this.isPointerValue(insn.src)) this.fail(EACCES, `R${insn.src} partial copy of pointer`);
          const parent = dst.parent;
          if (src.type === 'SCALAR_VALUE') {
            // 6.x: a value that fits in 32 bits is the same value after w-mov: keep them linked.
            const fits = this.d.name !== '5.0' && bitWidth(src.umax) <= 32;
            if (fits) this.assignScalarIdBeforeMov(src);
            dst.copyFrom(src);
            dst.parent = parent;
            dst.live |= REG_LIVE_WRITTEN;
            if (!fits) clearScalarId(dst);
          } else {
            this.markUnknown(dst);
          }
          coerceRegToSize(dst, 4);
          if (this.d.sub32) sync32FromVarOff(dst);
        }
      } else {
        this.markUnknown(dst);
        dst.type = 'SCALAR_VALUE';
        markRegKnown(dst, is64 ? BigInt(insn.imm) : BigInt(insn.imm >>> 0));
      }
      return;
    }
    if (opcode > BPF_END) this.fail(EINVAL, `invalid BPF_ALU opcode ${(opcode >> 0).toString(16)}`);
    const signedDiv = insn.off === 1 && (opcode === BPF_DIV || opcode === BPF_MOD);
    if (BPF_SRC(insn.code) === BPF_X) {
      if (insn.imm !== 0 || (insn.off !== 0 && !(v4ok && signedDiv))) this.fail(EINVAL, 'BPF_ALU uses reserved fields');
      this.checkRegArg(insn.src, 'SRC_OP');
    } else if (insn.src !== 0 || (insn.off !== 0 && !(v4ok && signedDiv))) {
      this.fail(EINVAL, 'BPF_ALU uses reserved fields');
    }
    this.checkRegArg(insn.dst, 'SRC_OP');
    if ((opcode === BPF_MOD || opcode === BPF_DIV) && BPF_SRC(insn.code) === BPF_K && insn.imm === 0) this.fail(EINVAL, 'div by zero');
    if ((opcode === BPF_LSH || opcode === BPF_RSH || opcode === BPF_ARSH) && BPF_SRC(insn.code) === BPF_K) {
      const size = is64 ? 64 : 32;
      if (insn.imm < 0 || insn.imm >= size) this.fail(EINVAL, `invalid shift ${insn.imm}`);
    }
    this.checkRegArg(insn.dst, 'DST_OP_NO_MARK');
    if (signedDiv) {
      // sdiv and smod: the verifier knows nothing of the result's value.
      const dst = regs[insn.dst]!;
      if (dst.type !== 'SCALAR_VALUE' || (BPF_SRC(insn.code) === BPF_X && regs[insn.src]!.type !== 'SCALAR_VALUE')) {
        this.fail(EACCES, `R${insn.dst} pointer arithmetic with ${ALU_STR[opcode]} operator prohibited`);
      }
      this.markUnknown(dst);
      if (!is64) coerceRegToSize(dst, 4);
      if (this.d.sub32) sync32FromVarOff(dst);
      return;
    }
    this.adjustRegMinMaxVals(insn);
  }

  // -------------------------------------------------------------------------------------------
  // Conditional jumps.

  /** is_branch_taken: 1 taken, 0 not taken, -1 unknown. */
  private isBranchTaken(reg: RegState, val: bigint, opcode: number, is32: boolean): number {
    if (reg.type !== 'SCALAR_VALUE') {
      // 6.x: a pointer that cannot be null is never equal to 0.
      if (this.d.name === '5.0' || !regNotNull(reg) || val !== 0n) return -1;
      return opcode === BPF_JEQ ? 0 : opcode === BPF_JNE ? 1 : -1;
    }
    if (is32) {
      const t = { value: reg.varOff.value & U32_MAX, mask: reg.varOff.mask & U32_MAX };
      const v = val & U32_MAX;
      const sv = BigInt.asIntN(32, v);
      const umin = reg.u32min, umax = reg.u32max, smin = reg.s32min, smax = reg.s32max;
      return branchTaken(t, v, sv, umin, umax, smin, smax, opcode);
    }
    return branchTaken(reg.varOff, toU64(val), toS64(val), reg.umin, reg.umax, reg.smin, reg.smax, opcode);
  }

  /** reg_set_min_max: what each branch learns about dst from `dst op val`. */
  private regSetMinMax(trueReg: RegState, falseReg: RegState, val: bigint, opcode: number, is32: boolean, inv: boolean): void {
    if (falseReg.type !== 'SCALAR_VALUE') return;
    const sub32 = this.d.sub32;
    if (is32) {
      refine32(trueReg, falseReg, val & U32_MAX, opcode, inv);
    } else {
      refine64(trueReg, falseReg, toU64(val), opcode, inv);
    }
    // 6.x: on the branch where dst != val, a bound equal to val moves past it.
    const op = inv ? mirror(opcode) : opcode;
    if (this.d.name !== '5.0' && (op === BPF_JEQ || op === BPF_JNE)) notEqualEdges(op === BPF_JEQ ? falseReg : trueReg, val, is32);
    for (const r of [falseReg, trueReg]) {
      if (sub32) {
        regNormalize(r, true);
        continue;
      }
      regDeduceBounds(r, false);
      regBoundOffset(r, false);
      updateRegBounds(r, false);
    }
  }

  private regCombineMinMax(src: RegState, dst: RegState): void {
    const sub32 = this.d.sub32;
    src.umin = dst.umin = src.umin > dst.umin ? src.umin : dst.umin;
    src.umax = dst.umax = src.umax < dst.umax ? src.umax : dst.umax;
    src.smin = dst.smin = src.smin > dst.smin ? src.smin : dst.smin;
    src.smax = dst.smax = src.smax < dst.smax ? src.smax : dst.smax;
    src.varOff = dst.varOff = tnumIntersect(src.varOff, dst.varOff);
    if (sub32) {
      // 6.x learns the equal 32-bit halves too.
      src.u32min = dst.u32min = src.u32min > dst.u32min ? src.u32min : dst.u32min;
      src.u32max = dst.u32max = src.u32max < dst.u32max ? src.u32max : dst.u32max;
      src.s32min = dst.s32min = src.s32min > dst.s32min ? src.s32min : dst.s32min;
      src.s32max = dst.s32max = src.s32max < dst.s32max ? src.s32max : dst.s32max;
    }
    for (const r of [src, dst]) regNormalize(r, sub32);
  }

  /**
   * collect_linked_regs: the live registers and the spilled slots, innermost frame first, holding
   * the scalar with this id. Past LINKED_REGS_MAX, a scalar loses its link instead.
   */
  private collectLinkedRegs(vstate: VerifierState, id: number, out: LinkedReg[]): void {
    for (let fr = vstate.curframe; fr >= 0; fr--) {
      const f = vstate.frames[fr]!;
      const at = fr === vstate.curframe ? vstate.insnIdx : vstate.frames[fr + 1]!.callsite;
      const live = this.liveRegs[at] ?? 0;
      const add = (reg: RegState, isReg: boolean, n: number): void => {
        if (reg.type !== 'SCALAR_VALUE' || reg.id !== id) return;
        if (out.length < LINKED_REGS_MAX) out.push({ frame: fr, isReg, n });
        else clearScalarId(reg);
      };
      for (let r = 0; r < 10; r++) if (live & (1 << r)) add(f.regs[r]!, true, r);
      f.stack.forEach((slot, i) => {
        if (slot.slotType[BPF_REG_SIZE - 1] === STACK_SPILL) add(slot.spilledPtr, false, i);
      });
    }
  }

  /**
   * sync_linked_regs: every scalar linked to `known` takes its new bounds, shifted by the
   * constant it was offset by (BPF_ADD_CONST).
   */
  private syncLinkedRegs(vstate: VerifierState, known: RegState, linked: readonly LinkedReg[]): void {
    for (const e of linked) {
      const f = vstate.frames[e.frame]!;
      const reg = e.isReg ? f.regs[e.n]! : f.stack[e.n]!.spilledPtr;
      if (reg.type !== 'SCALAR_VALUE' || reg === known || reg.id !== known.id) continue;
      if ((!reg.addConst && !known.addConst) || reg.off === known.off) {
        copyRegisterState(reg, known);
        continue;
      }
      const { off, addConst } = reg;
      const delta = BigInt(reg.off - known.off);
      copyRegisterState(reg, known);
      reg.off = off;
      reg.addConst = addConst;
      addConstToBounds(reg, delta);
    }
  }

  /** mark_ptr_or_null_regs: after `if (p == 0)`, every copy of p is null or a valid pointer. */
  private markPtrOrNullRegs(vstate: VerifierState, regno: number, isNull: boolean): void {
    const id = vstate.cur.regs[regno]!.id;
    const mark = (reg: RegState): void => {
      if (!typeMayBeNull(reg.type) || reg.id !== id) return;
      if (isNull) {
        reg.type = 'SCALAR_VALUE';
        markRegKnownZero(reg);
      } else {
        reg.type = reg.type === 'PTR_TO_MAP_VALUE_OR_NULL' ? 'PTR_TO_MAP_VALUE' : 'PTR_TO_RINGBUF_MEM';
      }
      reg.id = 0;
    };
    // On the null branch nothing was acquired.
    const refObjId = vstate.cur.regs[regno]!.refObjId;
    if (isNull && refObjId && refObjId === id) vstate.refs = vstate.refs.filter((r) => r.id !== id);
    for (const r of vstate.cur.regs) mark(r);
    for (let j = 0; j <= vstate.curframe; j++) {
      for (const s of vstate.frames[j]!.stack) if (s.slotType[0] === STACK_SPILL) mark(s.spilledPtr);
    }
  }

  /** check_cond_jmp_op. */
  private checkCondJmpOp(insn: Insn): void {
    const thisBranch = this.cur;
    const regs = thisBranch.cur.regs;
    const opcode = BPF_OP(insn.code);
    const is32 = BPF_CLASS(insn.code) === BPF_JMP32;
    if (opcode > BPF_JSLE) this.fail(EINVAL, `invalid BPF_JMP/JMP32 opcode ${opcode.toString(16)}`);
    const jmpWord = this.d.name === '5.0' ? 'BPF_JMP' : 'BPF_JMP/JMP32';
    if (BPF_SRC(insn.code) === BPF_X) {
      if (insn.imm !== 0) this.fail(EINVAL, `${jmpWord} uses reserved fields`);
      this.checkRegArg(insn.src, 'SRC_OP');
      if (this.isPointerValue(insn.src)) this.fail(EACCES, `R${insn.src} pointer comparison prohibited`);
    } else if (insn.src !== 0) {
      this.fail(EINVAL, `${jmpWord} uses reserved fields`);
    }
    this.checkRegArg(insn.dst, 'SRC_OP');
    const dstReg = regs[insn.dst]!;
    let pred = -1;
    if (BPF_SRC(insn.code) === BPF_K) {
      pred = this.isBranchTaken(dstReg, BigInt(insn.imm), opcode, is32);
    } else if (this.d.name !== '5.0' && regs[insn.src]!.type === 'SCALAR_VALUE' && tnumIsConst(regs[insn.src]!.varOff)) {
      pred = this.isBranchTaken(dstReg, regs[insn.src]!.varOff.value, opcode, is32);
    } else if (this.d.name !== '5.0' && dstReg.type === 'SCALAR_VALUE' && tnumIsConst(dstReg.varOff)) {
      // A constant on the left: `k op src` is `src op' k` (against a pointer, only (in)equality
      // with 0 is known, which is symmetric).
      pred = this.isBranchTaken(regs[insn.src]!, dstReg.varOff.value, mirror(opcode), is32);
    }
    if (pred >= 0) {
      // The path taken depends on the registers' exact values.
      if (dstReg.type === 'SCALAR_VALUE') this.markPrecise(insn.dst);
      if (BPF_SRC(insn.code) === BPF_X && regs[insn.src]!.type === 'SCALAR_VALUE') this.markPrecise(insn.src);
      if (this.d.name !== '5.0' && this.log.enabled) this.printInsnState();
      if (pred === 1) this.insnIdx += insn.off;
      return;
    }

    // 6.x: scalars sharing an id with an operand learn what it learns; the jump history records
    // them (before the other branch copies it) so backtracking treats them as one.
    const linked: LinkedReg[] = [];
    if (this.d.name !== '5.0') {
      const src = BPF_SRC(insn.code) === BPF_X ? regs[insn.src]! : null;
      if (src && src.type === 'SCALAR_VALUE' && src.id) this.collectLinkedRegs(thisBranch, src.id, linked);
      if (dstReg.type === 'SCALAR_VALUE' && dstReg.id) this.collectLinkedRegs(thisBranch, dstReg.id, linked);
      if (linked.length > 1) this.pushJmpHistory(0, linked);
    }
    const other = this.pushStack(this.insnIdx + insn.off + 1, this.insnIdx);
    const otherRegs = other.cur.regs;
    if (BPF_SRC(insn.code) === BPF_X) {
      const srcReg = regs[insn.src]!;
      if (dstReg.type === 'SCALAR_VALUE' && srcReg.type === 'SCALAR_VALUE') {
        if (tnumIsConst(srcReg.varOff) && (!is32 || this.d.sub32)) {
          this.regSetMinMax(otherRegs[insn.dst]!, dstReg, srcReg.varOff.value, opcode, is32, false);
        } else if (tnumIsConst(dstReg.varOff) && (!is32 || this.d.sub32)) {
          this.regSetMinMax(otherRegs[insn.src]!, regs[insn.src]!, dstReg.varOff.value, opcode, is32, true);
        } else if (!is32 && (opcode === BPF_JEQ || opcode === BPF_JNE)) {
          if (opcode === BPF_JEQ) this.regCombineMinMax(otherRegs[insn.src]!, otherRegs[insn.dst]!);
          else this.regCombineMinMax(regs[insn.src]!, regs[insn.dst]!);
        }
      }
    } else if (dstReg.type === 'SCALAR_VALUE') {
      this.regSetMinMax(otherRegs[insn.dst]!, dstReg, BigInt(insn.imm), opcode, is32, false);
    }
    if (this.d.name !== '5.0') {
      const src = BPF_SRC(insn.code) === BPF_X ? regs[insn.src]! : null;
      if (src && src.type === 'SCALAR_VALUE' && src.id) {
        this.syncLinkedRegs(thisBranch, src, linked);
        this.syncLinkedRegs(other, otherRegs[insn.src]!, linked);
      }
      if (dstReg.type === 'SCALAR_VALUE' && dstReg.id) {
        this.syncLinkedRegs(thisBranch, dstReg, linked);
        this.syncLinkedRegs(other, otherRegs[insn.dst]!, linked);
      }
    }
    if (BPF_SRC(insn.code) === BPF_K && insn.imm === 0 && (opcode === BPF_JEQ || opcode === BPF_JNE) && typeMayBeNull(dstReg.type) && !is32) {
      this.markPtrOrNullRegs(thisBranch, insn.dst, opcode === BPF_JNE);
      this.markPtrOrNullRegs(other, insn.dst, opcode === BPF_JEQ);
    } else if (this.isPointerValue(insn.dst)) {
      this.fail(EACCES, `R${insn.dst} pointer comparison prohibited`);
    }
    if (this.log.enabled) {
      if (this.d.name === '5.0') this.verbose(this.printState(thisBranch.cur));
      else this.printInsnState();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Loads of immediates and packets, program exit.

  /** check_ld_imm. */
  private checkLdImm(insn: Insn, next: Insn): void {
    const regs = this.regs();
    if (BPF_SIZE(insn.code) !== BPF_DW) this.fail(EINVAL, 'invalid BPF_LD_IMM insn');
    if (insn.off !== 0) this.fail(EINVAL, 'BPF_LD_IMM64 uses reserved fields');
    this.checkRegArg(insn.dst, 'DST_OP');
    const dst = regs[insn.dst]!;
    if (insn.src === 0) {
      const imm = (BigInt(next.imm >>> 0) << 32n) | BigInt(insn.imm >>> 0);
      dst.type = 'SCALAR_VALUE';
      markRegKnown(dst, imm);
      return;
    }
    const map = this.resolveMap(insn.imm);
    if (!map) this.fail(EFAULT, `fd ${insn.imm} is not pointing to valid bpf_map`);
    markRegKnownZero(dst);
    if (insn.src === BPF_PSEUDO_MAP_FD) {
      dst.type = 'CONST_PTR_TO_MAP';
      dst.map = map;
      return;
    }
    dst.type = 'PTR_TO_MAP_VALUE';
    dst.map = map;
    dst.off = next.imm >>> 0;
  }

  /** check_ld_abs: the legacy packet loads, a call in disguise. */
  private checkLdAbs(insn: Insn): void {
    const regs = this.regs();
    const mode = BPF_MODE(insn.code);
    if (!mayAccessSkb(this.opts.progType)) this.fail(EINVAL, 'BPF_LD_[ABS|IND] instructions not allowed for this program type');
    if (this.subprogs.length > 1) this.fail(EINVAL, 'BPF_LD_[ABS|IND] instructions cannot be mixed with bpf-to-bpf calls');
    if (insn.dst !== 0 || insn.off !== 0 || BPF_SIZE(insn.code) === BPF_DW || (mode === BPF_ABS && insn.src !== 0)) {
      this.fail(EINVAL, 'BPF_LD_[ABS|IND] uses reserved fields');
    }
    this.checkRegArg(6, 'SRC_OP');
    if (this.cur.refs.length) this.fail(EINVAL, 'BPF_LD_[ABS|IND] cannot be mixed with socket references');
    if (regs[6]!.type !== 'PTR_TO_CTX') this.fail(EINVAL, 'at the time of BPF_LD_ABS|IND R6 != pointer to skb');
    if (mode === BPF_IND) this.checkRegArg(insn.src, 'SRC_OP');
    this.clobberCallerSaved(regs);
    // The load is at most 32 bits, but both kernels leave r0 a full unknown scalar.
    this.markUnknown(regs[0]!);
  }

  // -------------------------------------------------------------------------------------------
  // State pruning.

  private regsafe(rold: RegState, rcur: RegState, idmap: Map<number, number>): boolean {
    if (!(rold.live & REG_LIVE_READ)) return true;
    const sub32 = this.d.sub32;
    const same = rold.type === rcur.type && rold.off === rcur.off && rold.id === rcur.id && rold.map === rcur.map &&
      rold.range === rcur.range && rold.varOff.value === rcur.varOff.value && rold.varOff.mask === rcur.varOff.mask &&
      rold.smin === rcur.smin && rold.smax === rcur.smax && rold.umin === rcur.umin && rold.umax === rcur.umax &&
      (!sub32 || (rold.s32min === rcur.s32min && rold.s32max === rcur.s32max && rold.u32min === rcur.u32min && rold.u32max === rcur.u32max));
    if (rold.type === 'PTR_TO_STACK') return same && rold.frameno === rcur.frameno;
    if (same) return true;
    if (rold.type === 'NOT_INIT') return true;
    if (rcur.type === 'NOT_INIT') return false;
    switch (rold.type) {
      case 'SCALAR_VALUE':
        if (rcur.type !== 'SCALAR_VALUE') return false;
        return rangeWithin(rold, rcur, sub32) && tnumIn(rold.varOff, rcur.varOff);
      case 'PTR_TO_MAP_VALUE':
        return rcur.type === rold.type && rold.off === rcur.off && rold.map === rcur.map && rangeWithin(rold, rcur, sub32) && tnumIn(rold.varOff, rcur.varOff);
      case 'PTR_TO_MAP_VALUE_OR_NULL':
      case 'PTR_TO_RINGBUF_MEM_OR_NULL':
      case 'PTR_TO_RINGBUF_MEM':
        if (rcur.type !== rold.type || rold.off !== rcur.off || rold.map !== rcur.map || rold.range !== rcur.range) return false;
        if (rold.varOff.value !== rcur.varOff.value || rold.varOff.mask !== rcur.varOff.mask) return false;
        return checkIds(rold.id, rcur.id, idmap);
      default:
        return false;
    }
  }

  private stacksafe(old: FuncState, cur: FuncState, idmap: Map<number, number>): boolean {
    for (let i = 0; i < old.allocatedStack; i++) {
      const spi = Math.floor(i / BPF_REG_SIZE);
      const os = old.stack[spi]!;
      if (!(os.spilledPtr.live & REG_LIVE_READ)) {
        i += BPF_REG_SIZE - 1;
        continue;
      }
      const ot = os.slotType[i % BPF_REG_SIZE];
      if (ot === STACK_INVALID) continue;
      if (i >= cur.allocatedStack) return false;
      const ct = cur.stack[spi]!.slotType[i % BPF_REG_SIZE];
      if (ot === STACK_MISC && ct === STACK_ZERO) continue;
      if (ot !== ct) return false;
      if (i % BPF_REG_SIZE) continue;
      if (os.slotType[0] !== STACK_SPILL) continue;
      if (!this.regsafe(os.spilledPtr, cur.stack[spi]!.spilledPtr, idmap)) return false;
    }
    return true;
  }

  /**
   * regsafe (6.x): an imprecise scalar in the explored state matches any scalar; the rest must
   * be contained in what the explored state proved safe.
   */
  private regsafe6(rold: RegState, rcur: RegState, ids: ScalarIdMap): boolean {
    if (!(rold.live & REG_LIVE_READ)) return true;
    if (rold.type === 'NOT_INIT') return true;
    if (rold.type !== rcur.type) return false;
    const sameHead = rold.off === rcur.off && rold.map === rcur.map && rold.range === rcur.range;
    const within = rangeWithin(rold, rcur, true) && tnumIn(rold.varOff, rcur.varOff);
    switch (rold.type) {
      case 'SCALAR_VALUE':
        if (!rold.precise) return true;
        if (rold.addConst !== rcur.addConst || (rold.addConst && rold.off !== rcur.off)) return false;
        return within && ids.checkScalar(rold.id, rcur.id);
      case 'PTR_TO_MAP_KEY':
      case 'PTR_TO_MAP_VALUE':
      case 'PTR_TO_MAP_VALUE_OR_NULL':
      case 'PTR_TO_RINGBUF_MEM':
      case 'PTR_TO_RINGBUF_MEM_OR_NULL':
        return sameHead && within && ids.check(rold.id, rcur.id) && ids.check(rold.refObjId, rcur.refObjId);
      case 'PTR_TO_STACK':
        return regsExact(rold, rcur, ids) && rold.frameno === rcur.frameno;
      default:
        return regsExact(rold, rcur, ids);
    }
  }

  /** stacksafe (6.x): spilled scalars compared as registers, an all-misc slot as an unknown one. */
  private stacksafe6(old: FuncState, cur: FuncState, ids: ScalarIdMap): boolean {
    for (let i = 0; i < old.allocatedStack; i++) {
      const spi = Math.floor(i / BPF_REG_SIZE);
      const os = old.stack[spi]!;
      if (!(os.spilledPtr.live & REG_LIVE_READ)) {
        i += BPF_REG_SIZE - 1;
        continue;
      }
      const ot = os.slotType[i % BPF_REG_SIZE];
      if (ot === STACK_INVALID) continue;
      // Uninitialised stack reads as unknown data for privileged programs, so misc is no promise.
      if (this.d.uninitStackReads && this.privileged && ot === STACK_MISC) continue;
      if (i >= cur.allocatedStack) return false;
      const cs = cur.stack[spi]!;
      const oldReg = this.scalarRegForStack(os);
      const curReg = this.scalarRegForStack(cs);
      if (oldReg && curReg) {
        if (!this.regsafe6(oldReg, curReg, ids)) return false;
        i += BPF_REG_SIZE - 1;
        continue;
      }
      const ct = cs.slotType[i % BPF_REG_SIZE];
      if (ot === STACK_MISC && ct === STACK_ZERO) continue;
      if (ot !== ct) return false;
      if (i % BPF_REG_SIZE !== BPF_REG_SIZE - 1) continue;
      if (os.slotType[BPF_REG_SIZE - 1] === STACK_SPILL && !this.regsafe6(os.spilledPtr, cs.spilledPtr, ids)) return false;
    }
    return true;
  }

  private readonly unboundReg = (() => {
    const r = new RegState();
    markRegUnknown(r);
    r.live = REG_LIVE_READ;
    return r;
  })();

  /** scalar_reg_for_stack: a full spilled scalar, or an unknown scalar for an all-misc slot. */
  private scalarRegForStack(slot: StackSlot): RegState | null {
    if (slot.slotType[0] === STACK_SPILL && slot.spilledPtr.type === 'SCALAR_VALUE') return slot.spilledPtr;
    const uninitOk = this.d.uninitStackReads && this.privileged;
    if (slot.slotType.every((t) => t === STACK_MISC || (uninitOk && t === STACK_INVALID))) return this.unboundReg;
    return null;
  }

  /** states_equal (NOT_EXACT): what the explored state read must be as safe in the current one. */
  private statesEqual(old: VerifierState, cur: VerifierState): boolean {
    if (old.curframe !== cur.curframe) return false;
    if (this.d.name !== '5.0') {
      const ids = new ScalarIdMap(this.idGen);
      for (let i = 0; i <= old.curframe; i++) {
        const of = old.frames[i]!, cf = cur.frames[i]!;
        if (of.callsite !== cf.callsite) return false;
        for (let r = 0; r < 11; r++) if (!this.regsafe6(of.regs[r]!, cf.regs[r]!, ids)) return false;
        if (!this.stacksafe6(of, cf, ids)) return false;
      }
      return true;
    }
    for (let i = 0; i <= old.curframe; i++) {
      const of = old.frames[i]!, cf = cur.frames[i]!;
      if (of.callsite !== cf.callsite) return false;
      const idmap = new Map<number, number>();
      for (let r = 0; r < 11; r++) if (!this.regsafe(of.regs[r]!, cf.regs[r]!, idmap)) return false;
      if (!this.stacksafe(of, cf, idmap)) return false;
    }
    return true;
  }

  /** propagate_liveness: reads the pruned continuation made are reads of our parent too. */
  private propagateLiveness(vstate: VerifierState, vparent: VerifierState): void {
    const f = vstate.curframe;
    for (let i = 0; i < 10; i++) {
      const p = vparent.frames[f]!.regs[i]!;
      if (p.live & REG_LIVE_READ) continue;
      const s = vstate.frames[f]!.regs[i]!;
      if (s.live & REG_LIVE_READ) this.markRegRead(s, p);
    }
    for (let fr = 0; fr <= vstate.curframe; fr++) {
      const state = vstate.frames[fr]!, parent = vparent.frames[fr]!;
      for (let i = 0; i < state.stack.length && i < parent.stack.length; i++) {
        if (parent.stack[i]!.spilledPtr.live & REG_LIVE_READ) continue;
        if (state.stack[i]!.spilledPtr.live & REG_LIVE_READ) this.markRegRead(state.stack[i]!.spilledPtr, parent.stack[i]!.spilledPtr);
      }
    }
  }

  /** clean_live_states: forget what explored states never read, so more states compare equal. */
  private cleanLiveStates(list: ExploredState[], cur: VerifierState): void {
    for (const e of list) {
      const st = e.st;
      if (st.branches) continue;
      if (st.curframe !== cur.curframe) continue;
      let sameSites = true;
      for (let i = 0; i <= cur.curframe; i++) if (st.frames[i]!.callsite !== cur.frames[i]!.callsite) sameSites = false;
      if (!sameSites) continue;
      if (st.frames[0]!.regs[0]!.live & REG_LIVE_DONE) continue;
      for (let i = 0; i <= st.curframe; i++) {
        const fs = st.frames[i]!;
        for (let r = 0; r < 10; r++) {
          const reg = fs.regs[r]!;
          const live = reg.live;
          reg.live |= REG_LIVE_DONE;
          if (!(live & REG_LIVE_READ)) {
            markRegNotInit(reg);
          }
        }
        for (const s of fs.stack) {
          const live = s.spilledPtr.live;
          s.spilledPtr.live |= REG_LIVE_DONE;
          if (!(live & REG_LIVE_READ)) {
            markRegNotInit(s.spilledPtr);
            s.slotType.fill(STACK_INVALID);
          }
        }
      }
    }
  }

  /**
   * is_state_visited: 1 if an explored state at this instruction covers the current one.
   * With bounded loops, an explored state whose paths are still being verified cannot vouch for
   * anything; meeting it again unchanged means the loop makes no progress.
   */
  private isStateVisited(insnIdx: number, prune: Uint8Array): number {
    if (!prune[insnIdx]) return 0;
    let list = this.explored[insnIdx];
    if (!list) {
      list = [];
      this.explored[insnIdx] = list;
    }
    const cur = this.cur;
    this.cleanLiveStates(list, cur);
    let statesCnt = 0;
    // Every state cloned from cur copies its jump history (6.x keeps one), and backtracking walks
    // it: a path that never checkpoints (a loop whose iterations all look new, while an exit path
    // walked anew each time keeps the counters below reset) would make each step cost the length
    // of the walk so far, so past 40 entries Linux takes a checkpoint whatever the counters say.
    const forceNewState = cur.jmpHistory.length > 40;
    // 6.x keeps a new checkpoint only after 2 jumps and 8 instructions since the last one.
    let addNewState = !this.d.boundedLoops || forceNewState || (this.jmpsProcessed - this.prevJmps >= 2 && this.processed - this.prevProcessed >= 8);
    for (let k = 0; k < list.length; k++) {
      const e = list[k]!;
      statesCnt++;
      if (this.d.boundedLoops && e.st.branches > 0) {
        if (sameCallsites(e.st, cur) && this.statesExact(e.st, cur)) {
          this.verbose(`infinite loop detected at insn ${insnIdx}\n`);
          this.verbose(`cur state:${printState6(cur.cur, cur.refs)}\n`);
          this.verbose(`old state:${printState6(e.st.cur, e.st.refs)}\n`);
          this.lastMessage = `infinite loop detected at insn ${insnIdx}`;
          throw new VerifierError(EINVAL, this.lastMessage);
        }
        // Inside a loop each iteration is a new state; checkpoint them only now and then.
        if (!forceNewState && this.jmpsProcessed - this.prevJmps < 20 && this.processed - this.prevProcessed < 100) addNewState = false;
      } else if (this.statesEqual(e.st, cur)) {
        e.hits++;
        this.propagateLiveness(e.st, cur);
        // The explored state's precise scalars were relied on after this point; so are ours.
        if (this.d.name !== '5.0') {
          if (this.jmpPoint[insnIdx]) this.pushJmpHistory(0);
          this.propagatePrecision(e.st, cur);
        }
        return 1;
      }
      // 6.x forgets a checkpoint that keeps failing to match: it only slows the search.
      if (this.d.name === '5.0') continue;
      if (addNewState) e.misses++;
      if (e.misses > e.hits * 3 + 3) {
        list.splice(k--, 1);
        this.curStates--;
        if (e.st.branches) {
          e.st.inFreeList = true;
          this.freeListSize++;
        }
      }
    }
    // Counted before the new checkpoint, whether or not one is added.
    if (statesCnt > this.maxStatesPerInsn) this.maxStatesPerInsn = statesCnt;
    if (!this.allowPtrLeaks && statesCnt > BPF_COMPLEXITY_LIMIT_STATES) return 0;
    if (!addNewState) return 0;
    this.prevJmps = this.jmpsProcessed;
    this.prevProcessed = this.processed;
    // A checkpoint starts with no precision: backtracking marks what later checks rely on.
    if (this.d.name !== '5.0' && this.privileged) markAllScalarsImprecise(cur);
    const copy = cur.clone();
    copy.branches = 1;
    cur.parent = copy;
    cur.firstInsnIdx = insnIdx;
    cur.jmpHistory = [];
    if (this.d.name !== '5.0') this.maybeEnterScc(copy);
    list.unshift({ st: copy, hits: 0, misses: 0 });
    this.totalStates++;
    this.curStates++;
    this.peakStates = Math.max(this.peakStates, this.curStates + this.freeListSize);
    // Connect the current registers and slots to the new explored state, for liveness.
    for (let j = 0; j <= cur.curframe; j++) {
      for (let i = j < cur.curframe ? 6 : 0; i < 10; i++) cur.frames[j]!.regs[i]!.parent = copy.frames[j]!.regs[i]!;
    }
    for (let i = 0; i < 10; i++) cur.cur.regs[i]!.live = REG_LIVE_NONE;
    for (let j = 0; j <= cur.curframe; j++) {
      cur.frames[j]!.stack.forEach((s, i) => {
        s.spilledPtr.live = REG_LIVE_NONE;
        s.spilledPtr.parent = copy.frames[j]!.stack[i]!.spilledPtr;
      });
    }
    return 0;
  }

  /** states_equal in EXACT mode: the loop came back with nothing changed. */
  private statesExact(old: VerifierState, cur: VerifierState): boolean {
    for (let i = 0; i <= old.curframe; i++) {
      const of = old.frames[i]!, cf = cur.frames[i]!;
      for (let r = 0; r < 11; r++) {
        const a = of.regs[r]!, b = cf.regs[r]!;
        if (a.type === 'NOT_INIT' && !(a.live & REG_LIVE_READ)) continue;
        if (a.type !== b.type || a.off !== b.off || a.varOff.value !== b.varOff.value || a.varOff.mask !== b.varOff.mask ||
          a.smin !== b.smin || a.smax !== b.smax || a.umin !== b.umin || a.umax !== b.umax || a.map !== b.map) return false;
      }
      if (of.stack.length !== cf.stack.length) return false;
      for (let s = 0; s < of.stack.length; s++) {
        const x = of.stack[s]!, y = cf.stack[s]!;
        for (let k = 0; k < BPF_REG_SIZE; k++) if (x.slotType[k] !== y.slotType[k]) return false;
        if (x.slotType[0] === STACK_SPILL) {
          const a = x.spilledPtr, b = y.spilledPtr;
          if (a.type !== b.type || a.varOff.value !== b.varOff.value || a.varOff.mask !== b.varOff.mask) return false;
        }
      }
    }
    return true;
  }

  /** push_stack: the other side of a branch, verified later. */
  private pushStack(insnIdx: number, prevInsnIdx: number): VerifierState {
    const st = this.cur.clone();
    if (st.parent) st.parent.branches++;
    this.head.push({ st, insnIdx, prevInsnIdx, logPos: this.log.pos - 1 });
    // Both kernels turn push_stack's failure into -EFAULT at the conditional jump.
    if (this.head.length > this.d.jmpSeqLimit) {
      this.fail(EFAULT, this.d.name === '5.0' ? 'BPF program is too complex' : `The sequence of ${this.head.length} jumps is too complex.`);
    }
    return st;
  }


  private popStack(): boolean {
    const e = this.head.pop();
    if (!e) return false;
    this.cur = e.st;
    this.insnIdx = e.insnIdx;
    this.prevInsnIdx = e.prevInsnIdx;
    this.lastInsn = e.prevInsnIdx;
    if (this.d.levelOneFailingPathOnly && this.log.level === 1) this.log.reset(e.logPos);
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // The main loop.

  private doCheck(prune: Uint8Array): void {
    const insns = this.insns;
    initFuncState(this.cur.frames[0]!, -1, 0, 0);
    let doPrintState = false;
    const v6 = this.d.name !== '5.0';
    if (v6) this.scratchAll();
    for (;;) {
      this.curHistEnt = null;
      this.prevInsnIdx = this.lastInsn;
      if (this.insnIdx >= this.n) this.fail(EFAULT, `invalid insn idx ${this.insnIdx} insn_cnt ${this.n}`);
      const insn = insns[this.insnIdx]!;
      const cls = BPF_CLASS(insn.code);
      if (++this.processed > this.d.complexityLimitInsns) {
        this.fail(E2BIG, `BPF program is too large. Processed ${this.processed} insn`);
      }
      this.cur.lastInsnIdx = this.prevInsnIdx;
      this.cur.insnIdx = this.insnIdx;
      if (this.isStateVisited(this.insnIdx, prune) === 1) {
        if (this.log.enabled) {
          if (v6 && this.log.level === 1) {
            // 6.x at level 1 rewinds the log at each pop; a pruned path leaves nothing.
          } else if (doPrintState) this.verbose(`\nfrom ${this.prevInsnIdx} to ${this.insnIdx}: safe\n`);
          else this.verbose(`${this.insnIdx}: safe\n`);
        }
        if (!this.exitPath()) break;
        doPrintState = true;
        continue;
      }

      if (!v6) {
        if (this.log.level > 1 || (this.log.enabled && doPrintState)) {
          if (this.log.level > 1) this.verbose(`${this.insnIdx}:`);
          else this.verbose(`\nfrom ${this.prevInsnIdx} to ${this.insnIdx}:`);
          this.verbose(this.printState(this.cur.cur));
          doPrintState = false;
        }
        if (this.log.enabled) this.verbose(`${this.insnIdx}: ${this.insnTextAt(this.insnIdx)}\n`);
      } else if (this.log.enabled) {
        if (doPrintState) {
          if (this.log.level > 1) {
            this.verbose(`\nfrom ${this.prevInsnIdx} to ${this.insnIdx}:${printState6(this.cur.cur, this.cur.refs)}\n`);
          } else {
            this.verbose(` ${this.insnIdx}:${printState6(this.cur.cur, this.cur.refs)}\n`);
            this.scratchRegs.clear();
            this.scratchSlots.clear();
          }
          doPrintState = false;
        }
        this.printInsnState();
        this.prevLogPos = this.log.pos;
        const line = `${this.insnIdx}: ${this.insnTextAt(this.insnIdx)}`;
        this.verbose(line + '\n');
        this.prevInsnLen = line.length + 1;
        this.prevLogPos = this.log.pos;
      }
      if (v6 && this.jmpPoint[this.insnIdx]) this.pushJmpHistory(0);
      this.lastInsn = this.insnIdx;
      this.aux[this.insnIdx]!.seen = true;
      const regs = this.regs();

      if (cls === BPF_ALU || cls === BPF_ALU64) {
        this.checkAluOp(insn);
      } else if (cls === BPF_LDX) {
        this.checkRegArg(insn.src, 'SRC_OP');
        this.checkRegArg(insn.dst, 'DST_OP_NO_MARK');
        const srcType = regs[insn.src]!.type;
        this.checkMemAccess(insn.src, insn.off, BPF_SIZE(insn.code), 'read', insn.dst, false, BPF_MODE(insn.code) === BPF_MEMSX);
        this.checkPtrTypeConsistency(srcType);
      } else if (cls === BPF_STX) {
        if (BPF_MODE(insn.code) === BPF_ATOMIC) {
          this.checkAtomic(insn);
          this.insnIdx++;
          continue;
        }
        this.checkRegArg(insn.src, 'SRC_OP');
        this.checkRegArg(insn.dst, 'SRC_OP');
        const dstType = regs[insn.dst]!.type;
        this.checkMemAccess(insn.dst, insn.off, BPF_SIZE(insn.code), 'write', insn.src, false);
        this.checkPtrTypeConsistency(dstType);
      } else if (cls === BPF_ST) {
        if (BPF_MODE(insn.code) !== BPF_MEM || insn.src !== 0) this.fail(EINVAL, 'BPF_ST uses reserved fields');
        this.checkRegArg(insn.dst, 'SRC_OP');
        if (this.d.name === '5.0' && this.isCtxReg(insn.dst)) this.fail(EACCES, `BPF_ST stores into R${insn.dst} ${this.typeStr(regs[insn.dst]!.type)} is not allowed`);
        // 6.x treats a stored immediate like a register holding it (a zero marks STACK_ZERO, a
        // full-width one spills as a known scalar); 5.0 records only that something was written.
        let imm: RegState | null = null;
        if (this.d.name !== '5.0') {
          imm = new RegState();
          imm.type = 'SCALAR_VALUE';
          markRegKnown(imm, BigInt(insn.imm));
        }
        this.checkMemAccess(insn.dst, insn.off, BPF_SIZE(insn.code), 'write', -1, false, false, imm);
      } else if (cls === BPF_JMP || (cls === BPF_JMP32 && this.d.jmp32)) {
        const opcode = BPF_OP(insn.code);
        this.jmpsProcessed++;
        if (opcode === BPF_CALL && cls === BPF_JMP) {
          if (BPF_SRC(insn.code) !== BPF_K || insn.off !== 0 || (insn.src !== 0 && insn.src !== BPF_PSEUDO_CALL) || insn.dst !== 0) {
            this.fail(EINVAL, 'BPF_CALL uses reserved fields');
          }
          if (insn.src === BPF_PSEUDO_CALL) this.checkFuncCall(insn);
          else this.checkHelperCall(insn.imm, this.insnIdx);
        } else if (opcode === BPF_JA) {
          if (cls === BPF_JMP32) {
            if (BPF_SRC(insn.code) !== BPF_K || insn.off !== 0 || insn.src !== 0 || insn.dst !== 0) this.fail(EINVAL, 'BPF_JA uses reserved fields');
            this.insnIdx += insn.imm + 1;
          } else {
            if (BPF_SRC(insn.code) !== BPF_K || insn.imm !== 0 || insn.src !== 0 || insn.dst !== 0) this.fail(EINVAL, 'BPF_JA uses reserved fields');
            this.insnIdx += insn.off + 1;
          }
          continue;
        } else if (opcode === BPF_EXIT && cls === BPF_JMP) {
          if (BPF_SRC(insn.code) !== BPF_K || insn.imm !== 0 || insn.src !== 0 || insn.dst !== 0) this.fail(EINVAL, 'BPF_EXIT uses reserved fields');
          if (this.cur.curframe) {
            this.prevInsnIdx = this.insnIdx;
            this.prepareFuncExit();
            doPrintState = true;
            continue;
          }
          this.checkReferenceLeak();
          this.checkRegArg(0, 'SRC_OP');
          if (this.isPointerValue(0)) this.fail(EACCES, 'R0 leaks addr as return value');
          if (!this.exitPath()) break;
          doPrintState = true;
          continue;
        } else {
          this.checkCondJmpOp(insn);
        }
      } else if (cls === BPF_LD) {
        const mode = BPF_MODE(insn.code);
        if (mode === BPF_ABS || mode === BPF_IND) {
          this.checkLdAbs(insn);
        } else if (mode === BPF_IMM) {
          this.checkLdImm(insn, insns[this.insnIdx + 1]!);
          this.insnIdx++;
          this.aux[this.insnIdx]!.seen = true;
        } else {
          this.fail(EINVAL, 'invalid BPF_LD mode');
        }
      } else {
        this.fail(EINVAL, `unknown insn class ${cls}`);
      }
      this.insnIdx++;
    }
  }

  /** The end of one path: its explored ancestors have one path fewer; pop the next path. */
  private exitPath(): boolean {
    for (let st: VerifierState | null = this.cur.parent; st; st = st.parent) {
      if (--st.branches) break;
      if (this.d.name !== '5.0') this.maybeExitScc(st);
      // maybe_free_verifier_state: a forgotten checkpoint is freed once no path leads through it.
      if (st.inFreeList) {
        st.inFreeList = false;
        this.freeListSize--;
      }
    }
    if (!this.popStack()) return false;
    if (this.d.name !== '5.0') this.scratchAll();
    return true;
  }

  /** Same instruction, two pointer types (ctx on one path, stack on another): rejected. */
  private checkPtrTypeConsistency(t: RegType): void {
    const aux = this.aux[this.insnIdx]!;
    if (aux.ptrType === null) {
      aux.ptrType = t;
    } else if (t !== aux.ptrType && (t === 'PTR_TO_CTX' || aux.ptrType === 'PTR_TO_CTX')) {
      this.fail(EINVAL, 'same insn cannot be used with different pointers');
    }
  }

  /**
   * print_bpf_insn as the verifier calls it: a map reference prints as the map's address, the
   * pointer the kernel has put in its place by now.
   */
  private insnTextAt(idx: number): string {
    return formatInsn(this.insns[idx]!, this.insns[idx + 1], {
      dialect: this.d.name,
      imm: (ins, next, full) => {
        const map = ins.src === BPF_PSEUDO_MAP_FD || ins.src === BPF_PSEUDO_MAP_VALUE ? this.resolveMap(ins.imm) : null;
        if (!map) return '0x' + full.toString(16);
        const addr = map.addr + (ins.src === BPF_PSEUDO_MAP_VALUE ? BigInt((next?.imm ?? 0) >>> 0) : 0n);
        return '0x' + addr.toString(16);
      },
    });
  }

  // -------------------------------------------------------------------------------------------
  // bpf_check.

  run(): VerifyResult {
    let errno = 0;
    try {
      this.check();
    } catch (e) {
      if (!(e instanceof VerifierError)) throw e;
      errno = e.errno;
      if (!this.lastMessage) this.lastMessage = e.message;
    }
    const ok = errno === 0;
    if (ok && this.d.levelOneFailingPathOnly && this.log.level === 1) this.log.reset(0);
    if (this.d.statsOnFailure) {
      this.log.always(`processed ${this.processed} insns (limit ${this.d.complexityLimitInsns}) max_states_per_insn ${this.maxStatesPerInsn} total_states ${this.totalStates} peak_states ${this.peakStates} mark_read 0\n`);
    }
    return {
      ok,
      errno,
      log: this.log.text(),
      message: ok ? '' : this.lastMessage,
      processed: this.processed,
      totalStates: this.totalStates,
      peakStates: this.peakStates,
      maxStatesPerInsn: this.maxStatesPerInsn,
      subprogs: this.subprogs,
      aux: this.aux,
    };
  }

  private checkSubprogsOrFail(): Subprog[] {
    const subprogs = checkSubprogs(this.insns, this.d, this.privileged, (s) => this.verbose(s), this.log.level);
    if (!Array.isArray(subprogs)) this.fail(subprogs.errno, subprogs.message);
    return subprogs;
  }

  private check(): void {
    const d = this.d;
    if (this.n === 0 || this.n > (this.privileged ? this.d.maxInsnsPrivileged : BPF_MAXINSNS)) {
      this.lastMessage = this.n === 0 ? 'empty program' : `program of ${this.n} insns is too large`;
      throw new VerifierError(this.n === 0 ? EINVAL : E2BIG, this.lastMessage);
    }
    // 6.x looks at the functions' shape before the instructions' encodings; 5.0 the other way.
    if (d.name !== '5.0') this.subprogs = this.checkSubprogsOrFail();
    const tableErr = checkInsnTable(this.insns, d, (fd, src, off) => {
      const map = this.resolveMap(fd);
      if (!map) return `fd ${fd} is not pointing to valid bpf_map`;
      if (src === BPF_PSEUDO_MAP_VALUE) {
        if (off >= BPF_MAX_VAR_OFF) return `direct value offset of ${off} is not allowed`;
        // Of the maps bpfbox has, only arrays have map_direct_value_addr, and only with one element.
        if (map.type !== BPF_MAP_TYPE.array) return 'no direct value access support for this map type';
        if (map.maxEntries !== 1 || off >= map.valueSize) return `invalid access to map value pointer, value_size=${map.valueSize} off=${off}`;
      }
      return null;
    });
    if (tableErr) this.fail(tableErr.errno, tableErr.message);
    if (d.name === '5.0') this.subprogs = this.checkSubprogsOrFail();
    const cfg = checkCfg(this.insns, d, this.privileged);
    if ('errno' in cfg) this.fail(cfg.errno, cfg.message);
    if (d.name !== '5.0') {
      this.liveRegs = computeLiveRegisters(this.insns, (id) => funcProto(this.opts.progType, id, d.name, this.privileged));
      this.scc = computeScc(this.insns);
      if (this.log.level >= 2) this.verbose(formatLiveRegs(this.insns, this.liveRegs, this.scc, (i) => this.insnTextAt(i)));
    }
    this.explored = new Array(this.n).fill(null);
    this.jmpPoint = cfg.jmpPoint;
    this.doCheck(cfg.pruneHere);
    // 5.0 closes do_check with its statistics, before the call chains' stack is added up.
    if (d.name === '5.0') {
      this.log.always(`processed ${this.processed} insns (limit ${d.complexityLimitInsns}), stack depth ${this.subprogs.map((s) => s.stackDepth).join('+')}\n`);
    }
    this.checkMaxStackDepth();
  }
}

// ---------------------------------------------------------------------------------------------
// Pure helpers.

/**
 * struct bpf_idmap (6.x): ids of the explored state paired one-to-one with ids of the current one.
 * A scalar without an id gets a fresh temporary one, so "no link" matches only "no link".
 */
class ScalarIdMap {
  private readonly oldToCur = new Map<number, number>();
  private readonly curToOld = new Map<number, number>();

  constructor(private tmpIdGen: number) {}

  check(oldId: number, curId: number): boolean {
    if (!oldId !== !curId) return false;
    if (!oldId) return true;
    const seen = this.oldToCur.get(oldId);
    if (seen !== undefined) return seen === curId;
    if (this.curToOld.has(curId)) return false;
    this.oldToCur.set(oldId, curId);
    this.curToOld.set(curId, oldId);
    return true;
  }

  checkScalar(oldId: number, curId: number): boolean {
    return this.check(oldId || ++this.tmpIdGen, curId || ++this.tmpIdGen);
  }
}

/** regs_exact: the same type, offsets, bounds and (paired) ids. */
function regsExact(a: RegState, b: RegState, ids: ScalarIdMap): boolean {
  return a.type === b.type && a.off === b.off && a.addConst === b.addConst && a.map === b.map && a.range === b.range &&
    a.varOff.value === b.varOff.value && a.varOff.mask === b.varOff.mask &&
    a.smin === b.smin && a.smax === b.smax && a.umin === b.umin && a.umax === b.umax &&
    a.s32min === b.s32min && a.s32max === b.s32max && a.u32min === b.u32min && a.u32max === b.u32max &&
    ids.check(a.id, b.id) && ids.check(a.refObjId, b.refObjId);
}

/** The JNE case of regs_refine_cond_op: a constant at the edge of a range is cut off. */
function notEqualEdges(reg: RegState, val: bigint, is32: boolean): void {
  if (is32) {
    const u = val & U32_MAX;
    const sv = BigInt.asIntN(32, u);
    if (reg.u32min === u) reg.u32min++;
    if (reg.u32max === u) reg.u32max--;
    if (reg.s32min === sv) reg.s32min++;
    if (reg.s32max === sv) reg.s32max--;
  } else {
    const u = toU64(val);
    const sv = toS64(val);
    if (reg.umin === u) reg.umin++;
    if (reg.umax === u) reg.umax--;
    if (reg.smin === sv) reg.smin++;
    if (reg.smax === sv) reg.smax--;
  }
}

/** tnum_bswap16/32/64: the byte swap of every known and unknown bit. */
function tnumBswap(t: Tnum, bits: number): Tnum {
  const swap = (v: bigint): bigint => {
    let r = 0n;
    for (let i = 0; i < bits / 8; i++) r = (r << 8n) | ((v >> BigInt(i * 8)) & 0xffn);
    return r;
  };
  const m = (1n << BigInt(bits)) - 1n;
  return { value: swap(t.value & m), mask: swap(t.mask & m) };
}

/**
 * scalar32_min_max_add and scalar_min_max_add with a constant, then reg_bounds_sync: a bound
 * that overflows only at one end leaves that domain unbounded; overflowing at both ends wraps.
 */
function addConstToBounds(reg: RegState, k: bigint): void {
  const add = (lo: bigint, hi: bigint, min: bigint, max: bigint, kk: bigint): [bigint, bigint] => {
    const a = lo + kk;
    const b = hi + kk;
    if (min < 0n) return a < min || a > max || b < min || b > max ? [min, max] : [a, b];
    const span = max + 1n;
    const oa = a > max || a < 0n;
    const ob = b > max || b < 0n;
    if (oa !== ob) return [0n, max];
    return [((a % span) + span) % span, ((b % span) + span) % span];
  };
  const k64 = toU64(k);
  const k32 = k64 & U32_MAX;
  [reg.s32min, reg.s32max] = add(reg.s32min, reg.s32max, S32_MIN, S32_MAX, BigInt.asIntN(32, k32));
  [reg.u32min, reg.u32max] = add(reg.u32min, reg.u32max, 0n, U32_MAX, k32);
  [reg.smin, reg.smax] = add(reg.smin, reg.smax, S64_MIN, S64_MAX, toS64(k64));
  [reg.umin, reg.umax] = add(reg.umin, reg.umax, 0n, U64_MAX, k64);
  reg.varOff = tnumAdd(reg.varOff, tnumConst(k64));
  regBoundsSync6(reg);
}

/** clear_scalar_id: the scalar no longer moves together with any other. */
function clearScalarId(reg: RegState): void {
  reg.id = 0;
  reg.off = 0;
  reg.addConst = false;
}

/** fls64: the number of bits a value needs (get_reg_width of its umax). */
function bitWidth(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

/** copy_register_state: everything but the destination's liveness links. */
function copyRegisterState(dst: RegState, src: RegState): void {
  const live = dst.live;
  const parent = dst.parent;
  dst.copyFrom(src);
  dst.live = live;
  dst.parent = parent;
}

/** mark_all_scalars_imprecise: every scalar of every frame, registers and spills. */
function markAllScalarsImprecise(st: VerifierState): void {
  for (let i = 0; i <= st.curframe; i++) {
    const f = st.frames[i]!;
    for (const r of f.regs) if (r.type === 'SCALAR_VALUE') r.precise = false;
    for (const slot of f.stack) {
      if (slot.slotType[BPF_REG_SIZE - 1] === STACK_SPILL && slot.spilledPtr.type === 'SCALAR_VALUE') slot.spilledPtr.precise = false;
    }
  }
}

/** reg_not_null (6.x): pointers that cannot hold 0. Stack and context pointers are not listed. */
function regNotNull(reg: RegState): boolean {
  switch (reg.type) {
    case 'PTR_TO_MAP_VALUE':
    case 'PTR_TO_MAP_KEY':
    case 'CONST_PTR_TO_MAP':
    case 'PTR_TO_RINGBUF_MEM':
      return true;
    default:
      return false;
  }
}

/** states_maybe_looping: the same frames, called from the same places. */
function sameCallsites(old: VerifierState, cur: VerifierState): boolean {
  if (old.curframe !== cur.curframe) return false;
  for (let i = 0; i <= old.curframe; i++) if (old.frames[i]!.callsite !== cur.frames[i]!.callsite) return false;
  return true;
}

/** Sign-extends the low `size` bytes (movsx, ldsx). */
function coerceSext(reg: RegState, size: number): void {
  const bits = BigInt(size * 8);
  if (tnumIsConst(reg.varOff)) {
    markRegKnown(reg, BigInt.asIntN(Number(bits), reg.varOff.value));
    return;
  }
  const top = 1n << (bits - 1n);
  const lowMask = (1n << bits) - 1n;
  const sizedKnownNonNeg = !(reg.varOff.mask & top) && !(reg.varOff.value & top) && reg.umax <= lowMask;
  markRegUnbounded(reg);
  if (sizedKnownNonNeg) {
    reg.varOff = { value: reg.varOff.value & lowMask, mask: reg.varOff.mask & lowMask };
  } else {
    reg.varOff = { value: 0n, mask: U64_MAX };
    reg.smin = -top;
    reg.smax = top - 1n;
  }
  updateRegBounds(reg, false);
  regDeduceBounds(reg, false);
  regBoundOffset(reg, false);
}

function checkIds(oldId: number, curId: number, idmap: Map<number, number>): boolean {
  const seen = idmap.get(oldId);
  if (seen === undefined) {
    idmap.set(oldId, curId);
    return true;
  }
  return seen === curId;
}

function branchTaken(t: { value: bigint; mask: bigint }, val: bigint, sval: bigint, umin: bigint, umax: bigint, smin: bigint, smax: bigint, opcode: number): number {
  const isConst = t.mask === 0n;
  switch (opcode) {
    case BPF_JEQ:
      if (isConst) return t.value === val ? 1 : 0;
      break;
    case BPF_JNE:
      if (isConst) return t.value !== val ? 1 : 0;
      break;
    case BPF_JSET:
      if ((~t.mask & t.value) & val) return 1;
      if (!((t.mask | t.value) & val)) return 0;
      break;
    case BPF_JGT:
      if (umin > val) return 1;
      if (umax <= val) return 0;
      break;
    case BPF_JSGT:
      if (smin > sval) return 1;
      if (smax <= sval) return 0;
      break;
    case BPF_JLT:
      if (umax < val) return 1;
      if (umin >= val) return 0;
      break;
    case BPF_JSLT:
      if (smax < sval) return 1;
      if (smin >= sval) return 0;
      break;
    case BPF_JGE:
      if (umin >= val) return 1;
      if (umax < val) return 0;
      break;
    case BPF_JSGE:
      if (smin >= sval) return 1;
      if (smax < sval) return 0;
      break;
    case BPF_JLE:
      if (umax <= val) return 1;
      if (umin > val) return 0;
      break;
    case BPF_JSLE:
      if (smax <= sval) return 1;
      if (smin > sval) return 0;
      break;
  }
  return -1;
}

const isPowerOf2 = (v: bigint): boolean => v !== 0n && (v & (v - 1n)) === 0n;
const maxU = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const minU = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/**
 * The bounds each branch of `reg op val` implies (reg_set_min_max, or reg_set_min_max_inv
 * when the constant is the left operand, which mirrors every comparison).
 */
function refine64(trueReg: RegState, falseReg: RegState, val: bigint, opcode: number, inv: boolean): void {
  const sval = toS64(val);
  const op = inv ? mirror(opcode) : opcode;
  switch (op) {
    case BPF_JEQ:
      markRegKnown(trueReg, val);
      break;
    case BPF_JNE:
      markRegKnown(falseReg, val);
      break;
    case BPF_JSET:
      falseReg.varOff = tnumAnd(falseReg.varOff, tnumConst(~val));
      if (isPowerOf2(val)) trueReg.varOff = tnumOr(trueReg.varOff, tnumConst(val));
      break;
    case BPF_JGT:
      falseReg.umax = minU(falseReg.umax, val);
      trueReg.umin = maxU(trueReg.umin, toU64(val + 1n));
      break;
    case BPF_JSGT:
      falseReg.smax = minU(falseReg.smax, sval);
      trueReg.smin = maxU(trueReg.smin, toS64(sval + 1n));
      break;
    case BPF_JLT:
      falseReg.umin = maxU(falseReg.umin, val);
      trueReg.umax = minU(trueReg.umax, toU64(val - 1n));
      break;
    case BPF_JSLT:
      falseReg.smin = maxU(falseReg.smin, sval);
      trueReg.smax = minU(trueReg.smax, toS64(sval - 1n));
      break;
    case BPF_JGE:
      falseReg.umax = minU(falseReg.umax, toU64(val - 1n));
      trueReg.umin = maxU(trueReg.umin, val);
      break;
    case BPF_JSGE:
      falseReg.smax = minU(falseReg.smax, toS64(sval - 1n));
      trueReg.smin = maxU(trueReg.smin, sval);
      break;
    case BPF_JLE:
      falseReg.umin = maxU(falseReg.umin, toU64(val + 1n));
      trueReg.umax = minU(trueReg.umax, val);
      break;
    case BPF_JSLE:
      falseReg.smin = maxU(falseReg.smin, toS64(sval + 1n));
      trueReg.smax = minU(trueReg.smax, sval);
      break;
  }
}

/** The JMP32 form: the subregister bounds each branch implies. */
function refine32(trueReg: RegState, falseReg: RegState, val: bigint, opcode: number, inv: boolean): void {
  const sval = BigInt.asIntN(32, val);
  const op = inv ? mirror(opcode) : opcode;
  const setKnown32 = (r: RegState): void => {
    r.u32min = r.u32max = val;
    r.s32min = r.s32max = sval;
    r.varOff = { value: (r.varOff.value & ~U32_MAX) | val, mask: r.varOff.mask & ~U32_MAX };
  };
  switch (op) {
    case BPF_JEQ: setKnown32(trueReg); break;
    case BPF_JNE: setKnown32(falseReg); break;
    case BPF_JSET:
      falseReg.varOff = tnumAnd(falseReg.varOff, tnumConst(~val & U32_MAX | ~U32_MAX));
      if (isPowerOf2(val)) trueReg.varOff = tnumOr(trueReg.varOff, tnumConst(val));
      break;
    case BPF_JGT: falseReg.u32max = minU(falseReg.u32max, val); trueReg.u32min = maxU(trueReg.u32min, val + 1n > U32_MAX ? U32_MAX : val + 1n); break;
    case BPF_JSGT: falseReg.s32max = minU(falseReg.s32max, sval); trueReg.s32min = maxU(trueReg.s32min, sval + 1n > S32_MAX ? S32_MAX : sval + 1n); break;
    case BPF_JLT: falseReg.u32min = maxU(falseReg.u32min, val); trueReg.u32max = minU(trueReg.u32max, val - 1n < 0n ? 0n : val - 1n); break;
    case BPF_JSLT: falseReg.s32min = maxU(falseReg.s32min, sval); trueReg.s32max = minU(trueReg.s32max, sval - 1n); break;
    case BPF_JGE: falseReg.u32max = minU(falseReg.u32max, val - 1n < 0n ? 0n : val - 1n); trueReg.u32min = maxU(trueReg.u32min, val); break;
    case BPF_JSGE: falseReg.s32max = minU(falseReg.s32max, sval - 1n); trueReg.s32min = maxU(trueReg.s32min, sval); break;
    case BPF_JLE: falseReg.u32min = maxU(falseReg.u32min, val + 1n > U32_MAX ? U32_MAX : val + 1n); trueReg.u32max = minU(trueReg.u32max, val); break;
    case BPF_JSLE: falseReg.s32min = maxU(falseReg.s32min, sval + 1n); trueReg.s32max = minU(trueReg.s32max, sval); break;
  }
  for (const r of [trueReg, falseReg]) {
    r.varOff = tnumIntersect(r.varOff, { value: r.varOff.value & ~U32_MAX, mask: (r.varOff.mask & ~U32_MAX) | U32_MAX });
    const t32 = tnumIntersect({ value: r.varOff.value & U32_MAX, mask: r.varOff.mask & U32_MAX }, tnumRange(r.u32min, r.u32max));
    r.varOff = { value: (r.varOff.value & ~U32_MAX) | t32.value, mask: (r.varOff.mask & ~U32_MAX) | t32.mask };
    // With the upper half known zero, the 64-bit bounds are the subregister's.
    if ((r.varOff.value | r.varOff.mask) >> 32n === 0n) {
      r.umin = maxU(r.umin, r.u32min);
      r.umax = minU(r.umax, r.u32max);
    }
  }
}

/** `val op reg` read as `reg op' val`. */
function mirror(op: number): number {
  switch (op) {
    case BPF_JGT: return BPF_JLT;
    case BPF_JLT: return BPF_JGT;
    case BPF_JGE: return BPF_JLE;
    case BPF_JLE: return BPF_JGE;
    case BPF_JSGT: return BPF_JSLT;
    case BPF_JSLT: return BPF_JSGT;
    case BPF_JSGE: return BPF_JSLE;
    case BPF_JSLE: return BPF_JSGE;
    default: return op;
  }
}

/** bpf_check: verify `insns` for `opts.progType` in the chosen dialect. */
export function bpfCheck(insns: readonly Insn[], opts: VerifyOptions): VerifyResult {
  return new Verifier(insns, opts).run();
}

