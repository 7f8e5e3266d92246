// mm/slab_common.c and the inline half of include/linux/slab.h, Linux 5.0: creating caches
// (and merging a new one into a compatible existing cache, as SLUB does by default), the
// kmalloc array with its size classes, kmalloc requests too large for it, and /proc/slabinfo.

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc, type KernelFunction } from '../symbols.js';
import * as kmem from '../trace/events/kmem.js';
import { __GFP_COMP, __GFP_DMA, __GFP_RECLAIMABLE, __GFP_ZERO, GFP_KERNEL, GFP_NOWAIT } from './gfp.js';
import { PAGE_SIZE } from './page.js';
import { alloc_pages } from './mempolicy.js';
import { page_address } from './page_alloc.js';
import { KMALLOC_SHIFT_HIGH, SlabBoot, slabState } from './slab_state.js';
import {
  __kmalloc_node,
  __kmem_cache_alias,
  __kmem_cache_create,
  __kmem_cache_release,
  __kmem_cache_shrink,
  __kmem_cache_shutdown,
  fls,
  get_order,
  get_slabinfo,
  KmemCache,
  kmem_cache_alloc,
  kmem_cache_alloc_node_trace,
  kmem_cache_alloc_trace,
  kmem_cache_free,
  prep_compound_page,
} from './slub.js';
import type { SlabinfoCache, SlabinfoSnapshot } from '../fs/proc/format/slabinfo.js';

const FILE = 'mm/slab_common.c';

// Declared in the order slab_common.c defines them.
export const F_find_mergeable = kfunc('find_mergeable', {
  file: FILE,
  size: 0x130,
  global: true,
  args: [ArgKind.Int, ArgKind.Int, ArgKind.Int],
  ret: ArgKind.Direct,
});
export const F_create_cache = kfunc('create_cache', { file: FILE, size: 0x1a0, args: [ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.Int], ret: ArgKind.Direct });
export const F_kmem_cache_create_usercopy = kfunc('kmem_cache_create_usercopy', {
  file: FILE,
  size: 0x270,
  global: true,
  args: [ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.Int],
  ret: ArgKind.Direct,
});
export const F_kmem_cache_create = kfunc('kmem_cache_create', {
  file: FILE,
  size: 0x20,
  global: true,
  args: [ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.Int],
  ret: ArgKind.Direct,
});
export const F_kmem_cache_destroy = kfunc('kmem_cache_destroy', { file: FILE, size: 0x150, global: true, args: [ArgKind.Direct] });
export const F_kmem_cache_shrink = kfunc('kmem_cache_shrink', { file: FILE, size: 0x50, global: true, args: [ArgKind.Direct] });
export const F_create_boot_cache = kfunc('create_boot_cache', { file: FILE, size: 0xa2, global: true, args: [ArgKind.Direct, ArgKind.Int, ArgKind.Int, ArgKind.Int] });
export const F_create_kmalloc_cache = kfunc('create_kmalloc_cache', {
  file: FILE,
  size: 0x8d,
  global: true,
  args: [ArgKind.Int, ArgKind.Int, ArgKind.Int],
  ret: ArgKind.Direct,
});
export const F_kmalloc_slab = kfunc('kmalloc_slab', { file: FILE, size: 0x80, global: true, args: [ArgKind.Int, ArgKind.Int], ret: ArgKind.Direct });
export const F_create_kmalloc_caches = kfunc('create_kmalloc_caches', { file: FILE, size: 0x10d, global: true, args: [ArgKind.Int] });
export const F_kmalloc_order = kfunc('kmalloc_order', { file: FILE, size: 0x40, global: true, args: [ArgKind.Int, ArgKind.Int, ArgKind.Int], ret: ArgKind.Direct });
export const F_kmalloc_order_trace = kfunc('kmalloc_order_trace', {
  file: FILE,
  size: 0xc0,
  global: true,
  args: [ArgKind.Int, ArgKind.Int, ArgKind.Int],
  ret: ArgKind.Direct,
});

