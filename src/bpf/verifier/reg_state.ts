// struct bpf_reg_state and the bounds arithmetic of kernel/bpf/verifier.c: what the verifier
// knows about one register (or one spilled stack slot) at one point of one path.

import {
  TNUM_UNKNOWN, tnum, tnumCast, tnumConst, tnumIntersect, tnumRange, tnumSubreg, type Tnum,
} from './tnum.js';

export const S64_MIN = -(1n << 63n);
export const S64_MAX = (1n << 63n) - 1n;
export const U64_MAX = (1n << 64n) - 1n;
export const S32_MIN = -(1n << 31n);
export const S32_MAX = (1n << 31n) - 1n;
export const U32_MAX = (1n << 32n) - 1n;

export const toS64 = (v: bigint): bigint => BigInt.asIntN(64, v);
export const toU64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const maxB = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const minB = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/**
 * enum bpf_reg_type, the types bpfbox's program types can meet. No supported program type has
 * direct packet access, so the packet pointer types never arise.
 */
export type RegType =
  | 'NOT_INIT'
  | 'SCALAR_VALUE'
  | 'PTR_TO_CTX'
  | 'CONST_PTR_TO_MAP'
  | 'PTR_TO_MAP_VALUE'
  | 'PTR_TO_MAP_VALUE_OR_NULL'
  | 'PTR_TO_MAP_KEY'
  | 'PTR_TO_STACK'
  | 'PTR_TO_RINGBUF_MEM'
  | 'PTR_TO_RINGBUF_MEM_OR_NULL';

/** What a map pointer carries into the verifier's reasoning. */
export interface MapInfo {
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  id: number;
  /** The map's address, as the log prints a map pointer. */
  addr: bigint;
}

/** Liveness marks (enum bpf_reg_liveness). */
export const REG_LIVE_NONE = 0;
export const REG_LIVE_READ = 1;
export const REG_LIVE_WRITTEN = 2;
export const REG_LIVE_DONE = 4;

export class RegState {
  type: RegType = 'NOT_INIT';
  /** Fixed part of a pointer's offset. */
  off = 0;
  /** Ties copies of one map_value_or_null together, so a null check refines them all. */
  id = 0;
  /** The acquired reference (a ringbuf record) this pointer must be released through. */
  refObjId = 0;
  /**
   * 6.x BPF_ADD_CONST: this scalar is the one with the same id plus `off` (after `rX = rY;
   * rX += K`), so a bounds check on either refines both.
   */
  addConst = false;
  map: MapInfo | null = null;
  /** Bytes a packet pointer may access (r=), or a ringbuf record's size. */
  range = 0;
  varOff: Tnum = TNUM_UNKNOWN;
  smin = S64_MIN;
  smax = S64_MAX;
  umin = 0n;
  umax = U64_MAX;
  /** The 6.x dialect's subregister bounds. */
  s32min = S32_MIN;
  s32max = S32_MAX;
  u32min = 0n;
  u32max = U32_MAX;
  /** Which call frame a stack pointer points into. */
  frameno = 0;
  live = REG_LIVE_NONE;
  parent: RegState | null = null;
  /** 6.x: an explored state relied on this scalar's exact range (precision tracking). */
  precise = false;

  copyFrom(o: RegState): this {
    this.type = o.type;
    this.off = o.off;
    this.id = o.id;
    this.refObjId = o.refObjId;
    this.addConst = o.addConst;
    this.map = o.map;
    this.range = o.range;
    this.varOff = o.varOff;
    this.smin = o.smin;
    this.smax = o.smax;
    this.umin = o.umin;
    this.umax = o.umax;
    this.s32min = o.s32min;
    this.s32max = o.s32max;
    this.u32min = o.u32min;
    this.u32max = o.u32max;
    this.frameno = o.frameno;
    this.live = o.live;
    this.parent = o.parent;
    this.precise = o.precise;
    return this;
  }

  clone(): RegState {
    return new RegState().copyFrom(this);
  }
}

// ---------------------------------------------------------------------------------------------
// Marking.

/** __mark_reg_known: the variable part is exactly imm; clears id, off, map and range. */
export function markRegKnown(reg: RegState, imm: bigint): void {
  reg.id = 0;
  reg.refObjId = 0;
  reg.addConst = false;
  reg.off = 0;
  reg.map = null;
  reg.range = 0;
  reg.varOff = tnumConst(imm);
  reg.smin = reg.smax = toS64(imm);
  reg.umin = reg.umax = toU64(imm);
  const lo = imm & U32_MAX;
  reg.s32min = reg.s32max = BigInt.asIntN(32, lo);
  reg.u32min = reg.u32max = lo;
}

