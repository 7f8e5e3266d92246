// mm/slub.c, Linux 5.0, as Ubuntu's kernel builds it: CONFIG_SLUB_CPU_PARTIAL and
// CONFIG_SLAB_FREELIST_RANDOM on, slub_debug off. A cache hands objects out from a per-cpu slab
// whose free list only that CPU touches (the fast path); when it runs dry the slow path takes
// the slab's remotely freed objects, then a slab from the per-cpu partial chain, then one from
// the node's partial list, and last a new slab from the page allocator. Frees to a slab that is
// not the cpu slab go to the slab's own free list and may freeze it onto the freeing CPU's
// partial chain; empty slabs beyond min_partial go back to the buddy allocator.
//
// Objects are direct-map addresses (pfn * PAGE_SIZE + index * s->size, offsets into the direct
// map as page_address gives them); 0 is NULL and ZERO_SIZE_PTR is 16. The page fields SLUB uses
// and the free pointers live in SlabState's slab table (see slab_state.ts).

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc, type KernelFunction } from '../symbols.js';
import * as kmem from '../trace/events/kmem.js';
import {
  __GFP_ATOMIC,
  __GFP_COMP,
  __GFP_DIRECT_RECLAIM,
  __GFP_DMA32,
  __GFP_FS,
  __GFP_HARDWALL,
  __GFP_HIGH,
  __GFP_HIGHMEM,
  __GFP_IO,
  __GFP_MEMALLOC,
  __GFP_NOFAIL,
  __GFP_NOMEMALLOC,
  __GFP_NORETRY,
  __GFP_NOWARN,
  __GFP_RECLAIM,
  __GFP_RECLAIMABLE,
  __GFP_RETRY_MAYFAIL,
  __GFP_THISNODE,
  __GFP_ZERO,
  formatGfpForPrintk,
  GFP_DMA,
  GFP_KERNEL,
  GFP_NOWAIT,
} from './gfp.js';
import { NodeStat } from './mmzone.js';
import { MAX_ORDER, PAGE_SIZE, PG_head, PG_slab, PG_tail, type PageFrames } from './page.js';
import { alloc_pages } from './mempolicy.js';
import { __free_pages, page_address } from './page_alloc.js';
import { OBJ_ALLOCATED, SlabBoot, slabState, type SlabState } from './slab_state.js';
import {
  cache_random_seq_create,
  create_boot_cache,
  create_kmalloc_caches,
  find_mergeable,
  kmalloc_large,
  kmalloc_slab,
  KMALLOC_MAX_CACHE_SIZE,
  kmem_cache_zalloc,
  SLAB_CACHE_DMA,
  SLAB_HWCACHE_ALIGN,
  SLAB_PANIC,
  SLAB_RECLAIM_ACCOUNT,
  SLAB_TYPESAFE_BY_RCU,
  ZERO_SIZE_PTR,
} from './slab_common.js';
import type { SlabinfoCache } from '../fs/proc/format/slabinfo.js';

const FILE = 'mm/slub.c';

// Declared in the order slub.c defines them, which is their order in the image.
export const F_on_freelist = kfunc('on_freelist', { file: FILE, size: 0x1e0, args: [ArgKind.Direct, ArgKind.Page, ArgKind.Direct] });
export const F_allocate_slab = kfunc('allocate_slab', {
  file: FILE,
  size: 0x3b0,
  args: [ArgKind.Direct, ArgKind.Int, ArgKind.Int],
  ret: ArgKind.Page,
});
export const F_new_slab = kfunc('new_slab', { file: FILE, size: 0x70, args: [ArgKind.Direct, ArgKind.Int, ArgKind.Int], ret: ArgKind.Page });
export const F_discard_slab = kfunc('discard_slab', { file: FILE, size: 0x60, args: [ArgKind.Direct, ArgKind.Page] });
export const F_get_partial_node = kfunc('get_partial_node', {
  file: FILE,
  size: 0x1b0,
  args: [ArgKind.Direct, ArgKind.Direct],
  ret: ArgKind.Direct,
});
export const F_deactivate_slab = kfunc('deactivate_slab', { file: FILE, size: 0x450, args: [ArgKind.Direct, ArgKind.Page, ArgKind.Direct] });
export const F_unfreeze_partials = kfunc('unfreeze_partials', { file: FILE, size: 0x1a0, args: [ArgKind.Direct] });
export const F_put_cpu_partial = kfunc('put_cpu_partial', { file: FILE, size: 0xe0, args: [ArgKind.Direct, ArgKind.Page, ArgKind.Int] });
export const F____slab_alloc = kfunc('___slab_alloc', {
  file: FILE,
  size: 0x510,
  args: [ArgKind.Direct, ArgKind.Int, ArgKind.Int],
  ret: ArgKind.Direct,
});
export const F___slab_alloc = kfunc('__slab_alloc', { file: FILE, size: 0x40, args: [ArgKind.Direct, ArgKind.Int, ArgKind.Int], ret: ArgKind.Direct });
export const F_kmem_cache_alloc = kfunc('kmem_cache_alloc', {
  file: FILE,
  size: 0x1d0,
  global: true,
  args: [ArgKind.Direct, ArgKind.Int],
  ret: ArgKind.Direct,
});
export const F_kmem_cache_alloc_trace = kfunc('kmem_cache_alloc_trace', {
  file: FILE,
  size: 0x1d0,
  global: true,
  args: [ArgKind.Direct, ArgKind.Int, ArgKind.Int],
  ret: ArgKind.Direct,
});
export const F_kmem_cache_alloc_node = kfunc('kmem_cache_alloc_node', {
  file: FILE,
  size: 0x1f0,
  global: true,
  args: [ArgKind.Direct, ArgKind.Int, ArgKind.Int],
  ret: ArgKind.Direct,
});
export const F_kmem_cache_alloc_node_trace = kfunc('kmem_cache_alloc_node_trace', {
  file: FILE,
  size: 0x1f0,
  global: true,
  args: [ArgKind.Direct, ArgKind.Int, ArgKind.Int, ArgKind.Int],
  ret: ArgKind.Direct,
});
export const F___slab_free = kfunc('__slab_free', {
  file: FILE,
  size: 0x2f0,
  args: [ArgKind.Direct, ArgKind.Page, ArgKind.Direct, ArgKind.Direct, ArgKind.Int],
});
export const F_kmem_cache_free = kfunc('kmem_cache_free', { file: FILE, size: 0x1e0, global: true, args: [ArgKind.Direct, ArgKind.Direct] });
export const F___kmem_cache_release = kfunc('__kmem_cache_release', { file: FILE, size: 0x50, global: true, args: [ArgKind.Direct] });
export const F___kmem_cache_shutdown = kfunc('__kmem_cache_shutdown', { file: FILE, size: 0x2c0, global: true, args: [ArgKind.Direct] });
export const F___kmalloc = kfunc('__kmalloc', { file: FILE, size: 0x1f0, global: true, args: [ArgKind.Int, ArgKind.Int], ret: ArgKind.Direct });
export const F___kmalloc_node = kfunc('__kmalloc_node', {
  file: FILE,
  size: 0x230,
  global: true,
  args: [ArgKind.Int, ArgKind.Int, ArgKind.Int],
  ret: ArgKind.Direct,
});
export const F_kfree = kfunc('kfree', { file: FILE, size: 0x170, global: true, args: [ArgKind.Direct] });
export const F___kmem_cache_shrink = kfunc('__kmem_cache_shrink', { file: FILE, size: 0x2a0, global: true, args: [ArgKind.Direct] });
export const F_bootstrap = kfunc('bootstrap', { file: FILE, size: 0xd7, args: [ArgKind.Direct], ret: ArgKind.Direct });
export const F_kmem_cache_init = kfunc('kmem_cache_init', { file: FILE, size: 0x102, global: true });
export const F___kmem_cache_alias = kfunc('__kmem_cache_alias', {
  file: FILE,
  size: 0x80,
  global: true,
  args: [ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.Int],
  ret: ArgKind.Direct,
});
export const F___kmem_cache_create = kfunc('__kmem_cache_create', { file: FILE, size: 0x4f0, global: true, args: [ArgKind.Direct, ArgKind.Int] });