// include/linux/slab.h, as x86_64 Ubuntu configures them (no KASAN, no DEBUG_OBJECTS).
export const SLAB_CONSISTENCY_CHECKS = 0x00000100;
export const SLAB_RED_ZONE = 0x00000400;
export const SLAB_POISON = 0x00000800;
export const SLAB_HWCACHE_ALIGN = 0x00002000;
export const SLAB_CACHE_DMA = 0x00004000;
export const SLAB_STORE_USER = 0x00010000;
export const SLAB_RECLAIM_ACCOUNT = 0x00020000;
export const SLAB_PANIC = 0x00040000;
export const SLAB_TYPESAFE_BY_RCU = 0x00080000;
export const SLAB_MEM_SPREAD = 0x00100000;
export const SLAB_TRACE = 0x00200000;
export const SLAB_NOLEAKTRACE = 0x00800000;
export const SLAB_FAILSLAB = 0x02000000;
export const SLAB_ACCOUNT = 0x04000000;
export const SLAB_TEMPORARY = SLAB_RECLAIM_ACCOUNT;

/** A cache with any of these never absorbs, nor is absorbed into, another. */
const SLAB_NEVER_MERGE =
  SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | SLAB_TRACE | SLAB_TYPESAFE_BY_RCU | SLAB_NOLEAKTRACE | SLAB_FAILSLAB;
/** Caches merge only if they agree on these. */
const SLAB_MERGE_SAME = SLAB_RECLAIM_ACCOUNT | SLAB_CACHE_DMA | SLAB_ACCOUNT;
const SLAB_CORE_FLAGS = SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA | SLAB_PANIC | SLAB_TYPESAFE_BY_RCU;
const SLAB_CACHE_FLAGS = SLAB_NOLEAKTRACE | SLAB_RECLAIM_ACCOUNT | SLAB_TEMPORARY | SLAB_ACCOUNT;
/**
 * CACHE_CREATE_MASK less SLAB_DEBUG_FLAGS: per-cache SLUB debugging (red zones, poisoning,
 * owner tracking) is not modelled, so its flags are accepted and dropped.
 */
const CACHE_CREATE_MASK = SLAB_CORE_FLAGS | SLAB_CACHE_FLAGS;
const SLAB_FLAGS_PERMITTED =
  SLAB_CORE_FLAGS |
  SLAB_RED_ZONE |
  SLAB_POISON |
  SLAB_STORE_USER |
  SLAB_TRACE |
  SLAB_CONSISTENCY_CHECKS |
  SLAB_MEM_SPREAD |
  SLAB_NOLEAKTRACE |
  SLAB_RECLAIM_ACCOUNT |
  SLAB_TEMPORARY |
  SLAB_ACCOUNT;

/** kmalloc(0)'s answer: not NULL, but faults if used. */
export const ZERO_SIZE_PTR = 16;
export const KMALLOC_SHIFT_LOW = 3;
export const KMALLOC_MIN_SIZE = 1 << KMALLOC_SHIFT_LOW;
export const KMALLOC_MAX_CACHE_SIZE = 1 << KMALLOC_SHIFT_HIGH;
/** KMALLOC_SHIFT_MAX = MAX_ORDER + PAGE_SHIFT - 1. */
export const KMALLOC_MAX_SIZE = 1 << 22;
const ARCH_KMALLOC_MINALIGN = 8;
const ARCH_SLAB_MINALIGN = 8;
/** cache_line_size() on x86_64. */
const CACHE_LINE_SIZE = 64;
const EINVAL = 22;
const ENOMEM = 12;

/** enum kmalloc_cache_type. */
export const enum KmallocType {
  NORMAL = 0,
  RECLAIM = 1,
  DMA = 2,
}

/** kmalloc_info[]: index 1 and 2 are the 96- and 192-byte caches between the powers of two. */
const KMALLOC_INFO: readonly (readonly [name: string, size: number])[] = [
  ['', 0],
  ['kmalloc-96', 96],
  ['kmalloc-192', 192],
  ['kmalloc-8', 8],
  ['kmalloc-16', 16],
  ['kmalloc-32', 32],
  ['kmalloc-64', 64],
  ['kmalloc-128', 128],
  ['kmalloc-256', 256],
  ['kmalloc-512', 512],
  ['kmalloc-1k', 1024],
  ['kmalloc-2k', 2048],
  ['kmalloc-4k', 4096],
  ['kmalloc-8k', 8192],
];

/** size_index[(size - 1) / 8]: the kmalloc index for sizes up to 192, where fls does not work. */
const size_index = Uint8Array.of(3, 4, 5, 5, 6, 6, 6, 6, 1, 1, 1, 1, 7, 7, 7, 7, 2, 2, 2, 2, 2, 2, 2, 2);

