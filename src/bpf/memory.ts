// The memory a BPF program can address directly: its stack, its context, map values and memory
// a caller hands in. Each region gets its own 4 GiB window of a 64-bit address space, so turning
// a pointer into (region, offset) is an array index and one compare, with no search:
//
//   address = (REGION_HI_BASE + index) << 32 | (0x80000000 + offset)
//
// Offsets start at 2^31 so that a pointer moved below its region's start (r10 - 600) stays in the
// same window and fails the bounds check instead of landing at the top of the previous region.
// The windows sit at 0xffffd000_00000000, a hole in the x86-64 kernel map between the vmalloc
// area and vmemmap, so they never collide with the emulated kernel's own addresses.

import type { BpfMap } from './maps/map.js';

export const REGION_HI_BASE = 0xffffd000 | 0;
export const REGION_LO_BASE = 0x80000000 | 0;
export const MAX_REGION_SIZE = 0x80000000;

export const RegionKind = {
  Dead: 0,
  Stack: 1,
  Ctx: 2,
  MapValue: 3,
  MapHeader: 4,
  Mem: 5,
  Packet: 6,
} as const;
export type RegionKind = (typeof RegionKind)[keyof typeof RegionKind];

export class Region {
  readonly u8: Uint8Array;
  readonly dv: DataView;
  /** The map whose `struct bpf_map` this region stands for, when kind is MapHeader; else the owner of values. */
  map: BpfMap | null = null;
  constructor(
    readonly index: number,
    public kind: RegionKind,
    buf: Uint8Array,
    public writable: boolean,
    readonly name: string,
  ) {
    this.u8 = buf;
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  get size(): number {
    return this.u8.byteLength;
  }
  /** Low 32 bits of the address of byte `off`. */
  lo(off: number): number {
    return (REGION_LO_BASE + off) | 0;
  }
  get hi(): number {
    return (REGION_HI_BASE + this.index) | 0;
  }
  address(off = 0): bigint {
    return (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo(off) >>> 0);
  }
}

const DEAD = new Uint8Array(0);

export class AddressSpace {
  /** Indexed by window; a freed window keeps a dead, zero-sized region so stale pointers fault. */
  readonly regions: Region[] = [];
  private readonly free: number[] = [];

  /** The offset found by the last successful `resolve`. */
  off = 0;

  add(kind: RegionKind, buf: Uint8Array, writable: boolean, name: string): Region {
    if (buf.byteLength > MAX_REGION_SIZE) throw new RangeError(`region ${name} is larger than 2 GiB`);
    const index = this.free.length > 0 ? this.free.pop()! : this.regions.length;
    const r = new Region(index, kind, buf, writable, name);
    this.regions[index] = r;
    return r;
  }

  remove(r: Region): void {
    if (this.regions[r.index] !== r) return;
    this.regions[r.index] = new Region(r.index, RegionKind.Dead, DEAD, false, 'dead');
    this.free.push(r.index);
  }

  /**
   * The region holding [addr, addr+size), with the offset in `this.off`; null if no region holds
   * all of it (or, when `write`, if the region is read-only).
   */
  resolve(lo: number, hi: number, size: number, write: boolean): Region | null {
    const i = (hi - REGION_HI_BASE) >>> 0;
    if (i >= this.regions.length) return null;
    const r = this.regions[i]!;
    const o = (lo ^ REGION_LO_BASE) >>> 0;
    if (o + size > r.u8.byteLength || size < 0) return null;
    if (write && !r.writable) return null;
    this.off = o;
    return r;
  }

  /** The region a map pointer (the address of its header, offset 0) refers to. */
  mapAt(lo: number, hi: number): BpfMap | null {
    const i = (hi - REGION_HI_BASE) >>> 0;
    if (i >= this.regions.length || lo !== REGION_LO_BASE) return null;
    const r = this.regions[i]!;
    return r.kind === RegionKind.MapHeader ? r.map : null;
  }
}

/**
 * dst[d..d+n) = src[s..s+n). TypedArray.set would need a subarray view, an allocation, on paths
 * that run at every probe hit; keys and values are short, so a loop costs no more.
 */
export function copyBytes(dst: Uint8Array, d: number, src: Uint8Array, s: number, n: number): void {
  for (let i = 0; i < n; i++) dst[d + i] = src[s + i]!;
}