export const NUMA_NO_NODE = -1;

const OO_SHIFT = 16;
const OO_MASK = (1 << OO_SHIFT) - 1;
/** page->objects is 15 bits wide. */
const MAX_OBJS_PER_PAGE = 32767;
/** Bounds on min_partial, the empty-enough slabs a node keeps rather than freeing. */
const MIN_PARTIAL = 5;
const MAX_PARTIAL = 10;
/** The slub_min_order=, slub_max_order= (PAGE_ALLOC_COSTLY_ORDER) and slub_min_objects= defaults. */
const slub_min_order = 0;
const slub_max_order = 3;
const slub_min_objects = 0;

/** struct kmem_cache_node, and struct kmem_cache as create_boot_cache sizes them (one node). */
export const SIZEOF_KMEM_CACHE_NODE = 64;
export const SIZEOF_KMEM_CACHE = 352;

/** mm/internal.h: the gfp bits new_slab passes on to the page allocator. */
const GFP_RECLAIM_MASK =
  __GFP_RECLAIM |
  __GFP_HIGH |
  __GFP_IO |
  __GFP_FS |
  __GFP_NOWARN |
  __GFP_RETRY_MAYFAIL |
  __GFP_NOFAIL |
  __GFP_NORETRY |
  __GFP_MEMALLOC |
  __GFP_NOMEMALLOC |
  __GFP_ATOMIC;
const GFP_CONSTRAINT_MASK = __GFP_HARDWALL | __GFP_THISNODE;
/** __GFP_DMA32, __GFP_HIGHMEM and anything above __GFP_BITS_SHIFT (23) make no sense for slab. */
const GFP_SLAB_BUG_MASK = (__GFP_DMA32 | __GFP_HIGHMEM | ~((1 << 23) - 1)) >>> 0;

/** Virtual cost in ns: a this_cpu_cmpxchg_double fast path, the irq-off slow path, slab setup. */
const COST_FASTPATH = 20;
const COST_SLOWPATH = 120;
const COST_NEW_SLAB = 300;
const COST_SETUP_OBJECT = 4;

/** struct kmem_cache_cpu. There is no tid: nothing interleaves with a CPU's own allocations. */
export class KmemCacheCpu {
  /** c->freelist: the next free object of the cpu slab, as an index into it, or -1. */
  freelist = -1;
  /** c->page: the cpu slab's id, or -1. */
  page = -1;
  /** c->partial: the first frozen slab of this CPU's partial chain, or -1. */
  partial = -1;
}

/** struct kmem_cache_node: node 0's partial list and the slab counts slabinfo reads. */
export class KmemCacheNode {
  nr_partial = 0;
  nr_slabs = 0;
  total_objects = 0;

  constructor(
    /** The partial list's head among the page frames' list sentinels. */
    readonly partial: number,
    /** Where this structure lives: an object of the kmem_cache_node cache. */
    readonly addr: number,
  ) {}
}

/** struct kmem_cache. */
export class KmemCache {
  readonly cpu_slab: KmemCacheCpu[] = [];
  flags = 0;
  min_partial = 0;
  /** The object's size with its metadata and alignment: the stride of objects in a slab. */
  size: number;
  /** The size callers asked for (the largest one, once caches merge into this one). */
  object_size: number;
  /** Where the free pointer sits: 0 (in the object) unless RCU or a constructor forbids it. */
  offset = 0;
  /** Free objects a CPU keeps on its partial chain before handing the chain to the node. */
  cpu_partial = 0;
  /** Order and objects per slab, packed as oo_make does; min is the fallback when oo fails. */
  oo = 0;
  min = 0;
  allocflags = 0;
  refcount = 0;
  /** get_node(s, 0); null until init_kmem_cache_nodes. */
  node: KmemCacheNode | null = null;
  /** The precomputed shuffle of object indices new slabs' free lists follow. */
  random_seq: Int32Array | null = null;
  /** Where this struct kmem_cache lives: an object of the kmem_cache cache. */
  addr = 0;

  constructor(
    readonly st: SlabState,
    readonly name: string,
    object_size: number,
    readonly align: number,
    /**
     * The constructor's name. bpfbox keeps no object contents, so a constructor has nothing
     * to initialise, but it still moves the free pointer out of the object and makes the
     * cache unmergeable, as in Linux.
     */
    readonly ctor: string | null,
    readonly useroffset: number,
    readonly usersize: number,
    cpus: number,
  ) {
    this.size = object_size;
    this.object_size = object_size;
    for (let c = 0; c < cpus; c++) this.cpu_slab.push(new KmemCacheCpu());
  }
}

export function fls(x: number): number {
  return x === 0 ? 0 : 32 - Math.clz32(x);
}

function ilog2(x: number): number {
  return 31 - Math.clz32(x);
}

/** get_order: the smallest order whose block holds `size` bytes. */
export function get_order(size: number): number {
  const pages = Math.floor((size - 1) / PAGE_SIZE);
  return pages === 0 ? 0 : fls(pages);
}

function order_objects(order: number, size: number): number {
  return Math.floor((PAGE_SIZE * 2 ** order) / size);
}

export function oo_make(order: number, size: number): number {
  return (order << OO_SHIFT) + order_objects(order, size);
}

export function oo_order(x: number): number {
  return x >>> OO_SHIFT;
}

export function oo_objects(x: number): number {
  return x & OO_MASK;
}

/** The lowest order from the minimum up to max_order that wastes at most 1/fract_leftover. */
function slab_order(size: number, min_objects: number, max_order: number, fract_leftover: number): number {
  if (order_objects(slub_min_order, size) > MAX_OBJS_PER_PAGE) return get_order(size * MAX_OBJS_PER_PAGE) - 1;
  let order = Math.max(slub_min_order, get_order(min_objects * size));
  for (; order <= max_order; order++) {
    const slab_size = PAGE_SIZE * 2 ** order;
    if (slab_size % size <= Math.floor(slab_size / fract_leftover)) break;
  }
  return order;
}

/**
 * calculate_order: first accept more waste (1/16, 1/8, 1/4 of the slab), then fewer objects,
 * starting from 4 * (fls(nr_cpu_ids) + 1) objects; -1 when no order up to MAX_ORDER fits.
 */
