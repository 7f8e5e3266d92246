// The static analyses Linux 6.x runs over the control-flow graph before walking paths:
// compute_scc (which instructions form loops) and compute_live_registers (which registers may be
// read before they are next written). The walk uses register liveness to decide which scalars a
// bounds check links together; level 2 of the log lists both.

import {
  BPF_ALU, BPF_ALU64, BPF_ATOMIC, BPF_CALL, BPF_CLASS, BPF_CMPXCHG, BPF_DW, BPF_END, BPF_EXIT, BPF_FETCH, BPF_IMM,
  BPF_JA, BPF_JMP, BPF_JMP32, BPF_K, BPF_LD, BPF_LDX, BPF_MEM, BPF_MEMSX, BPF_MODE, BPF_MOV, BPF_OP, BPF_SIZE, BPF_SRC,
  BPF_ST, BPF_STX, type Insn,
} from '../isa.js';
import type { HelperProto } from '../helpers.js';

const isLdImm64 = (insn: Insn): boolean => insn.code === (BPF_LD | BPF_IMM | BPF_DW);

/** bpf_insn_successors: the instructions that may run right after insns[idx], fall-through first. */
export function insnSuccessors(insns: readonly Insn[], idx: number): number[] {
  const insn = insns[idx]!;
  const cls = BPF_CLASS(insn.code);
  const next = idx + (isLdImm64(insn) ? 2 : 1);
  if (cls !== BPF_JMP && cls !== BPF_JMP32) return [next];
  const op = BPF_OP(insn.code);
  if (op === BPF_EXIT) return [];
  if (op === BPF_CALL) return [next];
  const target = idx + (insn.code === (BPF_JMP32 | BPF_JA) ? insn.imm : insn.off) + 1;
  if (op === BPF_JA) return [target];
  return [next, target];
}

/**
 * compute_scc: Tarjan's strongly connected components over the instruction graph. Instructions
 * of a loop (a component of two or more, or one that jumps to itself) share a number from 1 up,
 * in the order the components complete; the rest get 0.
 */
export function computeScc(insns: readonly Insn[]): Int32Array {
  const n = insns.length;
  const notOnStack = n + 1;
  const pre = new Int32Array(n);
  const low = new Int32Array(n);
  const scc = new Int32Array(n);
  const stack: number[] = [];
  const dfs: number[] = [];
  let nextPre = 1;
  let nextScc = 1;
  for (let i = 0; i < n; i++) {
    if (pre[i]) continue;
    dfs.length = 0;
    dfs.push(i);
    walk: while (dfs.length) {
      const w = dfs[dfs.length - 1]!;
      if (pre[w] === 0) {
        low[w] = nextPre;
        pre[w] = nextPre++;
        stack.push(w);
      }
      const succ = insnSuccessors(insns, w).filter((s) => s >= 0 && s < n);
      for (const s of succ) {
        if (pre[s]) {
          low[w] = Math.min(low[w]!, low[s]!);
        } else {
          dfs.push(s);
          continue walk;
        }
      }
      // Something deeper reaches back above w: w stays on the stack with it.
      if (low[w]! < pre[w]!) {
        dfs.pop();
        continue;
      }
      const loop = stack[stack.length - 1] !== w || succ.includes(w);
      let t: number;
      do {
        t = stack.pop()!;
        low[t] = notOnStack;
        if (loop) scc[t] = nextScc;
      } while (t !== w);
      if (loop) nextScc++;
      dfs.pop();
    }
  }
  return scc;
}

const CALLER_SAVED = 0b111111;
const ALL_REGS = 0b1111111111;

/** The registers an instruction reads (use) and writes (def), as compute_insn_live_regs sees it. */
function useDef(insn: Insn, proto: (id: number) => HelperProto | null): { use: number; def: number } {
  const cls = BPF_CLASS(insn.code);
  const mode = BPF_MODE(insn.code);
  const op = BPF_OP(insn.code);
  const dst = 1 << insn.dst;
  const src = 1 << insn.src;
  const srcX = BPF_SRC(insn.code) !== BPF_K;
  switch (cls) {
    case BPF_LD:
      // ld_imm64 writes dst; the legacy packet loads read r6 and the skb behind everything.
      if (mode === BPF_IMM && BPF_SIZE(insn.code) === BPF_DW) return { use: 0, def: dst };
      return { use: ALL_REGS, def: CALLER_SAVED };
    case BPF_LDX:
      if (mode === BPF_MEM || mode === BPF_MEMSX) return { use: src, def: dst };
      break;
    case BPF_ST:
      if (mode === BPF_MEM) return { use: dst, def: 0 };
      break;
    case BPF_STX:
      if (mode === BPF_MEM) return { use: dst | src, def: 0 };
      if (mode === BPF_ATOMIC) {
        if (insn.imm === BPF_CMPXCHG) return { use: 1 | dst | src, def: 1 };
        return { use: dst | src, def: insn.imm & BPF_FETCH ? src : 0 };
      }
      break;
    case BPF_ALU:
    case BPF_ALU64:
      if (op === BPF_END) return { use: dst, def: dst };
      if (op === BPF_MOV) return { use: srcX ? src : 0, def: dst };
      return { use: srcX ? dst | src : dst, def: dst };
    case BPF_JMP:
    case BPF_JMP32:
      if (op === BPF_JA) return { use: srcX ? dst : 0, def: 0 };
      if (op === BPF_EXIT) return { use: 1, def: 0 };
      if (op === BPF_CALL) {
        // A helper reads as many argument registers as its prototype has arguments.
        const p = insn.src === 0 ? proto(insn.imm) : null;
        if (p) {
          let params = 0;
          while (params < p.args.length && p.args[params] !== 'ARG_DONTCARE') params++;
          return { use: ((1 << (params + 1)) - 1) & ~1, def: CALLER_SAVED };
        }
        return { use: CALLER_SAVED & ~1, def: CALLER_SAVED };
      }
      return { use: srcX ? dst | src : dst, def: 0 };
  }
  return { use: CALLER_SAVED & ~1, def: CALLER_SAVED };
}

/**
 * compute_live_registers: for each instruction, the registers r0-r9 that may be read before
 * being written again, from it onwards, within its function (a call returns to the next insn).
 */
export function computeLiveRegisters(insns: readonly Insn[], proto: (id: number) => HelperProto | null): Uint16Array {
  const n = insns.length;
  const use = new Uint16Array(n);
  const def = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const u = useDef(insns[i]!, proto);
    use[i] = u.use;
    def[i] = u.def;
  }
  const liveIn = new Uint16Array(n);
  for (let changed = true; changed;) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      let out = 0;
      for (const s of insnSuccessors(insns, i)) if (s >= 0 && s < n) out |= liveIn[s]!;
      const inn = (out & ~def[i]!) | use[i]!;
      if (inn !== liveIn[i]) {
        liveIn[i] = inn;
        changed = true;
      }
    }
  }
  return liveIn;
}

/** The level-2 "Live regs before insn:" listing: loop number, live registers, instruction. */
export function formatLiveRegs(insns: readonly Insn[], live: Uint16Array, scc: Int32Array, insnText: (idx: number) => string): string {
  let s = 'Live regs before insn:\n';
  for (let i = 0; i < insns.length; i++) {
    s += scc[i] ? String(scc[i]).padStart(3) + ' ' : '    ';
    s += String(i).padStart(3) + ': ';
    for (let r = 0; r < 10; r++) s += live[i]! & (1 << r) ? String(r) : '.';
    s += ' ' + insnText(i) + '\n';
    if (isLdImm64(insns[i]!)) i++;
  }
  return s;
}
