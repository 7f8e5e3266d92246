// kernel/bpf/stackmap.c: stack_trace maps, filled by bpf_get_stackid(). A stack's id is the
// jhash2 of its instruction pointers masked to the bucket count, so two stacks can collide; the
// helper then answers -EEXIST unless BPF_F_REUSE_STACKID lets the new stack take the bucket.

import { EEXIST, EFAULT, EINVAL, ENOENT, ENOMEM, EOPNOTSUPP, E2BIG } from '../errno.js';
import { jhash2 } from './jhash.js';
import {
  BPF_F_NUMA_NODE, BPF_F_RDONLY, BPF_F_STACK_BUILD_ID, BPF_F_WRONLY, BpfMap, readU32, roundupPowOfTwo,
  writeU32, type MapAttr, type MapEnv,
} from './map.js';
import { PcpuFreelist } from './percpu_freelist.js';

/** sysctl kernel.perf_event_max_stack. */
export const PERF_MAX_STACK_DEPTH = 127;

export const BPF_F_SKIP_FIELD_MASK = 0xff;
export const BPF_F_USER_STACK = 1 << 8;
export const BPF_F_FAST_STACK_CMP = 1 << 9;
export const BPF_F_REUSE_STACKID = 1 << 10;
export const BPF_F_USER_BUILD_ID = 1 << 11;

const STACK_CREATE_FLAG_MASK = BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_STACK_BUILD_ID;

export function stackAllocCheck(attr: MapAttr): number {
  const flags = attr.mapFlags ?? 0;
  if (flags & ~STACK_CREATE_FLAG_MASK) return -EINVAL;
  if (attr.maxEntries === 0 || attr.keySize !== 4 || attr.valueSize < 8 || attr.valueSize % 8) return -EINVAL;
  // Build-id stacks name the ELF files of user code, which the emulated machine does not have.
  if (flags & BPF_F_STACK_BUILD_ID) return -EOPNOTSUPP;
  if (attr.valueSize / 8 > PERF_MAX_STACK_DEPTH) return -EINVAL;
  if (roundupPowOfTwo(attr.maxEntries) * 8 >= 0xffffffff - 4096) return -E2BIG;
  return 0;
}

export class StackTraceMap extends BpfMap {
  readonly nBuckets: number;
  readonly maxDepth: number;
  private readonly buckets: Int32Array;
  private readonly hashes: Int32Array;
  private readonly nrs: Int32Array;
  /** Each element's instruction pointers as (lo, hi) u32 pairs. */
  private readonly ips: Uint32Array;
  private readonly freelist: PcpuFreelist;

  constructor(env: MapEnv, attr: MapAttr) {
    super(env, attr);
    this.nBuckets = roundupPowOfTwo(this.maxEntries);
    this.maxDepth = this.valueSize / 8;
    this.buckets = new Int32Array(this.nBuckets).fill(-1);
    this.hashes = new Int32Array(this.maxEntries);
    this.nrs = new Int32Array(this.maxEntries);
    this.ips = new Uint32Array(this.maxEntries * this.maxDepth * 2);
    this.freelist = new PcpuFreelist(this.maxEntries, env.nrCpus);
    this.freelist.populate(this.maxEntries);
  }

  /**
   * bpf_get_stackid's body: `trace` holds `n` instruction pointers as (lo, hi) pairs, innermost
   * first. Returns the stack id or -errno.
   */
  getStackid(trace: Uint32Array, n: number, flags: number): number {
    if (flags & ~(BPF_F_SKIP_FIELD_MASK | BPF_F_USER_STACK | BPF_F_FAST_STACK_CMP | BPF_F_REUSE_STACKID)) return -EINVAL;
    const skip = flags & BPF_F_SKIP_FIELD_MASK;
    // The callchain is cut to the map's depth before frames are skipped, as get_perf_callchain's init_nr does.
    let nr = Math.min(n, this.maxDepth);
    if (nr <= skip) return -EFAULT;
    nr -= skip;
    const hash = jhash2(trace, skip * 2, nr * 2, 0);
    const id = hash & (this.nBuckets - 1);
    const bucket = this.buckets[id]!;
    const hashMatches = bucket >= 0 && this.hashes[bucket] === hash;
    if (hashMatches && flags & BPF_F_FAST_STACK_CMP) return id;
    if (hashMatches && this.nrs[bucket] === nr && this.sameIps(bucket, trace, skip, nr)) return id;
    if (bucket >= 0 && !(flags & BPF_F_REUSE_STACKID)) return -EEXIST;
    const cpu = this.env.cpu();
    const e = this.freelist.pop(cpu);
    if (e < 0) return -ENOMEM;
    const base = e * this.maxDepth * 2;
    for (let i = 0; i < nr * 2; i++) this.ips[base + i] = trace[skip * 2 + i]!;
    this.hashes[e] = hash;
    this.nrs[e] = nr;
    this.buckets[id] = e;
    if (bucket >= 0) this.freelist.push(cpu, bucket);
    return id;
  }

  private sameIps(e: number, trace: Uint32Array, skip: number, nr: number): boolean {
    const base = e * this.maxDepth * 2;
    for (let i = 0; i < nr * 2; i++) if (this.ips[base + i] !== trace[skip * 2 + i]) return false;
    return true;
  }

  /** A program may not look a stack up (the verifier refuses it); user space reads them by id. */
  override lookup(): number {
    return -1;
  }

  override update(): number {
    return -EINVAL;
  }

  override delete(k: Uint8Array, ko: number): number {
    const id = readU32(k, ko);
    if (id >= this.nBuckets) return -E2BIG;
    const e = this.buckets[id]!;
    if (e < 0) return -ENOENT;
    this.buckets[id] = -1;
    this.freelist.push(this.env.cpu(), e);
    return 0;
  }

  /** bpf_stackmap_copy: the stack's ips, zero-filled to value_size. */
  override sysLookup(key: Uint8Array, out: Uint8Array): number {
    const id = readU32(key, 0);
    if (id >= this.nBuckets) return -ENOENT;
    const e = this.buckets[id]!;
    if (e < 0) return -ENOENT;
    out.fill(0, 0, this.valueSize);
    const base = e * this.maxDepth * 2;
    for (let i = 0; i < this.nrs[e]! * 2; i++) writeU32(out, i * 4, this.ips[base + i]!);
    return 0;
  }

  override sysGetNextKey(key: Uint8Array | null, out: Uint8Array): number {
    let id = 0;
    if (key) {
      id = readU32(key, 0);
      id = id >= this.nBuckets || this.buckets[id]! < 0 ? 0 : id + 1;
    }
    while (id < this.nBuckets && this.buckets[id]! < 0) id++;
    if (id >= this.nBuckets) return -ENOENT;
    writeU32(out, 0, id);
    return 0;
  }
}