export function calculate_order(size: number, nr_cpu_ids: number): number {
  let min_objects = slub_min_objects || 4 * (fls(nr_cpu_ids) + 1);
  const max_objects = order_objects(slub_max_order, size);
  min_objects = Math.min(min_objects, max_objects);
  while (min_objects > 1) {
    for (let fraction = 16; fraction >= 4; fraction /= 2) {
      const order = slab_order(size, min_objects, slub_max_order, fraction);
      if (order <= slub_max_order) return order;
    }
    min_objects--;
  }
  let order = slab_order(size, 1, slub_max_order, 1);
  if (order <= slub_max_order) return order;
  order = slab_order(size, 1, MAX_ORDER, 1);
  return order < MAX_ORDER ? order : -1;
}

function align(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}

/** calculate_sizes without slub_debug's red zones and tracking: the layout Ubuntu's kernel uses. */
function calculate_sizes(k: Kernel, s: KmemCache): boolean {
  let size = align(s.object_size, 8);
  if (s.flags & SLAB_TYPESAFE_BY_RCU || s.ctor !== null) {
    // The first word may not be overwritten on free, so the free pointer goes after the object.
    s.offset = size;
    size += 8;
  }
  size = align(size, s.align);
  s.size = size;
  const order = calculate_order(size, k.config.cpus);
  if (order < 0) return false;
  s.allocflags = 0;
  if (order) s.allocflags |= __GFP_COMP;
  if (s.flags & SLAB_CACHE_DMA) s.allocflags |= GFP_DMA;
  if (s.flags & SLAB_RECLAIM_ACCOUNT) s.allocflags |= __GFP_RECLAIMABLE;
  s.oo = oo_make(order, size);
  s.min = oo_make(get_order(size), size);
  return oo_objects(s.oo) !== 0;
}

function set_min_partial(s: KmemCache, min: number): void {
  s.min_partial = Math.min(MAX_PARTIAL, Math.max(MIN_PARTIAL, min));
}

/** set_cpu_partial: how many free objects a CPU's partial chain holds before it drains. */
function set_cpu_partial(s: KmemCache): void {
  if (s.size >= PAGE_SIZE) s.cpu_partial = 2;
  else if (s.size >= 1024) s.cpu_partial = 6;
  else if (s.size >= 256) s.cpu_partial = 13;
  else s.cpu_partial = 30;
}

/** __GFP_COMP: the buddy allocator here leaves compound marking to its callers. */
export function prep_compound_page(mem: PageFrames, pfn: number, order: number): void {
  mem.flags[pfn] = mem.flags[pfn]! | PG_head;
  const end = pfn + (1 << order);
  for (let p = pfn + 1; p < end; p++) {
    mem.flags[p] = mem.flags[p]! | PG_tail;
    mem.owner[p] = pfn;
  }
}

/** Undoes prep_compound_page before the block goes back to the buddy allocator. */
export function clearCompoundPage(mem: PageFrames, pfn: number, order: number): void {
  mem.flags[pfn] = mem.flags[pfn]! & ~PG_head;
  const end = pfn + (1 << order);
  for (let p = pfn + 1; p < end; p++) {
    mem.flags[p] = mem.flags[p]! & ~PG_tail;
    mem.owner[p] = -1;
  }
}

/** virt_to_head_page, for a direct-map address. */
export function virt_to_head_page(k: Kernel, x: number): number {
  const pfn = Math.floor(x / PAGE_SIZE);
  const mem = k.mem;
  if (pfn < 0 || pfn >= mem.nrFrames) throw new Error(`virt_to_head_page: ${hex(x)} is outside the direct map`);
  return mem.flags[pfn]! & PG_tail ? mem.owner[pfn]! : pfn;
}

function hex(x: number): string {
  return `0x${x.toString(16)}`;
}

function inc_slabs_node(s: KmemCache, objects: number): void {
  // kmem_cache_node's very first slab is allocated before its node structure exists;
  // early_kmem_cache_node_alloc counts it afterwards.
  const n = s.node;
  if (n === null) return;
  n.nr_slabs++;
  n.total_objects += objects;
}

function init_cache_random_seq(k: Kernel, s: KmemCache): void {
  if (s.random_seq === null) s.random_seq = cache_random_seq_create(k, oo_objects(s.oo));
}

/** shuffle_freelist: the free list follows random_seq from a random start, skipping indices past a short slab. */
function shuffle_freelist(k: Kernel, s: KmemCache, page: number, objects: number): boolean {
  const seq = s.random_seq;
  if (objects < 2 || seq === null) return false;
  const st = s.st;
  const chain = st.slabChain[page]!;
  const count = seq.length;
  let pos = k.prng.u32() % count;
  let cur = -1;
  for (let i = 0; i < objects; i++) {
    let idx: number;
    do {
      idx = seq[pos]!;
      if (++pos >= count) pos = 0;
    } while (idx >= objects);
    if (cur < 0) st.slabFreelist[page] = idx;
    else chain[cur] = idx;
    cur = idx;
  }
  chain[cur] = -1;
  return true;
}

/**
 * allocate_slab: a compound block of s->oo's order, quietly and without reclaim when that is
 * above the minimum order, then s->min with the caller's flags. Returns the head pfn or -1; the
 * new slab is frozen with every object on page->freelist, which the caller takes.
 */
function allocate_slab(k: Kernel, s: KmemCache, flags: number, node: number): number {
  k.enter(F_allocate_slab, s.addr, flags, node);
  let oo = s.oo;
  flags |= s.allocflags;
  let allocGfp = (flags | __GFP_NOWARN | __GFP_NORETRY) & ~__GFP_NOFAIL;
  if (allocGfp & __GFP_DIRECT_RECLAIM && oo_order(oo) > oo_order(s.min))
    allocGfp = (allocGfp | __GFP_NOMEMALLOC) & ~(__GFP_RECLAIM | __GFP_NOFAIL);
  let pfn = alloc_pages(k, allocGfp, oo_order(oo));
  if (pfn < 0) {
    oo = s.min;
    pfn = alloc_pages(k, flags, oo_order(oo));
    if (pfn < 0) return k.leave(F_allocate_slab, -1);
  }
  const order = oo_order(oo);
  const objects = oo_objects(oo);
  const st = s.st;
  const mem = k.mem;
  const page = st.newSlab(s, pfn, objects);
  if (flags & __GFP_COMP && order > 0) prep_compound_page(mem, pfn, order);
  mem.flags[pfn] = mem.flags[pfn]! | PG_slab;
  mem.owner[pfn] = page;
  if (!shuffle_freelist(k, s, page, objects)) {
    const chain = st.slabChain[page]!;
    for (let i = 0; i < objects - 1; i++) chain[i] = i + 1;
    chain[objects - 1] = -1;
    st.slabFreelist[page] = 0;
  }
  st.slabInuse[page] = objects;
  st.slabFrozen[page] = 1;
  k.node.vmstat[s.flags & SLAB_RECLAIM_ACCOUNT ? NodeStat.NR_SLAB_RECLAIMABLE : NodeStat.NR_SLAB_UNRECLAIMABLE] += 1 << order;
  inc_slabs_node(s, objects);
  k.charge(COST_NEW_SLAB + objects * COST_SETUP_OBJECT);
  return k.leave(F_allocate_slab, pfn);
}

