// mm/vmscan.c, Linux 5.0: page reclaim. kswapd is woken when an allocation finds a zone below its
// low watermark and reclaims until the node is balanced (free above high), then naps HZ/10 and
// sleeps if still balanced. An allocation that fails even the min watermark reclaims directly in
// its own context. Reclaim ages the active lists into the inactive lists and frees inactive pages
// nobody referenced since: anonymous pages go to swap, clean file pages leave the page cache
// without IO. get_scan_count balances the two by swappiness (anon) against 200 - swappiness
// (file), and scans only file while the inactive file list is large enough.

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc } from '../symbols.js';
import { GFP_KERNEL, gfpZone, ZoneType } from './gfp.js';
import { Lru, NodeStat, WMark, type PglistData, type Zone } from './mmzone.js';
import { PG_anon, PG_locked, PG_referenced, PG_swapbacked, PG_swapcache } from './page.js';
import { __delete_from_page_cache, pageMapping } from './filemap.js';
import { free_unref_page_list, zone_watermark_ok } from './page_alloc.js';
import { delPageFromLru, rotate, setActive } from './swap.js';
import { MmCounter, MmStruct } from './mm_types.js';
import { releaseAnonPage } from './memory.js';
import { nr_swap_pages } from './swapfile.js';
import {
  mm_vmscan_direct_reclaim_begin,
  mm_vmscan_direct_reclaim_end,
  mm_vmscan_kswapd_sleep,
  mm_vmscan_kswapd_wake,
  mm_vmscan_wakeup_kswapd,
} from '../trace/events/vmscan.js';
import { BLOCKED, PF_KSWAPD, PF_MEMALLOC, TaskState, type Task, type TaskBody } from '../sched/task.js';

const FILE = 'mm/vmscan.c';
export const F_shrink_node = kfunc('shrink_node', { file: FILE, size: 0x4c0, args: [ArgKind.Int, ArgKind.Vmalloc] });
export const F_try_to_free_pages = kfunc('try_to_free_pages', {
  file: FILE,
  size: 0x200,
  global: true,
  args: [ArgKind.Vmalloc, ArgKind.Int, ArgKind.Int, ArgKind.Int],
});
export const F_balance_pgdat = kfunc('balance_pgdat', { file: FILE, size: 0x4a0, args: [ArgKind.Int, ArgKind.Int, ArgKind.Int] });
export const F_kswapd = kfunc('kswapd', { file: FILE, size: 0x2b0, args: [ArgKind.Int] });
export const F___remove_mapping = kfunc('__remove_mapping', { file: FILE, size: 0x1c0, args: [ArgKind.Direct, ArgKind.Page, ArgKind.Int], ret: ArgKind.Int });
export const F_wakeup_kswapd = kfunc('wakeup_kswapd', { file: FILE, size: 0x110, global: true, args: [ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.Int] });

const SWAP_CLUSTER_MAX = 32;
const DEF_PRIORITY = 12;
const MAX_RECLAIM_RETRIES = 16;
/** Virtual cost per page scanned, and per page written to zram (compression). */
const COST_SCAN = 150;
const COST_SWAPOUT = 4000;

interface ScanControl {
  nrToReclaim: number;
  nrReclaimed: number;
  nrScanned: number;
  priority: number;
  order: number;
  reclaimIdx: number;
  maySwap: boolean;
  gfp: number;
}

function newScanControl(nrToReclaim: number, order: number, reclaimIdx: number, gfp: number): ScanControl {
  return { nrToReclaim, nrReclaimed: 0, nrScanned: 0, priority: DEF_PRIORITY, order, reclaimIdx, maySwap: true, gfp };
}

/** NR_INACTIVE_ANON..NR_UNEVICTABLE come first in node_stat_item, in lru_list order. */
function lruSize(k: Kernel, lru: Lru): number {
  return k.node.vmstat[lru]!;
}

/** inactive_list_is_low: inactive * inactive_ratio < active, the ratio growing with sqrt(GB). */
function inactiveListIsLow(k: Kernel, file: boolean): boolean {
  const base = file ? Lru.InactiveFile : Lru.InactiveAnon;
  const inactive = lruSize(k, base);
  const active = lruSize(k, base + 1);
  const gb = Math.floor((inactive + active) / (1 << 18));
  const ratio = gb ? Math.floor(Math.sqrt(10 * gb)) : 1;
  return inactive * ratio < active;
}

