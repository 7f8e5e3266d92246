import { describe, expect, it } from 'vitest';
import { boot } from '../../src/kernel/boot.js';
import type { Kernel } from '../../src/kernel/machine.js';
import { ZoneType } from '../../src/kernel/mm/gfp.js';
import { WMark } from '../../src/kernel/mm/mmzone.js';
import { drain_all_pages } from '../../src/kernel/mm/page_alloc.js';
import {
  mm_vmscan_direct_reclaim_begin,
  mm_vmscan_direct_reclaim_end,
  mm_vmscan_kswapd_sleep,
  mm_vmscan_kswapd_wake,
  mm_vmscan_wakeup_kswapd,
} from '../../src/kernel/trace/events/vmscan.js';
import { mark_victim, wake_reaper, start_task_reaping, finish_task_reaping } from '../../src/kernel/trace/events/oom.js';
import { checkPageInvariants, memhog, spawn } from '../support/kernel.js';
import { buddyinfo } from '../../src/kernel/fs/proc/vmstat.js';

const MiB = 1024 * 1024;

interface Ev {
  name: string;
  comm: string;
  pid: number;
  args: readonly (number | string)[];
  free: number;
}

function record(k: Kernel): Ev[] {
  const evs: Ev[] = [];
  const dma32 = k.node.zones[ZoneType.DMA32]!;
  for (const tp of [mm_vmscan_wakeup_kswapd, mm_vmscan_kswapd_wake, mm_vmscan_kswapd_sleep, mm_vmscan_direct_reclaim_begin, mm_vmscan_direct_reclaim_end, mark_victim, wake_reaper, start_task_reaping, finish_task_reaping])
    k.listenTracepoint(tp, (t, args) => evs.push({ name: t.name, comm: k.current.comm, pid: k.current.pid, args, free: dma32.freePages() }));
  return evs;
}

describe('reclaim on a 256 MiB machine with 64 MiB of zram swap', () => {
  it('kswapd wakes below low, in the allocating task, and sleeps only above high', () => {
    const k = boot({ memBytes: 256 * MiB, swapBytes: 64 * MiB });
    const evs = record(k);
    const dma32 = k.node.zones[ZoneType.DMA32]!;
    spawn(k, '/usr/bin/memhog', memhog, ['memhog', '230', '2000000000']);
    k.sched.run(10e9);
    const wakeup = evs.find((e) => e.name === 'mm_vmscan_wakeup_kswapd')!;
    expect(wakeup.comm).toBe('memhog');
    expect(wakeup.free).toBeLessThan(dma32.watermark[WMark.Low]!);
    const wake = evs.find((e) => e.name === 'mm_vmscan_kswapd_wake')!;
    expect([wake.comm, wake.pid]).toEqual(['kswapd0', 91]);
    const sleeps = evs.filter((e) => e.name === 'mm_vmscan_kswapd_sleep');
    expect(sleeps.length).toBeGreaterThan(0);
    for (const s of sleeps) expect(s.free).toBeGreaterThan(dma32.watermark[WMark.High]!);
    checkPageInvariants(k);
  });

  it('below min the hog reclaims directly, in its own context', () => {
    const k = boot({ memBytes: 256 * MiB, swapBytes: 64 * MiB });
    const evs = record(k);
    spawn(k, '/usr/bin/memhog', memhog, ['memhog', '260', '1000000000']);
    k.sched.run(20e9);
    const begins = evs.filter((e) => e.name === 'mm_vmscan_direct_reclaim_begin');
    expect(begins.length).toBeGreaterThan(0);
    expect(new Set(begins.map((e) => e.comm))).toEqual(new Set(['memhog']));
    const ends = evs.filter((e) => e.name === 'mm_vmscan_direct_reclaim_end');
    expect(ends.length).toBe(begins.length);
    expect(ends.some((e) => (e.args[0] as number) >= 32)).toBe(true);
    expect(k.log.some((l) => l.text.includes('invoked oom-killer'))).toBe(false);
    checkPageInvariants(k);
  });

  it('exhausting memory and swap OOM-kills the hog, the reaper reaps it, memory comes back', () => {
    const k = boot({ memBytes: 256 * MiB, swapBytes: 64 * MiB });
    drain_all_pages(k);
    const freeBefore = checkPageInvariants(k).free;
    const evs = record(k);
    const before = buddyinfo(k);
    const pid = spawn(k, '/usr/bin/memhog', memhog, ['memhog', '400']);
    let during = '';
    k.sched.run(0.1e9);
    during = buddyinfo(k);
    k.sched.run(30e9);
    const log = k.log.map((l) => l.text);
    expect(log.some((l) => l.startsWith('memhog invoked oom-killer: gfp_mask=0x6280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), order=0, oom_score_adj=0'))).toBe(true);
    expect(log.some((l) => l.startsWith(`Out of memory: Kill process ${pid} (memhog) score `))).toBe(true);
    expect(log.some((l) => l.startsWith(`Killed process ${pid} (memhog) total-vm:`))).toBe(true);
    expect(log.some((l) => l.startsWith(`oom_reaper: reaped process ${pid} (memhog), now anon-rss:0kB`))).toBe(true);
    const names = evs.filter((e) => e.args[0] === pid && e.name !== 'mm_vmscan_direct_reclaim_end').map((e) => `${e.name}:${e.comm}`);
    expect(names).toEqual(['mark_victim:memhog', 'wake_reaper:memhog', 'start_task_reaping:oom_reaper', 'finish_task_reaping:oom_reaper']);
    expect(k.tasks.has(pid)).toBe(false);
    drain_all_pages(k);
    const c = checkPageInvariants(k);
    // Everything the hog had is back, less what the page tables of boot-time tasks hold.
    expect(c.free).toBeGreaterThan(freeBefore - 64);
    // The high orders drained while the hog ran and merged back after.
    const top = (s: string): number => Number(s.trim().split('\n').pop()!.trim().split(/\s+/).pop());
    expect(top(during)).toBeLessThan(top(before));
    expect(top(buddyinfo(k))).toBeGreaterThanOrEqual(top(before) - 1);
    expect(k.swap!.inuse).toBe(0);
  });

  it('is deterministic: the same seed gives the same event stream', () => {
    const run = (): string => {
      const k = boot({ memBytes: 256 * MiB, swapBytes: 64 * MiB, seed: 7 });
      const evs = record(k);
      spawn(k, '/usr/bin/memhog', memhog, ['memhog', '220', '500000000']);
      k.sched.run(5e9);
      return JSON.stringify(evs) + buddyinfo(k);
    };
    expect(run()).toBe(run());
  });
});