export function markRegKnownZero(reg: RegState): void {
  markRegKnown(reg, 0n);
}

export function markRegConstZero(reg: RegState): void {
  markRegKnown(reg, 0n);
  reg.type = 'SCALAR_VALUE';
}

export function markRegUnbounded(reg: RegState): void {
  reg.smin = S64_MIN;
  reg.smax = S64_MAX;
  reg.umin = 0n;
  reg.umax = U64_MAX;
  reg.s32min = S32_MIN;
  reg.s32max = S32_MAX;
  reg.u32min = 0n;
  reg.u32max = U32_MAX;
}

/**
 * __mark_reg_unknown: an unknown scalar; keeps liveness and parentage. 6.x starts scalars
 * imprecise for privileged programs and precise for the rest, which are never pruned loosely.
 */
export function markRegUnknown(reg: RegState, precise = false): void {
  reg.type = 'SCALAR_VALUE';
  reg.precise = precise;
  reg.off = 0;
  reg.id = 0;
  reg.refObjId = 0;
  reg.addConst = false;
  reg.map = null;
  reg.range = 0;
  reg.varOff = TNUM_UNKNOWN;
  reg.frameno = 0;
  markRegUnbounded(reg);
}

export function markRegNotInit(reg: RegState): void {
  markRegUnknown(reg);
  reg.type = 'NOT_INIT';
}

// ---------------------------------------------------------------------------------------------
// Bounds.

/** __update_reg_bounds: min/max from var_off. */
export function updateRegBounds(reg: RegState, sub32: boolean): void {
  const v = reg.varOff.value, m = reg.varOff.mask;
  reg.smin = maxB(reg.smin, toS64(v | (m & (1n << 63n))));
  reg.smax = minB(reg.smax, toS64(v | (m & S64_MAX)));
  reg.umin = maxB(reg.umin, v);
  reg.umax = minB(reg.umax, v | m);
  if (sub32) {
    const t = tnumSubreg(reg.varOff);
    reg.s32min = maxB(reg.s32min, BigInt.asIntN(32, t.value | (t.mask & 0x80000000n)));
    reg.s32max = minB(reg.s32max, BigInt.asIntN(32, t.value | (t.mask & 0x7fffffffn)));
    reg.u32min = maxB(reg.u32min, t.value);
    reg.u32max = minB(reg.u32max, t.value | t.mask);
  }
}

/** __reg_deduce_bounds: signed bounds from unsigned and back. */
export function regDeduceBounds(reg: RegState, sub32: boolean): void {
  if (sub32) deduce32(reg);
  if (reg.smin >= 0n || reg.smax < 0n) {
    reg.smin = reg.umin = maxB(toU64(reg.smin), reg.umin);
    reg.smax = reg.umax = minB(toU64(reg.smax), reg.umax);
    reg.smin = toS64(reg.smin);
    reg.smax = toS64(reg.smax);
  } else if (toS64(reg.umax) >= 0n) {
    reg.smin = reg.umin;
    reg.smax = reg.umax = minB(toU64(reg.smax), reg.umax);
  } else if (toS64(reg.umin) < 0n) {
    reg.umin = maxB(toU64(reg.smin), reg.umin);
    reg.smin = toS64(reg.umin);
    reg.smax = toS64(reg.umax);
  }
  if (sub32) {
    // 64-bit bounds with a constant upper half pin the subregister bounds and back.
    if (reg.umin >> 32n === reg.umax >> 32n) {
      reg.u32min = maxB(reg.u32min, reg.umin & U32_MAX);
      reg.u32max = minB(reg.u32max, reg.umax & U32_MAX);
      if (BigInt.asIntN(32, reg.umin & U32_MAX) <= BigInt.asIntN(32, reg.umax & U32_MAX)) {
        reg.s32min = maxB(reg.s32min, BigInt.asIntN(32, reg.umin & U32_MAX));
        reg.s32max = minB(reg.s32max, BigInt.asIntN(32, reg.umax & U32_MAX));
      }
      deduce32(reg);
      const hi = reg.umin & ~U32_MAX;
      reg.umin = maxB(reg.umin, hi | reg.u32min);
      reg.umax = minB(reg.umax, hi | reg.u32max);
    }
  }
}

