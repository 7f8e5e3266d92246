// kernel/bpf/hashtab.c: hash, percpu_hash, lru_hash and lru_percpu_hash.
//
// As in Linux 5.0 every element is preallocated (max_entries, plus one spare per CPU for plain
// hash maps so that replacing a key never fails), buckets are a power of two, the key hash is
// jhash with a per-map random seed, a new element goes to the head of its bucket and an update
// of an existing key links a fresh element and unlinks the old one. That is what fixes the order
// in which get_next_key walks the map, and so the order tools print it in.

import { E2BIG, EEXIST, EINVAL, ENOENT, ENOMEM } from '../errno.js';
import { BpfLru } from './bpf_lru_list.js';
import { copyBytes } from '../memory.js';
import { jhash } from './jhash.js';
import {
  BPF_EXIST, BPF_F_NO_COMMON_LRU, BPF_F_NO_PREALLOC, BPF_F_NUMA_NODE, BPF_F_RDONLY, BPF_F_WRONLY,
  BPF_F_ZERO_SEED, BPF_MAP_TYPE, BPF_NOEXIST, BpfMap, roundUp8, roundupPowOfTwo,
  type MapAttr, type MapEnv,
} from './map.js';
import { PcpuFreelist } from './percpu_freelist.js';

const HTAB_CREATE_FLAG_MASK =
  BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU | BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_ZERO_SEED;

const MAX_BPF_STACK = 512;
/** KMALLOC_MAX_SIZE on x86-64 with SLUB: 2^(MAX_ORDER - 1 + PAGE_SHIFT). */
const KMALLOC_MAX_SIZE = 1 << 22;
/** sizeof(struct htab_elem) on x86-64. */
const HTAB_ELEM_SIZE = 48;

/** htab_map_alloc_check. */
export function htabAllocCheck(attr: MapAttr): number {
  const flags = attr.mapFlags ?? 0;
  const lru = attr.mapType === BPF_MAP_TYPE.lru_hash || attr.mapType === BPF_MAP_TYPE.lru_percpu_hash;
  const percpuLru = (flags & BPF_F_NO_COMMON_LRU) !== 0;
  const prealloc = (flags & BPF_F_NO_PREALLOC) === 0;
  if (flags & ~HTAB_CREATE_FLAG_MASK) return -EINVAL;
  if (!lru && percpuLru) return -EINVAL;
  if (lru && !prealloc) return -524; // ENOTSUPP
  if (attr.maxEntries === 0 || attr.keySize === 0 || attr.valueSize === 0) return -EINVAL;
  if (attr.keySize > MAX_BPF_STACK) return -E2BIG;
  if (attr.valueSize >= KMALLOC_MAX_SIZE - MAX_BPF_STACK - HTAB_ELEM_SIZE) return -E2BIG;
  return 0;
}

/** sizeof(struct bucket): a hlist_nulls_head and a raw spinlock, padded to 8. */
const BUCKET_SIZE = 16;
const U32_MAX = 0xffffffff;
const PAGE_SIZE = 4096;

/**
 * htab_map_alloc's size checks, before anything is allocated: a bucket count that overflows u32
 * (E2BIG), and in 5.0, whose memlock accounting counts pages in a u32, a table that big in bytes
 * (5.11 charges memory cgroups instead and dropped that check).
 */
