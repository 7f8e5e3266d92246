// mm/page_alloc.c, Linux 5.0: the buddy allocator. Zones keep free_area[MAX_ORDER] lists per
// migratetype; order-0 pages go through per-cpu lists first, which is why a freed single page
// does not merge with its buddy until the per-cpu list drains. Functions Ubuntu's 5.0 build
// inlines (rmqueue, __rmqueue, __free_one_page, expand) are plain functions here: no symbol,
// no frame, no probe, just as on the real machine.

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc } from '../symbols.js';
import {
  __GFP_ATOMIC,
  __GFP_DIRECT_RECLAIM,
  __GFP_HARDWALL,
  __GFP_HIGH,
  __GFP_KSWAPD_RECLAIM,
  __GFP_MEMALLOC,
  __GFP_NOFAIL,
  __GFP_NOMEMALLOC,
  __GFP_NORETRY,
  __GFP_RETRY_MAYFAIL,
  __GFP_THISNODE,
  __GFP_ZERO,
  __GFP_HIGHMEM,
  gfpMigratetype,
  gfpZone,
  MigrateType,
  ZoneType,
} from './gfp.js';
import { WMark, ZONE_BOOSTED_WATERMARK, ZoneStat, type PerCpuPages, type Zone } from './mmzone.js';
import {
  MAX_ORDER,
  PAGE_SHIFT,
  PAGEBLOCK_ORDER,
  PG_buddy,
  PG_pcp,
  PG_used,
  type PageFrames,
} from './page.js';
import { mm_page_alloc, mm_page_alloc_extfrag, mm_page_alloc_zone_locked, mm_page_free, mm_page_free_batched, mm_page_pcpu_drain } from '../trace/events/kmem.js';
import { PF_MEMALLOC } from '../sched/task.js';
import { try_to_free_pages, wakeup_kswapd } from './vmscan.js';
import { out_of_memory, tskIsOomVictim } from './oom_kill.js';
import { alloc_pages } from './mempolicy.js';
import { nr_swap_pages } from './swapfile.js';

const FILE = 'mm/page_alloc.c';

export const F_free_pcppages_bulk = kfunc('free_pcppages_bulk', { file: FILE, size: 0x3f0, args: [ArgKind.Int, ArgKind.Int, ArgKind.Int] });
export const F_free_one_page = kfunc('free_one_page', { file: FILE, size: 0x3c0, args: [ArgKind.Int, ArgKind.Page, ArgKind.Int, ArgKind.Int, ArgKind.Int] });
export const F___free_pages_ok = kfunc('__free_pages_ok', { file: FILE, size: 0x2d0, args: [ArgKind.Page, ArgKind.Int] });
export const F_drain_local_pages = kfunc('drain_local_pages', { file: FILE, size: 0x60, global: true, args: [ArgKind.Int] });
export const F_drain_all_pages = kfunc('drain_all_pages', { file: FILE, size: 0x1b0, global: true, args: [ArgKind.Int] });
export const F_free_unref_page = kfunc('free_unref_page', { file: FILE, size: 0x70, global: true, args: [ArgKind.Page] });
export const F_get_page_from_freelist = kfunc('get_page_from_freelist', {
  file: FILE,
  size: 0x10e0,
  args: [ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.Vmalloc],
  ret: ArgKind.Page,
});
export const F___alloc_pages_slowpath = kfunc('__alloc_pages_slowpath', {
  file: FILE,
  size: 0xc30,
  args: [ArgKind.Int, ArgKind.Int, ArgKind.Vmalloc],
  ret: ArgKind.Page,
});
export const F___alloc_pages_nodemask = kfunc('__alloc_pages_nodemask', {
  file: FILE,
  size: 0x2d0,
  global: true,
  args: [ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.Int],
  ret: ArgKind.Page,
});
export const F___get_free_pages = kfunc('__get_free_pages', { file: FILE, size: 0x40, global: true, args: [ArgKind.Int, ArgKind.Int], ret: ArgKind.Direct });
export const F_get_zeroed_page = kfunc('get_zeroed_page', { file: FILE, size: 0x20, global: true, args: [ArgKind.Int], ret: ArgKind.Direct });
export const F___free_pages = kfunc('__free_pages', { file: FILE, size: 0x30, global: true, args: [ArgKind.Page, ArgKind.Int] });
export const F_free_pages = kfunc('free_pages', { file: FILE, size: 0x40, global: true, args: [ArgKind.Direct, ArgKind.Int] });

/** mm/internal.h alloc flags. */
export const ALLOC_WMARK_MIN = WMark.Min;
export const ALLOC_WMARK_LOW = WMark.Low;
export const ALLOC_WMARK_HIGH = WMark.High;
export const ALLOC_NO_WATERMARKS = 0x04;
export const ALLOC_WMARK_MASK = ALLOC_NO_WATERMARKS - 1;
export const ALLOC_OOM = 0x08;
export const ALLOC_HARDER = 0x10;
export const ALLOC_HIGH = 0x20;
export const ALLOC_CPUSET = 0x40;
export const ALLOC_NOFRAGMENT = 0x100;
export const ALLOC_KSWAPD = 0x200;

