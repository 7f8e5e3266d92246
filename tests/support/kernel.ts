// Whole-machine invariants of the page allocator, checked by walking mem_map.

import type { Kernel } from '../../src/kernel/machine.js';
import { MAX_ORDER, PG_active, PG_buddy, PG_lru, PG_pcp, PG_reserved, PG_slab, PG_swapbacked, PG_table, PG_unevictable, PG_used } from '../../src/kernel/mm/page.js';
import { NodeStat, ZoneStat } from '../../src/kernel/mm/mmzone.js';
import { slabState } from '../../src/kernel/mm/slab_state.js';
import { SLAB_RECLAIM_ACCOUNT } from '../../src/kernel/mm/slab_common.js';
import { slabinfo } from '../../src/kernel/fs/proc/slabinfo.js';
import { Proc } from '../../src/kernel/process.js';
import type { Program } from '../../src/kernel/exec.js';
import { installFile } from '../../src/kernel/fs/mount.js';

export interface FrameCensus {
  free: number;
  pcp: number;
  used: number;
  reserved: number;
}

/**
 * Walks every zone: each frame must be covered by exactly one of a free buddy block, a per-cpu
 * page, an allocated block or a reservation; free blocks are aligned to their order and counted
 * on their lists; no two free buddies sit unmerged. Returns the census, throws on a violation.
 */
export function checkPageInvariants(k: Kernel): FrameCensus {
  const mem = k.mem;
  const census: FrameCensus = { free: 0, pcp: 0, used: 0, reserved: 0 };
  for (const zone of k.node.zones) {
    if (!zone.spannedPages) continue;
    const nrFree = new Array<number>(MAX_ORDER).fill(0);
    let zoneFree = 0;
    let pcpHere = 0;
    const end = zone.zoneStartPfn + zone.spannedPages;
    for (let pfn = zone.zoneStartPfn; pfn < end; ) {
      const f = mem.flags[pfn]!;
      const kinds = (f & PG_buddy ? 1 : 0) + (f & PG_pcp ? 1 : 0) + (f & PG_used ? 1 : 0) + (f & PG_reserved ? 1 : 0);
      if (kinds > 1) throw new Error(`pfn ${pfn} is in two states (flags ${f.toString(16)})`);
      if (f & PG_buddy) {
        const o = mem.order(pfn);
        if (pfn & ((1 << o) - 1)) throw new Error(`free block at ${pfn} misaligned for order ${o}`);
        if (pfn + (1 << o) > end) throw new Error(`free block at ${pfn} order ${o} crosses the zone end`);
        for (let p = pfn + 1; p < pfn + (1 << o); p++) if (mem.flags[p] !== 0) throw new Error(`page ${p} inside free block ${pfn} has flags ${mem.flags[p]}`);
        if (o < MAX_ORDER - 1) {
          const buddy = pfn ^ (1 << o);
          if (buddy >= zone.zoneStartPfn && buddy < end && mem.flags[buddy]! & PG_buddy && mem.order(buddy) === o)
            throw new Error(`free buddies ${pfn} and ${buddy} at order ${o} are not merged`);
        }
        nrFree[o]!++;
        zoneFree += 1 << o;
        census.free += 1 << o;
        pfn += 1 << o;
      } else if (f & PG_used) {
        const o = mem.order(pfn);
        census.used += 1 << o;
        pfn += 1 << o;
      } else if (f & PG_pcp) {
        census.pcp++;
        pcpHere++;
        pfn++;
      } else if (f & PG_reserved) {
        census.reserved++;
        pfn++;
      } else {
        throw new Error(`pfn ${pfn} is in no state (flags ${f.toString(16)})`);
      }
    }
    for (let o = 0; o < MAX_ORDER; o++)
      if (nrFree[o] !== zone.nrFree[o]) throw new Error(`${zone.name} order ${o}: ${nrFree[o]} free blocks found, nr_free says ${zone.nrFree[o]}`);
    if (zoneFree !== zone.vmstat[ZoneStat.NR_FREE_PAGES]) throw new Error(`${zone.name}: ${zoneFree} free pages found, NR_FREE_PAGES ${zone.vmstat[ZoneStat.NR_FREE_PAGES]}`);
    const pcpCount = zone.pageset.reduce((n, p) => n + p.count, 0);
    if (pcpHere !== pcpCount) throw new Error(`${zone.name}: ${pcpHere} pcp pages found, counts say ${pcpCount}`);
  }
  const spanned = k.node.zones.reduce((n, z) => n + z.spannedPages, 0);
  const counted = census.free + census.pcp + census.used + census.reserved;
  if (counted !== spanned) throw new Error(`${counted} frames accounted for, ${spanned} spanned`);
  return census;
}