/** page_referenced on an anonymous page: test and clear the accessed bit its PTE carried. */
function pageReferenced(k: Kernel, pfn: number): boolean {
  const mem = k.mem;
  if (!(mem.flags[pfn]! & PG_referenced)) return false;
  mem.clear(pfn, PG_referenced);
  return true;
}

/** shrink_active_list: move pages from the tail of an active list to the inactive list. */
function shrinkActiveList(k: Kernel, nr: number, lru: Lru, sc: ScanControl): void {
  const mem = k.mem;
  const head = k.node.lru[lru]!;
  for (let i = 0; i < nr; i++) {
    const pfn = mem.last(head);
    if (pfn < 0) break;
    // page_referenced reads (and clears) the PTE accessed bits only mapped pages have; a
    // referenced page counts as rotated even though it too goes inactive.
    if (mem.flags[pfn]! & PG_anon && pageReferenced(k, pfn)) k.node.recentRotated[0]++;
    setActive(k, pfn, false);
    sc.nrScanned++;
    k.node.recentScanned[lru >= Lru.InactiveFile ? 1 : 0]++;
  }
  k.charge(COST_SCAN * nr);
}

/**
 * try_to_unmap for an anonymous page in the swap cache: its PTE becomes the swap entry. A page
 * still shared copy-on-write with a fork is left alone (bpfbox keeps one mapping per rmap slot).
 */
function tryToUnmap(k: Kernel, pfn: number): boolean {
  const slot = k.mem.owner[pfn]!;
  const rm = k.rmap;
  if (rm.mapcount[slot]! !== 1) return false;
  const mm = k.mms.get(rm.mm[slot]!);
  if (!mm) return false;
  const va = rm.va[slot]!;
  const table = mm.pteTable(va);
  if (!table) return false;
  const i = MmStruct.pteIndex(va);
  if (table[i] !== pfn + 1) return false;
  const swapSlot = rm.swap[slot]!;
  table[i] = -(swapSlot + 1);
  k.swap!.dup(swapSlot);
  mm.rss[MmCounter.AnonPages]--;
  mm.rss[MmCounter.SwapEnts]++;
  rm.mapcount[slot] = 0;
  k.node.vmstat[NodeStat.NR_ANON_MAPPED]--;
  return true;
}

/** __remove_mapping: a clean, unmapped page cache page leaves its file; the caller frees it. */
function __remove_mapping(k: Kernel, pfn: number): void {
  const mapping = pageMapping(k, pfn)!;
  k.enter(F___remove_mapping, mapping.addr, pfn, 1);
  __delete_from_page_cache(k, pfn, mapping);
  k.leave(F___remove_mapping, 1);
}

const freeBatch = new Int32Array(SWAP_CLUSTER_MAX);

/**
 * shrink_inactive_list + shrink_page_list: take pages off the tail of an inactive list; those
 * referenced since the last scan go back to the active list, the rest are swapped out and freed.
 */
