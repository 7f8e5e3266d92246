// Attach points: every kernel function can carry kprobe (entry) and kretprobe (return) handlers.
// The kernel keeps a per-function count in a typed array, so a call into a function nothing is
// attached to tests one byte and moves on. Handlers see a pt_regs built from the call's
// arguments in x86-64 order, written into one reusable buffer.

import { ArgKind, type KernelFunction } from './symbols.js';
import type { Task } from './sched/task.js';

/** struct pt_regs offsets, arch/x86/include/asm/ptrace.h (x86_64). */
export const PT_REGS = {
  r15: 0,
  r14: 8,
  r13: 16,
  r12: 24,
  bp: 32,
  bx: 40,
  r11: 48,
  r10: 56,
  r9: 64,
  r8: 72,
  ax: 80,
  cx: 88,
  dx: 96,
  si: 104,
  di: 112,
  orig_ax: 120,
  ip: 128,
  cs: 136,
  flags: 144,
  sp: 152,
  ss: 160,
} as const;
export const PT_REGS_SIZE = 168;

const ARG_REGS = [PT_REGS.di, PT_REGS.si, PT_REGS.dx, PT_REGS.cx, PT_REGS.r8, PT_REGS.r9];

/** Upper halves of the regions an ArgKind maps into. */
const VMEMMAP_HI = 0xffffea00;
const DIRECT_HI = 0xffff8880;
const VMALLOC_HI = 0xffffc900;

export interface ProbeHit {
  readonly fn: KernelFunction;
  /** The pt_regs buffer (valid only during the handler). */
  readonly regs: DataView;
  readonly task: Task;
  readonly cpu: number;
  /** True for a kretprobe; regs.ax then holds the return value. */
  readonly isReturn: boolean;
}

export type ProbeHandler = (hit: ProbeHit) => void;

/** Writes a value of the given kind into an 8-byte register slot, exactly. */
export function writeArg(view: DataView, off: number, kind: ArgKind, v: number): void {
  let hi: number;
  let lo: number;
  switch (kind) {
    case ArgKind.Page:
      if (v < 0) {
        hi = 0;
        lo = 0;
        break;
      }
      hi = VMEMMAP_HI + Math.floor((v * 64) / 0x100000000);
      lo = (v * 64) % 0x100000000;
      break;
    case ArgKind.Direct:
      // pfn 0 is always reserved, so direct-map offset 0 is never memory: it is NULL.
      if (v <= 0) {
        hi = 0;
        lo = 0;
        break;
      }
      hi = DIRECT_HI + Math.floor(v / 0x100000000);
      lo = v % 0x100000000;
      break;
    case ArgKind.Vmalloc:
      if (v < 0) {
        hi = 0;
        lo = 0;
        break;
      }
      hi = VMALLOC_HI + Math.floor(v / 0x100000000);
      lo = v % 0x100000000;
      break;
    default:
      // Int and User: a double holding an integer exactly (|v| < 2^53); negatives sign-extend.
      hi = Math.floor(v / 0x100000000) >>> 0;
      lo = (((v % 0x100000000) + 0x100000000) % 0x100000000) >>> 0;
  }
  view.setUint32(off, lo, true);
  view.setUint32(off + 4, hi, true);
}

export class ProbeHitImpl implements ProbeHit {
  fn!: KernelFunction;
  task!: Task;
  cpu = 0;
  isReturn = false;
  readonly regs = new DataView(new ArrayBuffer(PT_REGS_SIZE));

  fill(fn: KernelFunction, textLo: number, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): void {
    const regs = this.regs;
    const kinds = fn.args;
    const vals = [a0, a1, a2, a3, a4, a5];
    for (let i = 0; i < 6; i++) writeArg(regs, ARG_REGS[i]!, i < kinds.length ? kinds[i]! : ArgKind.Int, i < kinds.length ? vals[i]! : 0);
    regs.setUint32(PT_REGS.ip, textLo + fn.offset, true);
    regs.setUint32(PT_REGS.ip + 4, 0xffffffff, true);
    regs.setBigUint64(PT_REGS.cs, 0x10n, true);
    regs.setBigUint64(PT_REGS.ss, 0x18n, true);
    regs.setBigUint64(PT_REGS.flags, 0x246n, true);
  }
}