const PAGE_ALLOC_COSTLY_ORDER = 3;
const MAX_RECLAIM_RETRIES = 16;

/** Virtual cost of allocator work, in ns: what a 2019 x86 core takes for these paths. */
const COST_PCP = 40;
const COST_BUDDY = 150;
const COST_ZERO_PAGE = 250;

/** fallbacks[]: where a migratetype steals from when its own lists are empty. */
const FALLBACKS: readonly (readonly number[])[] = [
  [MigrateType.Reclaimable, MigrateType.Movable],
  [MigrateType.Reclaimable, MigrateType.Unmovable],
  [MigrateType.Unmovable, MigrateType.Movable],
];

/** __find_buddy_pfn: the buddy of a block differs from it in exactly bit `order`. */
export function __find_buddy_pfn(pfn: number, order: number): number {
  return pfn ^ (1 << order);
}

function pageIsBuddy(mem: PageFrames, zone: Zone, buddy: number, order: number): boolean {
  if (buddy < zone.zoneStartPfn || buddy >= zone.zoneStartPfn + zone.spannedPages) return false;
  return (mem.flags[buddy]! & PG_buddy) !== 0 && mem.order(buddy) === order;
}

function setPageBuddy(mem: PageFrames, pfn: number, order: number, mt: number): void {
  mem.flags[pfn] = (mem.flags[pfn]! & ~(PG_used | PG_pcp)) | PG_buddy;
  mem.setOrder(pfn, order);
  mem.owner[pfn] = mt;
}

function rmvPageOrder(mem: PageFrames, pfn: number): void {
  mem.clear(pfn, PG_buddy);
  mem.setOrder(pfn, 0);
}

export function getPageblockMigratetype(mem: PageFrames, pfn: number): number {
  return mem.pageblockMt[pfn >>> PAGEBLOCK_ORDER]!;
}

function setPageblockMigratetype(mem: PageFrames, pfn: number, mt: number): void {
  mem.pageblockMt[pfn >>> PAGEBLOCK_ORDER] = mt;
}

/** __free_one_page: merge with free buddies as far as they go, then list the block. */
function __free_one_page(k: Kernel, pfn: number, zone: Zone, order: number, mt: number): void {
  const mem = k.mem;
  zone.vmstat[ZoneStat.NR_FREE_PAGES] += 1 << order;
  let buddyPfn = 0;
  while (order < MAX_ORDER - 1) {
    buddyPfn = __find_buddy_pfn(pfn, order);
    if (!pageIsBuddy(mem, zone, buddyPfn, order)) break;
    mem.listDel(buddyPfn);
    zone.nrFree[order]!--;
    rmvPageOrder(mem, buddyPfn);
    pfn = buddyPfn & pfn;
    order++;
  }
  setPageBuddy(mem, pfn, order, mt);
  // If the next-higher buddy is free too, this block is likely to merge soon: keep it at the
  // tail so it is not handed out first.
  if (order < MAX_ORDER - 2) {
    const combined = __find_buddy_pfn(pfn, order) & pfn;
    const higherBuddy = __find_buddy_pfn(combined, order + 1);
    if (pageIsBuddy(mem, zone, higherBuddy, order + 1)) {
      mem.listAddTail(pfn, zone.list(order, mt));
      zone.nrFree[order]!++;
      return;
    }
  }
  mem.listAdd(pfn, zone.list(order, mt));
  zone.nrFree[order]!++;
}

/** expand: hand the upper halves of a split block back to the lower orders. */
function expand(mem: PageFrames, zone: Zone, pfn: number, low: number, high: number, mt: number): void {
  let size = 1 << high;
  while (high > low) {
    high--;
    size >>= 1;
    const half = pfn + size;
    mem.listAdd(half, zone.list(high, mt));
    zone.nrFree[high]!++;
    setPageBuddy(mem, half, high, mt);
  }
}

/** __rmqueue_smallest: the first block of the lowest sufficient order on this migratetype. */
function __rmqueue_smallest(k: Kernel, zone: Zone, order: number, mt: number): number {
  const mem = k.mem;
  for (let o = order; o < MAX_ORDER; o++) {
    const pfn = mem.first(zone.list(o, mt));
    if (pfn < 0) continue;
    mem.listDel(pfn);
    rmvPageOrder(mem, pfn);
    zone.nrFree[o]!--;
    expand(mem, zone, pfn, order, o, mt);
    mem.owner[pfn] = mt;
    return pfn;
  }
  return -1;
}