function shrinkInactiveList(k: Kernel, nr: number, lru: Lru, sc: ScanControl): number {
  const mem = k.mem;
  const head = k.node.lru[lru]!;
  let reclaimed = 0;
  let nfree = 0;
  for (let i = 0; i < nr; i++) {
    const pfn = mem.last(head);
    if (pfn < 0) break;
    sc.nrScanned++;
    k.charge(COST_SCAN);
    const stat = lru >= Lru.InactiveFile ? 1 : 0;
    k.node.recentScanned[stat]++;
    if (!(mem.flags[pfn]! & PG_swapbacked)) {
      // A page cache page: one under read IO is locked and stays (trylock_page fails); an
      // unmapped clean one is reclaimed whether or not read() touched it since
      // (page_check_references: PAGEREF_RECLAIM_CLEAN), without IO.
      if (mem.flags[pfn]! & PG_locked) {
        rotate(k, pfn);
        continue;
      }
      mem.clear(pfn, PG_referenced);
      delPageFromLru(k, pfn);
      __remove_mapping(k, pfn);
      freeBatch[nfree++] = pfn;
      reclaimed++;
      if (nfree === freeBatch.length) {
        free_unref_page_list(k, freeBatch, nfree);
        nfree = 0;
      }
      continue;
    }
    if (pageReferenced(k, pfn)) {
      setActive(k, pfn, true);
      k.node.recentRotated[stat]++;
      continue;
    }
    if (!(mem.flags[pfn]! & PG_anon) || !sc.maySwap) {
      rotate(k, pfn);
      continue;
    }
    const slot = mem.owner[pfn]!;
    if (!(mem.flags[pfn]! & PG_swapcache)) {
      // add_to_swap: with no free slot the page stays, activated, as Linux does.
      const s = k.swap ? k.swap.get() : -1;
      if (s < 0) {
        setActive(k, pfn, true);
      k.node.recentRotated[stat]++;
        continue;
      }
      k.rmap.swap[slot] = s;
      mem.set(pfn, PG_swapcache);
      k.swapCachePages++;
    }
    if (!tryToUnmap(k, pfn)) {
      setActive(k, pfn, true);
      k.node.recentRotated[stat]++;
      continue;
    }
    // pageout to zram, then __remove_mapping: the swap cache lets go of the page.
    k.charge(COST_SWAPOUT);
    delPageFromLru(k, pfn);
    releaseAnonPage(k, pfn);
    freeBatch[nfree++] = pfn;
    reclaimed++;
    if (nfree === freeBatch.length) {
      free_unref_page_list(k, freeBatch, nfree);
      nfree = 0;
    }
  }
  if (nfree) free_unref_page_list(k, freeBatch, nfree);
  sc.nrReclaimed += reclaimed;
  return reclaimed;
}

/** get_scan_count: how much of each list to scan at this priority. */
function getScanCount(k: Kernel, sc: ScanControl, nr: Float64Array): void {
  const anonPrio = k.sysctl.swappiness;
  const filePrio = 200 - anonPrio;
  const noSwap = !sc.maySwap || nr_swap_pages(k) <= 0;
  let scanFile = false;
  let scanAnon = false;
  let scanEqual = false;
  if (noSwap) scanFile = true;
  else if (!sc.priority && anonPrio) scanEqual = true;
  else {
    let free = 0;
    let highWmarks = 0;
    for (const z of k.node.zones) {
      free += z.freePages();
      highWmarks += z.watermark[WMark.High]!;
    }
    const file = lruSize(k, Lru.InactiveFile) + lruSize(k, Lru.ActiveFile);
    // The file lists are nearly gone: reclaim anon, if its inactive list has something to give.
    if (file + free <= highWmarks && !inactiveListIsLow(k, false) && lruSize(k, Lru.InactiveAnon) >> sc.priority > 0) scanAnon = true;
    else if (!inactiveListIsLow(k, true) && lruSize(k, Lru.InactiveFile) >> sc.priority > 0) scanFile = true;
  }
  // SCAN_FRACT: each side's priority, raised by how much of what it scanned stayed inactive
  // (rotated pages are working set, so reclaim there is less fruitful).
  const pg = k.node;
  const anonSize = lruSize(k, Lru.InactiveAnon) + lruSize(k, Lru.ActiveAnon);
  const fileSize = lruSize(k, Lru.InactiveFile) + lruSize(k, Lru.ActiveFile);
  const sizes = [anonSize, fileSize];
  for (let t = 0; t < 2; t++) {
    if (pg.recentScanned[t]! > sizes[t]! / 4) {
      pg.recentScanned[t] = Math.floor(pg.recentScanned[t]! / 2);
      pg.recentRotated[t] = Math.floor(pg.recentRotated[t]! / 2);
    }
  }
  const ap = Math.floor((anonPrio * (pg.recentScanned[0]! + 1)) / (pg.recentRotated[0]! + 1));
  const fp = Math.floor((filePrio * (pg.recentScanned[1]! + 1)) / (pg.recentRotated[1]! + 1));
  for (let lru = 0; lru < Lru.Unevictable; lru++) {
    const isFile = lru >= Lru.InactiveFile;
    let scan = Math.floor(lruSize(k, lru) / 2 ** sc.priority);
    if (scanFile && !isFile) scan = 0;
    else if (scanAnon && isFile) scan = 0;
    else if (!scanFile && !scanAnon && !scanEqual) scan = Math.floor((scan * (isFile ? fp : ap)) / (ap + fp + 1));
    // At the lowest priorities (or on a tiny list) scan at least something so reclaim progresses.
    if (scan === 0 && sc.priority <= 1 && lruSize(k, lru) > 0 && !(scanFile && !isFile) && !(scanAnon && isFile)) scan = Math.min(lruSize(k, lru), SWAP_CLUSTER_MAX);
    nr[lru] = scan;
  }
}

