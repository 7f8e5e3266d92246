// Precision tracking (Linux 5.3+, the 6.x dialect): which scalars a verdict depended on.
//
// A scalar is *precise* in an explored state when some later check relied on its exact range:
// it was added to a pointer, sized a helper's memory, decided a branch, or keyed an array lookup.
// Only precise scalars must match for a new state to be pruned against an explored one; the
// others may hold anything. Precision is found lazily: when a check relies on a register, the
// verifier walks the current path backwards (backtrack_insn) from that instruction, following the
// register through moves, arithmetic and stack spills, and marks what it reaches as precise in
// every explored state (checkpoint) along the way.

import {
  BPF_ALU, BPF_ALU64, BPF_CALL, BPF_CLASS, BPF_EXIT, BPF_IND, BPF_ABS, BPF_JMP, BPF_JMP32, BPF_LD, BPF_LDX,
  BPF_MODE, BPF_MOV, BPF_NEG, BPF_END, BPF_OP, BPF_PSEUDO_CALL, BPF_SRC, BPF_ST, BPF_STX, BPF_X, type Insn,
} from '../isa.js';
import { BPF_REG_SIZE, STACK_SPILL, type FuncState, type VerifierState } from './state.js';

/** A jump or a stack access on the current path (struct bpf_jmp_history_entry). */
export interface JmpHistoryEntry {
  idx: number;
  prevIdx: number;
  /** INSN_F_STACK_ACCESS with the frame and slot of a spill or fill; 0 otherwise. */
  flags: number;
  /** Scalars a conditional jump here refined together (they shared an id). */
  linked?: readonly LinkedReg[];
}

/** struct linked_reg: a register, or a spilled stack slot, of one frame. */
export interface LinkedReg {
  frame: number;
  isReg: boolean;
  /** The register number, or the stack slot index. */
  n: number;
}

/** LINKED_REGS_MAX: how many linked scalars one history entry can hold. */
export const LINKED_REGS_MAX = 6;

const INSN_F_STACK_ACCESS = 1 << 9;

/** The flags of an instruction that spills to, or fills from, slot `spi` of frame `frame`. */
export function stackAccessFlags(frame: number, spi: number): number {
  return INSN_F_STACK_ACCESS | (frame << 6) | spi;
}

const REGMASK_ARGS = 0b111110;

/** What the backtracker needs of the verifier it serves. */
export interface PrecisionHost {
  readonly insns: readonly Insn[];
  readonly logLevel: number;
  verbose(s: string): void;
  /** The instruction as the log prints it. */
  insnText(idx: number): string;
  /** print_verifier_state(st, frame, print_all): every register and slot of one frame. */
  printFrame(st: VerifierState, frame: number): string;
}

/** struct backtrack_state: registers and stack slots still to be explained, per frame. */
class Backtrack {
  frame = 0;
  readonly regs = new Array<number>(8).fill(0);
  readonly stack = new Array<bigint>(8).fill(0n);

  reset(frame: number): void {
    this.frame = frame;
    this.regs.fill(0);
    this.stack.fill(0n);
  }

  empty(): boolean {
    for (let i = 0; i <= this.frame; i++) if (this.regs[i] || this.stack[i]) return false;
    return true;
  }

  setReg(r: number, fr = this.frame): void {
    this.regs[fr]! |= 1 << r;
  }

  clearReg(r: number, fr = this.frame): void {
    this.regs[fr]! &= ~(1 << r);
  }

  isReg(r: number, fr = this.frame): boolean {
    return (this.regs[fr]! & (1 << r)) !== 0;
  }

  setSlot(fr: number, spi: number): void {
    this.stack[fr]! |= 1n << BigInt(spi);
  }

  clearSlot(fr: number, spi: number): void {
    this.stack[fr]! &= ~(1n << BigInt(spi));
  }

  isSlot(fr: number, spi: number): boolean {
    return (this.stack[fr]! & (1n << BigInt(spi))) !== 0n;
  }
}

/** fmt_reg_mask: r1,r6 */
function fmtRegMask(mask: number): string {
  const out: string[] = [];
  for (let i = 0; i < 11; i++) if (mask & (1 << i)) out.push(`r${i}`);
  return out.join(',');
}

/** fmt_stack_mask: -8,-16 */
function fmtStackMask(mask: bigint): string {
  const out: string[] = [];
  for (let i = 0; i < 64; i++) if (mask & (1n << BigInt(i))) out.push(String(-(i + 1) * BPF_REG_SIZE));
  return out.join(',');
}

/** ENOTSUPP from backtrack_insn: give up and mark every scalar precise. */
const GIVE_UP = 1;

export class Precision {
  private readonly bt = new Backtrack();

  constructor(private readonly host: PrecisionHost) {}

  private get level2(): boolean {
    return this.host.logLevel >= 2;
  }

