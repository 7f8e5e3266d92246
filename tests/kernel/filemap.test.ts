import { describe, expect, it } from 'vitest';
import { boot } from '../../src/kernel/boot.js';
import type { Kernel } from '../../src/kernel/machine.js';
import { kthread_create } from '../../src/kernel/fork.js';
import { AddressSpace, filemapCached, filemapRead, truncateInodePages } from '../../src/kernel/mm/filemap.js';
import { shmemWrite } from '../../src/kernel/mm/shmem.js';
import { NodeStat } from '../../src/kernel/mm/mmzone.js';
import { rootQueue } from '../../src/kernel/block/genhd.js';
import type { Task } from '../../src/kernel/sched/task.js';
import { checkPageInvariants } from '../support/kernel.js';
import { block_rq_issue } from '../../src/kernel/trace/events/block.js';
import { __alloc_pages_nodemask } from '../../src/kernel/mm/page_alloc.js';
import { GFP_HIGHUSER_MOVABLE } from '../../src/kernel/mm/gfp.js';
import { lru_cache_add_active_or_unevictable } from '../../src/kernel/mm/swap.js';
import { PG_anon, PG_swapbacked } from '../../src/kernel/mm/page.js';

const MiB = 1024 * 1024;

/** A kernel thread that reads [pos, pos+len) of `mapping` and records when it finished. */
function reader(k: Kernel, mapping: AddressSpace, pos: number, len: number, out: { ret?: number; done?: number; start?: number }): Task {
  const t = kthread_create(k, 'reader', function* () {
    out.start = k.now;
    out.ret = yield* filemapRead(k, mapping, pos, len);
    out.done = k.now;
    return 0;
  });
  k.sched.wakeUp(t);
  return t;
}

/** A kernel thread that burns CPU in 10 µs steps, counting them. */
function spinner(k: Kernel, counter: { steps: number }): Task {
  const t = kthread_create(k, 'spinner', function* () {
    for (;;) {
      counter.steps++;
      yield 10_000;
    }
  });
  k.sched.wakeUp(t);
  return t;
}

const file = (k: Kernel) => k.node.vmstat[NodeStat.NR_FILE_PAGES]!;
const inactiveFile = (k: Kernel) => k.node.vmstat[NodeStat.NR_INACTIVE_FILE]!;
const activeFile = (k: Kernel) => k.node.vmstat[NodeStat.NR_ACTIVE_FILE]!;

