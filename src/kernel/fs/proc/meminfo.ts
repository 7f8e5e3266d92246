// /proc/meminfo (fs/proc/meminfo.c meminfo_proc_show), read from the live counters at each open.
// What 5.0 keeps as a counter and the emulation does not is derived from the state it counts:
// vm_committed_as from the accountable mappings, the percpu pages from the first chunk, the
// direct map from the e820 map as kernel_physical_mapping_init lays it out.

import type { Kernel } from '../../machine.js';
import { NodeStat, WMark, ZoneStat, type Zone } from '../../mm/mmzone.js';
import { ZoneType } from '../../mm/gfp.js';
import { VM_SHARED, VM_WRITE } from '../../mm/mm_types.js';
import { e820Map, PERCPU_PAGES_PER_CPU } from '../../mm/init.js';
import { nr_swap_pages, total_swap_pages } from '../../mm/swapfile.js';
import { formatMeminfo } from './format/meminfo.js';
import { NODE_STAT_ITEMS, ZONE_STAT_ITEMS, type NodeStats, type ZoneStats } from './format/vmstat_text.js';

/** totalram_pages: the pages the buddy allocator manages. */
export function totalram_pages(k: Kernel): number {
  let n = 0;
  for (const z of k.node.zones) n += z.managedPages;
  return n;
}

/** calculate_totalreserve_pages: each zone's largest lowmem_reserve plus its high watermark. */
function totalreserve_pages(k: Kernel): number {
  let total = 0;
  for (const z of k.node.zones) {
    let max = 0;
    for (let j = z.idx; j < ZoneType.Count; j++) max = Math.max(max, z.lowmemReserve[j]!);
    total += Math.min(max + z.watermark[WMark.High]!, z.managedPages);
  }
  return total;
}

const lowWmark = (z: Zone): number => z.wmark(WMark.Low);

/** si_mem_available: free pages above the reserves, plus the page cache and reclaimable slab that could go. */
export function si_mem_available(k: Kernel): number {
  const node = k.node;
  let wmarkLow = 0;
  let free = 0;
  for (const z of node.zones) {
    wmarkLow += lowWmark(z);
    free += z.vmstat[ZoneStat.NR_FREE_PAGES]!;
  }
  let available = free - totalreserve_pages(k);
  const stat = node.vmstat;
  let pagecache = stat[NodeStat.NR_ACTIVE_FILE]! + stat[NodeStat.NR_INACTIVE_FILE]!;
  pagecache -= Math.min(Math.floor(pagecache / 2), wmarkLow);
  available += pagecache;
  const reclaimable = stat[NodeStat.NR_SLAB_RECLAIMABLE]! + stat[NodeStat.NR_KERNEL_MISC_RECLAIMABLE]!;
  available += reclaimable - Math.min(Math.floor(reclaimable / 2), wmarkLow);
  return Math.max(0, available);
}

/** vm_commit_limit: overcommit_ratio percent of RAM (no hugetlb pages), plus swap. */
export function vm_commit_limit(k: Kernel): number {
  return Math.floor((totalram_pages(k) * k.sysctl.overcommitRatio) / 100) + total_swap_pages(k);
}

/**
 * vm_committed_as: what security_vm_enough_memory_mm charged, i.e. the pages of every
 * accountable mapping (private and writable: accountable_mapping) in every address space.
 */
export function vm_committed_as(k: Kernel): number {
  let n = 0;
  for (const mm of k.mms.values()) for (const v of mm.vmas) if ((v.flags & (VM_SHARED | VM_WRITE)) === VM_WRITE) n += v.pages;
  return n;
}

/** direct_pages_count[PG_LEVEL_4K] and [PG_LEVEL_2M]: the ISA megabyte in 4 KiB pages, each RAM range in 2 MiB pages with 4 KiB heads and tails (split_mem_range). */
export function directMapPages(k: Kernel): { pages4k: number; pages2M: number } {
  const ISA_END = 0x100;
  const PMD = 512;
  let pages4k = ISA_END;
  let pages2M = 0;
  for (const r of e820Map(k.config.memBytes)) {
    const start = Math.max(r.start, ISA_END);
    if (start >= r.end) continue;
    const head = Math.min(Math.ceil(start / PMD) * PMD, r.end);
    const tail = Math.max(Math.floor(r.end / PMD) * PMD, head);
    pages4k += head - start + (r.end - tail);
    pages2M += (tail - head) / PMD;
  }
  return { pages4k, pages2M };
}

function sumZones(k: Kernel): ZoneStats {
  const out = {} as Record<(typeof ZONE_STAT_ITEMS)[number], number>;
  ZONE_STAT_ITEMS.forEach((name, i) => (out[name] = k.node.zones.reduce((s, z) => s + z.vmstat[i]!, 0)));
  return out;
}

function nodeStats(k: Kernel): NodeStats {
  const out = {} as Record<(typeof NODE_STAT_ITEMS)[number], number>;
  NODE_STAT_ITEMS.forEach((name, i) => (out[name] = k.node.vmstat[i]!));
  return out;
}

export function meminfo(k: Kernel): string {
  const dm = directMapPages(k);
  const noHugePages = { order: 9, nrHugePages: 0, freeHugePages: 0, resvHugePages: 0, surplusHugePages: 0 };
  return formatMeminfo({
    totalram: totalram_pages(k),
    // nr_blockdev_pages: no block device has pages in the page cache here.
    bufferram: 0,
    totalswap: total_swap_pages(k),
    freeswap: nr_swap_pages(k),
    available: si_mem_available(k),
    swapCache: k.swapCachePages,
    commitLimit: vm_commit_limit(k),
    committedAs: vm_committed_as(k),
    percpu: PERCPU_PAGES_PER_CPU * k.config.cpus,
    poisonedPages: 0,
    nodeStats: nodeStats(k),
    zoneStats: sumZones(k),
    defaultHstate: noHugePages,
    otherHstates: [],
    directPages4k: dm.pages4k,
    directPages2M: dm.pages2M,
    directPages1G: 0,
    // QEMU's default CPU has no pdpe1gb, so probe_page_size_mask clears direct_gbpages.
    directGbpages: false,
  });
}