  /**
   * mark_chain_precision: `regno` (and/or slot `spi` of the current frame) of the current state
   * was relied on; mark what it came from precise in every explored state of this path.
   */
  markChainPrecision(cur: VerifierState, regno: number, spi = -1): void {
    const bt = this.bt;
    bt.reset(cur.curframe);
    if (regno >= 0) {
      const reg = cur.frames[cur.curframe]!.regs[regno]!;
      if (reg.type !== 'SCALAR_VALUE') return;
      bt.setReg(regno);
    }
    if (spi >= 0) bt.setSlot(cur.curframe, spi);
    if (bt.empty()) return;
    this.run(cur);
  }

  /** mark_chain_precision_batch: several registers and slots, per frame, at once. */
  markBatch(cur: VerifierState, regs: number[], slots: bigint[]): void {
    const bt = this.bt;
    bt.reset(cur.curframe);
    for (let fr = 0; fr <= cur.curframe; fr++) {
      bt.regs[fr] = regs[fr] ?? 0;
      bt.stack[fr] = slots[fr] ?? 0n;
    }
    if (!bt.empty()) this.run(cur);
  }

  private run(cur: VerifierState): void {
    const bt = this.bt;
    let st: VerifierState | null = cur;
    let lastIdx = cur.insnIdx;
    let firstIdx = cur.firstInsnIdx;
    let subseqIdx = -1;
    let skipFirst = true;
    for (;;) {
      if (this.level2) this.host.verbose(`mark_precise: frame${bt.frame}: last_idx ${lastIdx} first_idx ${firstIdx} subseq_idx ${subseqIdx} \n`);
      let history = st.jmpHistory.length;
      for (let i = lastIdx; ;) {
        if (skipFirst) {
          skipFirst = false;
        } else {
          const h = history > 0 && st.jmpHistory[history - 1]!.idx === i ? st.jmpHistory[history - 1]! : null;
          if (this.backtrackInsn(i, subseqIdx, h) === GIVE_UP) {
            this.markAllScalarsPrecise(cur);
            bt.reset(0);
            return;
          }
        }
        if (bt.empty()) return;
        subseqIdx = i;
        // get_prev_insn_idx: a jump recorded in the history, or the instruction before.
        if (i === st.firstInsnIdx) {
          if (history === 0) break;
          if (history === 1 && st.jmpHistory[0]!.idx === i) break;
        }
        if (history > 0 && st.jmpHistory[history - 1]!.idx === i) {
          i = st.jmpHistory[history - 1]!.prevIdx;
          history--;
        } else {
          i--;
        }
        if (i < 0) break;
      }
      st = st.parent;
      if (!st) break;
      for (let fr = bt.frame; fr >= 0; fr--) {
        const func = st.frames[fr]!;
        for (let r = 0; r < 11; r++) {
          if (!bt.isReg(r, fr)) continue;
          const reg = func.regs[r]!;
          if (reg.type !== 'SCALAR_VALUE' || reg.precise) {
            bt.clearReg(r, fr);
          } else {
            reg.precise = true;
          }
        }
        for (let i = 0; i < 64; i++) {
          if (!bt.isSlot(fr, i)) continue;
          const slot = func.stack[i];
          if (!slot || slot.slotType[BPF_REG_SIZE - 1] !== STACK_SPILL || slot.spilledPtr.type !== 'SCALAR_VALUE' || slot.spilledPtr.precise) {
            bt.clearSlot(fr, i);
          } else {
            slot.spilledPtr.precise = true;
          }
        }
        if (this.level2) {
          this.host.verbose(`mark_precise: frame${fr}: parent state regs=${fmtRegMask(bt.regs[fr]!)} stack=${fmtStackMask(bt.stack[fr]!)}: ${this.host.printFrame(st, fr)}\n`);
        }
      }
      if (bt.empty()) return;
      subseqIdx = firstIdx;
      lastIdx = st.lastInsnIdx;
      firstIdx = st.firstInsnIdx;
    }
    // Something was not explained (a stack access the history missed): be conservative.
    if (!bt.empty()) {
      this.markAllScalarsPrecise(cur);
      bt.reset(0);
    }
  }

  /**
   * bt_sync_linked_regs: scalars a jump refined together are precise together, so if one of them
   * is being tracked, all are.
   */
  private syncLinkedRegs(hist: JmpHistoryEntry | null): void {
    const linked = hist?.linked;
    if (!linked) return;
    const bt = this.bt;
    if (!linked.some((e) => (e.isReg ? bt.isReg(e.n, e.frame) : bt.isSlot(e.frame, e.n)))) return;
    for (const e of linked) {
      if (e.isReg) bt.setReg(e.n, e.frame);
      else bt.setSlot(e.frame, e.n);
    }
  }

  /** backtrack_insn: what instruction idx needed in order to produce what is being tracked. */
  private backtrackInsn(idx: number, subseqIdx: number, hist: JmpHistoryEntry | null): number {
    const r = this.backtrackInsnInner(idx, subseqIdx, hist);
    if (r === 0) this.syncLinkedRegs(hist);
    return r;
  }

