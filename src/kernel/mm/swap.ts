// mm/swap.c: putting pages on the LRU lists and moving them between them, with the node and zone
// counters that /proc/meminfo's Active/Inactive lines and zoneinfo's nr_zone_* lines read. Linux
// batches additions in per-cpu pagevecs of 15; bpfbox adds at once, which changes only when a
// page becomes visible to reclaim, by at most 15 pages per CPU.

import type { Kernel } from '../machine.js';
import { Lru, NodeStat, ZoneStat } from './mmzone.js';
import { PG_active, PG_lru, PG_swapbacked, PG_unevictable } from './page.js';
import { releaseAnonPage } from './memory.js';
import { free_unref_page_list } from './page_alloc.js';

const NODE_LRU: readonly NodeStat[] = [
  NodeStat.NR_INACTIVE_ANON,
  NodeStat.NR_ACTIVE_ANON,
  NodeStat.NR_INACTIVE_FILE,
  NodeStat.NR_ACTIVE_FILE,
  NodeStat.NR_UNEVICTABLE,
];
const ZONE_LRU: readonly ZoneStat[] = [
  ZoneStat.NR_ZONE_INACTIVE_ANON,
  ZoneStat.NR_ZONE_ACTIVE_ANON,
  ZoneStat.NR_ZONE_INACTIVE_FILE,
  ZoneStat.NR_ZONE_ACTIVE_FILE,
  ZoneStat.NR_ZONE_UNEVICTABLE,
];

/**
 * page_lru: which list a page belongs on, from its flags. Swap-backed pages (anonymous and
 * tmpfs) go on the anon lists, page cache pages backed by a file on the file lists.
 */
export function pageLru(k: Kernel, pfn: number): Lru {
  const f = k.mem.flags[pfn]!;
  if (f & PG_unevictable) return Lru.Unevictable;
  const base = f & PG_swapbacked ? Lru.InactiveAnon : Lru.InactiveFile;
  return f & PG_active ? base + 1 : base;
}

function account(k: Kernel, pfn: number, lru: Lru, delta: number): void {
  k.node.vmstat[NODE_LRU[lru]!] += delta;
  k.node.zoneOf(pfn).vmstat[ZONE_LRU[lru]!] += delta;
}

/** add_page_to_lru_list: at the head, where the newest pages go. */
export function addPageToLru(k: Kernel, pfn: number): void {
  const lru = pageLru(k, pfn);
  k.mem.set(pfn, PG_lru);
  k.mem.listAdd(pfn, k.node.lru[lru]!);
  account(k, pfn, lru, 1);
}

export function delPageFromLru(k: Kernel, pfn: number): void {
  const lru = pageLru(k, pfn);
  k.mem.listDel(pfn);
  k.mem.clear(pfn, PG_lru);
  account(k, pfn, lru, -1);
}

/** lru_cache_add_active_or_unevictable: new anonymous pages start on the active list in 5.0. */
export function lru_cache_add_active_or_unevictable(k: Kernel, pfn: number): void {
  k.mem.set(pfn, PG_active);
  addPageToLru(k, pfn);
}

/** lru_cache_add (lru_cache_add_file, lru_cache_add_anon for tmpfs): page cache pages start inactive. */
export function lru_cache_add(k: Kernel, pfn: number): void {
  addPageToLru(k, pfn);
}

/** Moves a page on the LRU to the head of the other (active/inactive) list. */
export function setActive(k: Kernel, pfn: number, active: boolean): void {
  delPageFromLru(k, pfn);
  if (active) k.mem.set(pfn, PG_active);
  else k.mem.clear(pfn, PG_active);
  addPageToLru(k, pfn);
}

/** Moves a page to the head of its own list (putback after a scan that kept it). */
export function rotate(k: Kernel, pfn: number): void {
  const lru = pageLru(k, pfn);
  k.mem.listDel(pfn);
  k.mem.listAdd(pfn, k.node.lru[lru]!);
}

const batch = new Int32Array(32);

/**
 * release_pages (via free_pages_and_swap_cache): pages whose last mapping went away leave the
 * LRU and the swap cache and return to the allocator in batches.
 */
export function release_pages(k: Kernel, pfns: Int32Array, n: number): void {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const pfn = pfns[i]!;
    releaseAnonPage(k, pfn);
    batch[m++] = pfn;
    if (m === batch.length) {
      free_unref_page_list(k, batch, m);
      m = 0;
    }
  }
  if (m) free_unref_page_list(k, batch, m);
}

