// mm/memory.c and arch/x86/mm/pgtable.c: page tables, the user page fault (anonymous pages,
// swap-in, copy-on-write), fork's copy_page_range and exit's unmap_vmas. Page-table pages come
// from the buddy allocator with the same gfp masks as Linux, so they show up in mm_page_alloc
// traces and in nr_page_table_pages.

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc } from '../symbols.js';
import { __GFP_ACCOUNT, __GFP_ZERO, GFP_HIGHUSER_MOVABLE, GFP_KERNEL_ACCOUNT } from './gfp.js';
import { MmCounter, MmStruct, PTRS_PER_TABLE, type Vma } from './mm_types.js';
import { NodeStat, ZoneStat } from './mmzone.js';
import { alloc_pages, alloc_pages_vma } from './mempolicy.js';
import { __free_pages, __get_free_pages, free_pages } from './page_alloc.js';
import { PG_anon, PG_lru, PG_referenced, PG_swapbacked, PG_swapcache, PG_table } from './page.js';
import { delPageFromLru, lru_cache_add_active_or_unevictable } from './swap.js';
import { MmuGather, __tlb_remove_page_size, tlb_finish_mmu, tlb_flush_mmu } from './mmu_gather.js';

const FILE = 'mm/memory.c';
const PGTABLE = 'arch/x86/mm/pgtable.c';

export const F_pgd_alloc = kfunc('pgd_alloc', { file: PGTABLE, size: 0x1a0, global: true, args: [ArgKind.Vmalloc], ret: ArgKind.Direct });
export const F_pgd_free = kfunc('pgd_free', { file: PGTABLE, size: 0xc0, global: true, args: [ArgKind.Vmalloc, ArgKind.Direct] });
export const F_pte_alloc_one = kfunc('pte_alloc_one', { file: PGTABLE, size: 0x40, global: true, args: [ArgKind.Vmalloc], ret: ArgKind.Page });
export const F_copy_page_range = kfunc('copy_page_range', { file: FILE, size: 0xa80, global: true, args: [ArgKind.Vmalloc, ArgKind.Vmalloc, ArgKind.Vmalloc] });
export const F_unmap_page_range = kfunc('unmap_page_range', { file: FILE, size: 0x9b0, global: true, args: [ArgKind.Vmalloc, ArgKind.Vmalloc, ArgKind.User, ArgKind.User] });
export const F_unmap_vmas = kfunc('unmap_vmas', { file: FILE, size: 0x80, global: true, args: [ArgKind.Vmalloc, ArgKind.Vmalloc, ArgKind.User, ArgKind.User] });
export const F_free_pgtables = kfunc('free_pgtables', { file: FILE, size: 0xd0, global: true, args: [ArgKind.Vmalloc, ArgKind.Vmalloc, ArgKind.User, ArgKind.User] });
export const F___pte_alloc_kernel = kfunc('__pte_alloc_kernel', { file: FILE, size: 0xa0, global: true, args: [ArgKind.Direct, ArgKind.User] });
export const F___pte_alloc = kfunc('__pte_alloc', { file: FILE, size: 0x110, global: true, args: [ArgKind.Vmalloc, ArgKind.Direct, ArgKind.User] });
export const F___pmd_alloc = kfunc('__pmd_alloc', { file: FILE, size: 0x140, global: true, args: [ArgKind.Vmalloc, ArgKind.Direct, ArgKind.User] });
export const F___pud_alloc = kfunc('__pud_alloc', { file: FILE, size: 0x110, global: true, args: [ArgKind.Vmalloc, ArgKind.Direct, ArgKind.User] });
export const F_do_swap_page = kfunc('do_swap_page', { file: FILE, size: 0x7e0, global: true, args: [ArgKind.Vmalloc] });
export const F___handle_mm_fault = kfunc('__handle_mm_fault', { file: FILE, size: 0xc60, args: [ArgKind.Vmalloc, ArgKind.User, ArgKind.Int] });
export const F_handle_mm_fault = kfunc('handle_mm_fault', { file: FILE, size: 0x1c0, global: true, args: [ArgKind.Vmalloc, ArgKind.User, ArgKind.Int] });

/** PGALLOC_GFP in 5.0. */
const PGALLOC_GFP = GFP_KERNEL_ACCOUNT | __GFP_ZERO;
/** PGD_ALLOCATION_ORDER with page-table isolation: kernel and user halves side by side. */
const PGD_ALLOCATION_ORDER = 1;

