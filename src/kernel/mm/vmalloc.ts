// mm/vmalloc.c, Linux 5.0: virtually contiguous kernel memory. An area of the vmalloc range
// (vmap_area, with its vm_struct) is found first-fit in address order, one guard page past its
// end; each page comes from the buddy allocator on its own, and only init_mm's page tables map
// it. Processes see a new top-level entry through vmalloc_fault (arch/fault.ts). vfree gives the
// pages back at once but the address range only lazily: the area stays on vmap_area_list as an
// "unpurged vm_area" until lazy_max_pages worth have gathered, or an allocation finds no room.
//
// Addresses are offsets from VMALLOC_START (ArgKind.Vmalloc); page-table walks on init_mm use
// the signed 64-bit value of the address, exact as a double, so kernel tables key below the user
// ones.

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc, type KernelFunction } from '../symbols.js';
import { callSiteOffset } from '../machine.js';
import {
  __GFP_ATOMIC,
  __GFP_DMA,
  __GFP_DMA32,
  __GFP_FS,
  __GFP_HIGH,
  __GFP_HIGHMEM,
  __GFP_IO,
  __GFP_MEMALLOC,
  __GFP_NOFAIL,
  __GFP_NOMEMALLOC,
  __GFP_NORETRY,
  __GFP_NOWARN,
  __GFP_RECLAIM,
  __GFP_RETRY_MAYFAIL,
  __GFP_ZERO,
  GFP_KERNEL,
} from './gfp.js';
import { alloc_pages } from './mempolicy.js';
import { __free_pages } from './page_alloc.js';
import { PAGE_SIZE } from './page.js';
import { pte_alloc_kernel, upperAlloc } from './memory.js';
import { findCache, kzalloc_node } from './slab_common.js';
import { __kmalloc_node, fls, kfree, kmem_cache_alloc_node, kmem_cache_free, NUMA_NO_NODE } from './slub.js';
import { MmStruct, PTRS_PER_TABLE } from './mm_types.js';
import type { VmallocinfoArea, VmallocinfoSnapshot } from '../fs/proc/format/vmallocinfo.js';

const FILE = 'mm/vmalloc.c';

// Declared in the order vmalloc.c defines them; the static helpers gcc inlines (vmap_pte_range,
// __vmalloc_area_node, __vmalloc_node...) have no symbol.
export const F_alloc_vmap_area = kfunc('alloc_vmap_area', {
  file: FILE,
  size: 0x3a0,
  args: [ArgKind.Int, ArgKind.Int, ArgKind.Vmalloc, ArgKind.Vmalloc, ArgKind.Int, ArgKind.Int],
  ret: ArgKind.Direct,
});
export const F___purge_vmap_area_lazy = kfunc('__purge_vmap_area_lazy', { file: FILE, size: 0x150, args: [ArgKind.Int, ArgKind.Int] });
export const F_map_vm_area = kfunc('map_vm_area', { file: FILE, size: 0x40, global: true, args: [ArgKind.Direct, ArgKind.Int, ArgKind.Direct] });
export const F___get_vm_area_node = kfunc('__get_vm_area_node', {
  file: FILE,
  size: 0x120,
  args: [ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.Vmalloc, ArgKind.Vmalloc, ArgKind.Int],
  ret: ArgKind.Direct,
});
export const F_find_vm_area = kfunc('find_vm_area', { file: FILE, size: 0x40, global: true, args: [ArgKind.Vmalloc], ret: ArgKind.Direct });
export const F_remove_vm_area = kfunc('remove_vm_area', { file: FILE, size: 0x80, global: true, args: [ArgKind.Vmalloc], ret: ArgKind.Direct });
export const F___vunmap = kfunc('__vunmap', { file: FILE, size: 0x120, args: [ArgKind.Vmalloc, ArgKind.Int] });
export const F_vfree_atomic = kfunc('vfree_atomic', { file: FILE, size: 0x60, global: true, args: [ArgKind.Vmalloc] });
export const F_vfree = kfunc('vfree', { file: FILE, size: 0x70, global: true, args: [ArgKind.Vmalloc] });
export const F___vmalloc_node_range = kfunc('__vmalloc_node_range', {
  file: FILE,
  size: 0x230,
  global: true,
  args: [ArgKind.Int, ArgKind.Int, ArgKind.Vmalloc, ArgKind.Vmalloc, ArgKind.Int, ArgKind.Int],
  ret: ArgKind.Vmalloc,
});
export const F___vmalloc = kfunc('__vmalloc', { file: FILE, size: 0x50, global: true, args: [ArgKind.Int, ArgKind.Int, ArgKind.Int], ret: ArgKind.Vmalloc });
export const F_vmalloc = kfunc('vmalloc', { file: FILE, size: 0x50, global: true, args: [ArgKind.Int], ret: ArgKind.Vmalloc });
export const F_vzalloc = kfunc('vzalloc', { file: FILE, size: 0x50, global: true, args: [ArgKind.Int], ret: ArgKind.Vmalloc });
export const F_vmalloc_user = kfunc('vmalloc_user', { file: FILE, size: 0x70, global: true, args: [ArgKind.Int], ret: ArgKind.Vmalloc });

