// Whole-machine invariants of the page allocator, checked by walking mem_map.

import type { Kernel } from '../../src/kernel/machine.js';
import { MAX_ORDER, PG_buddy, PG_pcp, PG_reserved, PG_used } from '../../src/kernel/mm/page.js';
import { ZoneStat } from '../../src/kernel/mm/mmzone.js';
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
  return census;
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