export const VM_FAULT_OOM = 0x0001;
export const VM_FAULT_SIGBUS = 0x0002;
export const VM_FAULT_MAJOR = 0x0004;
export const VM_FAULT_WRITE = 0x0008;
export const VM_FAULT_SIGSEGV = 0x0040;

/** Virtual ns a fault costs beyond the allocation (entry, walk, PTE update, return). */
const COST_FAULT = 600;
/** zram decompression of a 4 KiB page. */
const COST_SWAPIN = 6000;

function mmArg(mm: MmStruct): number {
  return 0x100000 + mm.id * 0x400;
}

function tablePageFree(k: Kernel, mm: MmStruct, pfn: number, order: number): void {
  k.mem.clear(pfn, PG_table);
  k.node.zoneOf(pfn).vmstat[ZoneStat.NR_PAGETABLE] -= 1 << order;
  mm.pgtablesBytes -= 4096 << order;
  __free_pages(k, pfn, order);
}

function tablePageAlloc(k: Kernel, mm: MmStruct, pfn: number, order: number): void {
  k.mem.set(pfn, PG_table);
  k.node.zoneOf(pfn).vmstat[ZoneStat.NR_PAGETABLE] += 1 << order;
  mm.pgtablesBytes += 4096 << order;
}

/** pgd_alloc: an order-1 block (user and kernel PGDs under PTI) from GFP_KERNEL_ACCOUNT|__GFP_ZERO. */
export function pgd_alloc(k: Kernel, mm: MmStruct): boolean {
  k.enter(F_pgd_alloc, mmArg(mm));
  const addr = __get_free_pages(k, PGALLOC_GFP, PGD_ALLOCATION_ORDER);
  if (addr === 0) return k.leave(F_pgd_alloc, 0) !== 0;
  mm.pgd = addr / 4096;
  tablePageAlloc(k, mm, mm.pgd, PGD_ALLOCATION_ORDER);
  pgd_ctor(k, mm);
  return k.leave(F_pgd_alloc, addr) !== 0;
}

/** pgd_ctor: the kernel half of swapper_pg_dir (init_mm's PGD) is cloned into every new PGD. */
function pgd_ctor(k: Kernel, mm: MmStruct): void {
  for (const i of k.initMm.kernelPgd) mm.kernelPgd.add(i);
}

export function pgd_free(k: Kernel, mm: MmStruct): void {
  k.enter(F_pgd_free, mmArg(mm), mm.pgd * 4096);
  if (mm.pgd >= 0) {
    k.mem.clear(mm.pgd, PG_table);
    k.node.zoneOf(mm.pgd).vmstat[ZoneStat.NR_PAGETABLE] -= 1 << PGD_ALLOCATION_ORDER;
    mm.pgtablesBytes -= 4096 << PGD_ALLOCATION_ORDER;
    free_pages(k, mm.pgd * 4096, PGD_ALLOCATION_ORDER);
    mm.pgd = -1;
  }
  k.leaveVoid(F_pgd_free);
}

/**
 * Allocates the upper-level table covering `addr` at `level` if missing (__pud_alloc, __pmd_alloc).
 * Kernel addresses come as their signed 64-bit value, so they key below the user tables.
 */
export function upperAlloc(k: Kernel, mm: MmStruct, level: 'pud' | 'pmd', addr: number): boolean {
  const key = level === 'pud' ? `pud:${Math.floor(addr / 2 ** 39)}` : `pmd:${Math.floor(addr / 2 ** 30)}`;
  if (mm.tablePages.has(key)) return true;
  const fn = level === 'pud' ? F___pud_alloc : F___pmd_alloc;
  k.enter(fn, mmArg(mm), 0, addr);
  // pud_alloc_one/pmd_alloc_one charge no memcg for init_mm's tables.
  const gfp = mm === k.initMm ? PGALLOC_GFP & ~__GFP_ACCOUNT : PGALLOC_GFP;
  let pfn: number;
  if (level === 'pud') {
    const a = __get_free_pages(k, gfp, 0);
    pfn = a === 0 ? -1 : a / 4096;
  } else {
    pfn = alloc_pages(k, gfp, 0);
  }
  if (pfn < 0) return k.leave(fn, 1) === 0;
  tablePageAlloc(k, mm, pfn, 0);
  mm.tablePages.set(key, pfn);
  return k.leave(fn, 0) === 0;
}