const scanNr = new Float64Array(Lru.Count);

/** shrink_node (shrink_node_memcg for the root memcg). */
function shrink_node(k: Kernel, pgdat: PglistData, sc: ScanControl): void {
  k.enter(F_shrink_node, pgdat.nodeId, -1);
  const nr = scanNr;
  getScanCount(k, sc, nr);
  const target = sc.nrToReclaim;
  while (nr[Lru.InactiveAnon]! || nr[Lru.ActiveFile]! || nr[Lru.InactiveFile]!) {
    for (let lru = 0; lru < Lru.Unevictable; lru++) {
      if (!nr[lru]) continue;
      const n = Math.min(nr[lru]!, SWAP_CLUSTER_MAX);
      nr[lru] -= n;
      const file = lru >= Lru.InactiveFile;
      if (lru === Lru.ActiveAnon || lru === Lru.ActiveFile) {
        if (inactiveListIsLow(k, file)) shrinkActiveList(k, n, lru, sc);
      } else {
        shrinkInactiveList(k, n, lru, sc);
      }
    }
    if (sc.nrReclaimed >= target && !(k.current.flags & PF_KSWAPD)) break;
  }
  // Keep the anonymous inactive list filled so the next pass finds candidates.
  if (inactiveListIsLow(k, false) && nr_swap_pages(k) > 0) shrinkActiveList(k, SWAP_CLUSTER_MAX, Lru.ActiveAnon, sc);
  k.leaveVoid(F_shrink_node);
}

/** zone_watermark_ok_safe at the high mark for every zone up to classzone: pgdat_balanced. */
export function pgdat_balanced(k: Kernel, pgdat: PglistData, order: number, classzoneIdx: number): boolean {
  let any = false;
  for (let i = 0; i <= Math.min(classzoneIdx, ZoneType.Count - 1); i++) {
    const z = pgdat.zones[i]!;
    if (!z.managedPages) continue;
    any = true;
    if (zone_watermark_ok(k, z, order, z.watermark[WMark.High]!, classzoneIdx, 0)) return true;
  }
  return !any;
}

function pgdatWatermarkBoosted(pgdat: PglistData, classzoneIdx: number): boolean {
  for (let i = classzoneIdx; i >= 0; i--) {
    const z = pgdat.zones[i];
    if (z && z.managedPages && z.watermarkBoost) return true;
  }
  return false;
}

/** wakeup_kswapd: called by allocators below the low watermark, in their own context. */
export function wakeup_kswapd(k: Kernel, zone: Zone, gfp: number, order: number, classzoneIdx: number): void {
  if (!zone.managedPages) return;
  k.enter(F_wakeup_kswapd, zone.idx, gfp, order, classzoneIdx);
  const pgdat = k.node;
  pgdat.kswapdClasszoneIdx = pgdat.kswapdClasszoneIdx === ZoneType.Count ? classzoneIdx : Math.max(pgdat.kswapdClasszoneIdx, classzoneIdx);
  pgdat.kswapdOrder = Math.max(pgdat.kswapdOrder, order);
  const kswapd = pgdat.kswapd;
  if (!kswapd || !pgdat.kswapdWaiting) {
    k.leaveVoid(F_wakeup_kswapd);
    return;
  }
  if (pgdat.kswapdFailures >= MAX_RECLAIM_RETRIES || (pgdat_balanced(k, pgdat, order, classzoneIdx) && !pgdatWatermarkBoosted(pgdat, classzoneIdx))) {
    k.leaveVoid(F_wakeup_kswapd);
    return;
  }
  if (k.tpOn[mm_vmscan_wakeup_kswapd.id] !== 0) k.traceEvent(mm_vmscan_wakeup_kswapd, pgdat.nodeId, classzoneIdx, order, gfp);
  pgdat.kswapdWaiting = false;
  k.sched.wakeUp(kswapd);
  k.leaveVoid(F_wakeup_kswapd);
}