  private backtrackInsnInner(idx: number, subseqIdx: number, hist: JmpHistoryEntry | null): number {
    const bt = this.bt;
    const insn = this.host.insns[idx]!;
    // The second half of an ld_imm64 is not an instruction.
    if (insn.code === 0) return 0;
    if (this.level2) {
      this.host.verbose(`mark_precise: frame${bt.frame}: regs=${fmtRegMask(bt.regs[bt.frame]!)} stack=${fmtStackMask(bt.stack[bt.frame]!)} before ${idx}: ${this.host.insnText(idx)}\n`);
    }
    this.syncLinkedRegs(hist);
    const cls = BPF_CLASS(insn.code);
    const op = BPF_OP(insn.code);
    const dreg = insn.dst;
    const sreg = insn.src;
    const stackAccess = hist !== null && (hist.flags & INSN_F_STACK_ACCESS) !== 0;
    const spi = hist ? hist.flags & 63 : 0;
    const fr = hist ? (hist.flags >> 6) & 7 : 0;
    if (cls === BPF_ALU || cls === BPF_ALU64) {
      if (!bt.isReg(dreg)) return 0;
      if (op === BPF_END || op === BPF_NEG) return 0;
      if (op === BPF_MOV) {
        bt.clearReg(dreg);
        if (BPF_SRC(insn.code) === BPF_X && sreg !== 10) bt.setReg(sreg);
      } else if (BPF_SRC(insn.code) === BPF_X && sreg !== 10) {
        bt.setReg(sreg);
      }
    } else if (cls === BPF_LDX) {
      if (!bt.isReg(dreg)) return 0;
      bt.clearReg(dreg);
      // Only the stack keeps a scalar's precision; other memory was read as an unknown value.
      if (stackAccess) bt.setSlot(fr, spi);
    } else if (cls === BPF_STX || cls === BPF_ST) {
      // A scalar used to address memory means a pointer was subtracted from: not tracked.
      if (bt.isReg(dreg)) return GIVE_UP;
      if (!stackAccess || !bt.isSlot(fr, spi)) return 0;
      bt.clearSlot(fr, spi);
      if (cls === BPF_STX) bt.setReg(sreg);
    } else if (cls === BPF_JMP || cls === BPF_JMP32) {
      if (op === BPF_CALL && insn.src === BPF_PSEUDO_CALL) {
        // Backwards through a call instruction is leaving the callee: only arguments carry over.
        if (bt.regs[bt.frame]! & ~REGMASK_ARGS || bt.stack[bt.frame] !== 0n) return GIVE_UP;
        for (let r = 1; r <= 5; r++) {
          if (bt.isReg(r)) {
            bt.clearReg(r);
            bt.setReg(r, bt.frame - 1);
          }
        }
        if (bt.frame === 0) return GIVE_UP;
        bt.frame--;
        return 0;
      }
      if (op === BPF_CALL) {
        // A helper sets r0 from nothing the program controls.
        bt.clearReg(0);
        if (bt.regs[bt.frame]! & REGMASK_ARGS) return GIVE_UP;
        return 0;
      }
      if (op === BPF_EXIT) {
        // Backwards through an exit is entering the callee that returned r0.
        if (bt.regs[bt.frame]! & REGMASK_ARGS) return GIVE_UP;
        const callInsn = subseqIdx >= 1 ? this.host.insns[subseqIdx - 1] : undefined;
        const r0 = callInsn !== undefined && callInsn.code === (BPF_JMP | BPF_CALL) && callInsn.src === BPF_PSEUDO_CALL && bt.isReg(0);
        bt.clearReg(0);
        if (bt.frame >= 7) return GIVE_UP;
        bt.frame++;
        if (r0) bt.setReg(0);
        return 0;
      }
      if (BPF_SRC(insn.code) === BPF_X) {
        if (!bt.isReg(dreg) && !bt.isReg(sreg)) return 0;
        bt.setReg(dreg);
        bt.setReg(sreg);
      }
    } else if (cls === BPF_LD) {
      if (!bt.isReg(dreg)) return 0;
      bt.clearReg(dreg);
      const mode = BPF_MODE(insn.code);
      if (mode === BPF_IND || mode === BPF_ABS) return GIVE_UP;
    }
    return 0;
  }

  /** mark_all_scalars_precise: the fallback when backtracking cannot follow the program. */
  markAllScalarsPrecise(cur: VerifierState): void {
    if (this.level2) this.host.verbose(`mark_precise: frame${cur.curframe}: falling back to forcing all scalars precise\n`);
    for (let st = cur.parent; st; st = st.parent) {
      for (let i = 0; i <= st.curframe; i++) {
        const func: FuncState = st.frames[i]!;
        for (let j = 0; j < 10; j++) {
          const reg = func.regs[j]!;
          if (reg.type !== 'SCALAR_VALUE' || reg.precise) continue;
          reg.precise = true;
          if (this.level2) this.host.verbose(`force_precise: frame${i}: forcing r${j} to be precise\n`);
        }
        func.stack.forEach((slot, j) => {
          if (slot.slotType[BPF_REG_SIZE - 1] !== STACK_SPILL) return;
          const reg = slot.spilledPtr;
          if (reg.type !== 'SCALAR_VALUE' || reg.precise) return;
          reg.precise = true;
          if (this.level2) this.host.verbose(`force_precise: frame${i}: forcing fp${-(j + 1) * 8} to be precise\n`);
        });
      }
    }
  }
}