function alignUp(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}

/** calculate_alignment: a cache line (halved while the object fits twice) for SLAB_HWCACHE_ALIGN, at least 8 bytes. */
export function calculate_alignment(flags: number, align: number, size: number): number {
  if (flags & SLAB_HWCACHE_ALIGN) {
    let ralign = CACHE_LINE_SIZE;
    while (size <= ralign / 2) ralign /= 2;
    align = Math.max(align, ralign);
  }
  if (align < ARCH_SLAB_MINALIGN) align = ARCH_SLAB_MINALIGN;
  return alignUp(align, 8);
}

function slab_unmergeable(s: KmemCache): boolean {
  // slab_nomerge is off: Ubuntu builds with CONFIG_SLAB_MERGE_DEFAULT.
  if (s.flags & SLAB_NEVER_MERGE) return true;
  if (s.ctor !== null) return true;
  if (s.usersize) return true;
  // The boot caches stay unmergeable (create_boot_cache's refcount -1).
  return s.refcount < 0;
}

/**
 * find_mergeable: the oldest cache the new one can share: same merge-relevant flags, a size
 * that is at least the new size after alignment but less than a word more, and aligned for it.
 */
export function find_mergeable(k: Kernel, size: number, align: number, flags: number, ctor: string | null): KmemCache | null {
  if (ctor !== null) return null;
  k.enter(F_find_mergeable, size, align, flags);
  size = alignUp(size, 8);
  align = calculate_alignment(flags, align, size);
  size = alignUp(size, align);
  let found: KmemCache | null = null;
  if (!(flags & SLAB_NEVER_MERGE)) {
    for (const s of slabState(k).slab_caches) {
      if (slab_unmergeable(s)) continue;
      if (size > s.size) continue;
      if ((flags & SLAB_MERGE_SAME) !== (s.flags & SLAB_MERGE_SAME)) continue;
      if ((s.size & ~(align - 1)) !== s.size) continue;
      if (s.size - size >= 8) continue;
      found = s;
      break;
    }
  }
  k.leave(F_find_mergeable, found === null ? 0 : found.addr);
  return found;
}

/** create_cache: a struct kmem_cache from the kmem_cache cache, opened, and put on slab_caches. */
function create_cache(
  k: Kernel,
  name: string,
  object_size: number,
  align: number,
  flags: number,
  useroffset: number,
  usersize: number,
  ctor: string | null,
): KmemCache | number {
  k.enter(F_create_cache, object_size, align, flags, 0);
  if (useroffset + usersize > object_size) useroffset = usersize = 0;
  const st = slabState(k);
  const addr = kmem_cache_zalloc(k, st.kmem_cache!, GFP_KERNEL, F_create_cache);
  if (addr === 0) {
    k.leave(F_create_cache, 0);
    return -ENOMEM;
  }
  const s = new KmemCache(st, name, object_size, align, ctor, useroffset, usersize, k.config.cpus);
  s.addr = addr;
  const err = __kmem_cache_create(k, s, flags);
  if (err) {
    kmem_cache_free(k, st.kmem_cache!, addr, F_create_cache);
    k.leave(F_create_cache, 0);
    return err;
  }
  s.refcount = 1;
  st.slab_caches.push(s);
  k.leave(F_create_cache, addr);
  return s;
}

/**
 * kmem_cache_create_usercopy: a new cache, or an existing one it merges into when nothing
 * (a usercopy region, a constructor, RCU freeing) forbids it. Null on failure; SLAB_PANIC
 * turns failure into a panic.
 */
export function kmem_cache_create_usercopy(
  k: Kernel,
  name: string,
  size: number,
  align: number,
  flags: number,
  useroffset: number,
  usersize: number,
  ctor: string | null,
): KmemCache | null {
  k.enter(F_kmem_cache_create_usercopy, 0, size, align, flags, useroffset, usersize);
  let s: KmemCache | null = null;
  let err = 0;
  // kmem_cache_sanity_check, as CONFIG_DEBUG_VM kernels do it: a bad size would wreck the layout.
  if (size < 8 || size > KMALLOC_MAX_SIZE) err = -EINVAL;
  else if (flags & ~SLAB_FLAGS_PERMITTED) err = -EINVAL;
  else {
    flags &= CACHE_CREATE_MASK;
    if ((!usersize && useroffset) || size < usersize || size - usersize < useroffset) usersize = useroffset = 0;
    if (!usersize) s = __kmem_cache_alias(k, size, align, flags, ctor);
    if (s === null) {
      const r = create_cache(k, name, size, calculate_alignment(flags, align, size), flags, useroffset, usersize, ctor);
      if (typeof r === 'number') err = r;
      else s = r;
    }
  }
  if (err) {
    if (flags & SLAB_PANIC) throw new Error(`Kernel panic - not syncing: kmem_cache_create: Failed to create slab '${name}'. Error ${err}`);
    k.printk(`kmem_cache_create(${name}) failed with error ${err}`, 4);
    k.leave(F_kmem_cache_create_usercopy, 0);
    return null;
  }
  slabState(k).cachep.set(name, s!);
  k.leave(F_kmem_cache_create_usercopy, s!.addr);
  return s;
}