function canStealFallback(order: number, startMt: number): boolean {
  if (order >= PAGEBLOCK_ORDER) return true;
  return order >= PAGEBLOCK_ORDER / 2 || startMt === MigrateType.Reclaimable || startMt === MigrateType.Unmovable;
}

/** find_suitable_fallback; the steal verdict comes back through `stealOut[0]`. */
function findSuitableFallback(k: Kernel, zone: Zone, order: number, mt: number, stealOut: Uint8Array): number {
  if (zone.nrFree[order] === 0) return -1;
  stealOut[0] = 0;
  for (const fb of FALLBACKS[mt]!) {
    if (k.mem.listEmpty(zone.list(order, fb))) continue;
    if (canStealFallback(order, mt)) stealOut[0] = 1;
    return fb;
  }
  return -1;
}

const stealScratch = new Uint8Array(1);

/**
 * move_freepages_block: moves the free blocks of a pageblock onto `mt`'s lists and counts the
 * pages of the block that are free and, for movable stealing, in use by movable allocations.
 */
function moveFreepagesBlock(k: Kernel, zone: Zone, pfn: number, mt: number): [free: number, movable: number] {
  const mem = k.mem;
  const start = Math.max(pfn & ~((1 << PAGEBLOCK_ORDER) - 1), zone.zoneStartPfn);
  const end = Math.min(start + (1 << PAGEBLOCK_ORDER), zone.zoneStartPfn + zone.spannedPages);
  let free = 0;
  let movable = 0;
  for (let p = start; p < end; ) {
    const f = mem.flags[p]!;
    if (f & PG_buddy) {
      const o = mem.order(p);
      mem.listDel(p);
      mem.listAdd(p, zone.list(o, mt));
      mem.owner[p] = mt;
      free += 1 << o;
      p += 1 << o;
      continue;
    }
    if (f & PG_used) {
      const o = mem.order(p);
      if (mem.owner[p] === -2) movable += 1 << o;
      p += 1 << o;
      continue;
    }
    p++;
  }
  return [free, movable];
}

function boostWatermark(k: Kernel, zone: Zone): void {
  const factor = k.sysctl.watermarkBoostFactor;
  if (!factor) return;
  let maxBoost = Math.floor((zone.watermark[WMark.High]! * factor) / 10000);
  if (!maxBoost) return;
  maxBoost = Math.max(1 << PAGEBLOCK_ORDER, maxBoost);
  zone.watermarkBoost = Math.min(zone.watermarkBoost + (1 << PAGEBLOCK_ORDER), maxBoost);
}

/** steal_suitable_fallback. */
function stealSuitableFallback(k: Kernel, zone: Zone, pfn: number, allocFlags: number, startType: number, wholeBlock: boolean): void {
  const mem = k.mem;
  const order = mem.order(pfn);
  const oldType = getPageblockMigratetype(mem, pfn);
  if (oldType !== MigrateType.HighAtomic) {
    if (order >= PAGEBLOCK_ORDER) {
      for (let p = pfn; p < pfn + (1 << order); p += 1 << PAGEBLOCK_ORDER) setPageblockMigratetype(mem, p, startType);
    } else {
      boostWatermark(k, zone);
      if (allocFlags & ALLOC_KSWAPD) zone.flags |= ZONE_BOOSTED_WATERMARK;
      if (wholeBlock) {
        const [free, movable] = moveFreepagesBlock(k, zone, pfn, startType);
        if (free) {
          const alike = startType === MigrateType.Movable ? movable : oldType === MigrateType.Movable ? (1 << PAGEBLOCK_ORDER) - (free + movable) : 0;
          if (free + alike >= 1 << (PAGEBLOCK_ORDER - 1)) setPageblockMigratetype(mem, pfn, startType);
          return;
        }
      }
    }
  }
  mem.listDel(pfn);
  mem.listAdd(pfn, zone.list(order, startType));
  mem.owner[pfn] = startType;
}

/** __rmqueue_fallback: steal the largest block another migratetype can spare. */
function __rmqueue_fallback(k: Kernel, zone: Zone, order: number, startMt: number, allocFlags: number): boolean {
  const minOrder = allocFlags & ALLOC_NOFRAGMENT ? PAGEBLOCK_ORDER : order;
  let current = -1;
  let fbMt = -1;
  for (let o = MAX_ORDER - 1; o >= minOrder; o--) {
    fbMt = findSuitableFallback(k, zone, o, startMt, stealScratch);
    if (fbMt === -1) continue;
    current = o;
    if (!stealScratch[0] && startMt === MigrateType.Movable && o > order) {
      // Movable allocations that cannot take the whole block split the smallest one instead.
      for (let s = order; s < MAX_ORDER; s++) {
        fbMt = findSuitableFallback(k, zone, s, startMt, stealScratch);
        if (fbMt !== -1) {
          current = s;
          break;
        }
      }
    }
    break;
  }
  if (current < 0) return false;
  const pfn = k.mem.first(zone.list(current, fbMt));
  stealSuitableFallback(k, zone, pfn, allocFlags, startMt, stealScratch[0] === 1);
  if (k.tpOn[mm_page_alloc_extfrag.id] !== 0) {
    // change_ownership: whether the steal took the pageblock for the allocation's type.
    const owned = getPageblockMigratetype(k.mem, pfn) === startMt ? 1 : 0;
    k.traceEvent(mm_page_alloc_extfrag, pfn, order, current, startMt, fbMt, owned);
  }
  return true;
}

