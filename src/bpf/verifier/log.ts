// The verifier log: a growing text buffer (struct bpf_verifier_log) and the two dialects'
// ways of printing register and stack state. Linux 5.0 writes `R1=ctx(id=0,off=0,imm=0)` and
// `R0_w=inv(id=0,umax_value=255,var_off=(0x0; 0xff))`; Linux 6.x writes `R1=ctx()` and
// `R0=scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))`.

import {
  REG_LIVE_DONE, REG_LIVE_READ, REG_LIVE_WRITTEN, S32_MAX, S32_MIN, S64_MAX, S64_MIN, U32_MAX, U64_MAX,
  type RegState, type RegType,
} from './reg_state.js';
import { BPF_REG_SIZE, SLOT_CHAR, STACK_INVALID, STACK_SPILL, type FuncState } from './state.js';
import { tnumIsConst, tnumIsUnknown, tnumStr } from './tnum.js';

export class VerifierLog {
  private parts: string[] = [];
  private len = 0;
  constructor(readonly level: number) {}

  get enabled(): boolean {
    return this.level > 0;
  }

  write(s: string): void {
    if (!this.level) return;
    this.parts.push(s);
    this.len += s.length;
  }

  /** Unconditional output: the final statistics and messages Linux prints whatever the level. */
  always(s: string): void {
    this.parts.push(s);
    this.len += s.length;
  }

  /** Where the log ends now, for bpf_vlog_reset. */
  get pos(): number {
    return this.len;
  }

  /**
   * Truncates the log back to `pos` (the 6.x log-level-1 rewind to a branch point, and the
   * inline-comment rewrite of the last line). Drops whole parts from the end first, so a rewind
   * costs what it removes, not the log's length.
   */
  reset(pos: number): void {
    while (this.parts.length && this.len - this.parts[this.parts.length - 1]!.length >= pos) {
      this.len -= this.parts.pop()!.length;
    }
    if (this.len > pos) {
      const last = this.parts.pop()!;
      const keep = last.length - (this.len - pos);
      this.parts.push(last.slice(0, keep));
      this.len = pos;
    }
  }

  text(): string {
    if (this.parts.length > 1) this.parts = [this.parts.join('')];
    return this.parts[0] ?? '';
  }
}

// ---------------------------------------------------------------------------------------------
// Linux 5.0 (print_verifier_state).

export const REG_TYPE_STR_50: Record<RegType, string> = {
  NOT_INIT: '?',
  SCALAR_VALUE: 'inv',
  PTR_TO_CTX: 'ctx',
  CONST_PTR_TO_MAP: 'map_ptr',
  PTR_TO_MAP_VALUE: 'map_value',
  PTR_TO_MAP_VALUE_OR_NULL: 'map_value_or_null',
  PTR_TO_MAP_KEY: 'map_key',
  PTR_TO_STACK: 'fp',
  PTR_TO_RINGBUF_MEM: 'mem',
  PTR_TO_RINGBUF_MEM_OR_NULL: 'mem_or_null',
};

export const REG_TYPE_STR_6: Record<RegType, string> = {
  NOT_INIT: '?',
  SCALAR_VALUE: 'scalar',
  PTR_TO_CTX: 'ctx',
  CONST_PTR_TO_MAP: 'map_ptr',
  PTR_TO_MAP_VALUE: 'map_value',
  PTR_TO_MAP_VALUE_OR_NULL: 'map_value_or_null',
  PTR_TO_MAP_KEY: 'map_key',
  PTR_TO_STACK: 'fp',
  PTR_TO_RINGBUF_MEM: 'ringbuf_mem',
  PTR_TO_RINGBUF_MEM_OR_NULL: 'ringbuf_mem_or_null',
};

function liveness50(live: number): string {
  let s = '';
  if (live & (REG_LIVE_READ | REG_LIVE_WRITTEN | REG_LIVE_DONE)) s += '_';
  if (live & REG_LIVE_READ) s += 'r';
  if (live & REG_LIVE_WRITTEN) s += 'w';
  if (live & REG_LIVE_DONE) s += 'D';
  return s;
}

const hexNoPrefix = (v: bigint): string => BigInt.asUintN(64, v).toString(16);