/** VMALLOC_START on x86_64 with 4-level paging (no KASLR of the memory regions). */
export const VMALLOC_START = 0xffffc90000000000n;
/** VMALLOC_SIZE_TB 32: offsets run from 0 to VMALLOC_END - VMALLOC_START + 1. */
export const VMALLOC_SIZE = 32 * 2 ** 40;
/** VMALLOC_START as a signed 64-bit value: -(2^64 - VMALLOC_START). */
const VMALLOC_START_SIGNED = -0x370000000000;
/** pgd_index(VMALLOC_START). */
const VMALLOC_PGD_INDEX = 402;
const PGDIR_SIZE = 2 ** 39;
const PUD_SIZE = 2 ** 30;
const PMD_SIZE = 2 ** 21;

const VM_IOREMAP = 0x1;
const VM_ALLOC = 0x2;
const VM_MAP = 0x4;
const VM_USERMAP = 0x8;
const VM_UNINITIALIZED = 0x20;
const VM_NO_GUARD = 0x40;
/** SHMLBA on x86: vmalloc_user's alignment. */
const SHMLBA = PAGE_SIZE;

/** mm/internal.h GFP_RECLAIM_MASK: what a nested kmalloc may inherit of the caller's gfp. */
const GFP_RECLAIM_MASK =
  __GFP_RECLAIM | __GFP_HIGH | __GFP_IO | __GFP_FS | __GFP_NOWARN | __GFP_RETRY_MAYFAIL | __GFP_NOFAIL | __GFP_NORETRY | __GFP_MEMALLOC | __GFP_NOMEMALLOC | __GFP_ATOMIC;

/** sizeof(struct vm_struct) on x86_64. */
const SIZEOF_VM_STRUCT = 64;

/** A return address: `fn+offset`, as %pS prints v->caller. */
export interface VmCaller {
  readonly fn: KernelFunction;
  readonly offset: number;
}

/** struct vm_struct. */
export class VmStruct {
  flags: number;
  nrPages = 0;
  /** pfns of the pages (v->pages[]). */
  readonly pages: number[] = [];
  /** Where v->pages itself lives: a kmalloc object, or a vmalloc offset when pagesVmalloced. */
  pagesArray = 0;
  pagesVmalloced = false;

  constructor(
    /** The kzalloc'd object (direct-map address). */
    readonly obj: number,
    readonly addr: number,
    /** Guard page included. */
    readonly size: number,
    flags: number,
    readonly caller: VmCaller | null,
  ) {
    this.flags = flags;
  }
}

/** struct vmap_area; `vm` null once remove_vm_area took it (VM_VM_AREA clear). */
export class VmapArea {
  vm: VmStruct | null = null;
  /** VM_LAZY_FREE: unmapped, waiting on vmap_purge_list. */
  lazyFree = false;

  constructor(
    readonly obj: number,
    readonly vaStart: number,
    readonly vaEnd: number,
  ) {}
}

class VmallocState {
  /** vmap_area_list: every area, in address order (the rbtree's in-order walk). */
  readonly areas: VmapArea[] = [];
  /** vmap_purge_list. */
  readonly purgeList: VmapArea[] = [];
  /** vmap_lazy_nr, in pages. */
  lazyNr = 0;
}