/** kswapd's reclaim target: each zone's high watermark, at least SWAP_CLUSTER_MAX. */
function highWmarkTotal(pgdat: PglistData, classzoneIdx: number): number {
  let n = 0;
  for (let i = 0; i <= classzoneIdx; i++) {
    const z = pgdat.zones[i];
    if (z && z.managedPages) n += Math.max(z.watermark[WMark.High]!, SWAP_CLUSTER_MAX);
  }
  return n;
}

/**
 * balance_pgdat, as a generator so reclaim takes virtual time and allocating tasks run while
 * kswapd works: one shrink_node pass per step, priority rising while too little is scanned.
 */
function* balance_pgdat(k: Kernel, pgdat: PglistData, order: number, classzoneIdx: number): Generator<number, number, void> {
  const boosts = new Float64Array(ZoneType.Count);
  let boostReclaim = 0;
  for (let i = 0; i <= classzoneIdx && i < ZoneType.Count; i++) {
    const z = pgdat.zones[i]!;
    if (!z.managedPages) continue;
    boostReclaim += z.watermarkBoost;
    boosts[i] = z.watermarkBoost;
  }
  const boosted = boostReclaim > 0;
  const sc = newScanControl(0, order, classzoneIdx, GFP_KERNEL);
  let restart = true;
  while (restart) {
    restart = false;
    sc.priority = DEF_PRIORITY;
    do {
      const before = sc.nrReclaimed;
      let raisePriority = true;
      const balanced = pgdat_balanced(k, pgdat, sc.order, classzoneIdx);
      if (!balanced && boostReclaim) {
        boostReclaim = 0;
        restart = true;
        break;
      }
      if (!boostReclaim && balanced) break;
      if (boostReclaim && sc.priority === DEF_PRIORITY - 2) raisePriority = false;
      sc.maySwap = !boostReclaim;
      k.enter(F_balance_pgdat, pgdat.nodeId, order, classzoneIdx);
      sc.nrScanned = 0;
      sc.nrToReclaim = highWmarkTotal(pgdat, sc.reclaimIdx);
      shrink_node(k, pgdat, sc);
      if (sc.nrScanned >= sc.nrToReclaim) raisePriority = false;
      k.leaveVoid(F_balance_pgdat);
      const reclaimed = sc.nrReclaimed - before;
      boostReclaim -= Math.min(boostReclaim, reclaimed);
      // The pass charged its virtual time as it went; yielding lets allocators run meanwhile.
      yield 0;
      if (boostReclaim && !reclaimed) break;
      if (raisePriority || !reclaimed) sc.priority--;
    } while (sc.priority >= 1);
  }
  if (!sc.nrReclaimed) pgdat.kswapdFailures++;
  else pgdat.kswapdFailures = 0;
  if (boosted) {
    for (let i = 0; i <= classzoneIdx && i < ZoneType.Count; i++) {
      if (!boosts[i]) continue;
      const z = pgdat.zones[i]!;
      z.watermarkBoost -= Math.min(z.watermarkBoost, boosts[i]!);
    }
  }
  return sc.order;
}

/** prepare_kswapd_sleep. */
function prepareKswapdSleep(k: Kernel, pgdat: PglistData, order: number, classzoneIdx: number): boolean {
  if (pgdat.kswapdFailures >= MAX_RECLAIM_RETRIES) return true;
  return pgdat_balanced(k, pgdat, order, classzoneIdx);
}

const HZ_10_NS = 100_000_000;