/** __pte_alloc → pte_alloc_one: the last-level table for a 2 MiB range. */
function pteAlloc(k: Kernel, mm: MmStruct, addr: number): Float64Array | null {
  const idx = Math.floor(addr / 2 ** 21);
  const have = mm.pte.get(idx);
  if (have) return have;
  k.enter(F___pte_alloc, mmArg(mm), 0, addr);
  k.enter(F_pte_alloc_one, mmArg(mm));
  const pfn = alloc_pages(k, PGALLOC_GFP, 0);
  k.leave(F_pte_alloc_one, pfn);
  if (pfn < 0) {
    k.leave(F___pte_alloc, -12);
    return null;
  }
  tablePageAlloc(k, mm, pfn, 0);
  mm.tablePages.set(`pte:${idx}`, pfn);
  const table = new Float64Array(PTRS_PER_TABLE);
  mm.pte.set(idx, table);
  k.leave(F___pte_alloc, 0);
  return table;
}

/**
 * __pte_alloc_kernel → pte_alloc_one_kernel: init_mm's last-level table for a 2 MiB range of
 * kernel addresses (`addr` signed), from __get_free_page without __GFP_ACCOUNT.
 */
export function pte_alloc_kernel(k: Kernel, mm: MmStruct, addr: number): Float64Array | null {
  const idx = Math.floor(addr / 2 ** 21);
  const have = mm.pte.get(idx);
  if (have) return have;
  k.enter(F___pte_alloc_kernel, 0, addr);
  const a = __get_free_pages(k, PGALLOC_GFP & ~__GFP_ACCOUNT, 0);
  if (a === 0) {
    k.leave(F___pte_alloc_kernel, -12);
    return null;
  }
  tablePageAlloc(k, mm, a / 4096, 0);
  mm.tablePages.set(`pte:${idx}`, a / 4096);
  const table = new Float64Array(PTRS_PER_TABLE);
  mm.pte.set(idx, table);
  k.leave(F___pte_alloc_kernel, 0);
  return table;
}

function incMmCounter(mm: MmStruct, c: MmCounter, d: number): void {
  mm.rss[c] += d;
  if (d > 0 && mm.rssPages > mm.hiwaterRss) mm.hiwaterRss = mm.rssPages;
}

/**
 * page_add_new_anon_rmap + lru_cache_add_active_or_unevictable: a fresh anonymous page is mapped
 * at `addr` and goes on the active list; the caller has set the PTE's table.
 */
function mapNewAnonPage(k: Kernel, mm: MmStruct, pfn: number, addr: number, table: Float64Array, i: number): void {
  const mem = k.mem;
  mem.flags[pfn] = mem.flags[pfn]! | PG_anon | PG_swapbacked | PG_referenced;
  mem.owner[pfn] = k.rmap.alloc(mm.id, addr - (addr % 4096));
  k.node.vmstat[NodeStat.NR_ANON_MAPPED]++;
  lru_cache_add_active_or_unevictable(k, pfn);
  table[i] = pfn + 1;
}

/** do_anonymous_page (inlined into __handle_mm_fault in Ubuntu's 5.0): a zeroed movable page. */
function doAnonymousPage(k: Kernel, mm: MmStruct, vma: Vma, addr: number, table: Float64Array, i: number): number {
  const pfn = alloc_pages_vma(k, GFP_HIGHUSER_MOVABLE | __GFP_ZERO, 0, vma.id, addr);
  if (pfn < 0) return VM_FAULT_OOM;
  mapNewAnonPage(k, mm, pfn, addr, table, i);
  incMmCounter(mm, MmCounter.AnonPages, 1);
  return 0;
}

/** do_swap_page: bring a swapped-out page back (zram: decompress in place). */
function doSwapPage(k: Kernel, mm: MmStruct, vma: Vma, addr: number, table: Float64Array, i: number): number {
  k.enter(F_do_swap_page, -1);
  const slot = -table[i]! - 1;
  const pfn = alloc_pages_vma(k, GFP_HIGHUSER_MOVABLE, 0, vma.id, addr);
  if (pfn < 0) return k.leave(F_do_swap_page, VM_FAULT_OOM);
  k.charge(COST_SWAPIN);
  mapNewAnonPage(k, mm, pfn, addr, table, i);
  k.swap!.put(slot);
  incMmCounter(mm, MmCounter.SwapEnts, -1);
  incMmCounter(mm, MmCounter.AnonPages, 1);
  return k.leave(F_do_swap_page, VM_FAULT_MAJOR);
}