const states = new WeakMap<Kernel, VmallocState>();

function vstate(k: Kernel): VmallocState {
  let st = states.get(k);
  if (!st) {
    st = new VmallocState();
    states.set(k, st);
  }
  return st;
}

/** The signed 64-bit value of a vmalloc address, for page-table walks. */
export function vmallocSigned(off: number): number {
  return VMALLOC_START_SIGNED + off;
}

/** pgd_index of a vmalloc address. */
export function vmallocPgdIndex(off: number): number {
  return VMALLOC_PGD_INDEX + Math.floor(off / PGDIR_SIZE);
}

/** The vmalloc address as a full 64-bit value, for display. */
export function vmallocAddress(off: number): bigint {
  return VMALLOC_START + BigInt(off);
}

/**
 * __builtin_return_address(0) of `callee`: where in the function below its frame the call
 * returns to. Inlined callees pass the outermost real function they were inlined into.
 */
export function returnAddress(k: Kernel, callee: KernelFunction): VmCaller | null {
  const t = k.current;
  for (let i = t.kdepth - 1; i > 0; i--) {
    if (t.kstack[i] !== callee.id) continue;
    const fn = k.functions[t.kstack[i - 1]!]!;
    return { fn, offset: callSiteOffset(fn, callee.id) };
  }
  return null;
}

function alignUp(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}

/** lazy_max_pages: 32 MiB of address space per log2 step of the CPU count. */
function lazy_max_pages(k: Kernel): number {
  return fls(k.config.cpus) * ((32 * 1024 * 1024) / PAGE_SIZE);
}

