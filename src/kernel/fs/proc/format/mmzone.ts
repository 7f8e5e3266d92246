// Zone and migratetype names and the buddy allocator's sizes, Linux 5.0 (include/linux/mmzone.h,
// mm/page_alloc.c), resolved for x86_64 with ZONE_DMA, ZONE_DMA32 and ZONE_DEVICE, no HIGHMEM,
// CONFIG_CMA=n and CONFIG_MEMORY_ISOLATION=y.

/** zone_names[], indexed by enum zone_type. */
export const ZONE_NAMES = ['DMA', 'DMA32', 'Normal', 'Movable', 'Device'] as const;
export type ZoneName = (typeof ZONE_NAMES)[number];

/** Orders 0..MAX_ORDER-1 have free lists. */
export const MAX_ORDER = 11;

/** migratetype_names[], indexed by enum migratetype (no MIGRATE_CMA without CONFIG_CMA). */
export const MIGRATETYPE_NAMES = ['Unmovable', 'Movable', 'Reclaimable', 'HighAtomic', 'Isolate'] as const;

/** HUGETLB_PAGE_ORDER on x86_64, since CONFIG_HUGETLB_PAGE_SIZE_VARIABLE is off. */
export const PAGEBLOCK_ORDER = 9;

/**
 * The kernel loops over fixed-size arrays (MAX_ORDER, MIGRATE_TYPES, MAX_NR_ZONES); a snapshot
 * with the wrong length would print `undefined` or drop columns, so it is refused.
 */
export function checkLength<T>(values: readonly T[], length: number, what: string): readonly T[] {
  if (values.length !== length) throw new RangeError(`${what}: expected ${length} entries, got ${values.length}`);
  return values;
}
