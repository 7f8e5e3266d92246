// /proc/pagetypeinfo, Linux 5.0 mm/vmstat.c pagetypeinfo_show: pagetypeinfo_showfree and
// pagetypeinfo_showblockcount over the populated zones of each node with memory.
// pagetypeinfo_showmixedcount prints only with CONFIG_PAGE_OWNER and page_owner=on at boot,
// which an Ubuntu kernel does not have, so its section is absent.

import { checkLength, MAX_ORDER, MIGRATETYPE_NAMES, PAGEBLOCK_ORDER, type ZoneName } from './mmzone.js';

export interface PagetypeinfoZone {
  readonly name: ZoneName;
  /** zone->present_pages; a zone with none is not listed. */
  readonly presentPages: number;
  /**
   * Blocks on free_area[order].free_list[migratetype], indexed [migratetype][order] in
   * MIGRATETYPE_NAMES order.
   */
  readonly freeCounts: readonly (readonly number[])[];
  /** Pageblocks of the zone whose get_pageblock_migratetype() is each migratetype. */
  readonly pageblockCounts: readonly number[];
}

export interface PagetypeinfoNode {
  readonly nodeId: number;
  /** The node's zones in zone_type order. */
  readonly zones: readonly PagetypeinfoZone[];
}

export interface PagetypeinfoSnapshot {
  /** Online nodes in node order. */
  readonly nodes: readonly PagetypeinfoNode[];
}

const MIGRATE_TYPES = MIGRATETYPE_NAMES.length;

function formatNode(node: PagetypeinfoNode): string {
  const zones = node.zones.filter((z) => z.presentPages > 0);
  // node_state(N_MEMORY): set exactly when some zone of the node has present pages.
  if (zones.length === 0) return '';

  let out = `Page block order: ${PAGEBLOCK_ORDER}\nPages per block:  ${2 ** PAGEBLOCK_ORDER}\n\n`;

  out += `${'Free pages count per migrate type at order'.padEnd(43)} `;
  for (let order = 0; order < MAX_ORDER; order++) out += `${String(order).padStart(6)} `;
  out += '\n';
  for (const zone of zones) {
    const perType = checkLength(zone.freeCounts, MIGRATE_TYPES, `pagetypeinfo ${zone.name}.freeCounts`);
    perType.forEach((perOrder, mtype) => {
      out += `Node ${String(node.nodeId).padStart(4)}, zone ${zone.name.padStart(8)}, type ${MIGRATETYPE_NAMES[mtype].padStart(12)} `;
      for (const n of checkLength(perOrder, MAX_ORDER, `pagetypeinfo ${zone.name}.freeCounts[${mtype}]`)) {
        out += `${String(n).padStart(6)} `;
      }
      out += '\n';
    });
  }

  out += `\n${'Number of blocks type '.padEnd(23)}`;
  for (const name of MIGRATETYPE_NAMES) out += `${name.padStart(12)} `;
  out += '\n';
  for (const zone of zones) {
    out += `Node ${node.nodeId}, zone ${zone.name.padStart(8)} `;
    for (const n of checkLength(zone.pageblockCounts, MIGRATE_TYPES, `pagetypeinfo ${zone.name}.pageblockCounts`)) {
      out += `${String(n).padStart(12)} `;
    }
    out += '\n';
  }
  return out;
}

export function formatPagetypeinfo(snap: PagetypeinfoSnapshot): string {
  return snap.nodes.map(formatNode).join('');
}
