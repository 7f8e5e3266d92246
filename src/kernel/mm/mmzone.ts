// include/linux/mmzone.h: nodes, zones, free areas, per-cpu page lists, and the counters
// /proc/zoneinfo, /proc/vmstat and /proc/meminfo print.

import { MigrateType, ZoneType } from './gfp.js';
import { MAX_ORDER, type PageFrames } from './page.js';
import type { Task } from '../sched/task.js';

export const ZONE_NAMES = ['DMA', 'DMA32', 'Normal', 'Movable', 'Device'] as const;

export const enum WMark {
  Min = 0,
  Low = 1,
  High = 2,
}

/** enum zone_stat_item, 5.0. */
export const enum ZoneStat {
  NR_FREE_PAGES,
  NR_ZONE_INACTIVE_ANON,
  NR_ZONE_ACTIVE_ANON,
  NR_ZONE_INACTIVE_FILE,
  NR_ZONE_ACTIVE_FILE,
  NR_ZONE_UNEVICTABLE,
  NR_ZONE_WRITE_PENDING,
  NR_MLOCK,
  NR_PAGETABLE,
  NR_KERNEL_STACK_KB,
  NR_BOUNCE,
  NR_ZSPAGES,
  NR_FREE_CMA_PAGES,
  NUMA_HIT,
  NUMA_MISS,
  NUMA_FOREIGN,
  NUMA_INTERLEAVE_HIT,
  NUMA_LOCAL,
  NUMA_OTHER,
  COUNT,
}

/** enum node_stat_item, 5.0. */
export const enum NodeStat {
  NR_INACTIVE_ANON,
  NR_ACTIVE_ANON,
  NR_INACTIVE_FILE,
  NR_ACTIVE_FILE,
  NR_UNEVICTABLE,
  NR_SLAB_RECLAIMABLE,
  NR_SLAB_UNRECLAIMABLE,
  NR_ISOLATED_ANON,
  NR_ISOLATED_FILE,
  WORKINGSET_NODES,
  WORKINGSET_REFAULT,
  WORKINGSET_ACTIVATE,
  WORKINGSET_RESTORE,
  WORKINGSET_NODERECLAIM,
  NR_ANON_MAPPED,
  NR_FILE_MAPPED,
  NR_FILE_PAGES,
  NR_FILE_DIRTY,
  NR_WRITEBACK,
  NR_WRITEBACK_TEMP,
  NR_SHMEM,
  NR_SHMEM_THPS,
  NR_SHMEM_PMDMAPPED,
  NR_ANON_THPS,
  NR_UNSTABLE_NFS,
  NR_VMSCAN_WRITE,
  NR_VMSCAN_IMMEDIATE,
  NR_DIRTIED,
  NR_WRITTEN,
  NR_KERNEL_MISC_RECLAIMABLE,
  COUNT,
}

/** enum lru_list: the order of both the lists and their NR_ counters. */
export const enum Lru {
  InactiveAnon = 0,
  ActiveAnon = 1,
  InactiveFile = 2,
  ActiveFile = 3,
  Unevictable = 4,
  Count = 5,
}

export const ZONE_BOOSTED_WATERMARK = 1;

export class PerCpuPages {
  count = 0;
  high = 0;
  batch = 1;
  /** List heads for MIGRATE_UNMOVABLE, MOVABLE, RECLAIMABLE. */
  readonly lists: Int32Array;

  constructor(mem: PageFrames) {
    this.lists = Int32Array.of(mem.newList(), mem.newList(), mem.newList());
  }
}

export class Zone {
  zoneStartPfn = 0;
  spannedPages = 0;
  presentPages = 0;
  managedPages = 0;
  readonly watermark = new Float64Array(3);
  watermarkBoost = 0;
  /** lowmem_reserve[classzone]: pages this zone keeps back from allocations aimed higher. */
  readonly lowmemReserve = new Float64Array(ZoneType.Count);
  nrReservedHighatomic = 0;
  flags = 0;
  /** free_area[order].nr_free. */
  readonly nrFree = new Int32Array(MAX_ORDER);
  /** free_area[order].free_list[mt]: list heads at [order * MigrateType.Types + mt]. */
  readonly freeList: Int32Array;
  readonly pageset: PerCpuPages[] = [];
  readonly vmstat = new Float64Array(ZoneStat.COUNT);
  /** vm_stat_diff threshold shown in zoneinfo (calculate_normal_threshold). */
  statThreshold = 0;

  constructor(
    readonly idx: ZoneType,
    readonly name: string,
    mem: PageFrames,
    cpus: number,
  ) {
    this.freeList = new Int32Array(MAX_ORDER * MigrateType.Types);
    for (let i = 0; i < this.freeList.length; i++) this.freeList[i] = mem.newList();
    for (let c = 0; c < cpus; c++) this.pageset.push(new PerCpuPages(mem));
  }

  get populated(): boolean {
    return this.presentPages > 0;
  }

  get zoneEndPfn(): number {
    return this.zoneStartPfn + this.spannedPages;
  }

  contains(pfn: number): boolean {
    return pfn >= this.zoneStartPfn && pfn < this.zoneStartPfn + this.spannedPages;
  }

  freePages(): number {
    return this.vmstat[ZoneStat.NR_FREE_PAGES]!;
  }

  /** wmark_pages: the watermark plus any boost (5.0's watermark_boost). */
  wmark(w: WMark): number {
    return this.watermark[w]! + this.watermarkBoost;
  }

  list(order: number, mt: number): number {
    return this.freeList[order * MigrateType.Types + mt]!;
  }
}

/** struct pglist_data: one per NUMA node; bpfbox has node 0 only, as the lecture's VM. */
export class PglistData {
  readonly zones: Zone[] = [];
  /** lruvec lists, indexed by Lru. */
  readonly lru: Int32Array;
  readonly vmstat = new Float64Array(NodeStat.COUNT);
  nodeStartPfn = 0;
  nodeSpannedPages = 0;
  nodePresentPages = 0;
  kswapd: Task | null = null;
  kswapdOrder = 0;
  kswapdClasszoneIdx = ZoneType.Count;
  kswapdFailures = 0;
  /** Tasks sleeping on kswapd_wait (kswapd itself when idle). */
  kswapdWaiting = false;
  /**
   * lruvec->reclaim_stat: pages scanned and pages put back active, [anon, file], decaying by
   * half as they pass a quarter of the lists; get_scan_count weighs the lists by them.
   */
  readonly recentScanned = new Float64Array(2);
  readonly recentRotated = new Float64Array(2);

  constructor(
    readonly nodeId: number,
    mem: PageFrames,
    cpus: number,
  ) {
    for (let z = 0; z < ZoneType.Count; z++) this.zones.push(new Zone(z, ZONE_NAMES[z]!, mem, cpus));
    this.lru = Int32Array.of(mem.newList(), mem.newList(), mem.newList(), mem.newList(), mem.newList());
  }

  zoneOf(pfn: number): Zone {
    const z = this.zones;
    for (let i = ZoneType.Device; i >= 0; i--) {
      const zone = z[i]!;
      if (zone.spannedPages && pfn >= zone.zoneStartPfn && pfn < zone.zoneStartPfn + zone.spannedPages) return zone;
    }
    throw new Error(`pfn ${pfn} is in no zone`);
  }
}