/** do_wp_page for a page shared copy-on-write with a fork: copy it, or take it if now ours alone. */
function doWpPage(k: Kernel, mm: MmStruct, vma: Vma, addr: number, table: Float64Array, i: number): number {
  const old = table[i]! - 1;
  const slot = k.mem.owner[old]!;
  if (k.rmap.mapcount[slot]! <= 1) {
    k.rmap.mm[slot] = mm.id;
    k.rmap.va[slot] = addr - (addr % 4096);
    return 0;
  }
  const pfn = alloc_pages_vma(k, GFP_HIGHUSER_MOVABLE, 0, vma.id, addr);
  if (pfn < 0) return VM_FAULT_OOM;
  k.charge(300);
  k.rmap.mapcount[slot]!--;
  mapNewAnonPage(k, mm, pfn, addr, table, i);
  return VM_FAULT_WRITE;
}

/** __handle_mm_fault: walk (and build) the page tables to the PTE and resolve it. */
function __handle_mm_fault(k: Kernel, mm: MmStruct, vma: Vma, addr: number, write: boolean): number {
  k.enter(F___handle_mm_fault, vma.id, addr, write ? 1 : 0);
  if (!upperAlloc(k, mm, 'pud', addr) || !upperAlloc(k, mm, 'pmd', addr)) return k.leave(F___handle_mm_fault, VM_FAULT_OOM);
  const table = pteAlloc(k, mm, addr);
  if (!table) return k.leave(F___handle_mm_fault, VM_FAULT_OOM);
  const i = MmStruct.pteIndex(addr);
  const e = table[i]!;
  let ret = 0;
  if (e === 0) ret = doAnonymousPage(k, mm, vma, addr, table, i);
  else if (e < 0) ret = doSwapPage(k, mm, vma, addr, table, i);
  else if (write) ret = doWpPage(k, mm, vma, addr, table, i);
  k.charge(COST_FAULT);
  return k.leave(F___handle_mm_fault, ret);
}

export function handle_mm_fault(k: Kernel, mm: MmStruct, vma: Vma, addr: number, write: boolean): number {
  k.enter(F_handle_mm_fault, vma.id, addr, write ? 1 : 0);
  const ret = __handle_mm_fault(k, mm, vma, addr, write);
  return k.leave(F_handle_mm_fault, ret);
}

/**
 * A user access to `addr` that hits a present page: the hardware sets the accessed bit, which
 * reclaim reads as PG_referenced. Returns true when no fault is needed.
 */
export function touchPresent(k: Kernel, mm: MmStruct, addr: number, write: boolean): boolean {
  const table = mm.pteTable(addr);
  if (!table) return false;
  const e = table[MmStruct.pteIndex(addr)]!;
  if (e <= 0) return false;
  const pfn = e - 1;
  if (write && k.rmap.mapcount[k.mem.owner[pfn]!]! > 1) return false;
  k.mem.set(pfn, PG_referenced);
  return true;
}

/** copy_page_range: share the parent's anonymous pages copy-on-write, duplicate swap entries. */
export function copy_page_range(k: Kernel, dst: MmStruct, src: MmStruct, vma: Vma): boolean {
  k.enter(F_copy_page_range, mmArg(dst), mmArg(src), vma.id);
  for (const [idx, table] of src.pte) {
    const base = idx * 2 ** 21;
    if (base + 2 ** 21 <= vma.start || base >= vma.end) continue;
    let dtable: Float64Array | null = null;
    for (let i = 0; i < PTRS_PER_TABLE; i++) {
      const e = table[i]!;
      if (e === 0) continue;
      const addr = base + i * 4096;
      if (addr < vma.start || addr >= vma.end) continue;
      if (!dtable) {
        if (!upperAlloc(k, dst, 'pud', addr) || !upperAlloc(k, dst, 'pmd', addr)) return k.leave(F_copy_page_range, -12) === 0;
        dtable = pteAlloc(k, dst, addr);
        if (!dtable) return k.leave(F_copy_page_range, -12) === 0;
      }
      dtable[i] = e;
      if (e > 0) {
        k.rmap.mapcount[k.mem.owner[e - 1]!]!++;
        incMmCounter(dst, MmCounter.AnonPages, 1);
      } else {
        k.swap!.dup(-e - 1);
        incMmCounter(dst, MmCounter.SwapEnts, 1);
      }
    }
  }
  return k.leave(F_copy_page_range, 0) === 0;
}

