// /proc/meminfo, Linux 5.0 fs/proc/meminfo.c meminfo_proc_show, then hugetlb_report_meminfo
// (mm/hugetlb.c) and x86's arch_report_meminfo (arch/x86/mm/pageattr.c). Config: x86_64 with
// CONFIG_MEMORY_FAILURE=y, CONFIG_TRANSPARENT_HUGEPAGE=y, CONFIG_CMA=n (so no CmaTotal/CmaFree),
// no HIGHMEM, no QUICKLIST. Zswap, SecPageTables, FileHugePages, Balloon and the other lines
// later kernels print do not exist in 5.0, and 5.0 prints VmallocUsed as a constant 0.

import type { NodeStats, ZoneStats } from './vmstat_text.js';

/** (VMALLOC_END - VMALLOC_START) >> 10 for 4-level paging: 32 TiB less one byte. */
const VMALLOC_TOTAL_KB = 34359738367n;
/** HPAGE_PMD_NR: base pages in a PMD-mapped huge page. */
const HPAGE_PMD_NR = 512;

export interface MeminfoHstate {
  /** huge_page_order(h): 9 for 2 MiB pages, 18 for 1 GiB. */
  readonly order: number;
  readonly nrHugePages: number;
  readonly freeHugePages: number;
  readonly resvHugePages: number;
  readonly surplusHugePages: number;
}

/** Everything in pages unless the name says otherwise. */
export interface MeminfoSnapshot {
  /** si_meminfo: totalram_pages. */
  readonly totalram: number;
  /** si_meminfo: nr_blockdev_pages(). */
  readonly bufferram: number;
  /** si_swapinfo. */
  readonly totalswap: number;
  readonly freeswap: number;
  /** si_mem_available(). */
  readonly available: number;
  /** total_swapcache_pages(). */
  readonly swapCache: number;
  /** vm_commit_limit(). */
  readonly commitLimit: number;
  /** percpu_counter_read_positive(&vm_committed_as). */
  readonly committedAs: number;
  /** pcpu_nr_pages(). */
  readonly percpu: number;
  /** num_poisoned_pages. */
  readonly poisonedPages: number;
  /** global_node_page_state() of every node counter. */
  readonly nodeStats: NodeStats;
  /** global_zone_page_state() of every zone counter (nr_kernel_stack in KiB). */
  readonly zoneStats: ZoneStats;
  /** default_hstate. */
  readonly defaultHstate: MeminfoHstate;
  /** The other registered hstates (e.g. 1 GiB pages); they count only towards Hugetlb. */
  readonly otherHstates: readonly MeminfoHstate[];
  /** direct_pages_count[PG_LEVEL_4K/2M/1G]: direct-map mappings of each size. */
  readonly directPages4k: number;
  readonly directPages2M: number;
  readonly directPages1G: number;
  /** direct_gbpages: the DirectMap1G line appears only when 1 GiB mappings are allowed. */
  readonly directGbpages: boolean;
}

/** show_val_kb: seq_put_decimal_ull_width(m, s, pages << (PAGE_SHIFT - 10), 8) and " kB". */
function valKb(label: string, pages: number): string {
  return `${label}${String(pages * 4).padStart(8)} kB\n`;
}

export function formatMeminfo(s: MeminfoSnapshot): string {
  const node = s.nodeStats;
  const zone = s.zoneStats;
  const cached = Math.max(0, node.nr_file_pages - s.swapCache - s.bufferram);
  const sreclaimable = node.nr_slab_reclaimable;
  const sunreclaim = node.nr_slab_unreclaimable;
  const h = s.defaultHstate;
  const hugeKb = (hs: MeminfoHstate): number => 4 * 2 ** hs.order;
  const hugetlbKb = [h, ...s.otherHstates].reduce((sum, hs) => sum + hugeKb(hs) * hs.nrHugePages, 0);

  return (
    valKb('MemTotal:       ', s.totalram) +
    valKb('MemFree:        ', zone.nr_free_pages) +
    valKb('MemAvailable:   ', s.available) +
    valKb('Buffers:        ', s.bufferram) +
    valKb('Cached:         ', cached) +
    valKb('SwapCached:     ', s.swapCache) +
    valKb('Active:         ', node.nr_active_anon + node.nr_active_file) +
    valKb('Inactive:       ', node.nr_inactive_anon + node.nr_inactive_file) +
    valKb('Active(anon):   ', node.nr_active_anon) +
    valKb('Inactive(anon): ', node.nr_inactive_anon) +
    valKb('Active(file):   ', node.nr_active_file) +
    valKb('Inactive(file): ', node.nr_inactive_file) +
    valKb('Unevictable:    ', node.nr_unevictable) +
    valKb('Mlocked:        ', zone.nr_mlock) +
    valKb('SwapTotal:      ', s.totalswap) +
    valKb('SwapFree:       ', s.freeswap) +
    valKb('Dirty:          ', node.nr_dirty) +
    valKb('Writeback:      ', node.nr_writeback) +
    valKb('AnonPages:      ', node.nr_anon_pages) +
    valKb('Mapped:         ', node.nr_mapped) +
    valKb('Shmem:          ', node.nr_shmem) +
    valKb('KReclaimable:   ', sreclaimable + node.nr_kernel_misc_reclaimable) +
    valKb('Slab:           ', sreclaimable + sunreclaim) +
    valKb('SReclaimable:   ', sreclaimable) +
    valKb('SUnreclaim:     ', sunreclaim) +
    `KernelStack:    ${String(zone.nr_kernel_stack).padStart(8)} kB\n` +
    valKb('PageTables:     ', zone.nr_page_table_pages) +
    valKb('NFS_Unstable:   ', node.nr_unstable) +
    valKb('Bounce:         ', zone.nr_bounce) +
    valKb('WritebackTmp:   ', node.nr_writeback_temp) +
    valKb('CommitLimit:    ', s.commitLimit) +
    valKb('Committed_AS:   ', s.committedAs) +
    `VmallocTotal:   ${String(VMALLOC_TOTAL_KB).padStart(8)} kB\n` +
    valKb('VmallocUsed:    ', 0) +
    valKb('VmallocChunk:   ', 0) +
    valKb('Percpu:         ', s.percpu) +
    `HardwareCorrupted: ${String(s.poisonedPages * 4).padStart(5)} kB\n` +
    valKb('AnonHugePages:  ', node.nr_anon_transparent_hugepages * HPAGE_PMD_NR) +
    valKb('ShmemHugePages: ', node.nr_shmem_hugepages * HPAGE_PMD_NR) +
    valKb('ShmemPmdMapped: ', node.nr_shmem_pmdmapped * HPAGE_PMD_NR) +
    `HugePages_Total:   ${String(h.nrHugePages).padStart(5)}\n` +
    `HugePages_Free:    ${String(h.freeHugePages).padStart(5)}\n` +
    `HugePages_Rsvd:    ${String(h.resvHugePages).padStart(5)}\n` +
    `HugePages_Surp:    ${String(h.surplusHugePages).padStart(5)}\n` +
    `Hugepagesize:   ${String(hugeKb(h)).padStart(8)} kB\n` +
    `Hugetlb:        ${String(hugetlbKb).padStart(8)} kB\n` +
    `DirectMap4k:    ${String(s.directPages4k * 4).padStart(8)} kB\n` +
    `DirectMap2M:    ${String(s.directPages2M * 2048).padStart(8)} kB\n` +
    (s.directGbpages ? `DirectMap1G:    ${String(s.directPages1G * 1048576).padStart(8)} kB\n` : '')
  );
}