/** __rmqueue. */
function __rmqueue(k: Kernel, zone: Zone, order: number, mt: number, allocFlags: number): number {
  let pfn: number;
  for (;;) {
    pfn = __rmqueue_smallest(k, zone, order, mt);
    if (pfn >= 0 || !__rmqueue_fallback(k, zone, order, mt, allocFlags)) break;
  }
  if (k.tpOn[mm_page_alloc_zone_locked.id] !== 0) k.traceEvent(mm_page_alloc_zone_locked, pfn < 0 ? 0 : pfn, order, mt);
  return pfn;
}

/** rmqueue_bulk: refill a per-cpu list with `count` order-0 pages, in physical order. */
function rmqueue_bulk(k: Kernel, zone: Zone, count: number, list: number, mt: number, allocFlags: number): number {
  const mem = k.mem;
  let i = 0;
  for (; i < count; i++) {
    const pfn = __rmqueue(k, zone, 0, mt, allocFlags);
    if (pfn < 0) break;
    mem.flags[pfn] = mem.flags[pfn]! | PG_pcp;
    mem.owner[pfn] = mt;
    mem.listAddTail(pfn, list);
  }
  zone.vmstat[ZoneStat.NR_FREE_PAGES] -= i;
  k.charge(COST_BUDDY + i * 20);
  return i;
}

function rmqueue_pcplist(k: Kernel, zone: Zone, mt: number, allocFlags: number): number {
  const mem = k.mem;
  const pcp = zone.pageset[k.cpu]!;
  const list = pcp.lists[mt]!;
  if (mem.listEmpty(list)) {
    pcp.count += rmqueue_bulk(k, zone, pcp.batch, list, mt, allocFlags);
    if (mem.listEmpty(list)) return -1;
  }
  const pfn = mem.first(list);
  mem.listDel(pfn);
  pcp.count--;
  mem.clear(pfn, PG_pcp);
  k.charge(COST_PCP);
  return pfn;
}

/** rmqueue: order 0 from this CPU's list, larger orders from the buddy lists under zone->lock. */
function rmqueue(k: Kernel, zone: Zone, order: number, allocFlags: number, mt: number): number {
  let pfn: number;
  if (order === 0) {
    pfn = rmqueue_pcplist(k, zone, mt, allocFlags);
  } else {
    pfn = -1;
    if (allocFlags & ALLOC_HARDER) {
      pfn = __rmqueue_smallest(k, zone, order, MigrateType.HighAtomic);
      if (pfn >= 0 && k.tpOn[mm_page_alloc_zone_locked.id] !== 0) k.traceEvent(mm_page_alloc_zone_locked, pfn, order, mt);
    }
    if (pfn < 0) pfn = __rmqueue(k, zone, order, mt, allocFlags);
    if (pfn >= 0) zone.vmstat[ZoneStat.NR_FREE_PAGES] -= 1 << order;
    k.charge(COST_BUDDY);
  }
  if (pfn >= 0) {
    zone.vmstat[ZoneStat.NUMA_HIT]++;
    zone.vmstat[ZoneStat.NUMA_LOCAL]++;
  }
  if (zone.flags & ZONE_BOOSTED_WATERMARK) {
    zone.flags &= ~ZONE_BOOSTED_WATERMARK;
    wakeup_kswapd(k, zone, 0, 0, zone.idx);
  }
  return pfn;
}

/** __zone_watermark_ok. */
export function __zone_watermark_ok(k: Kernel, z: Zone, order: number, mark: number, classzoneIdx: number, allocFlags: number, freePages: number): boolean {
  let min = mark;
  const harder = (allocFlags & (ALLOC_HARDER | ALLOC_OOM)) !== 0;
  freePages -= (1 << order) - 1;
  if (allocFlags & ALLOC_HIGH) min -= Math.floor(min / 2);
  if (!harder) freePages -= z.nrReservedHighatomic;
  else if (allocFlags & ALLOC_OOM) min -= Math.floor(min / 2);
  else min -= Math.floor(min / 4);
  if (freePages <= min + z.lowmemReserve[classzoneIdx]!) return false;
  if (!order) return true;
  const mem = k.mem;
  for (let o = order; o < MAX_ORDER; o++) {
    if (!z.nrFree[o]) continue;
    for (let mt = 0; mt < MigrateType.PcpTypes; mt++) if (!mem.listEmpty(z.list(o, mt))) return true;
    if (harder && !mem.listEmpty(z.list(o, MigrateType.HighAtomic))) return true;
  }
  return false;
}