function new_slab(k: Kernel, s: KmemCache, flags: number, node: number): number {
  k.enter(F_new_slab, s.addr, flags, node);
  if (flags & GFP_SLAB_BUG_MASK) {
    const invalid = (flags & GFP_SLAB_BUG_MASK) >>> 0;
    flags &= ~GFP_SLAB_BUG_MASK;
    k.printk(
      `Unexpected gfp: ${hex(invalid)} (${formatGfpForPrintk(invalid)}). Fixing up to gfp: ${hex(flags)} (${formatGfpForPrintk(flags)}). Fix your code!`,
      4,
    );
  }
  const pfn = allocate_slab(k, s, flags & (GFP_RECLAIM_MASK | GFP_CONSTRAINT_MASK), node);
  return k.leave(F_new_slab, pfn);
}

/** __free_slab; SLAB_TYPESAFE_BY_RCU caches free at once, as bpfbox has no grace periods. */
function __free_slab(k: Kernel, s: KmemCache, page: number): void {
  const st = s.st;
  const mem = k.mem;
  const pfn = st.slabPfn[page]!;
  const order = mem.order(pfn);
  k.node.vmstat[s.flags & SLAB_RECLAIM_ACCOUNT ? NodeStat.NR_SLAB_RECLAIMABLE : NodeStat.NR_SLAB_UNRECLAIMABLE] -= 1 << order;
  mem.flags[pfn] = mem.flags[pfn]! & ~PG_slab;
  if (mem.flags[pfn]! & PG_head) clearCompoundPage(mem, pfn, order);
  st.releaseSlab(page);
  __free_pages(k, pfn, order);
}

function discard_slab(k: Kernel, s: KmemCache, page: number): void {
  const st = s.st;
  k.enter(F_discard_slab, s.addr, st.slabPfn[page]!);
  const n = s.node!;
  n.nr_slabs--;
  n.total_objects -= st.slabObjects[page]!;
  __free_slab(k, s, page);
  k.leaveVoid(F_discard_slab);
}

function add_partial(k: Kernel, n: KmemCacheNode, st: SlabState, page: number, tail: boolean): void {
  n.nr_partial++;
  if (tail) k.mem.listAddTail(st.slabPfn[page]!, n.partial);
  else k.mem.listAdd(st.slabPfn[page]!, n.partial);
}

function remove_partial(k: Kernel, n: KmemCacheNode, st: SlabState, page: number): void {
  k.mem.listDel(st.slabPfn[page]!);
  n.nr_partial--;
}

/**
 * get_partial_node: freeze slabs off the node's partial list, the first as the cpu slab (whose
 * free list comes back) and more onto the per-cpu partial chain, until more than half of
 * cpu_partial objects are available.
 */
function get_partial_node(k: Kernel, s: KmemCache, n: KmemCacheNode, c: KmemCacheCpu): number {
  if (n.nr_partial === 0) return -1;
  k.enter(F_get_partial_node, s.addr, n.addr);
  const st = s.st;
  const mem = k.mem;
  let object = -1;
  let available = 0;
  for (let pfn = mem.first(n.partial); pfn >= 0; ) {
    const after = mem.next[pfn]!;
    const next = after === n.partial ? -1 : after;
    const page = mem.owner[pfn]!;
    // acquire_slab
    const freelist = st.slabFreelist[page]!;
    available += st.slabObjects[page]! - st.slabInuse[page]!;
    if (object < 0) {
      st.slabInuse[page] = st.slabObjects[page]!;
      st.slabFreelist[page] = -1;
    }
    st.slabFrozen[page] = 1;
    remove_partial(k, n, st, page);
    if (object < 0) {
      c.page = page;
      object = freelist;
    } else {
      put_cpu_partial(k, s, page, false);
    }
    if (available > s.cpu_partial >>> 1) break;
    pfn = next;
  }
  k.leave(F_get_partial_node, object < 0 ? 0 : objectAddress(st, s, c.page, object));
  return object;
}

/**
 * deactivate_slab: the cpu slab goes back to its node. Its cpu free list joins page->freelist,
 * then it is unfrozen onto the partial list (head, or tail if others had freed into it), left
 * off-list if full, or discarded if empty and the node has min_partial slabs already.
 */
function deactivate_slab(k: Kernel, s: KmemCache, page: number, freelist: number, c: KmemCacheCpu): void {
  const st = s.st;
  k.enter(F_deactivate_slab, s.addr, st.slabPfn[page]!, freelist < 0 ? 0 : objectAddress(st, s, page, freelist));
  const n = s.node!;
  const chain = st.slabChain[page]!;
  const tail = st.slabFreelist[page]! >= 0;
  while (freelist >= 0) {
    const nextfree = chain[freelist]!;
    chain[freelist] = st.slabFreelist[page]!;
    st.slabFreelist[page] = freelist;
    st.slabInuse[page]!--;
    freelist = nextfree;
  }
  st.slabFrozen[page] = 0;
  if (st.slabInuse[page] === 0 && n.nr_partial >= s.min_partial) discard_slab(k, s, page);
  else if (st.slabFreelist[page]! >= 0) add_partial(k, n, st, page, tail);
  c.page = -1;
  c.freelist = -1;
  k.leaveVoid(F_deactivate_slab);
}

/** unfreeze_partials: the per-cpu partial chain goes to the node's list, empty slabs beyond min_partial to the buddy allocator. */
function unfreeze_partials(k: Kernel, s: KmemCache, c: KmemCacheCpu): void {
  if (c.partial < 0) return;
  k.enter(F_unfreeze_partials, s.addr);
  const st = s.st;
  const n = s.node!;
  let discard = -1;
  let page: number;
  while ((page = c.partial) >= 0) {
    c.partial = st.slabNext[page]!;
    st.slabFrozen[page] = 0;
    if (st.slabInuse[page] === 0 && n.nr_partial >= s.min_partial) {
      st.slabNext[page] = discard;
      discard = page;
    } else {
      add_partial(k, n, st, page, true);
    }
  }
  while (discard >= 0) {
    page = discard;
    discard = st.slabNext[page]!;
    discard_slab(k, s, page);
  }
  k.leaveVoid(F_unfreeze_partials);
}

/**
 * put_cpu_partial: push a just-frozen slab on this CPU's partial chain. When freeing (drain)
 * finds the chain already holding more than cpu_partial free objects, the chain is unfrozen to
 * the node first.
 */
function put_cpu_partial(k: Kernel, s: KmemCache, page: number, drain: boolean): void {
  const st = s.st;
  k.enter(F_put_cpu_partial, s.addr, st.slabPfn[page]!, drain ? 1 : 0);
  const c = s.cpu_slab[k.cpu]!;
  let oldpage = c.partial;
  let pages = 0;
  let pobjects = 0;
  if (oldpage >= 0) {
    pobjects = st.slabPobjects[oldpage]!;
    pages = st.slabPages[oldpage]!;
    if (drain && pobjects > s.cpu_partial) {
      unfreeze_partials(k, s, c);
      oldpage = -1;
      pobjects = 0;
      pages = 0;
    }
  }
  pages++;
  pobjects += st.slabObjects[page]! - st.slabInuse[page]!;
  st.slabPages[page] = pages;
  st.slabPobjects[page] = pobjects;
  st.slabNext[page] = oldpage;
  c.partial = page;
  if (s.cpu_partial === 0) unfreeze_partials(k, s, c);
  k.leaveVoid(F_put_cpu_partial);
}

