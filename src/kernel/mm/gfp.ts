// include/linux/gfp.h, Linux 5.0: the bits, the composite masks, and how a mask picks a zone and
// a migratetype.

export const __GFP_DMA = 0x1;
export const __GFP_HIGHMEM = 0x2;
export const __GFP_DMA32 = 0x4;
export const __GFP_MOVABLE = 0x8;
export const __GFP_RECLAIMABLE = 0x10;
export const __GFP_HIGH = 0x20;
export const __GFP_IO = 0x40;
export const __GFP_FS = 0x80;
export const __GFP_WRITE = 0x100;
export const __GFP_NOWARN = 0x200;
export const __GFP_RETRY_MAYFAIL = 0x400;
export const __GFP_NOFAIL = 0x800;
export const __GFP_NORETRY = 0x1000;
export const __GFP_MEMALLOC = 0x2000;
export const __GFP_COMP = 0x4000;
export const __GFP_ZERO = 0x8000;
export const __GFP_NOMEMALLOC = 0x10000;
export const __GFP_HARDWALL = 0x20000;
export const __GFP_THISNODE = 0x40000;
export const __GFP_ATOMIC = 0x80000;
export const __GFP_ACCOUNT = 0x100000;
export const __GFP_DIRECT_RECLAIM = 0x200000;
export const __GFP_KSWAPD_RECLAIM = 0x400000;

export const __GFP_RECLAIM = __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM;
export const GFP_ATOMIC = __GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM;
export const GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS;
export const GFP_KERNEL_ACCOUNT = GFP_KERNEL | __GFP_ACCOUNT;
export const GFP_NOWAIT = __GFP_KSWAPD_RECLAIM;
export const GFP_NOIO = __GFP_RECLAIM;
export const GFP_NOFS = __GFP_RECLAIM | __GFP_IO;
export const GFP_USER = __GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL;
export const GFP_DMA = __GFP_DMA;
export const GFP_DMA32 = __GFP_DMA32;
export const GFP_HIGHUSER = GFP_USER | __GFP_HIGHMEM;
export const GFP_HIGHUSER_MOVABLE = GFP_HIGHUSER | __GFP_MOVABLE;
export const GFP_TRANSHUGE_LIGHT = (GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM;
export const GFP_TRANSHUGE = GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM;
/** What the page cache allocates with (mapping_gfp_mask of a regular file). */
export const GFP_PAGECACHE = GFP_HIGHUSER_MOVABLE;

export const enum MigrateType {
  Unmovable = 0,
  Movable = 1,
  Reclaimable = 2,
  /** MIGRATE_PCPTYPES: the per-cpu lists hold only the first three. */
  PcpTypes = 3,
  HighAtomic = 3,
  Isolate = 4,
  Types = 5,
}

export const enum ZoneType {
  DMA = 0,
  DMA32 = 1,
  Normal = 2,
  Movable = 3,
  Device = 4,
  Count = 5,
}

export function gfpMigratetype(gfp: number): MigrateType {
  return ((gfp & (__GFP_RECLAIMABLE | __GFP_MOVABLE)) >>> 3) as MigrateType;
}

/** gfp_zone: the highest zone an allocation may use. */
export function gfpZone(gfp: number): ZoneType {
  if (gfp & __GFP_DMA) return ZoneType.DMA;
  if (gfp & __GFP_DMA32) return ZoneType.DMA32;
  // GFP_ZONE_TABLE on x86_64: no ZONE_HIGHMEM, so __GFP_HIGHMEM alone means Normal, and
  // __GFP_HIGHMEM|__GFP_MOVABLE may use ZONE_MOVABLE (populated only with movablecore=).
  if ((gfp & (__GFP_HIGHMEM | __GFP_MOVABLE)) === (__GFP_HIGHMEM | __GFP_MOVABLE)) return ZoneType.Movable;
  return ZoneType.Normal;
}

/** show_gfp_flags' table (include/trace/events/mmflags.h): first match wins, bits consumed. */
const GFP_NAMES: readonly (readonly [number, string])[] = [
  [GFP_TRANSHUGE, 'GFP_TRANSHUGE'],
  [GFP_TRANSHUGE_LIGHT, 'GFP_TRANSHUGE_LIGHT'],
  [GFP_HIGHUSER_MOVABLE, 'GFP_HIGHUSER_MOVABLE'],
  [GFP_HIGHUSER, 'GFP_HIGHUSER'],
  [GFP_USER, 'GFP_USER'],
  [GFP_KERNEL_ACCOUNT, 'GFP_KERNEL_ACCOUNT'],
  [GFP_KERNEL, 'GFP_KERNEL'],
  [GFP_NOFS, 'GFP_NOFS'],
  [GFP_ATOMIC, 'GFP_ATOMIC'],
  [GFP_NOIO, 'GFP_NOIO'],
  [GFP_NOWAIT, 'GFP_NOWAIT'],
  [GFP_DMA, 'GFP_DMA'],
  [__GFP_HIGHMEM, '__GFP_HIGHMEM'],
  [GFP_DMA32, 'GFP_DMA32'],
  [__GFP_HIGH, '__GFP_HIGH'],
  [__GFP_ATOMIC, '__GFP_ATOMIC'],
  [__GFP_IO, '__GFP_IO'],
  [__GFP_FS, '__GFP_FS'],
  [__GFP_NOWARN, '__GFP_NOWARN'],
  [__GFP_RETRY_MAYFAIL, '__GFP_RETRY_MAYFAIL'],
  [__GFP_NOFAIL, '__GFP_NOFAIL'],
  [__GFP_NORETRY, '__GFP_NORETRY'],
  [__GFP_COMP, '__GFP_COMP'],
  [__GFP_ZERO, '__GFP_ZERO'],
  [__GFP_NOMEMALLOC, '__GFP_NOMEMALLOC'],
  [__GFP_MEMALLOC, '__GFP_MEMALLOC'],
  [__GFP_HARDWALL, '__GFP_HARDWALL'],
  [__GFP_THISNODE, '__GFP_THISNODE'],
  [__GFP_RECLAIMABLE, '__GFP_RECLAIMABLE'],
  [__GFP_MOVABLE, '__GFP_MOVABLE'],
  [__GFP_ACCOUNT, '__GFP_ACCOUNT'],
  [__GFP_WRITE, '__GFP_WRITE'],
  [__GFP_RECLAIM, '__GFP_RECLAIM'],
  [__GFP_DIRECT_RECLAIM, '__GFP_DIRECT_RECLAIM'],
  [__GFP_KSWAPD_RECLAIM, '__GFP_KSWAPD_RECLAIM'],
];

/** How tracepoints print a gfp_t (`__print_flags(..., "|", __def_gfpflag_names)`). */
export function showGfpFlags(gfp: number): string {
  if (gfp === 0) return 'none';
  let rest = gfp >>> 0;
  const parts: string[] = [];
  for (const [mask, name] of GFP_NAMES) {
    if ((rest & mask) === mask) {
      parts.push(name);
      rest &= ~mask;
      if (rest === 0) break;
    }
  }
  if (rest !== 0) parts.push(`0x${rest.toString(16)}`);
  return parts.join('|');
}

/** %pGg, as the OOM report prints the mask: the same names, joined by '|'. */
export function formatGfpForPrintk(gfp: number): string {
  return gfp === 0 ? '' : showGfpFlags(gfp);
}