/** The lruvec lists (in Lru order) and the zone and node counters that mirror them. */
const LRU_NODE = [NodeStat.NR_INACTIVE_ANON, NodeStat.NR_ACTIVE_ANON, NodeStat.NR_INACTIVE_FILE, NodeStat.NR_ACTIVE_FILE, NodeStat.NR_UNEVICTABLE];
const LRU_ZONE = [ZoneStat.NR_ZONE_INACTIVE_ANON, ZoneStat.NR_ZONE_ACTIVE_ANON, ZoneStat.NR_ZONE_INACTIVE_FILE, ZoneStat.NR_ZONE_ACTIVE_FILE, ZoneStat.NR_ZONE_UNEVICTABLE];

/**
 * Every page on an LRU list is an allocated page flagged PG_lru whose flags name that list, no
 * PG_lru page is off the lists, and the per-zone and per-node LRU counters equal the lists.
 */
export function checkLruInvariants(k: Kernel): void {
  const mem = k.mem;
  const zones = k.node.zones;
  let onLists = 0;
  for (let lru = 0; lru < LRU_NODE.length; lru++) {
    const perZone = new Array<number>(zones.length).fill(0);
    const head = k.node.lru[lru]!;
    let n = 0;
    for (let pfn = mem.first(head); pfn >= 0; pfn = mem.next[pfn] === head ? -1 : mem.next[pfn]!) {
      const f = mem.flags[pfn]!;
      if (++n > mem.flags.length) throw new Error(`LRU list ${lru} loops`);
      if ((f & (PG_lru | PG_used)) !== (PG_lru | PG_used)) throw new Error(`pfn ${pfn} on LRU list ${lru} has flags ${f.toString(16)}`);
      if (f & (PG_slab | PG_table | PG_buddy | PG_pcp)) throw new Error(`pfn ${pfn} on LRU list ${lru} is also a slab, table or free page (${f.toString(16)})`);
      const want = f & PG_unevictable ? 4 : (f & PG_swapbacked ? 0 : 2) + (f & PG_active ? 1 : 0);
      if (want !== lru) throw new Error(`pfn ${pfn} with flags ${f.toString(16)} is on LRU list ${lru}, belongs on ${want}`);
      perZone[zones.indexOf(k.node.zoneOf(pfn))]!++;
    }
    onLists += n;
    if (k.node.vmstat[LRU_NODE[lru]!] !== n) throw new Error(`LRU list ${lru}: ${n} pages, node counter ${k.node.vmstat[LRU_NODE[lru]!]}`);
    zones.forEach((z, i) => {
      if (z.vmstat[LRU_ZONE[lru]!] !== perZone[i]) throw new Error(`${z.name} LRU list ${lru}: ${perZone[i]} pages, zone counter ${z.vmstat[LRU_ZONE[lru]!]}`);
    });
  }
  let flagged = 0;
  for (let pfn = 0; pfn < mem.flags.length; pfn++) if (mem.flags[pfn]! & PG_lru) flagged++;
  if (flagged !== onLists) throw new Error(`${flagged} pages flagged PG_lru, ${onLists} on the lists`);
}

/** Page-table pages (PG_table blocks) against each zone's NR_PAGETABLE. */
export function checkPageTableAccounting(k: Kernel): void {
  const mem = k.mem;
  for (const z of k.node.zones) {
    let n = 0;
    const end = z.zoneStartPfn + z.spannedPages;
    for (let pfn = z.zoneStartPfn; pfn < end; pfn++) if ((mem.flags[pfn]! & (PG_used | PG_table)) === (PG_used | PG_table)) n += 1 << mem.order(pfn);
    if (n !== z.vmstat[ZoneStat.NR_PAGETABLE]) throw new Error(`${z.name}: ${n} page-table pages, NR_PAGETABLE ${z.vmstat[ZoneStat.NR_PAGETABLE]}`);
  }
}

/**
 * /proc/slabinfo against a recount of the live slabs: for every cache, the slabs, the objects
 * and the active objects (all but those free on the node's partial list, as SLUB counts them),
 * and the slab pages against NR_SLAB_RECLAIMABLE / NR_SLAB_UNRECLAIMABLE. Each slab's in-use
 * count must match its free chain.
 */