function flush_slab(k: Kernel, s: KmemCache, c: KmemCacheCpu): void {
  deactivate_slab(k, s, c.page, c.freelist, c);
}

function __flush_cpu_slab(k: Kernel, s: KmemCache, cpu: number): void {
  const c = s.cpu_slab[cpu]!;
  if (c.page >= 0) flush_slab(k, s, c);
  unfreeze_partials(k, s, c);
}

/** flush_all: every CPU gives back its cpu slab and partial chain (the IPI's effect). */
export function flush_all(k: Kernel, s: KmemCache): void {
  for (let cpu = 0; cpu < s.cpu_slab.length; cpu++) {
    const c = s.cpu_slab[cpu]!;
    if (c.page >= 0 || c.partial >= 0) __flush_cpu_slab(k, s, cpu);
  }
}

function objectAddress(st: SlabState, s: KmemCache, page: number, idx: number): number {
  return page_address(st.slabPfn[page]!) + idx * s.size;
}

/** count_partial(n, count_free): free objects on the node's partial list. */
function count_partial_free(k: Kernel, s: KmemCache, n: KmemCacheNode): number {
  const st = s.st;
  const mem = k.mem;
  let x = 0;
  for (let pfn = mem.first(n.partial); pfn >= 0; pfn = mem.next[pfn] === n.partial ? -1 : mem.next[pfn]!) {
    const page = mem.owner[pfn]!;
    x += st.slabObjects[page]! - st.slabInuse[page]!;
  }
  return x;
}

function slab_out_of_memory(k: Kernel, s: KmemCache, gfpflags: number, nid: number): void {
  if (gfpflags & __GFP_NOWARN) return;
  k.printk(`SLUB: Unable to allocate memory on node ${nid}, gfp=${hex(gfpflags)}(${formatGfpForPrintk(gfpflags)})`, 4);
  k.printk(
    `  cache: ${s.name}, object size: ${s.object_size}, buffer size: ${s.size}, default order: ${oo_order(s.oo)}, min order: ${oo_order(s.min)}`,
    4,
  );
  const n = s.node!;
  k.printk(`  node 0: slabs: ${n.nr_slabs}, objs: ${n.total_objects}, free: ${count_partial_free(k, s, n)}`, 4);
}

/** get_freelist: take the cpu slab's remotely freed objects; an empty one is unfrozen. */
function get_freelist(st: SlabState, page: number): number {
  const freelist = st.slabFreelist[page]!;
  st.slabInuse[page] = st.slabObjects[page]!;
  st.slabFrozen[page] = freelist >= 0 ? 1 : 0;
  st.slabFreelist[page] = -1;
  return freelist;
}

function new_slab_objects(k: Kernel, s: KmemCache, flags: number, node: number, c: KmemCacheCpu): number {
  // get_partial: with one node, get_any_partial finds nothing the node-local search did not.
  let freelist = get_partial_node(k, s, s.node!, c);
  if (freelist >= 0) return freelist;
  const pfn = new_slab(k, s, flags, node);
  if (pfn < 0) return -1;
  const st = s.st;
  const page = k.mem.owner[pfn]!;
  // The page allocator may have reclaimed and refilled this CPU's slab meanwhile.
  if (c.page >= 0) flush_slab(k, s, c);
  freelist = st.slabFreelist[page]!;
  st.slabFreelist[page] = -1;
  c.page = page;
  return freelist;
}

/**
 * ___slab_alloc: the cpu free list is empty. Refill it from the cpu slab's own free list, else
 * from the per-cpu partial chain, else from the node's partial list or a new slab.
 */
function ___slab_alloc(k: Kernel, s: KmemCache, gfpflags: number, node: number, c: KmemCacheCpu): number {
  k.enter(F____slab_alloc, s.addr, gfpflags, node);
  const st = s.st;
  let page = c.page;
  let freelist = -1;
  for (;;) {
    if (page >= 0) {
      freelist = c.freelist;
      if (freelist < 0) {
        freelist = get_freelist(st, page);
        if (freelist < 0) c.page = -1;
      }
      if (freelist >= 0) break;
    }
    if (c.partial >= 0) {
      page = c.page = c.partial;
      c.partial = st.slabNext[page]!;
      continue;
    }
    freelist = new_slab_objects(k, s, gfpflags, node, c);
    if (freelist < 0) {
      slab_out_of_memory(k, s, gfpflags, node);
      return k.leave(F____slab_alloc, 0);
    }
    page = c.page;
    break;
  }
  const chain = st.slabChain[page]!;
  c.freelist = chain[freelist]!;
  chain[freelist] = OBJ_ALLOCATED;
  k.charge(COST_SLOWPATH);
  return k.leave(F____slab_alloc, objectAddress(st, s, page, freelist));
}

function __slab_alloc(k: Kernel, s: KmemCache, gfpflags: number, node: number, c: KmemCacheCpu): number {
  k.enter(F___slab_alloc, s.addr, gfpflags, node);
  const p = ___slab_alloc(k, s, gfpflags, node, c);
  return k.leave(F___slab_alloc, p);
}

/** slab_alloc_node: take the next object off this CPU's free list, or go the slow way. */
function slab_alloc_node(k: Kernel, s: KmemCache, gfpflags: number, node: number): number {
  const c = s.cpu_slab[k.cpu]!;
  const object = c.freelist;
  let ret: number;
  if (object < 0) {
    ret = __slab_alloc(k, s, gfpflags, node, c);
  } else {
    const st = s.st;
    const page = c.page;
    const chain = st.slabChain[page]!;
    c.freelist = chain[object]!;
    chain[object] = OBJ_ALLOCATED;
    ret = st.slabPfn[page]! * PAGE_SIZE + object * s.size;
    k.charge(COST_FASTPATH);
  }
  if (gfpflags & __GFP_ZERO && ret !== 0) k.charge(s.object_size >>> 4);
  return ret;
}

export function kmem_cache_alloc(k: Kernel, s: KmemCache, gfpflags: number, callSite: KernelFunction): number {
  k.enter(F_kmem_cache_alloc, s.addr, gfpflags);
  const ret = slab_alloc_node(k, s, gfpflags, NUMA_NO_NODE);
  if (k.tpOn[kmem.kmem_cache_alloc.id] !== 0) k.traceEvent(kmem.kmem_cache_alloc, callSite.id, ret, s.object_size, s.size, gfpflags);
  return k.leave(F_kmem_cache_alloc, ret);
}

/** What kmalloc of a constant size compiles to: the event reports the size asked for. */
export function kmem_cache_alloc_trace(k: Kernel, s: KmemCache, gfpflags: number, size: number, callSite: KernelFunction): number {
  k.enter(F_kmem_cache_alloc_trace, s.addr, gfpflags, size);
  const ret = slab_alloc_node(k, s, gfpflags, NUMA_NO_NODE);
  if (k.tpOn[kmem.kmalloc.id] !== 0) k.traceEvent(kmem.kmalloc, callSite.id, ret, size, s.size, gfpflags);
  return k.leave(F_kmem_cache_alloc_trace, ret);
}