/** kswapd_try_to_sleep: nap HZ/10 when balanced, then sleep for good if still balanced. */
function* kswapdTryToSleep(k: Kernel, pgdat: PglistData, task: Task, reclaimOrder: number, classzoneIdx: number): Generator<number, void, void> {
  let remaining = false;
  if (prepareKswapdSleep(k, pgdat, reclaimOrder, classzoneIdx)) {
    pgdat.kswapdWaiting = true;
    const until = k.now + HZ_10_NS;
    k.sched.sleepUntil(task, until);
    yield BLOCKED;
    remaining = k.now < until;
    pgdat.kswapdWaiting = false;
    if (remaining) {
      pgdat.kswapdClasszoneIdx = pgdat.kswapdClasszoneIdx === ZoneType.Count ? classzoneIdx : Math.max(pgdat.kswapdClasszoneIdx, classzoneIdx);
      pgdat.kswapdOrder = Math.max(pgdat.kswapdOrder, reclaimOrder);
    }
  }
  if (!remaining && prepareKswapdSleep(k, pgdat, reclaimOrder, classzoneIdx)) {
    if (k.tpOn[mm_vmscan_kswapd_sleep.id] !== 0) k.traceEvent(mm_vmscan_kswapd_sleep, pgdat.nodeId);
    pgdat.kswapdWaiting = true;
    task.state = TaskState.Interruptible;
    yield BLOCKED;
    pgdat.kswapdWaiting = false;
  }
}

/** The kswapd0 kthread's body. */
export function* kswapd(k: Kernel, pgdat: PglistData, task: Task): TaskBody {
  task.flags |= PF_MEMALLOC | PF_KSWAPD;
  // kswapd() never returns: its frame stays under everything it calls.
  k.enter(F_kswapd, pgdat.nodeId);
  pgdat.kswapdOrder = 0;
  pgdat.kswapdClasszoneIdx = ZoneType.Count;
  let classzoneIdx: number = ZoneType.Count - 1;
  for (;;) {
    let allocOrder = pgdat.kswapdOrder;
    let reclaimOrder = allocOrder;
    classzoneIdx = pgdat.kswapdClasszoneIdx === ZoneType.Count ? classzoneIdx : Math.max(pgdat.kswapdClasszoneIdx, classzoneIdx);
    for (;;) {
      yield* kswapdTryToSleep(k, pgdat, task, reclaimOrder, classzoneIdx);
      allocOrder = reclaimOrder = pgdat.kswapdOrder;
      classzoneIdx = pgdat.kswapdClasszoneIdx === ZoneType.Count ? 0 : Math.max(pgdat.kswapdClasszoneIdx, 0);
      pgdat.kswapdOrder = 0;
      pgdat.kswapdClasszoneIdx = ZoneType.Count;
      if (k.tpOn[mm_vmscan_kswapd_wake.id] !== 0) k.traceEvent(mm_vmscan_kswapd_wake, pgdat.nodeId, classzoneIdx, allocOrder);
      reclaimOrder = yield* balance_pgdat(k, pgdat, allocOrder, classzoneIdx);
      if (reclaimOrder >= allocOrder) break;
    }
  }
}

/**
 * try_to_free_pages: direct reclaim in the allocating task's context, SWAP_CLUSTER_MAX pages
 * at a time, priority rising until enough is freed.
 */
export function try_to_free_pages(k: Kernel, order: number, gfp: number, highZoneIdx: number): number {
  k.enter(F_try_to_free_pages, -1, order, gfp, 0);
  const reclaimIdx = gfpZone(gfp);
  if (k.tpOn[mm_vmscan_direct_reclaim_begin.id] !== 0) k.traceEvent(mm_vmscan_direct_reclaim_begin, order, 1, gfp, reclaimIdx);
  const task = k.current;
  const saved = task.flags & PF_MEMALLOC;
  task.flags |= PF_MEMALLOC;
  const sc = newScanControl(SWAP_CLUSTER_MAX, order, Math.min(reclaimIdx, highZoneIdx), gfp);
  do {
    sc.nrScanned = 0;
    shrink_node(k, k.node, sc);
    if (sc.nrReclaimed >= sc.nrToReclaim) break;
  } while (--sc.priority >= 0);
  task.flags = (task.flags & ~PF_MEMALLOC) | saved;
  if (k.tpOn[mm_vmscan_direct_reclaim_end.id] !== 0) k.traceEvent(mm_vmscan_direct_reclaim_end, sc.nrReclaimed);
  return k.leave(F_try_to_free_pages, sc.nrReclaimed);
}