function reg50(reg: RegState, callsite: (frameno: number) => number): string {
  const t = reg.type;
  let s = REG_TYPE_STR_50[t];
  if ((t === 'SCALAR_VALUE' || t === 'PTR_TO_STACK') && tnumIsConst(reg.varOff)) {
    s += String(BigInt.asIntN(64, reg.varOff.value + BigInt(reg.off)));
    if (t === 'PTR_TO_STACK') s += `,call_${callsite(reg.frameno)}`;
    return s;
  }
  s += `(id=${reg.id}`;
  if (t !== 'SCALAR_VALUE') s += `,off=${reg.off}`;
  if ((t === 'CONST_PTR_TO_MAP' || t === 'PTR_TO_MAP_VALUE' || t === 'PTR_TO_MAP_VALUE_OR_NULL') && reg.map) {
    s += `,ks=${reg.map.keySize},vs=${reg.map.valueSize}`;
  }
  if (tnumIsConst(reg.varOff)) {
    s += `,imm=${hexNoPrefix(reg.varOff.value)}`;
  } else {
    if (reg.smin !== BigInt.asIntN(64, reg.umin) && reg.smin !== S64_MIN) s += `,smin_value=${reg.smin}`;
    if (reg.smax !== BigInt.asIntN(64, reg.umax) && reg.smax !== S64_MAX) s += `,smax_value=${reg.smax}`;
    if (reg.umin !== 0n) s += `,umin_value=${reg.umin}`;
    if (reg.umax !== U64_MAX) s += `,umax_value=${reg.umax}`;
    if (!tnumIsUnknown(reg.varOff)) s += `,var_off=${tnumStr(reg.varOff)}`;
  }
  return s + ')';
}

/** print_verifier_state for Linux 5.0: every initialised register and used stack slot. */
export function printState50(st: FuncState, callsite: (frameno: number) => number): string {
  let s = st.frameno ? ` frame${st.frameno}:` : '';
  st.regs.forEach((reg, i) => {
    if (reg.type === 'NOT_INIT') return;
    s += ` R${i}${liveness50(reg.live)}=${reg50(reg, callsite)}`;
  });
  st.stack.forEach((slot, i) => {
    if (slot.slotType.every((t) => t === STACK_INVALID)) return;
    s += ` fp${(-i - 1) * BPF_REG_SIZE}${liveness50(slot.spilledPtr.live)}=`;
    s += slot.slotType[0] === STACK_SPILL ? REG_TYPE_STR_50[slot.spilledPtr.type] : Array.from(slot.slotType, (t) => SLOT_CHAR[t]).join('');
  });
  return s + '\n';
}

// ---------------------------------------------------------------------------------------------
// Linux 6.x (print_verifier_state, print_reg_state, print_scalar_ranges).

// Linux 6.x prints numbers in decimal within the 16-bit range and in hex beyond it.
const isSnumDecimal = (n: bigint): boolean => n >= -32768n && n <= 32767n;
const isUnumDecimal = (n: bigint): boolean => n <= 65535n;

export function snum(n: bigint): string {
  const v = BigInt.asIntN(64, n);
  return isSnumDecimal(v) ? String(v) : '0x' + BigInt.asUintN(64, v).toString(16);
}

export function unum(n: bigint): string {
  const v = BigInt.asUintN(64, n);
  return isUnumDecimal(v) ? String(v) : '0x' + v.toString(16);
}

function scalarRanges6(reg: RegState): string[] {
  const s32 = (v: bigint): bigint => (isSnumDecimal(v) ? v : v & U32_MAX);
  const m = [
    { name: 'smin', val: reg.smin, omit: reg.smin === S64_MIN },
    { name: 'smax', val: reg.smax, omit: reg.smax === S64_MAX },
    { name: 'umin', val: reg.umin, omit: reg.umin === 0n },
    { name: 'umax', val: reg.umax, omit: reg.umax === U64_MAX },
    { name: 'smin32', val: s32(reg.s32min), omit: reg.s32min === S32_MIN },
    { name: 'smax32', val: s32(reg.s32max), omit: reg.s32max === S32_MAX },
    { name: 'umin32', val: reg.u32min, omit: reg.u32min === 0n },
    { name: 'umax32', val: reg.u32max, omit: reg.u32max === U32_MAX },
  ];
  const out: string[] = [];
  for (let i = 0; i < m.length; i++) {
    const m1 = m[i]!;
    if (m1.omit) continue;
    const neg1 = m1.name[0] === 's' && BigInt.asIntN(64, m1.val) < 0n;
    let s = `${m1.name}=`;
    for (let j = i + 2; j < m.length; j += 2) {
      const m2 = m[j]!;
      if (m2.omit || BigInt.asUintN(64, m2.val) !== BigInt.asUintN(64, m1.val)) continue;
      const neg2 = m2.name[0] === 's' && BigInt.asIntN(64, m2.val) < 0n;
      if (neg2 !== neg1) continue;
      m2.omit = true;
      s += `${m2.name}=`;
    }
    s += m1.name[0] === 's' ? snum(m1.val) : unum(m1.val);
    out.push(s);
  }
  return out;
}

