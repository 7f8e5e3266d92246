// The counter names of Linux 5.0's vmstat_text[] (mm/vmstat.c) that /proc/zoneinfo and
// /proc/meminfo read, with the #ifdefs resolved for an x86_64 Ubuntu-like config
// (CONFIG_ZSMALLOC=y, CONFIG_NUMA=y). Each list is in its enum's order, which is the print order.

/** enum zone_stat_item. nr_kernel_stack counts KiB (NR_KERNEL_STACK_KB), the rest pages. */
export const ZONE_STAT_ITEMS = [
  'nr_free_pages',
  'nr_zone_inactive_anon',
  'nr_zone_active_anon',
  'nr_zone_inactive_file',
  'nr_zone_active_file',
  'nr_zone_unevictable',
  'nr_zone_write_pending',
  'nr_mlock',
  'nr_page_table_pages',
  'nr_kernel_stack',
  'nr_bounce',
  'nr_zspages',
  // The item exists without CONFIG_CMA too; it just stays 0.
  'nr_free_cma',
] as const;

/** enum numa_stat_item. */
export const NUMA_STAT_ITEMS = [
  'numa_hit',
  'numa_miss',
  'numa_foreign',
  'numa_interleave',
  'numa_local',
  'numa_other',
] as const;

/** enum node_stat_item. */
export const NODE_STAT_ITEMS = [
  'nr_inactive_anon',
  'nr_active_anon',
  'nr_inactive_file',
  'nr_active_file',
  'nr_unevictable',
  'nr_slab_reclaimable',
  'nr_slab_unreclaimable',
  'nr_isolated_anon',
  'nr_isolated_file',
  'workingset_nodes',
  'workingset_refault',
  'workingset_activate',
  'workingset_restore',
  'workingset_nodereclaim',
  'nr_anon_pages',
  'nr_mapped',
  'nr_file_pages',
  'nr_dirty',
  'nr_writeback',
  'nr_writeback_temp',
  'nr_shmem',
  'nr_shmem_hugepages',
  'nr_shmem_pmdmapped',
  'nr_anon_transparent_hugepages',
  'nr_unstable',
  'nr_vmscan_write',
  'nr_vmscan_immediate_reclaim',
  'nr_dirtied',
  'nr_written',
  'nr_kernel_misc_reclaimable',
] as const;

export type ZoneStatItem = (typeof ZONE_STAT_ITEMS)[number];
export type NumaStatItem = (typeof NUMA_STAT_ITEMS)[number];
export type NodeStatItem = (typeof NODE_STAT_ITEMS)[number];

/** zone_page_state() of every zone_stat_item. */
export type ZoneStats = Readonly<Record<ZoneStatItem, number>>;
/** zone_numa_state_snapshot() of every numa_stat_item. */
export type NumaStats = Readonly<Record<NumaStatItem, number>>;
/** node_page_state() of every node_stat_item. */
export type NodeStats = Readonly<Record<NodeStatItem, number>>;