export function zone_watermark_ok(k: Kernel, z: Zone, order: number, mark: number, classzoneIdx: number, allocFlags: number): boolean {
  return __zone_watermark_ok(k, z, order, mark, classzoneIdx, allocFlags, z.freePages());
}

function zoneWatermarkFast(k: Kernel, z: Zone, order: number, mark: number, classzoneIdx: number, allocFlags: number): boolean {
  const free = z.freePages();
  if (!order && free > mark + z.lowmemReserve[classzoneIdx]!) return true;
  return __zone_watermark_ok(k, z, order, mark, classzoneIdx, allocFlags, free);
}

/** The first populated zone at or below `high`: the zonelist's preferred zone. */
export function preferredZone(k: Kernel, high: number): Zone | null {
  const zones = k.node.zones;
  for (let i = Math.min(high, ZoneType.Count - 1); i >= 0; i--) if (zones[i]!.managedPages > 0) return zones[i]!;
  return null;
}

function prepNewPage(k: Kernel, pfn: number, order: number, gfp: number, movable: boolean): void {
  const mem = k.mem;
  mem.flags[pfn] = PG_used | (order << 24);
  // owner -2 marks a movable allocation (move_freepages_block counts them when stealing).
  mem.owner[pfn] = movable ? -2 : -1;
  if (gfp & __GFP_ZERO) k.charge(COST_ZERO_PAGE << order);
}

/**
 * get_page_from_freelist: walk the zonelist from the preferred zone down and take from the
 * first zone whose watermark allows it.
 */
export function get_page_from_freelist(k: Kernel, gfp: number, order: number, allocFlags: number, highZoneIdx: number, mt: number): number {
  k.enter(F_get_page_from_freelist, gfp, order, allocFlags, k.current.stackVa < 0 ? -1 : k.current.stackVa + 0x3c48);
  const zones = k.node.zones;
  const pref = preferredZone(k, highZoneIdx);
  const classzone = pref ? pref.idx : 0;
  for (let retry = 0; retry < 2; retry++) {
    const noFallback = (allocFlags & ALLOC_NOFRAGMENT) !== 0;
    for (let i = classzone; i >= 0; i--) {
      const zone = zones[i]!;
      if (!zone.managedPages) continue;
      if (!(allocFlags & ALLOC_NO_WATERMARKS)) {
        const mark = zone.wmark(allocFlags & ALLOC_WMARK_MASK);
        if (!zoneWatermarkFast(k, zone, order, mark, classzone, allocFlags)) continue;
      }
      const pfn = rmqueue(k, zone, order, allocFlags, mt);
      if (pfn >= 0) {
        prepNewPage(k, pfn, order, gfp, mt === MigrateType.Movable);
        return k.leave(F_get_page_from_freelist, pfn);
      }
    }
    if (!noFallback) break;
    allocFlags &= ~ALLOC_NOFRAGMENT;
  }
  return k.leave(F_get_page_from_freelist, -1);
}

function gfpToAllocFlags(gfp: number): number {
  let flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;
  flags |= gfp & __GFP_HIGH;
  if (gfp & __GFP_ATOMIC) {
    if (!(gfp & __GFP_NOMEMALLOC)) flags |= ALLOC_HARDER;
    flags &= ~ALLOC_CPUSET;
  }
  if (gfp & __GFP_KSWAPD_RECLAIM) flags |= ALLOC_KSWAPD;
  return flags;
}

function gfpPfmemallocFlags(k: Kernel, gfp: number): number {
  if (gfp & __GFP_NOMEMALLOC) return 0;
  if (gfp & __GFP_MEMALLOC) return ALLOC_NO_WATERMARKS;
  if (k.current.flags & PF_MEMALLOC) return ALLOC_NO_WATERMARKS;
  if (tskIsOomVictim(k.current)) return ALLOC_OOM;
  return 0;
}

function wakeAllKswapds(k: Kernel, order: number, gfp: number, highZoneIdx: number): void {
  const pref = preferredZone(k, highZoneIdx);
  if (pref) wakeup_kswapd(k, pref, gfp, order, highZoneIdx);
}

/** zone_reclaimable_pages: what reclaim could still get back from this zone's LRU lists. */
function zoneReclaimablePages(k: Kernel, zone: Zone): number {
  let n = zone.vmstat[ZoneStat.NR_ZONE_INACTIVE_FILE]! + zone.vmstat[ZoneStat.NR_ZONE_ACTIVE_FILE]!;
  if (nr_swap_pages(k) > 0) n += zone.vmstat[ZoneStat.NR_ZONE_INACTIVE_ANON]! + zone.vmstat[ZoneStat.NR_ZONE_ACTIVE_ANON]!;
  return n;
}