export function kmem_cache_alloc_node(k: Kernel, s: KmemCache, gfpflags: number, node: number, callSite: KernelFunction): number {
  k.enter(F_kmem_cache_alloc_node, s.addr, gfpflags, node);
  const ret = slab_alloc_node(k, s, gfpflags, node);
  if (k.tpOn[kmem.kmem_cache_alloc_node.id] !== 0)
    k.traceEvent(kmem.kmem_cache_alloc_node, callSite.id, ret, s.object_size, s.size, gfpflags, node);
  return k.leave(F_kmem_cache_alloc_node, ret);
}

export function kmem_cache_alloc_node_trace(
  k: Kernel,
  s: KmemCache,
  gfpflags: number,
  node: number,
  size: number,
  callSite: KernelFunction,
): number {
  k.enter(F_kmem_cache_alloc_node_trace, s.addr, gfpflags, node, size);
  const ret = slab_alloc_node(k, s, gfpflags, node);
  if (k.tpOn[kmem.kmalloc_node.id] !== 0) k.traceEvent(kmem.kmalloc_node, callSite.id, ret, size, s.size, gfpflags, node);
  return k.leave(F_kmem_cache_alloc_node_trace, ret);
}

/**
 * __slab_free: the object is not in this CPU's cpu slab. It goes on the slab's own free list; a
 * full slab that gains a free object is frozen onto this CPU's partial chain, and a slab on the
 * node's list that becomes empty is discarded once the node keeps min_partial slabs.
 */
function __slab_free(k: Kernel, s: KmemCache, page: number, idx: number): void {
  const st = s.st;
  const x = objectAddress(st, s, page, idx);
  k.enter(F___slab_free, s.addr, st.slabPfn[page]!, x, x, 1);
  const prior = st.slabFreelist[page]!;
  const wasFrozen = st.slabFrozen[page]!;
  const inuse = st.slabInuse[page]! - 1;
  let frozen = wasFrozen;
  let n: KmemCacheNode | null = null;
  st.slabChain[page]![idx] = prior;
  if ((inuse === 0 || prior < 0) && !wasFrozen) {
    if (prior < 0) frozen = 1;
    else n = s.node!;
  }
  st.slabFreelist[page] = idx;
  st.slabInuse[page] = inuse;
  st.slabFrozen[page] = frozen;
  if (n === null) {
    if (frozen && !wasFrozen) put_cpu_partial(k, s, page, true);
  } else if (inuse === 0 && n.nr_partial >= s.min_partial) {
    // Only a slab with free objects before this one reaches here, so it is on the partial list.
    remove_partial(k, n, st, page);
    discard_slab(k, s, page);
  }
  k.charge(COST_SLOWPATH);
  k.leaveVoid(F___slab_free);
}

/** do_slab_free: onto this CPU's free list if the object is in its cpu slab, else __slab_free. */
function slab_free(k: Kernel, s: KmemCache, page: number, idx: number): void {
  const chain = s.st.slabChain[page]!;
  if (chain[idx] !== OBJ_ALLOCATED)
    throw new Error(`double free of ${hex(objectAddress(s.st, s, page, idx))} in cache ${s.name}`);
  const c = s.cpu_slab[k.cpu]!;
  if (page === c.page) {
    chain[idx] = c.freelist;
    c.freelist = idx;
    k.charge(COST_FASTPATH);
  } else {
    __slab_free(k, s, page, idx);
  }
}

/** The slab id and object index of a slab object, or an Error naming what is wrong with it. */
function objectIndex(st: SlabState, s: KmemCache, page: number, x: number): number {
  const off = x - page_address(st.slabPfn[page]!);
  const idx = Math.floor(off / s.size);
  if (off % s.size !== 0 || idx >= st.slabObjects[page]!) throw new Error(`${hex(x)} is not an object of slab cache ${s.name}`);
  return idx;
}

export function kmem_cache_free(k: Kernel, s: KmemCache, x: number, callSite: KernelFunction): void {
  k.enter(F_kmem_cache_free, s.addr, x);
  const head = virt_to_head_page(k, x);
  const mem = k.mem;
  if (!(mem.flags[head]! & PG_slab)) throw new Error(`kmem_cache_free(${s.name}): ${hex(x)} is not a slab object`);
  const st = s.st;
  const page = mem.owner[head]!;
  const cachep = st.slabCache[page]!;
  // cache_from_obj: Linux warns and frees to the named cache; here it is a bug to stop on.
  if (cachep !== s) throw new Error(`cache_from_obj: Wrong slab cache. ${s.name} but object is from ${cachep.name}`);
  slab_free(k, s, page, objectIndex(st, s, page, x));
  if (k.tpOn[kmem.kmem_cache_free.id] !== 0) k.traceEvent(kmem.kmem_cache_free, callSite.id, x);
  k.leaveVoid(F_kmem_cache_free);
}

/** __kmalloc: kmalloc of a size the compiler cannot see; over 8 KiB straight from the page allocator. */
export function __kmalloc(k: Kernel, size: number, flags: number, callSite: KernelFunction): number {
  k.enter(F___kmalloc, size, flags);
  if (size > KMALLOC_MAX_CACHE_SIZE) return k.leave(F___kmalloc, kmalloc_large(k, size, flags, F___kmalloc));
  const s = kmalloc_slab(k, size, flags);
  if (s === null) return k.leave(F___kmalloc, ZERO_SIZE_PTR);
  const ret = slab_alloc_node(k, s, flags, NUMA_NO_NODE);
  if (k.tpOn[kmem.kmalloc.id] !== 0) k.traceEvent(kmem.kmalloc, callSite.id, ret, size, s.size, flags);
  return k.leave(F___kmalloc, ret);
}

/** kmalloc_large_node: one compound block; node 0 is the only node. */
function kmalloc_large_node(k: Kernel, size: number, flags: number): number {
  flags |= __GFP_COMP;
  const order = get_order(size);
  const pfn = alloc_pages(k, flags, order);
  if (pfn < 0) return 0;
  if (order > 0) prep_compound_page(k.mem, pfn, order);
  return page_address(pfn);
}

export function __kmalloc_node(k: Kernel, size: number, flags: number, node: number, callSite: KernelFunction): number {
  k.enter(F___kmalloc_node, size, flags, node);
  if (size > KMALLOC_MAX_CACHE_SIZE) {
    const ret = kmalloc_large_node(k, size, flags);
    if (k.tpOn[kmem.kmalloc_node.id] !== 0)
      k.traceEvent(kmem.kmalloc_node, callSite.id, ret, size, PAGE_SIZE * 2 ** get_order(size), flags, node);
    return k.leave(F___kmalloc_node, ret);
  }
  const s = kmalloc_slab(k, size, flags);
  if (s === null) return k.leave(F___kmalloc_node, ZERO_SIZE_PTR);
  const ret = slab_alloc_node(k, s, flags, node);
  if (k.tpOn[kmem.kmalloc_node.id] !== 0) k.traceEvent(kmem.kmalloc_node, callSite.id, ret, size, s.size, flags, node);
  return k.leave(F___kmalloc_node, ret);
}