function deduce32(reg: RegState): void {
  if (reg.s32min >= 0n || reg.s32max < 0n) {
    const lo = maxB(reg.s32min & U32_MAX, reg.u32min);
    const hi = minB(reg.s32max & U32_MAX, reg.u32max);
    reg.u32min = lo;
    reg.u32max = hi;
    reg.s32min = BigInt.asIntN(32, lo);
    reg.s32max = BigInt.asIntN(32, hi);
  } else if (BigInt.asIntN(32, reg.u32max) >= 0n) {
    reg.s32min = reg.u32min;
    reg.u32max = minB(reg.s32max & U32_MAX, reg.u32max);
    reg.s32max = reg.u32max;
  } else if (BigInt.asIntN(32, reg.u32min) < 0n) {
    reg.u32min = maxB(reg.s32min & U32_MAX, reg.u32min);
    reg.s32min = BigInt.asIntN(32, reg.u32min);
    reg.s32max = BigInt.asIntN(32, reg.u32max);
  }
}

/** __reg_bound_offset: var_off from the unsigned bounds. */
export function regBoundOffset(reg: RegState, sub32: boolean): void {
  let t = tnumIntersect(reg.varOff, tnumRange(reg.umin, reg.umax));
  if (sub32) {
    const t32 = tnumIntersect(tnumSubreg(t), tnumRange(reg.u32min, reg.u32max));
    t = tnum((t.value & ~U32_MAX) | t32.value, (t.mask & ~U32_MAX) | t32.mask);
  }
  reg.varOff = t;
}

/** All three, in the order the kernel runs them after an operation (reg_bounds_sync in 6.x). */
export function regNormalize(reg: RegState, sub32: boolean): void {
  if (sub32) {
    regBoundsSync6(reg);
    return;
  }
  updateRegBounds(reg, false);
  regDeduceBounds(reg, false);
  regBoundOffset(reg, false);
  updateRegBounds(reg, false);
}

