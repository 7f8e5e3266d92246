import { describe, expect, it } from 'vitest';
import { boot } from '../../src/kernel/boot.js';
import { mm_page_alloc, mm_page_free } from '../../src/kernel/trace/events/kmem.js';
import { GFP_NOIO, showGfpFlags } from '../../src/kernel/mm/gfp.js';
import { queue_work_on, system_wq, WorkStruct } from '../../src/kernel/workqueue.js';
import { BLOCKED } from '../../src/kernel/sched/task.js';
import { checkPageInvariants } from '../support/kernel.js';
import { PT_REGS } from '../../src/kernel/probes.js';
import { block_rq_issue } from '../../src/kernel/trace/events/block.js';

const MiB = 1024 * 1024;

describe('workqueues', () => {
  it('boot starts kworker/N:0 and kworker/N:0H per CPU as real, bound workers', () => {
    const k = boot({ memBytes: 256 * MiB, cpus: 4 });
    const names = [...k.tasks.values()].map((t) => t.comm);
    for (let c = 0; c < 4; c++) expect(names).toEqual(expect.arrayContaining([`kworker/${c}:0`, `kworker/${c}:0H`]));
  });

  it('an idle VM polls its CD-ROM every 2 s from a kworker, bouncing through a GFP_NOIO page', () => {
    const k = boot({ memBytes: 256 * MiB, cpus: 4 });
    const allocs: { comm: string; cpu: number; pfn: number; order: number; gfp: number; mt: number; stack: string[] }[] = [];
    const frees: number[] = [];
    k.listenTracepoint(mm_page_alloc, (_tp, a) => allocs.push({ comm: k.current.comm, cpu: k.cpu, pfn: a[0] as number, order: a[1] as number, gfp: a[2] as number, mt: a[3] as number, stack: k.stackTrace() }));
    k.listenTracepoint(mm_page_free, (_tp, a) => frees.push(a[0] as number));
    const starts = new Map<bigint, number>();
    const rdi = (regs: DataView): bigint => regs.getBigUint64(PT_REGS.di, true);
    const latencies: number[] = [];
    k.attachProbe('blk_mq_start_request', (hit) => {
      // A request is a direct-map pointer into the tag set's pages.
      expect(rdi(hit.regs) >= 0xffff888000000000n).toBe(true);
      starts.set(rdi(hit.regs), k.now);
    });
    k.attachProbe('blk_account_io_done', (hit) => {
      const t0 = starts.get(rdi(hit.regs));
      if (t0 !== undefined) latencies.push(k.now - t0);
      starts.delete(rdi(hit.regs));
    });
    const issues: (readonly (number | string)[])[] = [];
    k.listenTracepoint(block_rq_issue, (_tp, a) => issues.push(a));
    const t0 = k.now;
    k.sched.run(t0 + 10.5e9);
    const noio = allocs.filter((a) => a.gfp === GFP_NOIO);
    // Five polls in ten seconds, one bounce page each.
    expect(noio.length).toBe(5);
    for (const a of noio) {
      expect(a.comm).toMatch(/^kworker\/\d+:\d+$/);
      expect(Number(/kworker\/(\d+)/.exec(a.comm)![1])).toBe(a.cpu);
      expect([a.order, a.mt]).toEqual([0, 0]);
      expect(showGfpFlags(a.gfp)).toBe('GFP_NOIO');
      expect(a.stack).toEqual(expect.arrayContaining(['bio_copy_kern', 'blk_rq_map_kern', 'sr_check_events', 'disk_events_workfn', 'process_one_work', 'worker_thread']));
      expect(frees).toContain(a.pfn);
    }
    // Two commands per poll, each timed from blk_mq_start_request to blk_account_io_done by
    // the request's address.
    expect(latencies.length).toBe(10);
    expect(starts.size).toBe(0);
    // sr0 is 11:0; GET EVENT STATUS NOTIFICATION carries 8 bytes, TEST UNIT READY none.
    expect(issues.length).toBe(10);
    expect(issues[0]!.slice(0, 5)).toEqual([11 * 2 ** 20, 0, 0, 8, 'N']);
    expect(issues[0]![5]).toMatch(/^kworker\//);
    expect(issues[0]![6]).toBe('4a 01 00 00 10 00 00 00 08 00');
    expect(issues[1]!.slice(3, 5)).toEqual([0, 'N']);
    for (const ns of latencies) expect(ns).toBeGreaterThanOrEqual(150_000);
    checkPageInvariants(k);
  });

  it('a worker that sleeps in a work item leaves the rest to another worker, created on demand', () => {
    const k = boot({ memBytes: 256 * MiB, cpus: 2 });
    const ran: string[] = [];
    const slow = new WorkStruct(function* (kk) {
      ran.push(`slow:${kk.current.comm}`);
      kk.sched.sleepUntil(kk.current, kk.now + 50e6);
      yield BLOCKED;
      ran.push('slow done');
    }, 0x1000);
    const fast = new WorkStruct(function* (kk) {
      ran.push(`fast:${kk.current.comm}`);
      yield 1000;
    }, 0x2000);
    queue_work_on(k, 1, system_wq(k), slow);
    queue_work_on(k, 1, system_wq(k), fast);
    expect(queue_work_on(k, 1, system_wq(k), fast)).toBe(false);
    k.sched.run(k.now + 10e6);
    expect(ran[0]).toMatch(/^slow:kworker\/1:\d$/);
    expect(ran[1]).toMatch(/^fast:kworker\/1:\d$/);
    expect(ran[1]!.slice(5)).not.toBe(ran[0]!.slice(5));
    expect(ran).not.toContain('slow done');
    k.sched.run(k.now + 100e6);
    expect(ran).toContain('slow done');
    expect([...k.tasks.values()].some((t) => t.comm === 'kworker/1:1')).toBe(true);
  });
});