export function checkSlabAccounting(k: Kernel): void {
  const st = slabState(k);
  const mem = k.mem;
  const counts = new Map<string, { slabs: number; objs: number; partialFree: number }>();
  for (const s of st.slab_caches) counts.set(s.name, { slabs: 0, objs: 0, partialFree: 0 });
  const onPartial = new Set<number>();
  for (const s of st.slab_caches) {
    const head = s.node!.partial;
    for (let pfn = mem.first(head); pfn >= 0; pfn = mem.next[pfn] === head ? -1 : mem.next[pfn]!) onPartial.add(mem.owner[pfn]!);
  }
  let reclaimable = 0;
  let unreclaimable = 0;
  for (const id of st.liveSlabs()) {
    const s = st.slabCache[id]!;
    const pfn = st.slabPfn[id]!;
    const objects = st.slabObjects[id]!;
    if (!(mem.flags[pfn]! & PG_slab) || !(mem.flags[pfn]! & PG_used)) throw new Error(`slab ${id} of ${s.name} at pfn ${pfn} is not an allocated slab page`);
    if (mem.flags[pfn]! & PG_lru) throw new Error(`slab page ${pfn} is on an LRU list`);
    let pageFree = 0;
    const chain = st.slabChain[id]!;
    for (let fp = st.slabFreelist[id]!; fp !== -1; fp = chain[fp]!) if (++pageFree > objects) throw new Error(`free chain of slab ${id} (${s.name}) loops`);
    if (st.slabInuse[id] !== objects - pageFree) throw new Error(`slab ${id} (${s.name}): inuse ${st.slabInuse[id]}, ${objects - pageFree} off its freelist`);
    const c = counts.get(s.name)!;
    c.slabs++;
    c.objs += objects;
    if (onPartial.has(id)) c.partialFree += pageFree;
    if (s.flags & SLAB_RECLAIM_ACCOUNT) reclaimable += 1 << mem.order(pfn);
    else unreclaimable += 1 << mem.order(pfn);
  }
  if (reclaimable !== k.node.vmstat[NodeStat.NR_SLAB_RECLAIMABLE]) throw new Error(`${reclaimable} reclaimable slab pages, NR_SLAB_RECLAIMABLE ${k.node.vmstat[NodeStat.NR_SLAB_RECLAIMABLE]}`);
  if (unreclaimable !== k.node.vmstat[NodeStat.NR_SLAB_UNRECLAIMABLE]) throw new Error(`${unreclaimable} unreclaimable slab pages, NR_SLAB_UNRECLAIMABLE ${k.node.vmstat[NodeStat.NR_SLAB_UNRECLAIMABLE]}`);
  const rows = slabinfo(k).split('\n').slice(2).filter((l) => l);
  if (rows.length !== st.slab_caches.length) throw new Error(`/proc/slabinfo has ${rows.length} rows for ${st.slab_caches.length} caches`);
  for (const row of rows) {
    const f = row.split(/\s+/);
    const c = counts.get(f[0]!);
    if (!c) throw new Error(`/proc/slabinfo lists ${f[0]}, which is not a cache`);
    const shown = { active: Number(f[1]), objs: Number(f[2]), slabs: Number(f[14]) };
    const want = { active: c.objs - c.partialFree, objs: c.objs, slabs: c.slabs };
    if (shown.active !== want.active || shown.objs !== want.objs || shown.slabs !== want.slabs || Number(f[13]) !== want.slabs)
      throw new Error(`/proc/slabinfo ${f[0]}: ${JSON.stringify(shown)}, recount ${JSON.stringify(want)}`);
  }
}

/** Starts `path` from init as a new process, as a shell would, and returns its pid. */
export function spawn(k: Kernel, path: string, main: Program, argv: readonly string[]): number {
  if (!k.binaries.has(path)) {
    const file = installFile(k, path, '', 0o755);
    k.binaries.set(path, { path, main, textPages: 8, dataPages: 2, inode: file.ino });
  }
  const init = k.tasks.get(1)!;
  const save = k.current;
  k.current = init;
  const pid = new Proc(k, init).fork(function* (c) {
    return yield* c.exec(path, argv);
  });
  k.current = save;
  return pid;
}

/** A memory hog: maps `mb` MiB, writes every page, holds it `holdNs`, exits. */
export function* memhog(p: Proc, argv: readonly string[]): Generator<number, number, void> {
  const bytes = Number(argv[1]) * 1024 * 1024;
  const holdNs = Number(argv[2] ?? 0);
  const addr = p.mmap(bytes);
  if (addr < 0) return 1;
  if (!(yield* p.touch(addr, bytes, true))) return 1;
  if (holdNs) yield* p.sleep(holdNs);
  return 0;
}
