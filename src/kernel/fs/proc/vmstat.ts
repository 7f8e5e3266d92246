// /proc/buddyinfo and /proc/zoneinfo (mm/vmstat.c), read from the live zones at each open.

import type { Kernel } from '../../machine.js';
import { WMark, ZoneStat, type Zone } from '../../mm/mmzone.js';
import { formatBuddyinfo } from './format/buddyinfo.js';
import { formatZoneinfo, type ZoneinfoZone } from './format/zoneinfo.js';
import { NODE_STAT_ITEMS, NUMA_STAT_ITEMS, ZONE_STAT_ITEMS, type NodeStats, type NumaStats, type ZoneStats } from './format/vmstat_text.js';
import type { ZoneName } from './format/mmzone.js';

export function buddyinfo(k: Kernel): string {
  return formatBuddyinfo({
    nodes: [
      {
        nodeId: k.node.nodeId,
        zones: k.node.zones.map((z) => ({ name: z.name as ZoneName, presentPages: z.presentPages, nrFree: Array.from(z.nrFree) })),
      },
    ],
  });
}

function record<T extends string>(names: readonly T[], values: Float64Array, from: number): Readonly<Record<T, number>> {
  const out = {} as Record<T, number>;
  names.forEach((n, i) => (out[n] = values[from + i]!));
  return out;
}

function zoneSnapshot(z: Zone): ZoneinfoZone {
  return {
    name: z.name as ZoneName,
    min: z.watermark[WMark.Min]!,
    low: z.watermark[WMark.Low]!,
    high: z.watermark[WMark.High]!,
    spannedPages: z.spannedPages,
    presentPages: z.presentPages,
    managedPages: z.managedPages,
    lowmemReserve: Array.from(z.lowmemReserve),
    stats: record(ZONE_STAT_ITEMS, z.vmstat, 0) as ZoneStats,
    numaStats: record(NUMA_STAT_ITEMS, z.vmstat, ZoneStat.NUMA_HIT) as NumaStats,
    pagesets: z.pageset.map((p, cpu) => ({ cpu, count: p.count, high: p.high, batch: p.batch, statThreshold: z.statThreshold })),
    zoneStartPfn: z.zoneStartPfn,
  };
}

export function zoneinfo(k: Kernel): string {
  return formatZoneinfo({
    nodes: [
      {
        nodeId: k.node.nodeId,
        stats: record(NODE_STAT_ITEMS, k.node.vmstat, 0) as NodeStats,
        kswapdFailures: k.node.kswapdFailures,
        zones: k.node.zones.map(zoneSnapshot),
      },
    ],
  });
}