export function kmem_cache_create(k: Kernel, name: string, size: number, align: number, flags: number, ctor: string | null): KmemCache | null {
  k.enter(F_kmem_cache_create, 0, size, align, flags);
  const s = kmem_cache_create_usercopy(k, name, size, align, flags, 0, 0, ctor);
  k.leave(F_kmem_cache_create, s === null ? 0 : s.addr);
  return s;
}

/** kmem_cache_destroy: drop a reference; the last one frees the cache if no objects remain. */
export function kmem_cache_destroy(k: Kernel, s: KmemCache | null): void {
  if (s === null) return;
  k.enter(F_kmem_cache_destroy, s.addr);
  if (--s.refcount === 0) {
    // shutdown_cache
    if (__kmem_cache_shutdown(k, s) !== 0) {
      k.printk(`kmem_cache_destroy ${s.name}: Slab cache still has objects`, 3);
      k.leaveVoid(F_kmem_cache_destroy);
      return;
    }
    const st = slabState(k);
    st.slab_caches.splice(st.slab_caches.indexOf(s), 1);
    for (const [name, c] of st.cachep) if (c === s) st.cachep.delete(name);
    // slab_kmem_cache_release
    __kmem_cache_release(k, s);
    kmem_cache_free(k, st.kmem_cache!, s.addr, F_kmem_cache_destroy);
  }
  k.leaveVoid(F_kmem_cache_destroy);
}

/** kmem_cache_shrink: release the cache's empty slabs; 0 if it has no slabs left at all. */
export function kmem_cache_shrink(k: Kernel, s: KmemCache): number {
  k.enter(F_kmem_cache_shrink, s.addr);
  return k.leave(F_kmem_cache_shrink, __kmem_cache_shrink(k, s));
}

/** create_boot_cache: a cache made before kmem_cache can allocate struct kmem_cache. */
export function create_boot_cache(k: Kernel, name: string, size: number, flags: number, useroffset: number, usersize: number): KmemCache {
  k.enter(F_create_boot_cache, 0, 0, size, flags);
  const s = new KmemCache(slabState(k), name, size, calculate_alignment(flags, ARCH_KMALLOC_MINALIGN, size), null, useroffset, usersize, k.config.cpus);
  if (__kmem_cache_create(k, s, flags) !== 0)
    throw new Error(`Kernel panic - not syncing: Creation of kmalloc slab ${name} size=${size} failed.`);
  // Exempt from merging for now.
  s.refcount = -1;
  k.leaveVoid(F_create_boot_cache);
  return s;
}

function create_kmalloc_cache(k: Kernel, name: string, size: number, flags: number, useroffset: number, usersize: number): KmemCache {
  k.enter(F_create_kmalloc_cache, 0, size, flags);
  const st = slabState(k);
  const addr = kmem_cache_zalloc(k, st.kmem_cache!, GFP_NOWAIT, F_create_kmalloc_cache);
  if (addr === 0) throw new Error(`Kernel panic - not syncing: Out of memory when creating slab ${name}`);
  const s = create_boot_cache(k, name, size, flags, useroffset, usersize);
  s.addr = addr;
  st.slab_caches.push(s);
  s.refcount = 1;
  k.leave(F_create_kmalloc_cache, addr);
  return s;
}

export function kmalloc_type(flags: number): KmallocType {
  if ((flags & (__GFP_DMA | __GFP_RECLAIMABLE)) === 0) return KmallocType.NORMAL;
  return flags & __GFP_DMA ? KmallocType.DMA : KmallocType.RECLAIM;
}

