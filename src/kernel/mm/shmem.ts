// mm/shmem.c, Linux 5.0: tmpfs file pages. A write allocates each missing page
// (shmem_getpage_gfp → shmem_alloc_page → alloc_pages_vma on a pseudo-vma with the mapping's
// GFP_HIGHUSER_MOVABLE), adds it to the page cache (counted in both NR_FILE_PAGES and NR_SHMEM,
// meminfo's Cached and Shmem) and puts it on the inactive anon list, since only swap can take
// its contents away (lru_cache_add_anon).

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc } from '../symbols.js';
import { NodeStat } from './mmzone.js';
import { PG_dirty, PG_referenced, PG_swapbacked, PG_uptodate } from './page.js';
import { alloc_pages_vma } from './mempolicy.js';
import { lru_cache_add } from './swap.js';
import type { AddressSpace } from './filemap.js';

const FILE = 'mm/shmem.c';
export const F_shmem_write_begin = kfunc('shmem_write_begin', { file: FILE, size: 0xb0, args: [ArgKind.Direct, ArgKind.Direct, ArgKind.Int, ArgKind.Int, ArgKind.Int], ret: ArgKind.Int });
export const F_shmem_getpage_gfp = kfunc('shmem_getpage_gfp', { file: FILE, size: 0x8d0, args: [ArgKind.Direct, ArgKind.Int, ArgKind.Direct, ArgKind.Int, ArgKind.Int], ret: ArgKind.Int });
export const F_shmem_alloc_page = kfunc('shmem_alloc_page', { file: FILE, size: 0xa0, args: [ArgKind.Int, ArgKind.Direct, ArgKind.Int], ret: ArgKind.Page });
export const F_shmem_add_to_page_cache = kfunc('shmem_add_to_page_cache', { file: FILE, size: 0x260, args: [ArgKind.Page, ArgKind.Direct, ArgKind.Int], ret: ArgKind.Int });

const PAGE_SIZE = 4096;
const ENOMEM = -12;
/** Virtual cost of inserting a page into the cache and onto the LRU. */
const COST_INSERT = 250;
/** The pseudo-vma shmem_pseudo_vma_init builds on the stack has no vma id of its own. */
const PSEUDO_VMA = -1;

function shmem_alloc_page(k: Kernel, mapping: AddressSpace, idx: number): number {
  k.enter(F_shmem_alloc_page, mapping.gfpMask, 0, idx);
  const pfn = alloc_pages_vma(k, mapping.gfpMask, 0, PSEUDO_VMA, 0);
  return k.leave(F_shmem_alloc_page, pfn);
}

/** shmem_add_to_page_cache + lru_cache_add_anon: swap-backed, up to date and dirty from the start. */
function shmem_add_to_page_cache(k: Kernel, pfn: number, mapping: AddressSpace, idx: number): void {
  k.enter(F_shmem_add_to_page_cache, pfn, mapping.addr, idx);
  const mem = k.mem;
  // A page allocated for a write starts referenced (shmem_getpage_gfp with SGP_WRITE).
  mem.set(pfn, PG_swapbacked | PG_uptodate | PG_dirty | PG_referenced);
  mem.owner[pfn] = mapping.id;
  mapping.insert(pfn, idx);
  k.node.vmstat[NodeStat.NR_FILE_PAGES]++;
  k.node.vmstat[NodeStat.NR_SHMEM]++;
  lru_cache_add(k, pfn);
  k.charge(COST_INSERT);
  k.leave(F_shmem_add_to_page_cache, 0);
}

function shmem_getpage_gfp(k: Kernel, mapping: AddressSpace, idx: number): number {
  k.enter(F_shmem_getpage_gfp, 0, idx, 0, mapping.gfpMask, 0);
  if (mapping.pages.has(idx)) return k.leave(F_shmem_getpage_gfp, 0);
  const pfn = shmem_alloc_page(k, mapping, idx);
  if (pfn < 0) return k.leave(F_shmem_getpage_gfp, ENOMEM);
  shmem_add_to_page_cache(k, pfn, mapping, idx);
  return k.leave(F_shmem_getpage_gfp, 0);
}

/** The tmpfs write path's allocation half: shmem_write_begin for each page of [pos, pos+len). */
export function shmemWrite(k: Kernel, mapping: AddressSpace, pos: number, len: number): number {
  if (len <= 0) return 0;
  const first = Math.floor(pos / PAGE_SIZE);
  const last = Math.floor((pos + len - 1) / PAGE_SIZE);
  for (let idx = first; idx <= last; idx++) {
    k.enter(F_shmem_write_begin, 0, mapping.addr, idx * PAGE_SIZE, PAGE_SIZE, 0);
    const err = shmem_getpage_gfp(k, mapping, idx);
    k.leave(F_shmem_write_begin, err);
    if (err) return err;
  }
  if (pos + len > mapping.isize) mapping.isize = pos + len;
  return 0;
}