/** kfree: a slab object back to its cache, a kmalloc_large block back to the buddy allocator. */
export function kfree(k: Kernel, x: number, callSite: KernelFunction): void {
  k.enter(F_kfree, x);
  if (k.tpOn[kmem.kfree.id] !== 0) k.traceEvent(kmem.kfree, callSite.id, x);
  if (x <= ZERO_SIZE_PTR) {
    k.leaveVoid(F_kfree);
    return;
  }
  const mem = k.mem;
  const head = virt_to_head_page(k, x);
  if (!(mem.flags[head]! & PG_slab)) {
    if (!(mem.flags[head]! & PG_head)) throw new Error(`kfree: ${hex(x)} is neither a slab object nor a kmalloc_large block`);
    const order = mem.order(head);
    clearCompoundPage(mem, head, order);
    __free_pages(k, head, order);
    k.leaveVoid(F_kfree);
    return;
  }
  const st = slabState(k);
  const page = mem.owner[head]!;
  const s = st.slabCache[page]!;
  slab_free(k, s, page, objectIndex(st, s, page, x));
  k.leaveVoid(F_kfree);
}

/**
 * __kmem_cache_shrink: flush every CPU's slabs, free the empty partial slabs and order the rest
 * fullest first (for up to 32 free objects), so new allocations fill them up.
 */
export function __kmem_cache_shrink(k: Kernel, s: KmemCache): number {
  k.enter(F___kmem_cache_shrink, s.addr);
  flush_all(k, s);
  const st = s.st;
  const mem = k.mem;
  const n = s.node!;
  const SHRINK_PROMOTE_MAX = 32;
  const discard: number[] = [];
  const promote: number[][] = Array.from({ length: SHRINK_PROMOTE_MAX }, () => []);
  for (let pfn = mem.first(n.partial); pfn >= 0; ) {
    const after = mem.next[pfn]!;
    const page = mem.owner[pfn]!;
    const free = st.slabObjects[page]! - st.slabInuse[page]!;
    if (free === st.slabObjects[page]) {
      mem.listDel(pfn);
      n.nr_partial--;
      discard.push(page);
    } else if (free <= SHRINK_PROMOTE_MAX) {
      // list_move puts each at the head of its bucket, so a bucket ends up in reverse scan order.
      mem.listDel(pfn);
      promote[free - 1]!.unshift(page);
    }
    pfn = after === n.partial ? -1 : after;
  }
  for (let i = SHRINK_PROMOTE_MAX - 1; i >= 0; i--) {
    const bucket = promote[i]!;
    for (let j = bucket.length - 1; j >= 0; j--) mem.listAdd(st.slabPfn[bucket[j]!]!, n.partial);
  }
  for (const page of discard) discard_slab(k, s, page);
  return k.leave(F___kmem_cache_shrink, n.nr_slabs > 0 ? 1 : 0);
}

/** __kmem_cache_shutdown: 0 if every slab could be freed, 1 if objects remain. */
export function __kmem_cache_shutdown(k: Kernel, s: KmemCache): number {
  k.enter(F___kmem_cache_shutdown, s.addr);
  flush_all(k, s);
  const st = s.st;
  const mem = k.mem;
  const n = s.node!;
  // free_partial
  const discard: number[] = [];
  for (let pfn = mem.first(n.partial); pfn >= 0; ) {
    const after = mem.next[pfn]!;
    const page = mem.owner[pfn]!;
    if (st.slabInuse[page] === 0) {
      remove_partial(k, n, st, page);
      discard.push(page);
    } else {
      slab_err(k, s, page, `Objects remaining in ${s.name} on __kmem_cache_shutdown()`);
    }
    pfn = after === n.partial ? -1 : after;
  }
  for (const page of discard) discard_slab(k, s, page);
  return k.leave(F___kmem_cache_shutdown, n.nr_partial !== 0 || n.nr_slabs !== 0 ? 1 : 0);
}

/** __kmem_cache_release: the node structure goes back to kmem_cache_node. */
export function __kmem_cache_release(k: Kernel, s: KmemCache): void {
  k.enter(F___kmem_cache_release, s.addr);
  const st = s.st;
  const n = s.node;
  if (n !== null) {
    s.node = null;
    st.putListHead(n.partial);
    kmem_cache_free(k, st.kmem_cache_node!, n.addr, F___kmem_cache_release);
  }
  k.leaveVoid(F___kmem_cache_release);
}

function slab_err(k: Kernel, s: KmemCache, page: number, text: string): void {
  const st = s.st;
  k.printk(`BUG ${s.name} (Not tainted): ${text}`, 3);
  k.printk(
    `INFO: Slab ${hex(st.slabPfn[page]! * 64)} objects=${st.slabObjects[page]} used=${st.slabInuse[page]} fp=${st.slabFreelist[page]} flags=${hex(k.mem.flags[st.slabPfn[page]!]!)}`,
    3,
  );
}

function slab_fix(k: Kernel, s: KmemCache, text: string): void {
  k.printk(`FIX ${s.name}: ${text}`, 3);
}

/**
 * on_freelist: whether object `search` (an index, or -1 for none) is on the slab's free list,
 * repairing and reporting a corrupt chain or wrong counters on the way as 5.0 does; with -1 it
 * answers whether the list is sound.
 */
export function on_freelist(k: Kernel, s: KmemCache, page: number, search: number): boolean {
  const st = s.st;
  k.enter(F_on_freelist, s.addr, st.slabPfn[page]!, search < 0 ? 0 : objectAddress(st, s, page, search));
  const chain = st.slabChain[page]!;
  const objects = st.slabObjects[page]!;
  let nr = 0;
  let fp = st.slabFreelist[page]!;
  let object = -1;
  while (fp !== -1 && nr <= objects) {
    if (fp === search) {
      k.leave(F_on_freelist, 1);
      return true;
    }
    if (fp < 0 || fp >= objects) {
      if (object >= 0) {
        slab_err(k, s, page, 'Freechain corrupt');
        chain[object] = -1;
      } else {
        slab_err(k, s, page, 'Freepointer corrupt');
        st.slabFreelist[page] = -1;
        st.slabInuse[page] = objects;
        slab_fix(k, s, 'Freelist cleared');
        k.leave(F_on_freelist, 0);
        return false;
      }
      break;
    }
    object = fp;
    fp = chain[object]!;
    nr++;
  }
  const maxObjects = Math.min(order_objects(k.mem.order(st.slabPfn[page]!), s.size), MAX_OBJS_PER_PAGE);
  if (objects !== maxObjects) {
    slab_err(k, s, page, `Wrong number of objects. Found ${objects} but should be ${maxObjects}`);
    st.slabObjects[page] = maxObjects;
    slab_fix(k, s, 'Number of objects adjusted.');
  }
  if (st.slabInuse[page] !== st.slabObjects[page]! - nr) {
    slab_err(k, s, page, `Wrong object count. Counter is ${st.slabInuse[page]} but counted were ${st.slabObjects[page]! - nr}`);
    st.slabInuse[page] = st.slabObjects[page]! - nr;
    slab_fix(k, s, 'Object count adjusted.');
  }
  k.leave(F_on_freelist, search < 0 ? 1 : 0);
  return search < 0;
}