/** kmalloc_index: which kmalloc cache serves a size known at compile time; 0 for size 0. */
export function kmalloc_index(size: number): number {
  if (!size) return 0;
  if (size <= KMALLOC_MIN_SIZE) return KMALLOC_SHIFT_LOW;
  if (size > 64 && size <= 96) return 1;
  if (size > 128 && size <= 192) return 2;
  return fls(size - 1);
}

/** kmalloc_size: the object size of kmalloc cache `n`. */
function kmalloc_size(n: number): number {
  if (n > 2) return 1 << n;
  return n === 1 ? 96 : n === 2 ? 192 : 0;
}

/** kmalloc_slab: the kmalloc cache for a run-time size; null for 0 (ZERO_SIZE_PTR). */
export function kmalloc_slab(k: Kernel, size: number, flags: number): KmemCache | null {
  k.enter(F_kmalloc_slab, size, flags);
  let ret: KmemCache | null = null;
  if (size > 0) {
    if (size > KMALLOC_MAX_CACHE_SIZE) throw new RangeError(`kmalloc_slab: ${size} bytes is above KMALLOC_MAX_CACHE_SIZE`);
    const index = size <= 192 ? size_index[(size - 1) >>> 3]! : fls(size - 1);
    ret = slabState(k).kmalloc_caches[kmalloc_type(flags)]![index]!;
  }
  k.leave(F_kmalloc_slab, ret === null ? ZERO_SIZE_PTR : ret.addr);
  return ret;
}

/** kmalloc_cache_name: "kmalloc-rcl-1k" style, sizes in k or M when they divide evenly. */
function kmalloc_cache_name(prefix: string, size: number): string {
  const units = ['', 'k', 'M'];
  let idx = 0;
  while (size >= 1024 && size % 1024 === 0) {
    size /= 1024;
    idx++;
  }
  return `${prefix}-${size}${units[idx]}`;
}

function new_kmalloc_cache(k: Kernel, idx: number, type: KmallocType, flags: number): void {
  const [infoName, size] = KMALLOC_INFO[idx]!;
  let name = infoName;
  if (type === KmallocType.RECLAIM) {
    flags |= SLAB_RECLAIM_ACCOUNT;
    name = kmalloc_cache_name('kmalloc-rcl', size);
  }
  slabState(k).kmalloc_caches[type]![idx] = create_kmalloc_cache(k, name, size, flags, 0, size);
}

/**
 * create_kmalloc_caches: kmalloc-8 … kmalloc-8k, 96 right after 64 and 192 right after 128,
 * then the same for kmalloc-rcl-*, then dma-kmalloc-* in index order (96 and 192 first).
 */
export function create_kmalloc_caches(k: Kernel, flags: number): void {
  k.enter(F_create_kmalloc_caches, flags);
  const st = slabState(k);
  for (const type of [KmallocType.NORMAL, KmallocType.RECLAIM]) {
    const caches = st.kmalloc_caches[type]!;
    for (let i = KMALLOC_SHIFT_LOW; i <= KMALLOC_SHIFT_HIGH; i++) {
      if (!caches[i]) new_kmalloc_cache(k, i, type, flags);
      if (i === 6 && !caches[1]) new_kmalloc_cache(k, 1, type, flags);
      if (i === 7 && !caches[2]) new_kmalloc_cache(k, 2, type, flags);
    }
  }
  st.boot = SlabBoot.UP;
  for (let i = 0; i <= KMALLOC_SHIFT_HIGH; i++) {
    if (!st.kmalloc_caches[KmallocType.NORMAL]![i]) continue;
    const size = kmalloc_size(i);
    st.kmalloc_caches[KmallocType.DMA]![i] = create_kmalloc_cache(k, kmalloc_cache_name('dma-kmalloc', size), size, SLAB_CACHE_DMA | flags, 0, 0);
  }
  k.leaveVoid(F_create_kmalloc_caches);
}

/** kmalloc_order: a request above 8 KiB is a compound block straight from the page allocator. */
export function kmalloc_order(k: Kernel, size: number, flags: number, order: number): number {
  k.enter(F_kmalloc_order, size, flags, order);
  flags |= __GFP_COMP;
  const pfn = alloc_pages(k, flags, order);
  if (pfn >= 0 && order > 0) prep_compound_page(k.mem, pfn, order);
  return k.leave(F_kmalloc_order, pfn < 0 ? 0 : page_address(pfn));
}