/** coerce_reg_to_size: keep the low `size` bytes, zero-extended. */
export function coerceRegToSize(reg: RegState, size: number): void {
  reg.varOff = tnumCast(reg.varOff, size);
  const mask = (1n << BigInt(size * 8)) - 1n;
  if ((reg.umin & ~mask) === (reg.umax & ~mask)) {
    reg.umin &= mask;
    reg.umax &= mask;
  } else {
    reg.umin = 0n;
    reg.umax = mask;
  }
  reg.smin = reg.umin;
  reg.smax = reg.umax;
  if (size <= 4) {
    reg.u32min = reg.umin;
    reg.u32max = reg.umax;
    if (size < 4 || reg.umax <= S32_MAX) {
      reg.s32min = reg.umin;
      reg.s32max = reg.umax;
    } else {
      reg.s32min = S32_MIN;
      reg.s32max = S32_MAX;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// reg_bounds_sync as Linux 6.x runs it: 32- and 64-bit bounds inform each other both ways.

const s32 = (v: bigint): bigint => BigInt.asIntN(32, v);
const u32 = (v: bigint): bigint => v & U32_MAX;

/** __reg32_deduce_bounds: subregister bounds from the 64-bit ones, and signed from unsigned. */
function reg32DeduceBounds6(reg: RegState): void {
  if (reg.umin >> 32n === reg.umax >> 32n) {
    reg.u32min = maxB(reg.u32min, u32(reg.umin));
    reg.u32max = minB(reg.u32max, u32(reg.umax));
    if (s32(reg.umin) <= s32(reg.umax)) {
      reg.s32min = maxB(reg.s32min, s32(reg.umin));
      reg.s32max = minB(reg.s32max, s32(reg.umax));
    }
  }
  if (reg.smin >> 32n === reg.smax >> 32n) {
    if (u32(reg.smin) <= u32(reg.smax)) {
      reg.u32min = maxB(reg.u32min, u32(reg.smin));
      reg.u32max = minB(reg.u32max, u32(reg.smax));
    }
    if (s32(reg.smin) <= s32(reg.smax)) {
      reg.s32min = maxB(reg.s32min, s32(reg.smin));
      reg.s32max = minB(reg.s32max, s32(reg.smax));
    }
  }
  // Upper halves one apart (0xffffffff then 0 included) with the low halves crossing zero: a
  // signed 32-bit range such as [-1, 1].
  const adjacent = (lo: bigint, hi: bigint): boolean => u32((toU64(lo) >> 32n) + 1n) === u32(toU64(hi) >> 32n) && s32(lo) < 0n && s32(hi) >= 0n;
  if (adjacent(reg.umin, reg.umax)) {
    reg.s32min = maxB(reg.s32min, s32(reg.umin));
    reg.s32max = minB(reg.s32max, s32(reg.umax));
  }
  if (adjacent(reg.smin, reg.smax)) {
    reg.s32min = maxB(reg.s32min, s32(reg.smin));
    reg.s32max = minB(reg.s32max, s32(reg.smax));
  }
  if (s32(reg.u32min) <= s32(reg.u32max)) {
    reg.s32min = maxB(reg.s32min, s32(reg.u32min));
    reg.s32max = minB(reg.s32max, s32(reg.u32max));
  }
  if (u32(reg.s32min) <= u32(reg.s32max)) {
    reg.u32min = maxB(reg.u32min, u32(reg.s32min));
    reg.u32max = minB(reg.u32max, u32(reg.s32max));
  }
}

/** __reg64_deduce_bounds: a range that stays on one side of the sign bit is the same both ways. */
function reg64DeduceBounds6(reg: RegState): void {
  if (toS64(reg.umin) <= toS64(reg.umax)) {
    reg.smin = maxB(reg.smin, toS64(reg.umin));
    reg.smax = minB(reg.smax, toS64(reg.umax));
  }
  if (toU64(reg.smin) <= toU64(reg.smax)) {
    reg.umin = maxB(reg.umin, toU64(reg.smin));
    reg.umax = minB(reg.umax, toU64(reg.smax));
  }
}

/** __reg_deduce_mixed_bounds: the low 32 bits of the 64-bit bounds tightened by the 32-bit ones. */
function regDeduceMixedBounds6(reg: RegState): void {
  const hi = ~U32_MAX;
  reg.umin = maxB(reg.umin, (reg.umin & hi) | reg.u32min);
  reg.umax = minB(reg.umax, (reg.umax & hi) | reg.u32max);
  reg.smin = maxB(reg.smin, toS64((toU64(reg.smin) & hi) | reg.u32min));
  reg.smax = minB(reg.smax, toS64((toU64(reg.smax) & hi) | reg.u32max));
  if (u32(reg.s32min) <= u32(reg.s32max)) {
    reg.umin = maxB(reg.umin, (reg.umin & hi) | u32(reg.s32min));
    reg.umax = minB(reg.umax, (reg.umax & hi) | u32(reg.s32max));
    reg.smin = maxB(reg.smin, toS64((toU64(reg.smin) & hi) | u32(reg.s32min)));
    reg.smax = minB(reg.smax, toS64((toU64(reg.smax) & hi) | u32(reg.s32max)));
  }
  // After a sign-extending load: a non-negative low half rules out all-ones upper bits.
  if (reg.s32min >= 0n && reg.smin >= S32_MIN && reg.smax <= S32_MAX) {
    reg.smin = reg.umin = reg.s32min;
    reg.smax = reg.umax = reg.s32max;
    reg.varOff = tnumIntersect(reg.varOff, tnumRange(reg.smin, reg.smax));
  }
}

/** reg_bounds_sync (6.x). */
export function regBoundsSync6(reg: RegState): void {
  updateRegBounds(reg, true);
  for (let i = 0; i < 2; i++) {
    reg32DeduceBounds6(reg);
    reg64DeduceBounds6(reg);
    regDeduceMixedBounds6(reg);
  }
  const v64 = tnumIntersect(reg.varOff, tnumRange(reg.umin, reg.umax));
  const v32 = tnumIntersect(tnumSubreg(v64), tnumRange(reg.u32min, reg.u32max));
  reg.varOff = tnum((v64.value & ~U32_MAX) | v32.value, (v64.mask & ~U32_MAX) | v32.mask);
  updateRegBounds(reg, true);
}

/** The subregister bounds implied by var_off and 64-bit bounds, after a 64-bit operation. */
export function sync32FromVarOff(reg: RegState): void {
  reg.s32min = S32_MIN;
  reg.s32max = S32_MAX;
  reg.u32min = 0n;
  reg.u32max = U32_MAX;
  regBoundsSync6(reg);
}

/** register_is_null: a scalar known to be zero. */
export const registerIsNull = (reg: RegState): boolean =>
  reg.type === 'SCALAR_VALUE' && reg.varOff.mask === 0n && reg.varOff.value === 0n;

export const typeMayBeNull = (t: RegType): boolean => t === 'PTR_TO_MAP_VALUE_OR_NULL' || t === 'PTR_TO_RINGBUF_MEM_OR_NULL';

/** range_within: cur's bounds inside old's. */
export function rangeWithin(old: RegState, cur: RegState, sub32: boolean): boolean {
  const r64 = old.umin <= cur.umin && old.umax >= cur.umax && old.smin <= cur.smin && old.smax >= cur.smax;
  if (!sub32) return r64;
  return r64 && old.u32min <= cur.u32min && old.u32max >= cur.u32max && old.s32min <= cur.s32min && old.s32max >= cur.s32max;
}

export { TNUM_UNKNOWN };