/** page_remove_rmap: true when this was the last mapping of the page. */
function pageRemoveRmap(k: Kernel, pfn: number): boolean {
  const slot = k.mem.owner[pfn]!;
  if (--k.rmap.mapcount[slot]! > 0) return false;
  k.node.vmstat[NodeStat.NR_ANON_MAPPED]--;
  return true;
}

/** Drops the last mapping's page: off the LRU and out of the swap cache, ready to free. */
export function releaseAnonPage(k: Kernel, pfn: number): void {
  const mem = k.mem;
  const slot = mem.owner[pfn]!;
  if (mem.flags[pfn]! & PG_lru) delPageFromLru(k, pfn);
  if (mem.flags[pfn]! & PG_swapcache) {
    k.swap!.put(k.rmap.swap[slot]!);
    mem.clear(pfn, PG_swapcache);
    k.swapCachePages--;
  }
  k.rmap.free(slot);
  mem.clear(pfn, PG_anon | PG_swapbacked | PG_referenced);
  mem.owner[pfn] = -1;
}

/** unmap_page_range → zap_pte_range: clear the PTEs of a range, gathering pages to free. */
export function unmap_page_range(k: Kernel, tlb: MmuGather, mm: MmStruct, vma: Vma, start: number, end: number): void {
  k.enter(F_unmap_page_range, -1, vma.id, start, end);
  for (let idx = Math.floor(start / 2 ** 21); idx * 2 ** 21 < end; idx++) {
    const table = mm.pte.get(idx);
    if (!table) continue;
    const base = idx * 2 ** 21;
    for (let i = 0; i < PTRS_PER_TABLE; i++) {
      const addr = base + i * 4096;
      if (addr < start || addr >= end) continue;
      const e = table[i]!;
      if (e === 0) continue;
      table[i] = 0;
      if (e < 0) {
        k.swap!.put(-e - 1);
        incMmCounter(mm, MmCounter.SwapEnts, -1);
        continue;
      }
      const pfn = e - 1;
      incMmCounter(mm, MmCounter.AnonPages, -1);
      if (!pageRemoveRmap(k, pfn)) continue;
      if (__tlb_remove_page_size(k, tlb, pfn)) tlb_flush_mmu(k, tlb);
    }
  }
  k.charge(200);
  k.leaveVoid(F_unmap_page_range);
}

export function unmap_vmas(k: Kernel, tlb: MmuGather, mm: MmStruct, start: number, end: number): void {
  k.enter(F_unmap_vmas, -1, -1, start, end);
  for (const vma of mm.vmas) {
    const s = Math.max(vma.start, start);
    const e = Math.min(vma.end, end);
    if (s < e) unmap_page_range(k, tlb, mm, vma, s, e);
  }
  k.leaveVoid(F_unmap_vmas);
}

/** free_pgtables: the PTE, PMD and PUD pages under a range that no VMA uses any more. */
export function free_pgtables(k: Kernel, mm: MmStruct, start: number, end: number): void {
  k.enter(F_free_pgtables, -1, -1, start, end);
  const inUse = (lo: number, hi: number): boolean => mm.vmas.some((v) => v.start < hi && v.end > lo && !(v.start >= start && v.end <= end));
  for (const [key, pfn] of [...mm.tablePages]) {
    const [level, n] = key.split(':') as [string, string];
    const span = level === 'pte' ? 2 ** 21 : level === 'pmd' ? 2 ** 30 : 2 ** 39;
    const lo = Number(n) * span;
    const hi = lo + span;
    if (hi <= start || lo >= end || inUse(lo, hi)) continue;
    mm.tablePages.delete(key);
    if (level === 'pte') mm.pte.delete(Number(n));
    tablePageFree(k, mm, pfn, 0);
  }
  k.leaveVoid(F_free_pgtables);
}

/** The gather for one unmap operation; tlb_gather_mmu … tlb_finish_mmu. */
export function zapRange(k: Kernel, mm: MmStruct, start: number, end: number, freeTables: boolean): void {
  const tlb = new MmuGather();
  unmap_vmas(k, tlb, mm, start, end);
  if (freeTables) free_pgtables(k, mm, start, end);
  tlb_finish_mmu(k, tlb, start, end);
}