export function kmalloc_order_trace(k: Kernel, size: number, flags: number, order: number, callSite: KernelFunction): number {
  k.enter(F_kmalloc_order_trace, size, flags, order);
  const ret = kmalloc_order(k, size, flags, order);
  if (k.tpOn[kmem.kmalloc.id] !== 0) k.traceEvent(kmem.kmalloc, callSite.id, ret, size, PAGE_SIZE * 2 ** order, flags);
  return k.leave(F_kmalloc_order_trace, ret);
}

/** kmalloc_large (inline): its call site is whatever function it was inlined into. */
export function kmalloc_large(k: Kernel, size: number, flags: number, callSite: KernelFunction): number {
  return kmalloc_order_trace(k, size, flags, get_order(size), callSite);
}

/**
 * kmalloc (inline) with a size the compiler knows: straight to the size class's cache through
 * kmem_cache_alloc_trace. Code whose size is known only at run time calls __kmalloc instead,
 * as gcc compiles kmalloc for it.
 */
export function kmalloc(k: Kernel, size: number, flags: number, callSite: KernelFunction): number {
  if (size > KMALLOC_MAX_CACHE_SIZE) return kmalloc_large(k, size, flags, callSite);
  const index = kmalloc_index(size);
  if (!index) return ZERO_SIZE_PTR;
  return kmem_cache_alloc_trace(k, slabState(k).kmalloc_caches[kmalloc_type(flags)]![index]!, flags, size, callSite);
}

export function kzalloc(k: Kernel, size: number, flags: number, callSite: KernelFunction): number {
  return kmalloc(k, size, flags | __GFP_ZERO, callSite);
}

/** kmalloc_node (inline): constant sizes within the kmalloc array go to kmem_cache_alloc_node_trace. */
export function kmalloc_node(k: Kernel, size: number, flags: number, node: number, callSite: KernelFunction): number {
  if (size <= KMALLOC_MAX_CACHE_SIZE) {
    const i = kmalloc_index(size);
    if (!i) return ZERO_SIZE_PTR;
    return kmem_cache_alloc_node_trace(k, slabState(k).kmalloc_caches[kmalloc_type(flags)]![i]!, flags, node, size, callSite);
  }
  return __kmalloc_node(k, size, flags, node, callSite);
}

export function kzalloc_node(k: Kernel, size: number, flags: number, node: number, callSite: KernelFunction): number {
  return kmalloc_node(k, size, flags | __GFP_ZERO, node, callSite);
}

export function kmem_cache_zalloc(k: Kernel, s: KmemCache, flags: number, callSite: KernelFunction): number {
  return kmem_cache_alloc(k, s, flags | __GFP_ZERO, callSite);
}

/** cache_random_seq_create with freelist_randomize: a Fisher-Yates shuffle of the object indices. */
export function cache_random_seq_create(k: Kernel, count: number): Int32Array {
  const list = new Int32Array(count);
  for (let i = 0; i < count; i++) list[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const r = k.prng.u32() % (i + 1);
    const t = list[i]!;
    list[i] = list[r]!;
    list[r] = t;
  }
  return list;
}

/** /proc/slabinfo's rows: slab_root_caches from its head, so the newest cache first. */
export function slabinfoRows(k: Kernel): SlabinfoCache[] {
  const caches = slabState(k).slab_caches;
  const rows: SlabinfoCache[] = [];
  for (let i = caches.length - 1; i >= 0; i--) rows.push(get_slabinfo(k, caches[i]!));
  return rows;
}

export function slabinfoSnapshot(k: Kernel): SlabinfoSnapshot {
  return { caches: slabinfoRows(k) };
}

/** The cache kmem_cache_create returned for `name`: its own, or the one it merged into. */
export function findCache(k: Kernel, name: string): KmemCache {
  const s = slabState(k).cachep.get(name) ?? slabState(k).slab_caches.find((c) => c.name === name);
  if (!s) throw new RangeError(`no slab cache ${name}`);
  return s;
}

interface BootCache {
  readonly name: string;
  readonly size: number;
  readonly align: number;
  readonly flags: number;
  readonly ctor?: string;
  readonly useroffset?: number;
  readonly usersize?: number;
}