function shouldReclaimRetry(k: Kernel, order: number, highZoneIdx: number, allocFlags: number, progress: boolean, loops: Int32Array): boolean {
  if (progress && order <= PAGE_ALLOC_COSTLY_ORDER) loops[0] = 0;
  else loops[0]!++;
  if (loops[0]! > MAX_RECLAIM_RETRIES) return false;
  const pref = preferredZone(k, highZoneIdx);
  const classzone = pref ? pref.idx : 0;
  for (let i = classzone; i >= 0; i--) {
    const zone = k.node.zones[i]!;
    if (!zone.managedPages) continue;
    const available = zoneReclaimablePages(k, zone) + zone.freePages();
    if (__zone_watermark_ok(k, zone, order, zone.wmark(WMark.Min), classzone, allocFlags, available)) return true;
  }
  return false;
}

/**
 * __alloc_pages_slowpath: below the low watermark. Wake kswapd, retry at min, reclaim directly,
 * and when nothing helps, invoke the OOM killer.
 */
function __alloc_pages_slowpath(k: Kernel, gfp: number, order: number, highZoneIdx: number, mt: number): number {
  k.enter(F___alloc_pages_slowpath, gfp, order, k.current.stackVa < 0 ? -1 : k.current.stackVa + 0x3d10);
  const canDirectReclaim = (gfp & __GFP_DIRECT_RECLAIM) !== 0;
  const costly = order > PAGE_ALLOC_COSTLY_ORDER;
  let allocFlags = gfpToAllocFlags(gfp);
  const loops = new Int32Array(1);
  let pfn = -1;
  if (allocFlags & ALLOC_KSWAPD) wakeAllKswapds(k, order, gfp, highZoneIdx);
  pfn = get_page_from_freelist(k, gfp, order, allocFlags, highZoneIdx, mt);
  if (pfn >= 0) return k.leave(F___alloc_pages_slowpath, pfn);
  for (let guard = 0; guard < 1000; guard++) {
    if (allocFlags & ALLOC_KSWAPD) wakeAllKswapds(k, order, gfp, highZoneIdx);
    const reserve = gfpPfmemallocFlags(k, gfp);
    if (reserve) allocFlags = reserve;
    pfn = get_page_from_freelist(k, gfp, order, allocFlags, highZoneIdx, mt);
    if (pfn >= 0) break;
    if (!canDirectReclaim) break;
    if (k.current.flags & PF_MEMALLOC) break;
    // __alloc_pages_direct_reclaim
    const progress = try_to_free_pages(k, order, gfp, highZoneIdx);
    if (progress) {
      pfn = get_page_from_freelist(k, gfp, order, allocFlags, highZoneIdx, mt);
      if (pfn < 0) {
        drain_all_pages(k);
        pfn = get_page_from_freelist(k, gfp, order, allocFlags, highZoneIdx, mt);
      }
      if (pfn >= 0) break;
    }
    if (gfp & __GFP_NORETRY) break;
    if (costly && !(gfp & __GFP_RETRY_MAYFAIL)) break;
    if (shouldReclaimRetry(k, order, highZoneIdx, allocFlags, progress > 0, loops)) continue;
    // __alloc_pages_may_oom
    pfn = get_page_from_freelist(k, (gfp | __GFP_HARDWALL) & ~__GFP_DIRECT_RECLAIM, order, ALLOC_WMARK_HIGH | ALLOC_CPUSET, highZoneIdx, mt);
    if (pfn >= 0) break;
    if (costly || gfp & __GFP_RETRY_MAYFAIL || highZoneIdx < ZoneType.Normal || gfp & __GFP_THISNODE) break;
    const killed = out_of_memory(k, gfp, order);
    if (tskIsOomVictim(k.current) && (allocFlags === ALLOC_OOM || gfp & __GFP_NOMEMALLOC)) break;
    if (killed) {
      loops[0] = 0;
      continue;
    }
    if (!(gfp & __GFP_NOFAIL)) break;
  }
  if (pfn < 0 && !(gfp & __GFP_NOFAIL)) warnAlloc(k, gfp, order);
  return k.leave(F___alloc_pages_slowpath, pfn);
}

function warnAlloc(k: Kernel, gfp: number, order: number): void {
  if (gfp & 0x200) return; // __GFP_NOWARN
  const t = k.current;
  k.printk(`${t.comm}: page allocation failure: order:${order}, mode:0x${gfp.toString(16)}, nodemask=(null)`, 4);
}

