// kernel/bpf/arraymap.c: array and percpu_array. Every element exists from creation, zeroed,
// at a stride of round_up(value_size, 8); the key is a u32 index.

import { E2BIG, EEXIST, EINVAL, ENOENT } from '../errno.js';
import { copyBytes } from '../memory.js';
import {
  BPF_EXIST, BPF_F_NUMA_NODE, BPF_F_RDONLY, BPF_F_WRONLY, BPF_MAP_TYPE, BPF_NOEXIST, BpfMap, readU32,
  roundUp8, writeU32, type MapAttr, type MapEnv,
} from './map.js';

const ARRAY_CREATE_FLAG_MASK = BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY;
const KMALLOC_MAX_SIZE = 1 << 22;

/** array_map_alloc_check. */
export function arrayAllocCheck(attr: MapAttr): number {
  const flags = attr.mapFlags ?? 0;
  const percpu = attr.mapType === BPF_MAP_TYPE.percpu_array;
  if (attr.maxEntries === 0 || attr.keySize !== 4 || attr.valueSize === 0 || flags & ~ARRAY_CREATE_FLAG_MASK) return -EINVAL;
  if (percpu && flags & BPF_F_NUMA_NODE) return -EINVAL;
  if (attr.valueSize > KMALLOC_MAX_SIZE) return -E2BIG;
  return 0;
}

export class ArrayMap extends BpfMap {
  readonly percpu: boolean;
  readonly elemSize: number;

  constructor(env: MapEnv, attr: MapAttr) {
    super(env, attr);
    this.percpu = attr.mapType === BPF_MAP_TYPE.percpu_array;
    this.elemSize = roundUp8(this.valueSize);
    this.allocValues(this.maxEntries * this.elemSize * (this.percpu ? env.nrCpus : 1));
  }

  override get userValueSize(): number {
    return this.percpu ? this.elemSize * this.env.nrCpus : this.valueSize;
  }

  private offset(index: number, cpu: number): number {
    return this.percpu ? (index * this.env.nrCpus + cpu) * this.elemSize : index * this.elemSize;
  }

  override lookup(k: Uint8Array, ko: number): number {
    const index = readU32(k, ko);
    if (index >= this.maxEntries) return -1;
    return this.offset(index, this.env.cpu());
  }

  override update(k: Uint8Array, ko: number, v: Uint8Array, vo: number, flags: number): number {
    if (flags > BPF_EXIST || flags < 0) return -EINVAL;
    const index = readU32(k, ko);
    if (index >= this.maxEntries) return -E2BIG;
    if (flags === BPF_NOEXIST) return -EEXIST;
    copyBytes(this.values!.u8, this.offset(index, this.env.cpu()), v, vo, this.valueSize);
    return 0;
  }

  override delete(): number {
    return -EINVAL;
  }

  override sysLookup(key: Uint8Array, out: Uint8Array): number {
    const index = readU32(key, 0);
    if (index >= this.maxEntries) return -ENOENT;
    const vals = this.values!.u8;
    if (this.percpu) {
      const base = this.offset(index, 0);
      out.set(vals.subarray(base, base + this.elemSize * this.env.nrCpus));
    } else {
      const base = this.offset(index, 0);
      out.set(vals.subarray(base, base + this.valueSize));
    }
    return 0;
  }

  override sysUpdate(key: Uint8Array, value: Uint8Array, flags: number): number {
    if (!this.percpu) return this.update(key, 0, value, 0, flags);
    // bpf_percpu_array_update: user space supplies every CPU's copy, each 8-byte aligned.
    if (flags > BPF_EXIST || flags < 0) return -EINVAL;
    const index = readU32(key, 0);
    if (index >= this.maxEntries) return -E2BIG;
    if (flags === BPF_NOEXIST) return -EEXIST;
    this.values!.u8.set(value.subarray(0, this.elemSize * this.env.nrCpus), this.offset(index, 0));
    return 0;
  }

  override sysGetNextKey(key: Uint8Array | null, out: Uint8Array): number {
    return arrayGetNextKey(this.maxEntries, key, out);
  }
}

/** array_map_get_next_key: index + 1, 0 for a missing or out-of-range key, -ENOENT after the last. */
export function arrayGetNextKey(maxEntries: number, key: Uint8Array | null, out: Uint8Array): number {
  const index = key ? readU32(key, 0) : 0xffffffff;
  if (index >= maxEntries) {
    writeU32(out, 0, 0);
    return 0;
  }
  if (index === maxEntries - 1) return -ENOENT;
  writeU32(out, 0, index + 1);
  return 0;
}