/** Index of the first area that ends above `addr`. */
function firstEndingAbove(areas: readonly VmapArea[], addr: number): number {
  let lo = 0;
  let hi = areas.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (areas[mid]!.vaEnd > addr) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * alloc_vmap_area: the lowest `align`-aligned hole of `size` bytes in [vstart, vend). 5.0 starts
 * its walk at a cached node (free_vmap_cache) only when that cannot miss a lower hole, so the
 * answer is the first fit; when there is none, lazily freed areas are purged and it retries.
 */
function alloc_vmap_area(k: Kernel, size: number, align: number, vstart: number, vend: number, node: number, gfp: number): VmapArea | null {
  k.enter(F_alloc_vmap_area, size, align, vstart, vend, node, gfp);
  const cache = findCache(k, 'vmap_area');
  const obj = kmem_cache_alloc_node(k, cache, gfp & GFP_RECLAIM_MASK, node, F_alloc_vmap_area);
  if (obj === 0) {
    k.leave(F_alloc_vmap_area, 0);
    return null;
  }
  const st = vstate(k);
  for (let purged = false; ; purged = true) {
    let addr = alignUp(vstart, align);
    let i = firstEndingAbove(st.areas, addr);
    while (i < st.areas.length && addr + size > st.areas[i]!.vaStart && addr + size <= vend) addr = alignUp(st.areas[i++]!.vaEnd, align);
    if (addr + size <= vend) {
      const va = new VmapArea(obj, addr, addr + size);
      st.areas.splice(i, 0, va);
      k.charge(150 + 10 * i);
      k.leave(F_alloc_vmap_area, obj);
      return va;
    }
    if (purged) break;
    purge_vmap_area_lazy(k);
  }
  if (!(gfp & __GFP_NOWARN)) k.printk(`vmap allocation for size ${size} failed: use vmalloc=<size> to increase size`, 4);
  kmem_cache_free(k, cache, obj, F_alloc_vmap_area);
  k.leave(F_alloc_vmap_area, 0);
  return null;
}

/** __free_vmap_area: off the list; the object goes back (kfree_rcu in Linux, at once here). */
function __free_vmap_area(k: Kernel, va: VmapArea): void {
  const st = vstate(k);
  st.areas.splice(st.areas.indexOf(va), 1);
  kmem_cache_free(k, findCache(k, 'vmap_area'), va.obj, F___purge_vmap_area_lazy);
}

/** __purge_vmap_area_lazy: one kernel TLB flush over the lot, then the areas are gone. */
function __purge_vmap_area_lazy(k: Kernel): boolean {
  const st = vstate(k);
  if (!st.purgeList.length) return false;
  k.enter(F___purge_vmap_area_lazy, -1, 0);
  for (const va of st.purgeList.splice(0)) {
    st.lazyNr -= (va.vaEnd - va.vaStart) / PAGE_SIZE;
    __free_vmap_area(k, va);
  }
  k.charge(2000);
  k.leave(F___purge_vmap_area_lazy, 1);
  return true;
}

export function purge_vmap_area_lazy(k: Kernel): void {
  __purge_vmap_area_lazy(k);
}

/** free_vmap_area_noflush: onto the purge list; a purge once too much has gathered. */
function free_vmap_area_noflush(k: Kernel, va: VmapArea): void {
  const st = vstate(k);
  st.lazyNr += (va.vaEnd - va.vaStart) / PAGE_SIZE;
  va.lazyFree = true;
  st.purgeList.push(va);
  if (st.lazyNr > lazy_max_pages(k)) __purge_vmap_area_lazy(k);
}

/** vunmap_page_range: clear init_mm's PTEs; the tables themselves stay, as in Linux. */
function vunmap_page_range(k: Kernel, start: number, end: number): void {
  const mm = k.initMm;
  for (let a = start; a < end; a += PAGE_SIZE) {
    const table = mm.pte.get(Math.floor(vmallocSigned(a) / PMD_SIZE));
    if (table) table[Math.floor(a / PAGE_SIZE) % PTRS_PER_TABLE] = 0;
  }
}

/** vmap_pte_range (inlined): pte_alloc_kernel, then set_pte_at(&init_mm, ...) per page. */
function vmap_pte_range(k: Kernel, addr: number, end: number, pages: readonly number[], nr: { i: number }): boolean {
  const table = pte_alloc_kernel(k, k.initMm, vmallocSigned(addr));
  if (!table) return false;
  for (; addr < end; addr += PAGE_SIZE) {
    const i = Math.floor(addr / PAGE_SIZE) % PTRS_PER_TABLE;
    if (table[i] !== 0) throw new Error(`vmap_pte_range: PTE for ${vmallocAddress(addr).toString(16)} is not none`);
    table[i] = pages[nr.i++]! + 1;
  }
  return true;
}

function vmap_pmd_range(k: Kernel, addr: number, end: number, pages: readonly number[], nr: { i: number }): boolean {
  if (!upperAlloc(k, k.initMm, 'pmd', vmallocSigned(addr))) return false;
  while (addr < end) {
    const next = Math.min(end, (Math.floor(addr / PMD_SIZE) + 1) * PMD_SIZE);
    if (!vmap_pte_range(k, addr, next, pages, nr)) return false;
    addr = next;
  }
  return true;
}

/** vmap_pud_range: pud_alloc on init_mm fills the (folded p4d) PGD entry when it is new. */
function vmap_pud_range(k: Kernel, addr: number, end: number, pages: readonly number[], nr: { i: number }): boolean {
  const mm = k.initMm;
  if (!upperAlloc(k, mm, 'pud', vmallocSigned(addr))) return false;
  mm.kernelPgd.add(vmallocPgdIndex(addr));
  while (addr < end) {
    const next = Math.min(end, (Math.floor(addr / PUD_SIZE) + 1) * PUD_SIZE);
    if (!vmap_pmd_range(k, addr, next, pages, nr)) return false;
    addr = next;
  }
  return true;
}

/** vmap_page_range_noflush: each PGD entry the range covers, top down. */
function vmap_page_range_noflush(k: Kernel, start: number, end: number, pages: readonly number[]): number {
  const nr = { i: 0 };
  for (let addr = start; addr < end; ) {
    const next = Math.min(end, (Math.floor(addr / PGDIR_SIZE) + 1) * PGDIR_SIZE);
    if (!vmap_pud_range(k, addr, next, pages, nr)) return -12;
    addr = next;
  }
  k.charge(40 * nr.i);
  return nr.i;
}

/** map_vm_area → vmap_page_range: the area's pages, guard page left unmapped. */
function map_vm_area(k: Kernel, area: VmStruct, pages: readonly number[]): number {
  k.enter(F_map_vm_area, area.obj, 0, area.pagesVmalloced ? 0 : area.pagesArray);
  const err = vmap_page_range_noflush(k, area.addr, area.addr + get_vm_area_size(area), pages);
  return k.leave(F_map_vm_area, err > 0 ? 0 : err);
}

/** get_vm_area_size: the usable size, without the guard page. */
function get_vm_area_size(area: VmStruct): number {
  return area.flags & VM_NO_GUARD ? area.size : area.size - PAGE_SIZE;
}

/** __get_vm_area_node: the vm_struct (kzalloc), one guard page, the vmap_area. */
function __get_vm_area_node(
  k: Kernel,
  size: number,
  align: number,
  flags: number,
  start: number,
  end: number,
  node: number,
  gfp: number,
  caller: VmCaller | null,
): VmStruct | null {
  k.enter(F___get_vm_area_node, size, align, flags, start, end, node);
  size = alignUp(size, PAGE_SIZE);
  if (!size) {
    k.leave(F___get_vm_area_node, 0);
    return null;
  }
  const obj = kzalloc_node(k, SIZEOF_VM_STRUCT, gfp & GFP_RECLAIM_MASK, node, F___get_vm_area_node);
  if (obj === 0) {
    k.leave(F___get_vm_area_node, 0);
    return null;
  }
  if (!(flags & VM_NO_GUARD)) size += PAGE_SIZE;
  const va = alloc_vmap_area(k, size, align, start, end, node, gfp);
  if (!va) {
    kfree(k, obj, F___get_vm_area_node);
    k.leave(F___get_vm_area_node, 0);
    return null;
  }
  // setup_vmalloc_vm
  const area = new VmStruct(obj, va.vaStart, va.vaEnd - va.vaStart, flags, caller);
  va.vm = area;
  k.leave(F___get_vm_area_node, obj);
  return area;
}

function find_vmap_area(k: Kernel, addr: number): VmapArea | null {
  const areas = vstate(k).areas;
  const i = firstEndingAbove(areas, addr);
  const va = areas[i];
  return va && va.vaStart <= addr ? va : null;
}

/** find_vm_area: the vm_struct of the area starting at or covering `addr`. */
export function find_vm_area(k: Kernel, addr: number): VmStruct | null {
  k.enter(F_find_vm_area, addr);
  const vm = find_vmap_area(k, addr)?.vm ?? null;
  k.leave(F_find_vm_area, vm ? vm.obj : 0);
  return vm;
}

/** remove_vm_area: unmap the area and free its range lazily; the vm_struct is the caller's. */
export function remove_vm_area(k: Kernel, addr: number): VmStruct | null {
  k.enter(F_remove_vm_area, addr);
  const va = find_vmap_area(k, addr);
  const vm = va?.vm ?? null;
  if (va && vm) {
    va.vm = null;
    // free_unmap_vmap_area
    vunmap_page_range(k, va.vaStart, va.vaEnd);
    free_vmap_area_noflush(k, va);
  }
  k.leave(F_remove_vm_area, vm ? vm.obj : 0);
  return vm;
}

/**
 * __vunmap: remove the area; with deallocate_pages, its pages and the pages array too. (vunmap,
 * the caller without, undoes vmap(), which nothing in the emulation uses.)
 */
function __vunmap(k: Kernel, addr: number, deallocatePages: boolean): void {
  k.enter(F___vunmap, addr, deallocatePages ? 1 : 0);
  const area = find_vmap_area(k, addr)?.vm ?? null;
  if (!area || area.addr !== addr) throw new Error(`Trying to vfree() nonexistent vm area (${vmallocAddress(addr).toString(16)})`);
  remove_vm_area(k, addr);
  if (deallocatePages) {
    for (let i = 0; i < area.nrPages; i++) __free_pages(k, area.pages[i]!, 0);
    // kvfree(area->pages)
    if (area.pagesVmalloced) vfree(k, area.pagesArray);
    else kfree(k, area.pagesArray, F___vunmap);
  }
  kfree(k, area.obj, F___vunmap);
  k.leaveVoid(F___vunmap);
}

export function vfree(k: Kernel, addr: number): void {
  k.enter(F_vfree, addr);
  __vunmap(k, addr, true);
  k.leaveVoid(F_vfree);
}

/**
 * vfree_atomic: for callers that may not sleep. Linux hands the area to a per-CPU llist and a
 * work item (free_work); the emulation frees it at once.
 */
export function vfree_atomic(k: Kernel, addr: number): void {
  k.enter(F_vfree_atomic, addr);
  __vunmap(k, addr, true);
  k.leaveVoid(F_vfree_atomic);
}

/**
 * __vmalloc_area_node (inlined into __vmalloc_node_range): the pages array, kmalloc'd or, past
 * a page, vmalloc'd itself; then one order-0 page at a time, not physically contiguous.
 */
function __vmalloc_area_node(k: Kernel, area: VmStruct, gfp: number, node: number): number {
  const nestedGfp = (gfp & GFP_RECLAIM_MASK) | __GFP_ZERO;
  const allocMask = gfp | __GFP_NOWARN;
  const highmemMask = gfp & (__GFP_DMA | __GFP_DMA32) ? 0 : __GFP_HIGHMEM;
  const nrPages = get_vm_area_size(area) / PAGE_SIZE;
  const arraySize = nrPages * 8;
  let pagesArray: number;
  if (arraySize > PAGE_SIZE) {
    pagesArray = __vmalloc_node(k, arraySize, 1, nestedGfp | highmemMask, node, area.caller);
    area.pagesVmalloced = pagesArray >= 0;
  } else {
    pagesArray = __kmalloc_node(k, arraySize, nestedGfp, node, F___vmalloc_node_range);
    if (pagesArray === 0) pagesArray = -1;
  }
  if (pagesArray < 0) {
    remove_vm_area(k, area.addr);
    kfree(k, area.obj, F___vmalloc_node_range);
    return -1;
  }
  area.pagesArray = pagesArray;
  for (let i = 0; i < nrPages; i++) {
    const pfn = alloc_pages(k, allocMask | highmemMask, 0);
    if (pfn < 0) {
      k.printk(`vmalloc: allocation failure, allocated ${area.nrPages * PAGE_SIZE} of ${area.size} bytes`, 4);
      vfree(k, area.addr);
      return -1;
    }
    area.pages.push(pfn);
    area.nrPages++;
  }
  if (map_vm_area(k, area, area.pages) !== 0) {
    vfree(k, area.addr);
    return -1;
  }
  return area.addr;
}

/**
 * __vmalloc_node_range: `size` bytes, page-rounded, in [start, end); returns the vmalloc offset
 * or -1 (NULL). `caller` is what vmallocinfo shows.
 */
export function __vmalloc_node_range(
  k: Kernel,
  size: number,
  align: number,
  start: number,
  end: number,
  gfp: number,
  vmFlags: number,
  node: number,
  caller: VmCaller | null,
): number {
  k.enter(F___vmalloc_node_range, size, align, start, end, gfp, 0);
  const realSize = size;
  size = alignUp(size, PAGE_SIZE);
  let addr = -1;
  const area =
    size && size / PAGE_SIZE <= totalram_pages(k)
      ? __get_vm_area_node(k, size, align, VM_ALLOC | VM_UNINITIALIZED | vmFlags, start, end, node, gfp, caller)
      : null;
  if (!area) k.printk(`vmalloc: allocation failure: ${realSize} bytes`, 4);
  else {
    addr = __vmalloc_area_node(k, area, gfp, node);
    // clear_vm_uninitialized_flag
    if (addr >= 0) area.flags &= ~VM_UNINITIALIZED;
  }
  return k.leave(F___vmalloc_node_range, addr);
}

function totalram_pages(k: Kernel): number {
  let n = 0;
  for (const z of k.node.zones) n += z.managedPages;
  return n;
}

/** __vmalloc_node (static, inlined): the whole vmalloc range. */
function __vmalloc_node(k: Kernel, size: number, align: number, gfp: number, node: number, caller: VmCaller | null): number {
  return __vmalloc_node_range(k, size, align, 0, VMALLOC_SIZE, gfp, 0, node, caller);
}

export function __vmalloc(k: Kernel, size: number, gfp: number): number {
  k.enter(F___vmalloc, size, gfp, 0);
  return k.leave(F___vmalloc, __vmalloc_node(k, size, 1, gfp, NUMA_NO_NODE, returnAddress(k, F___vmalloc)));
}

/** vmalloc → __vmalloc_node_flags (inlined) → __vmalloc_node (inlined) → __vmalloc_node_range. */
export function vmalloc(k: Kernel, size: number): number {
  k.enter(F_vmalloc, size);
  return k.leave(F_vmalloc, __vmalloc_node(k, size, 1, GFP_KERNEL, NUMA_NO_NODE, returnAddress(k, F_vmalloc)));
}

export function vzalloc(k: Kernel, size: number): number {
  k.enter(F_vzalloc, size);
  return k.leave(F_vzalloc, __vmalloc_node(k, size, 1, GFP_KERNEL | __GFP_ZERO, NUMA_NO_NODE, returnAddress(k, F_vzalloc)));
}

/** vmalloc_user: zeroed, and marked VM_USERMAP so remap_vmalloc_range may map it to user space. */
export function vmalloc_user(k: Kernel, size: number): number {
  k.enter(F_vmalloc_user, size);
  const ret = __vmalloc_node(k, size, SHMLBA, GFP_KERNEL | __GFP_ZERO, NUMA_NO_NODE, returnAddress(k, F_vmalloc_user));
  if (ret >= 0) find_vm_area(k, ret)!.flags |= VM_USERMAP;
  return k.leave(F_vmalloc_user, ret);
}

/** The areas in address order, for /proc/vmallocinfo and tests. */
export function vmapAreas(k: Kernel): readonly VmapArea[] {
  return vstate(k).areas;
}

/** vmap_lazy_nr: pages of address space freed but not yet purged. */
export function vmapLazyPages(k: Kernel): number {
  return vstate(k).lazyNr;
}

/**
 * vmalloc_init, from mm_init once SLUB is up. init_mm (static data in Linux, swapper_pg_dir its
 * PGD) is made here too, as the page table every vmalloc mapping goes into, with the kernel-half
 * PGD entries early boot has filled.
 */
export function vmalloc_init(k: Kernel): void {
  vstate(k);
  const mm = new MmStruct(0);
  // The direct map (2 GiB of RAM fits one entry), vmemmap, cpu_entry_area, the espfix stacks,
  // and the kernel image with modules and fixmap: head_64.S and init_mem_mapping set them up.
  for (const i of KERNEL_BOOT_PGD) mm.kernelPgd.add(i);
  k.initMm = mm;
}

const KERNEL_BOOT_PGD = [273, 468, 508, 510, 511];

/** s_show's view of vmap_area_list. */
export function vmallocinfoSnapshot(k: Kernel, showAddresses: boolean): VmallocinfoSnapshot {
  const areas: VmallocinfoArea[] = [];
  for (const va of vstate(k).areas) {
    const v = va.vm;
    if (!v) {
      areas.push({ kind: va.lazyFree ? 'lazy_free' : 'vm_map_ram', start: vmallocAddress(va.vaStart), end: vmallocAddress(va.vaEnd) });
      continue;
    }
    areas.push({
      kind: 'vm_struct',
      addr: vmallocAddress(v.addr),
      size: v.size,
      caller: v.caller ? { name: v.caller.fn.name, offset: v.caller.offset, size: v.caller.fn.size } : null,
      nrPages: v.nrPages,
      physAddr: 0n,
      ioremap: (v.flags & VM_IOREMAP) !== 0,
      alloc: (v.flags & VM_ALLOC) !== 0,
      map: (v.flags & VM_MAP) !== 0,
      usermap: (v.flags & VM_USERMAP) !== 0,
      pagesVmalloced: v.pagesVmalloced,
      // One node: every page is on node 0.
      nodePages: v.flags & VM_UNINITIALIZED ? [] : [v.nrPages],
    });
  }
  return { showAddresses, areas };
}