export function htabCostCheck(attr: MapAttr, nrCpus: number, checkCost: boolean): number {
  const percpu = attr.mapType === BPF_MAP_TYPE.percpu_hash || attr.mapType === BPF_MAP_TYPE.lru_percpu_hash;
  let maxEntries = attr.maxEntries >>> 0;
  if ((attr.mapType === BPF_MAP_TYPE.lru_hash || attr.mapType === BPF_MAP_TYPE.lru_percpu_hash) && ((attr.mapFlags ?? 0) & BPF_F_NO_COMMON_LRU) === 0) {
    // The common LRU spreads its entries over the CPUs: a multiple of their number.
    const up = Math.ceil(maxEntries / nrCpus) * nrCpus;
    maxEntries = up > U32_MAX ? Math.floor(maxEntries / nrCpus) * nrCpus : up;
  }
  // roundup_pow_of_two into a u32: 2^32 is 0.
  const nBuckets = roundupPowOfTwo(maxEntries);
  if (nBuckets >= 2 ** 32 || nBuckets > Math.floor(U32_MAX / BUCKET_SIZE)) return -E2BIG;
  if (!checkCost) return 0;
  const elemSize = HTAB_ELEM_SIZE + roundUp8(attr.keySize) + (percpu ? 8 : roundUp8(attr.valueSize));
  let cost = nBuckets * BUCKET_SIZE + elemSize * maxEntries;
  cost += percpu ? roundUp8(attr.valueSize) * nrCpus * maxEntries : elemSize * nrCpus;
  return cost >= U32_MAX - PAGE_SIZE ? -E2BIG : 0;
}

export class HashMap extends BpfMap {
  readonly percpu: boolean;
  readonly lru: BpfLru | null;
  readonly nBuckets: number;
  readonly hashrnd: number;
  private readonly nElems: number;
  private readonly vstride: number;
  private readonly keys: Uint8Array;
  private readonly hashes: Int32Array;
  private readonly chain: Int32Array;
  private readonly buckets: Int32Array;
  private readonly freelist: PcpuFreelist | null;
  private readonly extraElems: Int32Array | null;

  constructor(env: MapEnv, attr: MapAttr) {
    super(env, attr);
    const t = attr.mapType;
    this.percpu = t === BPF_MAP_TYPE.percpu_hash || t === BPF_MAP_TYPE.lru_percpu_hash;
    const isLru = t === BPF_MAP_TYPE.lru_hash || t === BPF_MAP_TYPE.lru_percpu_hash;
    const percpuLru = (this.flags & BPF_F_NO_COMMON_LRU) !== 0;
    if (percpuLru) {
      // Every CPU's LRU gets the same number of elements, at least one.
      const n = env.nrCpus;
      let m = Math.ceil(this.maxEntries / n) * n;
      if (m < this.maxEntries) m = Math.floor(this.maxEntries / n) * n;
      this.maxEntries = m;
    }
    this.nBuckets = roundupPowOfTwo(this.maxEntries);
    this.hashrnd = this.flags & BPF_F_ZERO_SEED ? 0 : env.random32() | 0;
    const extra = !this.percpu && !isLru;
    this.nElems = this.maxEntries + (extra ? env.nrCpus : 0);
    this.vstride = roundUp8(this.valueSize);
    this.keys = new Uint8Array(this.nElems * this.keySize);
    this.hashes = new Int32Array(this.nElems);
    this.chain = new Int32Array(this.nElems).fill(-1);
    this.buckets = new Int32Array(this.nBuckets).fill(-1);
    this.allocValues(this.nElems * this.vstride * (this.percpu ? env.nrCpus : 1));
    if (isLru) {
      this.lru = new BpfLru(this.nElems, env.nrCpus, percpuLru, (node) => this.unlinkNode(node));
      this.lru.populate();
      this.freelist = null;
      this.extraElems = null;
    } else {
      this.lru = null;
      this.freelist = new PcpuFreelist(this.nElems, env.nrCpus);
      this.freelist.populate(this.nElems);
      if (extra) {
        this.extraElems = new Int32Array(env.nrCpus);
        const cpu = env.cpu();
        for (let c = 0; c < env.nrCpus; c++) this.extraElems[c] = this.freelist.pop(cpu);
      } else {
        this.extraElems = null;
      }
    }
  }

  override get userValueSize(): number {
    return this.percpu ? this.vstride * this.env.nrCpus : this.valueSize;
  }

  private hash(k: Uint8Array, ko: number): number {
    return jhash(k, ko, this.keySize, this.hashrnd);
  }

  private keyEquals(e: number, k: Uint8Array, ko: number): boolean {
    const ks = this.keySize;
    const keys = this.keys;
    const base = e * ks;
    for (let i = 0; i < ks; i++) if (keys[base + i] !== k[ko + i]) return false;
    return true;
  }

