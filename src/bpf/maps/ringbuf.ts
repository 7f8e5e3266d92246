// kernel/bpf/ringbuf.c (Linux 5.8+): a single ring shared by all CPUs, records reserved in place
// by programs (bpf_ringbuf_reserve/submit/discard) or copied in (bpf_ringbuf_output).
// Each record has an 8-byte header, {u32 len with BUSY and DISCARD bits, u32 pg_off}, and is
// padded to 8 bytes. Linux maps the data pages twice so that a record crossing the end is still
// contiguous; here the data region is twice the ring size and a submitted record's overflow is
// copied back to the start, which is what the second mapping makes the consumer see.

import { EAGAIN, EINVAL, EOPNOTSUPP } from '../errno.js';
import { copyBytes } from '../memory.js';
import { BPF_F_NUMA_NODE, BpfMap, type MapAttr, type MapEnv } from './map.js';
import { PAGE_SIZE } from './perf_event.js';

export const BPF_RINGBUF_BUSY_BIT = 0x80000000;
export const BPF_RINGBUF_DISCARD_BIT = 0x40000000;
export const BPF_RINGBUF_HDR_SZ = 8;
export const BPF_RB_NO_WAKEUP = 1;
export const BPF_RB_FORCE_WAKEUP = 2;
export const BPF_RB_AVAIL_DATA = 0;
export const BPF_RB_RING_SIZE = 1;
export const BPF_RB_CONS_POS = 2;
export const BPF_RB_PROD_POS = 3;

const RINGBUF_MAX_RECORD_SZ = Math.floor(0xffffffff / 4);

export function ringbufAllocCheck(attr: MapAttr): number {
  const flags = attr.mapFlags ?? 0;
  if (flags & ~BPF_F_NUMA_NODE) return -EINVAL;
  if (attr.keySize || attr.valueSize) return -EINVAL;
  const n = attr.maxEntries;
  if (n === 0 || (n & (n - 1)) !== 0 || n % PAGE_SIZE !== 0) return -EINVAL;
  return 0;
}

export class RingBufMap extends BpfMap {
  readonly size: number;
  private readonly mask: number;
  consumerPos = 0;
  producerPos = 0;
  /** Submissions that asked to wake the consumer; user space polls on this. */
  wakeups = 0;

  constructor(env: MapEnv, attr: MapAttr) {
    super(env, attr);
    this.size = this.maxEntries;
    this.mask = this.size - 1;
    this.allocValues(this.size * 2);
  }

  private hdrLen(off: number): number {
    const d = this.values!.u8;
    return (d[off]! | (d[off + 1]! << 8) | (d[off + 2]! << 16) | (d[off + 3]! << 24)) >>> 0;
  }

  private setHdr(off: number, len: number, pgOff: number): void {
    const dv = this.values!.dv;
    dv.setUint32(off, len >>> 0, true);
    dv.setUint32(off + 4, pgOff >>> 0, true);
  }

  /** __bpf_ringbuf_reserve: offset of the sample in the data region, or -1. */
  reserve(size: number): number {
    if (size > RINGBUF_MAX_RECORD_SZ) return -1;
    const len = (size + BPF_RINGBUF_HDR_SZ + 7) & ~7;
    if (len > this.size) return -1;
    const prod = this.producerPos;
    if (prod + len - this.consumerPos > this.size) return -1;
    const hdr = prod & this.mask;
    this.setHdr(hdr, (size | BPF_RINGBUF_BUSY_BIT) >>> 0, Math.floor(hdr / PAGE_SIZE));
    this.producerPos = prod + len;
    return hdr + BPF_RINGBUF_HDR_SZ;
  }

  /** bpf_ringbuf_commit: false if `sample` is not a reserved, unsubmitted record. */
  commit(sample: number, flags: number, discard: boolean): boolean {
    const hdr = sample - BPF_RINGBUF_HDR_SZ;
    if (hdr < 0 || hdr >= this.size || hdr % 8) return false;
    const len = this.hdrLen(hdr);
    if (!(len & BPF_RINGBUF_BUSY_BIT)) return false;
    const size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
    const end = sample + size;
    if (end > this.size) {
      const d = this.values!.u8;
      d.copyWithin(0, this.size, end);
    }
    this.setHdr(hdr, (size | (discard ? BPF_RINGBUF_DISCARD_BIT : 0)) >>> 0, this.values!.dv.getUint32(hdr + 4, true));
    if (!(flags & BPF_RB_NO_WAKEUP)) this.wakeups++;
    return true;
  }

  /** bpf_ringbuf_output's body: 0 or -errno. */
  output(src: Uint8Array, off: number, size: number, flags: number): number {
    if (flags & ~(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP)) return -EINVAL;
    const at = this.reserve(size);
    if (at < 0) return -EAGAIN;
    copyBytes(this.values!.u8, at, src, off, size);
    this.commit(at, flags, false);
    return 0;
  }

  query(flags: number): number {
    switch (flags) {
      case BPF_RB_AVAIL_DATA: return this.producerPos - this.consumerPos;
      case BPF_RB_RING_SIZE: return this.size;
      case BPF_RB_CONS_POS: return this.consumerPos;
      case BPF_RB_PROD_POS: return this.producerPos;
      default: return 0;
    }
  }

  /** ring_buffer__consume: hands each committed, undiscarded record to `cb`; stops at a busy one. */
  consume(cb: (data: Uint8Array) => void): number {
    let n = 0;
    const d = this.values!.u8;
    while (this.consumerPos < this.producerPos) {
      const hdr = this.consumerPos & this.mask;
      const len = this.hdrLen(hdr);
      if (len & BPF_RINGBUF_BUSY_BIT) break;
      const size = len & ~BPF_RINGBUF_DISCARD_BIT;
      if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
        const out = new Uint8Array(size);
        for (let i = 0; i < size; i++) out[i] = d[(hdr + BPF_RINGBUF_HDR_SZ + i) & this.mask]!;
        cb(out);
        n++;
      }
      this.consumerPos += (size + BPF_RINGBUF_HDR_SZ + 7) & ~7;
    }
    return n;
  }

  override lookup(): number {
    return -1;
  }
  override sysLookup(): number {
    return -EOPNOTSUPP;
  }
  override sysUpdate(): number {
    return -EOPNOTSUPP;
  }
  override sysDelete(): number {
    return -EOPNOTSUPP;
  }
  override sysGetNextKey(): number {
    return -EOPNOTSUPP;
  }
}