/**
 * The caches the emulated kernel uses, in the order start_kernel creates them, with the object
 * sizes that give the lecture's objsize column. vmap_area is the lecture's kernel's (5.2 added
 * the cache). vm_area_struct is 192 bytes there, so it merges into cred_jar, which is why the
 * lecture's slabinfo has no vm_area_struct row and a cred_jar of nearly 20000 objects; fs_cache
 * merges into anon_vma_chain the same way, so copy_fs_struct's events say bytes_req=64.
 */
export const BOOT_CACHES: readonly BootCache[] = [
  // vmalloc_init
  { name: 'vmap_area', size: 88, align: 8, flags: SLAB_PANIC },
  // radix_tree_init
  { name: 'radix_tree_node', size: 576, align: 0, flags: SLAB_PANIC | SLAB_RECLAIM_ACCOUNT, ctor: 'radix_tree_node_ctor' },
  // pid_idr_init
  { name: 'pid', size: 72, align: 8, flags: SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT },
  // anon_vma_init
  { name: 'anon_vma', size: 80, align: 0, flags: SLAB_TYPESAFE_BY_RCU | SLAB_PANIC | SLAB_ACCOUNT, ctor: 'anon_vma_ctor' },
  { name: 'anon_vma_chain', size: 64, align: 8, flags: SLAB_PANIC | SLAB_ACCOUNT },
  // cred_init
  { name: 'cred_jar', size: 168, align: 0, flags: SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT },
  // fork_init: arch_task_struct_size, L1-aligned, the FPU state as the usercopy region.
  { name: 'task_struct', size: 3520, align: 64, flags: SLAB_PANIC | SLAB_ACCOUNT, useroffset: 2688, usersize: 832 },
  // proc_caches_init
  {
    name: 'sighand_cache',
    size: 2088,
    align: 0,
    flags: SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_TYPESAFE_BY_RCU | SLAB_ACCOUNT,
    ctor: 'sighand_ctor',
  },
  { name: 'signal_cache', size: 1032, align: 0, flags: SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT },
  { name: 'files_cache', size: 704, align: 0, flags: SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT },
  { name: 'fs_cache', size: 56, align: 0, flags: SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT },
  // sizeof(struct mm_struct) + cpumask_size(), saved_auxv as the usercopy region.
  { name: 'mm_struct', size: 968, align: 0, flags: SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT, useroffset: 288, usersize: 368 },
  { name: 'vm_area_struct', size: 192, align: 8, flags: SLAB_PANIC | SLAB_ACCOUNT },
  // buffer_init
  { name: 'buffer_head', size: 104, align: 0, flags: SLAB_RECLAIM_ACCOUNT | SLAB_PANIC | SLAB_MEM_SPREAD },
  // vfs_caches_init: names_cache, dcache_init, inode_init, files_init, mnt_init's kernfs_init.
  { name: 'names_cache', size: 4096, align: 0, flags: SLAB_HWCACHE_ALIGN | SLAB_PANIC, useroffset: 0, usersize: 4096 },
  {
    name: 'dentry',
    size: 192,
    align: 8,
    flags: SLAB_RECLAIM_ACCOUNT | SLAB_PANIC | SLAB_MEM_SPREAD | SLAB_ACCOUNT,
    useroffset: 56,
    usersize: 32,
  },
  {
    name: 'inode_cache',
    size: 560,
    align: 0,
    flags: SLAB_RECLAIM_ACCOUNT | SLAB_PANIC | SLAB_MEM_SPREAD | SLAB_ACCOUNT,
    ctor: 'init_once',
  },
  { name: 'filp', size: 232, align: 0, flags: SLAB_HWCACHE_ALIGN | SLAB_PANIC | SLAB_ACCOUNT },
  { name: 'kernfs_node_cache', size: 128, align: 0, flags: SLAB_PANIC | SLAB_TYPESAFE_BY_RCU },
  // proc_root_init
  {
    name: 'proc_inode_cache',
    size: 632,
    align: 0,
    flags: SLAB_RECLAIM_ACCOUNT | SLAB_MEM_SPREAD | SLAB_ACCOUNT | SLAB_PANIC,
    ctor: 'init_once',
  },
];

/** Creates BOOT_CACHES after kmem_cache_init, as the init functions of start_kernel would. */
export function createBootCaches(k: Kernel): void {
  for (const c of BOOT_CACHES)
    kmem_cache_create_usercopy(k, c.name, c.size, c.align, c.flags, c.useroffset ?? 0, c.usersize ?? 0, c.ctor ?? null);
}