export function reg6(reg: RegState, curFrameno: number): string {
  const t = reg.type;
  const p = t === 'SCALAR_VALUE' && reg.precise ? 'P' : '';
  if (t === 'SCALAR_VALUE' && tnumIsConst(reg.varOff)) return p + snum(reg.varOff.value);
  let s = p + REG_TYPE_STR_6[t];
  if (t === 'PTR_TO_STACK') {
    if (curFrameno !== reg.frameno) s += `[${reg.frameno}]`;
    if (tnumIsConst(reg.varOff)) return s + snum(reg.varOff.value + BigInt(reg.off));
  }
  const parts: string[] = [];
  if (reg.id) parts.push(`id=${reg.id}` + (reg.addConst ? (reg.off < 0 ? String(reg.off) : `+${reg.off}`) : ''));
  if (reg.refObjId) parts.push(`ref_obj_id=${reg.refObjId}`);
  if ((t === 'CONST_PTR_TO_MAP' || t === 'PTR_TO_MAP_VALUE' || t === 'PTR_TO_MAP_VALUE_OR_NULL' || t === 'PTR_TO_MAP_KEY') && reg.map) {
    parts.push(`ks=${reg.map.keySize},vs=${reg.map.valueSize}`);
  }
  if (t !== 'SCALAR_VALUE' && reg.off) parts.push(`off=${reg.off}`);
  if (t === 'PTR_TO_RINGBUF_MEM' || t === 'PTR_TO_RINGBUF_MEM_OR_NULL') parts.push(`sz=${reg.range}`);
  if (tnumIsConst(reg.varOff)) {
    if (reg.varOff.value) parts.push(`imm=${hexNoPrefix(reg.varOff.value)}`);
  } else {
    parts.push(...scalarRanges6(reg));
    if (!tnumIsUnknown(reg.varOff)) parts.push(`var_off=${tnumStr(reg.varOff)}`);
  }
  return `${s}(${parts.join(',')})`;
}

/**
 * print_verifier_state for Linux 6.x. With `only`, just the registers and stack slots an
 * instruction touched (the log-level-1 comment after each instruction).
 */
export function printState6(st: FuncState, refs: readonly { id: number }[] = [], only?: { regs: Set<number>; slots: Set<number> }): string {
  let s = st.frameno ? ` frame${st.frameno}:` : '';
  st.regs.forEach((reg, i) => {
    if (reg.type === 'NOT_INIT') return;
    if (only && !only.regs.has(i)) return;
    s += ` R${i}=${reg6(reg, st.frameno)}`;
  });
  st.stack.forEach((slot, i) => {
    if (only && !only.slots.has(i)) return;
    if (slot.slotType.every((t) => t === STACK_INVALID)) return;
    s += ` fp${(-i - 1) * BPF_REG_SIZE}=`;
    if (slot.slotType[BPF_REG_SIZE - 1] === STACK_SPILL) {
      let j = 0;
      while (j < BPF_REG_SIZE && slot.slotType[j] !== STACK_SPILL) j++;
      s += Array.from(slot.slotType.subarray(0, j), (t) => SLOT_CHAR[t]).join('') + reg6(slot.spilledPtr, st.frameno);
    } else {
      s += Array.from(slot.slotType, (t) => SLOT_CHAR[t]).join('');
    }
  });
  // The path's acquired references follow every state, scratched or not.
  if (refs.length) s += ` refs=${refs.map((r) => r.id).join(',')}`;
  return s;
}