/** alloc_flags_nofragment: Normal-zone allocations avoid splitting DMA32's pageblocks. */
function allocFlagsNofragment(k: Kernel, zone: Zone | null, gfp: number): number {
  let flags = 0;
  if (gfp & __GFP_KSWAPD_RECLAIM) flags |= ALLOC_KSWAPD;
  if (!zone || zone.idx !== ZoneType.Normal) return flags;
  if (!k.node.zones[ZoneType.DMA32]!.managedPages) return flags;
  return flags | ALLOC_NOFRAGMENT;
}

/** __alloc_pages_nodemask: the heart of the zoned buddy allocator. Returns a pfn or -1. */
export function __alloc_pages_nodemask(k: Kernel, gfp: number, order: number, nid = 0): number {
  k.enter(F___alloc_pages_nodemask, gfp, order, nid, 0);
  if (order >= MAX_ORDER) return k.leave(F___alloc_pages_nodemask, -1);
  const high = gfpZone(gfp);
  const mt = gfpMigratetype(gfp);
  const pref = preferredZone(k, high);
  let allocFlags = ALLOC_WMARK_LOW | allocFlagsNofragment(k, pref, gfp);
  let pfn = get_page_from_freelist(k, gfp, order, allocFlags, high, mt);
  if (pfn < 0) {
    allocFlags = 0;
    pfn = __alloc_pages_slowpath(k, gfp, order, high, mt);
  }
  if (k.tpOn[mm_page_alloc.id] !== 0) k.traceEvent(mm_page_alloc, pfn < 0 ? 0 : pfn, order, gfp, mt);
  return k.leave(F___alloc_pages_nodemask, pfn);
}

/** page_address: on x86_64 every page is in the direct map at pfn << PAGE_SHIFT. */
export function page_address(pfn: number): number {
  return pfn * (1 << PAGE_SHIFT);
}

/** __get_free_pages: a page's direct-map address (as an offset into the direct map), or 0. */
export function __get_free_pages(k: Kernel, gfp: number, order: number): number {
  k.enter(F___get_free_pages, gfp, order);
  const pfn = alloc_pages(k, gfp & ~__GFP_HIGHMEM, order);
  return k.leave(F___get_free_pages, pfn < 0 ? 0 : page_address(pfn));
}

export function get_zeroed_page(k: Kernel, gfp: number): number {
  k.enter(F_get_zeroed_page, gfp);
  const addr = __get_free_pages(k, gfp | __GFP_ZERO, 0);
  return k.leave(F_get_zeroed_page, addr);
}

/** free_pages_prepare: the point where mm_page_free fires. */
function freePagesPrepare(k: Kernel, pfn: number, order: number): void {
  if (k.tpOn[mm_page_free.id] !== 0) k.traceEvent(mm_page_free, pfn, order);
  const mem = k.mem;
  if (!(mem.flags[pfn]! & PG_used)) throw new Error(`freeing pfn ${pfn} which is not allocated`);
  mem.flags[pfn] = 0;
  mem.owner[pfn] = -1;
}

export function free_one_page(k: Kernel, zone: Zone, pfn: number, order: number, mt: number): void {
  k.enter(F_free_one_page, zone.idx, pfn, order, mt, 0);
  __free_one_page(k, pfn, zone, order, mt);
  k.charge(COST_BUDDY);
  k.leaveVoid(F_free_one_page);
}

function __free_pages_ok(k: Kernel, pfn: number, order: number): void {
  k.enter(F___free_pages_ok, pfn, order);
  freePagesPrepare(k, pfn, order);
  const mt = getPageblockMigratetype(k.mem, pfn);
  free_one_page(k, k.node.zoneOf(pfn), pfn, order, mt);
  k.leaveVoid(F___free_pages_ok);
}

/**
 * free_pcppages_bulk: return `count` pages from a per-cpu list to the buddy lists, round-robin
 * over the migratetypes, oldest first. This is where order-0 pages finally merge.
 */
export function free_pcppages_bulk(k: Kernel, zone: Zone, count: number, pcp: PerCpuPages): void {
  k.enter(F_free_pcppages_bulk, zone.idx, count, 0);
  const mem = k.mem;
  let mt = 0;
  let batchFree = 0;
  while (count > 0) {
    let list: number;
    do {
      batchFree++;
      if (++mt === MigrateType.PcpTypes) mt = 0;
      list = pcp.lists[mt]!;
    } while (mem.listEmpty(list));
    if (batchFree === MigrateType.PcpTypes) batchFree = count;
    do {
      const pfn = mem.last(list);
      mem.listDel(pfn);
      pcp.count--;
      mem.clear(pfn, PG_pcp);
      const pmt = mem.owner[pfn]!;
      __free_one_page(k, pfn, zone, 0, pmt);
      if (k.tpOn[mm_page_pcpu_drain.id] !== 0) k.traceEvent(mm_page_pcpu_drain, pfn, 0, pmt);
    } while (--count > 0 && --batchFree > 0 && !mem.listEmpty(list));
  }
  k.charge(COST_BUDDY);
  k.leaveVoid(F_free_pcppages_bulk);
}

