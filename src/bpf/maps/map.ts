// struct bpf_map and its ops table (include/linux/bpf.h): one class per map type behind one
// interface, as kernel/bpf/ keeps one file per map type behind `struct bpf_map_ops`.
//
// Two faces, as in Linux:
// - the program's face (helpers): keys and values are addressed in place, as (bytes, offset)
//   pairs inside VM regions, and nothing is allocated per call;
// - the syscall's face (user space): keys and values are copied in and out of caller buffers.

import { EINVAL, ENOENT, EOPNOTSUPP } from '../errno.js';
import { AddressSpace, Region, RegionKind } from '../memory.js';

export const BPF_MAP_TYPE = {
  unspec: 0,
  hash: 1,
  array: 2,
  prog_array: 3,
  perf_event_array: 4,
  percpu_hash: 5,
  percpu_array: 6,
  stack_trace: 7,
  cgroup_array: 8,
  lru_hash: 9,
  lru_percpu_hash: 10,
  lpm_trie: 11,
  array_of_maps: 12,
  hash_of_maps: 13,
  devmap: 14,
  sockmap: 15,
  cpumap: 16,
  xskmap: 17,
  sockhash: 18,
  cgroup_storage: 19,
  reuseport_sockarray: 20,
  percpu_cgroup_storage: 21,
  queue: 22,
  stack: 23,
  sk_storage: 24,
  devmap_hash: 25,
  struct_ops: 26,
  ringbuf: 27,
} as const;

export type MapTypeName = keyof typeof BPF_MAP_TYPE;

export const mapTypeName = (t: number): string =>
  (Object.keys(BPF_MAP_TYPE) as MapTypeName[]).find((k) => BPF_MAP_TYPE[k] === t) ?? `unknown(${t})`;

/** Update flags (BPF_ANY, BPF_NOEXIST, BPF_EXIST). */
export const BPF_ANY = 0;
export const BPF_NOEXIST = 1;
export const BPF_EXIST = 2;

/** map_flags at creation. */
export const BPF_F_NO_PREALLOC = 1 << 0;
export const BPF_F_NO_COMMON_LRU = 1 << 1;
export const BPF_F_NUMA_NODE = 1 << 2;
export const BPF_F_RDONLY = 1 << 3;
export const BPF_F_WRONLY = 1 << 4;
export const BPF_F_STACK_BUILD_ID = 1 << 5;
export const BPF_F_ZERO_SEED = 1 << 6;

export const BPF_OBJ_NAME_LEN = 16;

export interface MapAttr {
  mapType: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  mapFlags?: number;
  name?: string;
}

/** What a map needs from the machine it lives in. */
export interface MapEnv {
  readonly as: AddressSpace;
  /** num_possible_cpus(). */
  readonly nrCpus: number;
  /** raw_smp_processor_id() of the current context. */
  cpu(): number;
  /** get_random_int(), from the machine's seeded generator. */
  random32(): number;
}

export const roundUp8 = (n: number): number => (n + 7) & ~7;

export const roundupPowOfTwo = (n: number): number => {
  let p = 1;
  while (p < n) p *= 2;
  return p;
};

/** Reads the little-endian u32 at `off`. */
export const readU32 = (b: Uint8Array, off: number): number =>
  (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;

export const writeU32 = (b: Uint8Array, off: number, v: number): void => {
  b[off] = v & 0xff;
  b[off + 1] = (v >>> 8) & 0xff;
  b[off + 2] = (v >>> 16) & 0xff;
  b[off + 3] = (v >>> 24) & 0xff;
};

export abstract class BpfMap {
  readonly type: number;
  readonly keySize: number;
  readonly valueSize: number;
  maxEntries: number;
  readonly flags: number;
  readonly name: string;
  /** Set by the syscall layer when the map gets an id. */
  id = 0;
  /** The region a map pointer (CONST_PTR_TO_MAP) points at: `struct bpf_map` itself. */
  readonly header: Region;
  /** Where the values live; null for maps whose values a program cannot address. */
  values: Region | null = null;

  constructor(readonly env: MapEnv, attr: MapAttr) {
    this.type = attr.mapType;
    this.keySize = attr.keySize;
    this.valueSize = attr.valueSize;
    this.maxEntries = attr.maxEntries;
    this.flags = attr.mapFlags ?? 0;
    this.name = attr.name ?? '';
    this.header = env.as.add(RegionKind.MapHeader, new Uint8Array(64), false, `map:${this.name}`);
    this.header.map = this;
  }

  protected allocValues(bytes: number): Region {
    const r = this.env.as.add(RegionKind.MapValue, new Uint8Array(bytes), true, `map_values:${this.name}`);
    r.map = this;
    this.values = r;
    return r;
  }

  /** Size of the value buffer the syscall face reads and writes (per-CPU maps: every CPU's copy). */
  get userValueSize(): number {
    return this.valueSize;
  }

  // The program's face. lookup returns the offset of the value in `values`, or -1.
  lookup(_k: Uint8Array, _ko: number): number {
    return -1;
  }
  update(_k: Uint8Array, _ko: number, _v: Uint8Array, _vo: number, _flags: number): number {
    return -EINVAL;
  }
  delete(_k: Uint8Array, _ko: number): number {
    return -EINVAL;
  }

  // The syscall's face.
  sysLookup(key: Uint8Array, out: Uint8Array): number {
    const off = this.lookup(key, 0);
    if (off < 0) return -ENOENT;
    out.set(this.values!.u8.subarray(off, off + this.valueSize));
    return 0;
  }
  sysUpdate(key: Uint8Array, value: Uint8Array, flags: number): number {
    return this.update(key, 0, value, 0, flags);
  }
  sysDelete(key: Uint8Array): number {
    return this.delete(key, 0);
  }
  abstract sysGetNextKey(key: Uint8Array | null, out: Uint8Array): number;

  /** Releases the map's regions; pointers into them fault from now on. */
  free(): void {
    this.env.as.remove(this.header);
    if (this.values) this.env.as.remove(this.values);
  }
}

/** For map types whose syscall face has no lookup (perf_event_array, ringbuf). */
export const notSupported = (): number => -EOPNOTSUPP;
