// /proc/buddyinfo, Linux 5.0 mm/vmstat.c: frag_show over walk_zones_in_node (populated zones
// only), each line by frag_show_print.

import { checkLength, MAX_ORDER, type ZoneName } from './mmzone.js';

export interface BuddyinfoZone {
  readonly name: ZoneName;
  /** zone->present_pages; a zone with none is not listed. */
  readonly presentPages: number;
  /** zone->free_area[order].nr_free for order 0..MAX_ORDER-1: free blocks, not pages. */
  readonly nrFree: readonly number[];
}

export interface BuddyinfoNode {
  readonly nodeId: number;
  /** The node's zones in zone_type order. */
  readonly zones: readonly BuddyinfoZone[];
}

export interface BuddyinfoSnapshot {
  /** Online nodes in node order. */
  readonly nodes: readonly BuddyinfoNode[];
}

export function formatBuddyinfo(snap: BuddyinfoSnapshot): string {
  let out = '';
  for (const node of snap.nodes) {
    for (const zone of node.zones) {
      if (zone.presentPages === 0) continue;
      out += `Node ${node.nodeId}, zone ${zone.name.padStart(8)} `;
      for (const n of checkLength(zone.nrFree, MAX_ORDER, `buddyinfo ${zone.name}.nrFree`)) {
        out += `${String(n).padStart(6)} `;
      }
      out += '\n';
    }
  }
  return out;
}
