// kernel/bpf/arraymap.c's perf_event_array: index (usually a CPU number) -> perf event fd.
// User space stores fds; programs write through bpf_perf_event_output().

import { E2BIG, EBADF, EINVAL, ENOENT, EOPNOTSUPP } from '../errno.js';
import { arrayGetNextKey } from './arraymap.js';
import { BPF_EXIST, BPF_NOEXIST, BpfMap, readU32, type MapAttr, type MapEnv } from './map.js';
import type { PerfEvent } from './perf_event.js';

export function perfEventArrayAllocCheck(attr: MapAttr): number {
  if (attr.maxEntries === 0 || attr.keySize !== 4 || attr.valueSize !== 4) return -EINVAL;
  return 0;
}

export const BPF_F_INDEX_MASK = 0xffffffff;
export const BPF_F_CURRENT_CPU = BPF_F_INDEX_MASK;

export class PerfEventArray extends BpfMap {
  private readonly events: (PerfEvent | null)[];

  constructor(env: MapEnv, attr: MapAttr, private readonly perfEventByFd: (fd: number) => PerfEvent | null) {
    super(env, attr);
    this.events = new Array<PerfEvent | null>(this.maxEntries).fill(null);
  }

  /**
   * bpf_perf_event_output's body. `index` is flags & BPF_F_INDEX_MASK. Linux 5.0 returns 0 even
   * when the ring is full (the sample is counted as lost); later kernels return -ENOSPC.
   */
  output(index: number, data: Uint8Array, off: number, size: number): number {
    const cpu = this.env.cpu();
    if (index === BPF_F_CURRENT_CPU) index = cpu;
    if (index >= this.maxEntries) return -E2BIG;
    const ev = this.events[index];
    if (!ev) return -ENOENT;
    if (ev.cpu !== cpu) return -EOPNOTSUPP;
    ev.output(data, off, size);
    return 0;
  }

  override lookup(): number {
    return -1;
  }

  override update(): number {
    return -EINVAL;
  }

  override delete(k: Uint8Array, ko: number): number {
    const index = readU32(k, ko);
    if (index >= this.maxEntries) return -E2BIG;
    if (!this.events[index]) return -ENOENT;
    this.events[index] = null;
    return 0;
  }

  override sysLookup(): number {
    return -EOPNOTSUPP;
  }

  override sysUpdate(key: Uint8Array, value: Uint8Array, flags: number): number {
    if (flags !== 0 && flags !== BPF_EXIST && flags !== BPF_NOEXIST) return -EINVAL;
    const index = readU32(key, 0);
    if (index >= this.maxEntries) return -E2BIG;
    const ev = this.perfEventByFd(readU32(value, 0));
    if (!ev) return -EBADF;
    this.events[index] = ev;
    return 0;
  }

  override sysGetNextKey(key: Uint8Array | null, out: Uint8Array): number {
    return arrayGetNextKey(this.maxEntries, key, out);
  }
}
