// /proc/zoneinfo, Linux 5.0 mm/vmstat.c: zoneinfo_show walks every zone of every node, populated
// or not (the protection line shows lowmem_reserve_ratio's effect on all of them), and
// zoneinfo_show_print prints each. 6.18 adds boost/promo/cma lines and high_min/high_max to the
// pagesets, and moves nr_kernel_stack and nr_page_table_pages to the node; this follows 5.0.

import { checkLength, ZONE_NAMES, type ZoneName } from './mmzone.js';
import {
  NODE_STAT_ITEMS,
  NUMA_STAT_ITEMS,
  ZONE_STAT_ITEMS,
  type NodeStats,
  type NumaStats,
  type ZoneStats,
} from './vmstat_text.js';

/** mm/internal.h: kswapd gives up on a node after this many runs that reclaimed nothing. */
const MAX_RECLAIM_RETRIES = 16;

export interface ZoneinfoPageset {
  /** An online CPU; the pagesets are listed in CPU order. */
  readonly cpu: number;
  /** per_cpu_pages count, high and batch. */
  readonly count: number;
  readonly high: number;
  readonly batch: number;
  /** per_cpu_pageset stat_threshold. */
  readonly statThreshold: number;
}

export interface ZoneinfoZone {
  readonly name: ZoneName;
  /** The zone's watermarks, in pages (min_wmark_pages, low_wmark_pages, high_wmark_pages). */
  readonly min: number;
  readonly low: number;
  readonly high: number;
  readonly spannedPages: number;
  /** Zero makes the zone unpopulated: its entry stops after `protection`. */
  readonly presentPages: number;
  readonly managedPages: number;
  /** zone->lowmem_reserve[], one entry per zone type. */
  readonly lowmemReserve: readonly number[];
  /** `pages free` is stats.nr_free_pages. */
  readonly stats: ZoneStats;
  readonly numaStats: NumaStats;
  readonly pagesets: readonly ZoneinfoPageset[];
  readonly zoneStartPfn: number;
}

export interface ZoneinfoNode {
  readonly nodeId: number;
  /** Printed under the node's first populated zone. */
  readonly stats: NodeStats;
  /** pgdat->kswapd_failures. */
  readonly kswapdFailures: number;
  /** All of the node's zones, in zone_type order. */
  readonly zones: readonly ZoneinfoZone[];
}

export interface ZoneinfoSnapshot {
  /** Online nodes in node order. */
  readonly nodes: readonly ZoneinfoNode[];
}

const counter = (name: string, value: number): string => `\n      ${name.padEnd(12)} ${value}`;

function formatZone(node: ZoneinfoNode, zone: ZoneinfoZone, firstPopulated: boolean): string {
  let out = `Node ${node.nodeId}, zone ${zone.name.padStart(8)}`;
  if (firstPopulated) {
    out += '\n  per-node stats';
    for (const item of NODE_STAT_ITEMS) out += counter(item, node.stats[item]);
  }
  out +=
    `\n  pages free     ${zone.stats.nr_free_pages}` +
    `\n        min      ${zone.min}` +
    `\n        low      ${zone.low}` +
    `\n        high     ${zone.high}` +
    `\n        spanned  ${zone.spannedPages}` +
    `\n        present  ${zone.presentPages}` +
    `\n        managed  ${zone.managedPages}`;
  const reserve = checkLength(zone.lowmemReserve, ZONE_NAMES.length, `zoneinfo ${zone.name}.lowmemReserve`);
  out += `\n        protection: (${reserve.join(', ')})`;
  if (zone.presentPages === 0) return `${out}\n`;

  for (const item of ZONE_STAT_ITEMS) out += counter(item, zone.stats[item]);
  for (const item of NUMA_STAT_ITEMS) out += counter(item, zone.numaStats[item]);
  out += '\n  pagesets';
  for (const p of zone.pagesets) {
    out +=
      `\n    cpu: ${p.cpu}` +
      `\n              count: ${p.count}` +
      `\n              high:  ${p.high}` +
      `\n              batch: ${p.batch}` +
      `\n  vm stats threshold: ${p.statThreshold}`;
  }
  out +=
    `\n  node_unreclaimable:  ${node.kswapdFailures >= MAX_RECLAIM_RETRIES ? 1 : 0}` +
    `\n  start_pfn:           ${zone.zoneStartPfn}`;
  return `${out}\n`;
}

export function formatZoneinfo(snap: ZoneinfoSnapshot): string {
  let out = '';
  for (const node of snap.nodes) {
    const zones = checkLength(node.zones, ZONE_NAMES.length, `zoneinfo node ${node.nodeId}.zones`);
    const first = zones.find((z) => z.presentPages > 0);
    for (const zone of zones) out += formatZone(node, zone, zone === first);
  }
  return out;
}