  /** lookup_elem_raw: the element holding the key, or -1. */
  private lookupRaw(hash: number, k: Uint8Array, ko: number): number {
    for (let e = this.buckets[hash & (this.nBuckets - 1)]!; e >= 0; e = this.chain[e]!) {
      if (this.hashes[e] === hash && this.keyEquals(e, k, ko)) return e;
    }
    return -1;
  }

  private linkHead(e: number, hash: number): void {
    const b = hash & (this.nBuckets - 1);
    this.hashes[e] = hash;
    this.chain[e] = this.buckets[b]!;
    this.buckets[b] = e;
  }

  /** Unlinks element e from its bucket; false if it was not linked. */
  private unlinkNode(e: number): boolean {
    const b = this.hashes[e]! & (this.nBuckets - 1);
    let prev = -1;
    for (let cur = this.buckets[b]!; cur >= 0; prev = cur, cur = this.chain[cur]!) {
      if (cur !== e) continue;
      if (prev < 0) this.buckets[b] = this.chain[cur]!;
      else this.chain[prev] = this.chain[cur]!;
      this.chain[cur] = -1;
      return true;
    }
    return false;
  }

  private valueOffset(e: number, cpu: number): number {
    return this.percpu ? (e * this.env.nrCpus + cpu) * this.vstride : e * this.vstride;
  }

  private setKey(e: number, k: Uint8Array, ko: number): void {
    copyBytes(this.keys, e * this.keySize, k, ko, this.keySize);
  }

  /** pcpu_copy_value: one CPU's copy from a program, or every CPU's from user space. */
  private copyPercpu(e: number, v: Uint8Array, vo: number, onAllCpus: boolean, zeroOthers: boolean): void {
    const vals = this.values!.u8;
    if (!onAllCpus) {
      const cpu = this.env.cpu();
      if (zeroOthers) vals.fill(0, e * this.env.nrCpus * this.vstride, (e + 1) * this.env.nrCpus * this.vstride);
      copyBytes(vals, this.valueOffset(e, cpu), v, vo, this.valueSize);
      return;
    }
    vals.set(v.subarray(vo, vo + this.vstride * this.env.nrCpus), this.valueOffset(e, 0));
  }

  override lookup(k: Uint8Array, ko: number): number {
    const e = this.lookupRaw(this.hash(k, ko), k, ko);
    if (e < 0) return -1;
    if (this.lru) this.lru.setRef(e);
    return this.valueOffset(e, this.env.cpu());
  }

  override update(k: Uint8Array, ko: number, v: Uint8Array, vo: number, flags: number): number {
    return this.doUpdate(k, ko, v, vo, flags, false);
  }

  private doUpdate(k: Uint8Array, ko: number, v: Uint8Array, vo: number, flags: number, onAllCpus: boolean): number {
    if (flags > BPF_EXIST || flags < 0) return -EINVAL;
    const hash = this.hash(k, ko);
    if (this.lru) return this.percpu ? this.updateLruPercpu(hash, k, ko, v, vo, flags, onAllCpus) : this.updateLru(hash, k, ko, v, vo, flags);
    const old = this.lookupRaw(hash, k, ko);
    if (old >= 0 && flags === BPF_NOEXIST) return -EEXIST;
    if (old < 0 && flags === BPF_EXIST) return -ENOENT;
    const cpu = this.env.cpu();
    if (this.percpu) {
      if (old >= 0) {
        this.copyPercpu(old, v, vo, onAllCpus, false);
        return 0;
      }
      const e = this.freelist!.pop(cpu);
      if (e < 0) return -E2BIG;
      this.setKey(e, k, ko);
      // Linux 5.0 left other CPUs' copies of a reused element stale; 5.4 zero-fills them, and so do we.
      this.copyPercpu(e, v, vo, onAllCpus, true);
      this.linkHead(e, hash);
      return 0;
    }
    let e: number;
    if (old >= 0) {
      e = this.extraElems![cpu]!;
      this.extraElems![cpu] = old;
    } else {
      e = this.freelist!.pop(cpu);
      if (e < 0) return -E2BIG;
    }
    this.setKey(e, k, ko);
    copyBytes(this.values!.u8, e * this.vstride, v, vo, this.valueSize);
    this.linkHead(e, hash);
    if (old >= 0) this.unlinkNode(old);
    return 0;
  }