/** free_unref_page: an order-0 page goes onto this CPU's list, not back to the buddy lists. */
export function free_unref_page(k: Kernel, pfn: number): void {
  k.enter(F_free_unref_page, pfn);
  freePagesPrepare(k, pfn, 0);
  const mem = k.mem;
  let mt = getPageblockMigratetype(mem, pfn);
  const zone = k.node.zoneOf(pfn);
  if (mt >= MigrateType.PcpTypes) {
    if (mt === MigrateType.Isolate) {
      free_one_page(k, zone, pfn, 0, mt);
      k.leaveVoid(F_free_unref_page);
      return;
    }
    mt = MigrateType.Movable;
  }
  const pcp = zone.pageset[k.cpu]!;
  mem.flags[pfn] = PG_pcp;
  mem.owner[pfn] = mt;
  mem.listAdd(pfn, pcp.lists[mt]!);
  pcp.count++;
  k.charge(COST_PCP);
  if (pcp.count >= pcp.high) free_pcppages_bulk(k, zone, pcp.batch, pcp);
  k.leaveVoid(F_free_unref_page);
}

/** __free_pages: drop the last reference to a block. */
export function __free_pages(k: Kernel, pfn: number, order: number): void {
  k.enter(F___free_pages, pfn, order);
  if (order === 0) free_unref_page(k, pfn);
  else __free_pages_ok(k, pfn, order);
  k.leaveVoid(F___free_pages);
}

/** free_pages: by direct-map address, as __get_free_pages handed it out. */
export function free_pages(k: Kernel, addr: number, order: number): void {
  k.enter(F_free_pages, addr, order);
  if (addr !== 0) __free_pages(k, Math.floor(addr / (1 << PAGE_SHIFT)), order);
  k.leaveVoid(F_free_pages);
}

/** drain_local_pages: empty this CPU's per-cpu lists into the buddy lists. */
export function drain_local_pages(k: Kernel): void {
  k.enter(F_drain_local_pages, 0);
  drainCpuPages(k, k.cpu);
  k.leaveVoid(F_drain_local_pages);
}

function drainCpuPages(k: Kernel, cpu: number): void {
  for (const zone of k.node.zones) {
    if (!zone.managedPages) continue;
    const pcp = zone.pageset[cpu]!;
    if (pcp.count) free_pcppages_bulk(k, zone, pcp.count, pcp);
  }
}

/** drain_all_pages: every CPU's lists (5.0 does it through mm_percpu_wq; the effect is this). */
export function drain_all_pages(k: Kernel): void {
  k.enter(F_drain_all_pages, 0);
  for (let c = 0; c < k.cpus.length; c++) drainCpuPages(k, c);
  k.leaveVoid(F_drain_all_pages);
}

/**
 * Boot's memblock_free_all → __free_pages_core: hands a free range of one zone to the buddy
 * allocator in the largest aligned blocks, before anyone listens to tracepoints.
 */
export function freeBootRange(k: Kernel, zone: Zone, start: number, end: number): void {
  const mem = k.mem;
  let pfn = start;
  while (pfn < end) {
    let order = MAX_ORDER - 1;
    while (order > 0 && ((pfn & ((1 << order) - 1)) !== 0 || pfn + (1 << order) > end)) order--;
    zone.managedPages += 1 << order;
    mem.flags[pfn] = 0;
    __free_one_page(k, pfn, zone, order, getPageblockMigratetype(mem, pfn));
    pfn += 1 << order;
  }
}

/** free_unref_page_list: order-0 pages freed as a batch (release_pages, reclaim). */
export function free_unref_page_list(k: Kernel, pfns: Int32Array, n: number): void {
  const mem = k.mem;
  for (let i = 0; i < n; i++) {
    const pfn = pfns[i]!;
    freePagesPrepare(k, pfn, 0);
    if (k.tpOn[mm_page_free_batched.id] !== 0) k.traceEvent(mm_page_free_batched, pfn);
    let mt = getPageblockMigratetype(mem, pfn);
    const zone = k.node.zoneOf(pfn);
    if (mt >= MigrateType.PcpTypes) {
      if (mt === MigrateType.Isolate) {
        free_one_page(k, zone, pfn, 0, mt);
        continue;
      }
      mt = MigrateType.Movable;
    }
    const pcp = zone.pageset[k.cpu]!;
    mem.flags[pfn] = PG_pcp;
    mem.owner[pfn] = mt;
    mem.listAdd(pfn, pcp.lists[mt]!);
    pcp.count++;
    if (pcp.count >= pcp.high) free_pcppages_bulk(k, zone, pcp.batch, pcp);
  }
  k.charge(COST_PCP * n);
}