describe('page cache', () => {
  it('a read fills the cache from the disk, taking virtual time; a second read does no IO', () => {
    const k = boot({ memBytes: 256 * MiB, cpus: 2 });
    const m = new AddressSpace(4242, 'disk');
    m.isize = 64 * 4096;
    const q = rootQueue(k);
    const before = q.completed;
    const fileBefore = file(k);
    const r: { ret?: number; done?: number; start?: number } = {};
    const issued: (readonly (number | string)[])[] = [];
    k.listenTracepoint(block_rq_issue, (_tp, a) => {
      if (a[0] === 8 * 2 ** 20) issued.push(a);
    });
    reader(k, m, 0, 10 * 4096, r);
    k.sched.run(k.now + 1e9);
    expect(r.ret).toBe(0);
    // One readahead request for the whole window, from the reader, on sda (8:0).
    expect(issued.map((a) => [a[2], a[3], a[4], a[5]])).toEqual([[256, 32 * 4096, 'RA', 'reader']]);
    expect(r.done! - r.start!).toBeGreaterThan(80_000);
    // Readahead's first window for a 10-page read is 32 pages (128 KiB).
    expect(m.nrpages).toBe(32);
    expect(file(k) - fileBefore).toBe(32);
    expect(inactiveFile(k)).toBe(32);
    expect(filemapCached(k, m, 0, 10 * 4096)).toBe(true);
    const ios = q.completed - before;
    expect(ios).toBeGreaterThan(0);
    const r2: { ret?: number; done?: number; start?: number } = {};
    reader(k, m, 0, 10 * 4096, r2);
    k.sched.run(k.now + 1e9);
    expect(r2.ret).toBe(0);
    expect(q.completed - before).toBe(ios);
    // One access leaves a page inactive but referenced; the second (mark_page_accessed)
    // promotes the read pages, not the readahead ones, to the active list.
    expect(activeFile(k)).toBe(0);
    expect(filemapCached(k, m, 0, 10 * 4096)).toBe(true);
    expect(activeFile(k)).toBe(10);
    expect(inactiveFile(k)).toBe(22);
    checkPageInvariants(k);
  });

  it('IO blocks only the reader: another task keeps the CPU busy meanwhile', () => {
    const k = boot({ memBytes: 256 * MiB, cpus: 1 });
    const m = new AddressSpace(77, 'disk');
    const r: { ret?: number; done?: number; start?: number } = {};
    const spin = { steps: 0 };
    reader(k, m, 0, 4096, r);
    spinner(k, spin);
    k.sched.run(k.now + 20e6);
    expect(r.ret).toBe(0);
    const ioNs = r.done! - r.start!;
    // The spinner ran through the reader's wait (in 10 µs steps).
    expect(spin.steps * 10_000).toBeGreaterThan(ioNs / 2);
  });

  it('truncate frees the pages; shmem pages count as Shmem and swap-backed', () => {
    const k = boot({ memBytes: 256 * MiB, cpus: 2 });
    const m = new AddressSpace(5, 'disk');
    m.isize = 8 * 4096;
    reader(k, m, 0, 8 * 4096, {});
    k.sched.run(k.now + 1e9);
    expect(m.nrpages).toBe(8);
    const fileBefore = file(k);
    truncateInodePages(k, m, 2 * 4096);
    expect(m.nrpages).toBe(2);
    expect(fileBefore - file(k)).toBe(6);
    truncateInodePages(k, m, 0);
    expect(m.nrpages).toBe(0);

    const shm = new AddressSpace(9, 'shmem');
    const shmemBefore = k.node.vmstat[NodeStat.NR_SHMEM]!;
    const inactiveAnon = k.node.vmstat[NodeStat.NR_INACTIVE_ANON]!;
    expect(shmemWrite(k, shm, 100, 3 * 4096)).toBe(0);
    expect(shm.nrpages).toBe(4);
    expect(k.node.vmstat[NodeStat.NR_SHMEM]! - shmemBefore).toBe(4);
    expect(k.node.vmstat[NodeStat.NR_INACTIVE_ANON]! - inactiveAnon).toBe(4);
    for (const pfn of shm.pages.values()) expect(k.mem.has(pfn, PG_swapbacked)).toBe(true);
    expect(shmemWrite(k, shm, 0, 4096)).toBe(0);
    expect(shm.nrpages).toBe(4);
    truncateInodePages(k, shm, 0);
    expect(k.node.vmstat[NodeStat.NR_SHMEM]).toBe(shmemBefore);
    expect(k.node.vmstat[NodeStat.NR_INACTIVE_ANON]).toBe(inactiveAnon);
    checkPageInvariants(k);
  });

  it('under memory pressure clean file pages go before much anon is swapped (swappiness 60)', () => {
    const k = boot({ memBytes: 256 * MiB, swapBytes: 64 * MiB, cpus: 2 });
    // 120 MiB of file cache, read in 1 MiB pieces by one reader.
    const m = new AddressSpace(31, 'disk');
    m.isize = 120 * MiB;
    const t = kthread_create(k, 'cat', function* () {
      for (let pos = 0; pos < m.isize; pos += MiB) yield* filemapRead(k, m, pos, MiB);
      return 0;
    });
    k.sched.wakeUp(t);
    k.sched.run(k.now + 30e9);
    const cached = m.nrpages;
    expect(cached).toBeGreaterThan(25_000);
    // Then anonymous pages on the LRU, as faults would map them, until memory runs short.
    const anon: number[] = [];
    for (let i = 0; i < 45_000; i++) {
      const pfn = __alloc_pages_nodemask(k, GFP_HIGHUSER_MOVABLE, 0);
      if (pfn < 0) break;
      k.mem.set(pfn, PG_anon | PG_swapbacked);
      k.mem.owner[pfn] = k.rmap.alloc(-1, 0);
      lru_cache_add_active_or_unevictable(k, pfn);
      anon.push(pfn);
    }
    k.sched.run(k.now + 2e9);
    expect(anon.length).toBe(45_000);
    const dropped = cached - m.nrpages;
    expect(dropped).toBeGreaterThan(10_000);
    // Reclaim that scans anon takes a swap slot for each candidate (add_to_swap); with a large
    // inactive file list get_scan_count scans file only, so hardly any were taken.
    expect(k.swap!.inuse).toBeLessThan(dropped / 20);
    expect(file(k)).toBe(m.nrpages);
    checkPageInvariants(k);
  });
});