/**
 * validate_slab_cache, what writing /sys/kernel/slab/<cache>/validate does: flush the CPUs'
 * slabs, check every partial slab's counters and free list. Returns the slabs checked.
 */
export function validate_slab_cache(k: Kernel, s: KmemCache): number {
  flush_all(k, s);
  const st = s.st;
  const mem = k.mem;
  const n = s.node!;
  let count = 0;
  for (let pfn = mem.first(n.partial); pfn >= 0; pfn = mem.next[pfn] === n.partial ? -1 : mem.next[pfn]!) {
    const page = mem.owner[pfn]!;
    // check_slab
    const maxobj = order_objects(mem.order(pfn), s.size);
    if (st.slabObjects[page]! > maxobj) slab_err(k, s, page, `objects ${st.slabObjects[page]} > max ${maxobj}`);
    else if (st.slabInuse[page]! > st.slabObjects[page]!) slab_err(k, s, page, `inuse ${st.slabInuse[page]} > max ${st.slabObjects[page]}`);
    else on_freelist(k, s, page, -1);
    count++;
  }
  if (count !== n.nr_partial) k.printk(`SLUB ${s.name}: ${count} partial slabs counted but counter=${n.nr_partial}`, 3);
  return count;
}

/**
 * init_kmem_cache_nodes: node 0's kmem_cache_node. While slab_state is DOWN that is
 * kmem_cache_node's own, carved by hand out of its first slab.
 */
function init_kmem_cache_nodes(k: Kernel, s: KmemCache): boolean {
  const st = s.st;
  if (st.boot === SlabBoot.DOWN) {
    early_kmem_cache_node_alloc(k, s);
    return true;
  }
  const addr = kmem_cache_alloc_node(k, st.kmem_cache_node!, GFP_KERNEL, 0, F___kmem_cache_create);
  if (addr === 0) return false;
  s.node = new KmemCacheNode(st.newListHead(), addr);
  return true;
}

function early_kmem_cache_node_alloc(k: Kernel, s: KmemCache): void {
  const pfn = new_slab(k, s, GFP_NOWAIT, 0);
  if (pfn < 0) throw new Error('kernel BUG at mm/slub.c: no memory for kmem_cache_node');
  const st = s.st;
  const page = k.mem.owner[pfn]!;
  const n = st.slabFreelist[page]!;
  const chain = st.slabChain[page]!;
  st.slabFreelist[page] = chain[n]!;
  chain[n] = OBJ_ALLOCATED;
  st.slabInuse[page] = 1;
  st.slabFrozen[page] = 0;
  s.node = new KmemCacheNode(st.newListHead(), objectAddress(st, s, page, n));
  inc_slabs_node(s, st.slabObjects[page]!);
  add_partial(k, s.node, st, page, false);
}

/** kmem_cache_open: layout, partial-list tuning, the shuffle, and the node structure. */
function kmem_cache_open(k: Kernel, s: KmemCache, flags: number): number {
  s.flags = flags;
  if (calculate_sizes(k, s)) {
    set_min_partial(s, ilog2(s.size) >>> 1);
    set_cpu_partial(s);
    if (s.st.boot >= SlabBoot.UP) init_cache_random_seq(k, s);
    if (init_kmem_cache_nodes(k, s)) return 0;
  }
  if (flags & SLAB_PANIC)
    throw new Error(
      `Kernel panic - not syncing: Cannot create slab ${s.name} size=${s.size} realsize=${s.size} order=${oo_order(s.oo)} offset=${s.offset} flags=${hex(flags)}`,
    );
  return -22;
}

export function __kmem_cache_create(k: Kernel, s: KmemCache, flags: number): number {
  k.enter(F___kmem_cache_create, s.addr, flags);
  return k.leave(F___kmem_cache_create, kmem_cache_open(k, s, flags));
}

/** __kmem_cache_alias: reuse a compatible cache, growing its object_size to cover the new user. */
export function __kmem_cache_alias(k: Kernel, size: number, alignArg: number, flags: number, ctor: string | null): KmemCache | null {
  k.enter(F___kmem_cache_alias, 0, size, alignArg, flags);
  const s = find_mergeable(k, size, alignArg, flags, ctor);
  if (s !== null) {
    s.refcount++;
    s.object_size = Math.max(s.object_size, size);
  }
  k.leave(F___kmem_cache_alias, s === null ? 0 : s.addr);
  return s;
}

/** get_slabinfo: objects free on the partial lists are inactive; cpu slabs count as active. */
export function get_slabinfo(k: Kernel, s: KmemCache): SlabinfoCache {
  const n = s.node!;
  const nr_free = count_partial_free(k, s, n);
  return {
    name: s.name,
    activeObjs: n.total_objects - nr_free,
    numObjs: n.total_objects,
    size: s.size,
    objectsPerSlab: oo_objects(s.oo),
    cacheOrder: oo_order(s.oo),
    limit: 0,
    batchcount: 0,
    shared: 0,
    activeSlabs: n.nr_slabs,
    numSlabs: n.nr_slabs,
    sharedAvail: 0,
  };
}

/**
 * bootstrap: the static boot cache gets a real struct kmem_cache from the kmem_cache cache
 * (here the same object, now with an address), its cpu slab is flushed so the slab's pages
 * can be re-pointed at it, and it joins slab_caches.
 */
function bootstrap(k: Kernel, s: KmemCache): void {
  const st = s.st;
  k.enter(F_bootstrap, 0);
  s.addr = kmem_cache_zalloc(k, st.kmem_cache!, GFP_NOWAIT, F_bootstrap);
  __flush_cpu_slab(k, s, k.cpu);
  st.slab_caches.push(s);
  k.leave(F_bootstrap, s.addr);
}

/**
 * kmem_cache_init (mm_init, right after the page allocator is up): kmem_cache_node first, whose
 * own node structure comes out of its first slab, then kmem_cache, then both move into objects
 * of kmem_cache, then the kmalloc array, then the freelist shuffles.
 */
export function kmem_cache_init(k: Kernel): void {
  const st = slabState(k);
  if (st.boot !== SlabBoot.DOWN) throw new Error('kmem_cache_init: slab is already up');
  k.enter(F_kmem_cache_init);
  st.kmem_cache_node = create_boot_cache(k, 'kmem_cache_node', SIZEOF_KMEM_CACHE_NODE, SLAB_HWCACHE_ALIGN, 0, 0);
  st.boot = SlabBoot.PARTIAL;
  st.kmem_cache = create_boot_cache(k, 'kmem_cache', SIZEOF_KMEM_CACHE, SLAB_HWCACHE_ALIGN, 0, 0);
  bootstrap(k, st.kmem_cache);
  bootstrap(k, st.kmem_cache_node);
  create_kmalloc_caches(k, 0);
  // init_freelist_randomization walks slab_caches from its head, the newest cache first.
  for (let i = st.slab_caches.length - 1; i >= 0; i--) init_cache_random_seq(k, st.slab_caches[i]!);
  k.printk(`SLUB: HWalign=64, Order=${slub_min_order}-${slub_max_order}, MinObjects=${slub_min_objects}, CPUs=${k.config.cpus}, Nodes=1`);
  k.leaveVoid(F_kmem_cache_init);
}