  private updateLru(hash: number, k: Uint8Array, ko: number, v: Uint8Array, vo: number, flags: number): number {
    const lru = this.lru!;
    const e = lru.popFree(this.env.cpu());
    if (e < 0) return -ENOMEM;
    this.setKey(e, k, ko);
    copyBytes(this.values!.u8, e * this.vstride, v, vo, this.valueSize);
    const old = this.lookupRaw(hash, k, ko);
    if ((old >= 0 && flags === BPF_NOEXIST) || (old < 0 && flags === BPF_EXIST)) {
      lru.pushFree(e);
      return old >= 0 ? -EEXIST : -ENOENT;
    }
    this.linkHead(e, hash);
    if (old >= 0) {
      lru.setRef(e);
      this.unlinkNode(old);
      lru.pushFree(old);
    }
    return 0;
  }

  private updateLruPercpu(hash: number, k: Uint8Array, ko: number, v: Uint8Array, vo: number, flags: number, onAllCpus: boolean): number {
    const lru = this.lru!;
    let e = -1;
    if (flags !== BPF_EXIST) {
      e = lru.popFree(this.env.cpu());
      if (e < 0) return -ENOMEM;
      this.setKey(e, k, ko);
      this.hashes[e] = hash;
    }
    const old = this.lookupRaw(hash, k, ko);
    let ret = 0;
    if (old >= 0 && flags === BPF_NOEXIST) ret = -EEXIST;
    else if (old < 0 && flags === BPF_EXIST) ret = -ENOENT;
    else if (old >= 0) {
      lru.setRef(old);
      this.copyPercpu(old, v, vo, onAllCpus, false);
    } else {
      this.copyPercpu(e, v, vo, onAllCpus, true);
      this.linkHead(e, hash);
      e = -1;
    }
    if (e >= 0) lru.pushFree(e);
    return ret;
  }

  override delete(k: Uint8Array, ko: number): number {
    const e = this.lookupRaw(this.hash(k, ko), k, ko);
    if (e < 0) return -ENOENT;
    this.unlinkNode(e);
    if (this.lru) this.lru.pushFree(e);
    else this.freelist!.push(this.env.cpu(), e);
    return 0;
  }

  override sysLookup(key: Uint8Array, out: Uint8Array): number {
    const e = this.lookupRaw(this.hash(key, 0), key, 0);
    if (e < 0) return -ENOENT;
    if (this.lru) this.lru.setRef(e);
    const vals = this.values!.u8;
    if (this.percpu) {
      const n = this.env.nrCpus;
      const base = e * n * this.vstride;
      out.set(vals.subarray(base, base + n * this.vstride));
    } else {
      out.set(vals.subarray(e * this.vstride, e * this.vstride + this.valueSize));
    }
    return 0;
  }

  override sysUpdate(key: Uint8Array, value: Uint8Array, flags: number): number {
    return this.doUpdate(key, 0, value, 0, flags, this.percpu);
  }

  override sysGetNextKey(key: Uint8Array | null, out: Uint8Array): number {
    let i = 0;
    if (key) {
      const hash = this.hash(key, 0);
      const e = this.lookupRaw(hash, key, 0);
      if (e >= 0) {
        const next = this.chain[e]!;
        if (next >= 0) {
          out.set(this.keys.subarray(next * this.keySize, (next + 1) * this.keySize));
          return 0;
        }
        i = (hash & (this.nBuckets - 1)) + 1;
      }
    }
    for (; i < this.nBuckets; i++) {
      const first = this.buckets[i]!;
      if (first >= 0) {
        out.set(this.keys.subarray(first * this.keySize, (first + 1) * this.keySize));
        return 0;
      }
    }
    return -ENOENT;
  }
}
