// /proc/slabinfo, Linux 5.0 mm/slab_common.c: print_slabinfo_header (without CONFIG_DEBUG_SLAB)
// and cache_show for each root cache. The file is mode 0400 (SLABINFO_RIGHTS).

export interface SlabinfoCache {
  readonly name: string;
  /** struct slabinfo, summed over the cache's memcg children (memcg_accumulate_slabinfo). */
  readonly activeObjs: number;
  readonly numObjs: number;
  /** s->size: the object's size with metadata and alignment. */
  readonly size: number;
  readonly objectsPerSlab: number;
  /** Slabs are 2^cacheOrder pages. */
  readonly cacheOrder: number;
  /** SLAB's array_cache tunables; SLUB reports 0 for all three. */
  readonly limit: number;
  readonly batchcount: number;
  readonly shared: number;
  readonly activeSlabs: number;
  readonly numSlabs: number;
  readonly sharedAvail: number;
}

export interface SlabinfoSnapshot {
  /** slab_root_caches in list order (newest cache first, as list_add leaves them). */
  readonly caches: readonly SlabinfoCache[];
}

const HEADER =
  'slabinfo - version: 2.1\n' +
  '# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>' +
  ' : tunables <limit> <batchcount> <sharedfactor>' +
  ' : slabdata <active_slabs> <num_slabs> <sharedavail>\n';

const w = (n: number, width: number): string => String(n).padStart(width);

export function formatSlabinfo(snap: SlabinfoSnapshot): string {
  // slab_show prints the header while showing the first cache, so no caches means no header.
  if (snap.caches.length === 0) return '';
  let out = HEADER;
  for (const c of snap.caches) {
    out +=
      `${c.name.padEnd(17)} ${w(c.activeObjs, 6)} ${w(c.numObjs, 6)} ${w(c.size, 6)} ` +
      `${w(c.objectsPerSlab, 4)} ${w(2 ** c.cacheOrder, 4)}` +
      ` : tunables ${w(c.limit, 4)} ${w(c.batchcount, 4)} ${w(c.shared, 4)}` +
      ` : slabdata ${w(c.activeSlabs, 6)} ${w(c.numSlabs, 6)} ${w(c.sharedAvail, 6)}\n`;
  }
  return out;
}
