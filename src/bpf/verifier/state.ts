// struct bpf_func_state and struct bpf_verifier_state: the registers and stack of every live call
// frame on one path through the program.

import { MAX_BPF_REG } from '../isa.js';
import type { JmpHistoryEntry } from './precision.js';
import { RegState, markRegKnownZero, markRegNotInit, REG_LIVE_NONE } from './reg_state.js';

export const BPF_REG_SIZE = 8;

export const STACK_INVALID = 0;
export const STACK_SPILL = 1;
export const STACK_MISC = 2;
export const STACK_ZERO = 3;

export const SLOT_CHAR = ['?', 'r', 'm', '0'];

export class StackSlot {
  readonly spilledPtr = new RegState();
  readonly slotType = new Uint8Array(BPF_REG_SIZE);

  copyFrom(o: StackSlot): void {
    this.spilledPtr.copyFrom(o.spilledPtr);
    this.slotType.set(o.slotType);
  }
}

export class FuncState {
  readonly regs: RegState[] = Array.from({ length: MAX_BPF_REG }, () => new RegState());
  /** Slot i covers fp-8*(i+1) .. fp-8*i-1. */
  stack: StackSlot[] = [];
  /** Index of the call instruction that entered this frame; -1 for the main program. */
  callsite = -1;
  frameno = 0;
  subprogno = 0;

  get allocatedStack(): number {
    return this.stack.length * BPF_REG_SIZE;
  }

  /** Grows the stack to cover `size` bytes (realloc_func_state). */
  growStack(size: number): void {
    const slots = Math.ceil(size / BPF_REG_SIZE);
    while (this.stack.length < slots) this.stack.push(new StackSlot());
  }

  copyFrom(o: FuncState): void {
    for (let i = 0; i < MAX_BPF_REG; i++) this.regs[i]!.copyFrom(o.regs[i]!);
    if (this.stack.length > o.stack.length) this.stack.length = o.stack.length;
    for (let i = 0; i < o.stack.length; i++) {
      if (!this.stack[i]) this.stack[i] = new StackSlot();
      this.stack[i]!.copyFrom(o.stack[i]!);
    }
    this.callsite = o.callsite;
    this.frameno = o.frameno;
    this.subprogno = o.subprogno;
  }
}

/** init_func_state: r1 = ctx, r10 = fp, everything else not readable. */
export function initFuncState(st: FuncState, callsite: number, frameno: number, subprogno: number): void {
  st.callsite = callsite;
  st.frameno = frameno;
  st.subprogno = subprogno;
  for (const r of st.regs) {
    markRegNotInit(r);
    r.live = REG_LIVE_NONE;
    r.parent = null;
  }
  const fp = st.regs[10]!;
  fp.type = 'PTR_TO_STACK';
  markRegKnownZero(fp);
  fp.frameno = frameno;
  const r1 = st.regs[1]!;
  r1.type = 'PTR_TO_CTX';
  markRegKnownZero(r1);
}

export class VerifierState {
  frames: (FuncState | null)[] = [new FuncState()];
  curframe = 0;
  /** The explored state this path last passed through (the DFS parent). */
  parent: VerifierState | null = null;
  /** Paths from this state still being verified; 0 once every one has ended. */
  branches = 1;
  /** 6.x: forgotten as a checkpoint while `branches` was not yet 0 (bpf_verifier_state_list.in_free_list). */
  inFreeList = false;
  /** 6.x precision tracking: where this state's stretch of the path starts and ends. */
  insnIdx = 0;
  firstInsnIdx = 0;
  lastInsnIdx = -1;
  /** Non-sequential steps and stack spills/fills since firstInsnIdx, for backtracking. */
  jmpHistory: JmpHistoryEntry[] = [];
  /** Acquired references (ringbuf records) this path must release, in order of acquisition. */
  refs: { id: number; insnIdx: number }[] = [];

  get cur(): FuncState {
    return this.frames[this.curframe]!;
  }

  copyFrom(o: VerifierState): void {
    for (let i = o.curframe + 1; i < this.frames.length; i++) this.frames[i] = null;
    this.curframe = o.curframe;
    this.parent = o.parent;
    this.branches = o.branches;
    this.insnIdx = o.insnIdx;
    this.firstInsnIdx = o.firstInsnIdx;
    this.lastInsnIdx = o.lastInsnIdx;
    this.jmpHistory = o.jmpHistory.map((e) => ({ ...e }));
    this.refs = o.refs.map((r) => ({ ...r }));
    for (let i = 0; i <= o.curframe; i++) {
      let f = this.frames[i];
      if (!f) {
        f = new FuncState();
        this.frames[i] = f;
      }
      f.copyFrom(o.frames[i]!);
    }
  }

  clone(): VerifierState {
    const s = new VerifierState();
    s.copyFrom(this);
    return s;
  }
}
