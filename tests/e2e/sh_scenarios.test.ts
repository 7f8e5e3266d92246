// The lecture's memory-management scenarios typed at `bpfbox sh -c`, as a learner would: the
// machine's reactions (kswapd, direct reclaim, the OOM killer, buddy merging, slab growth) are
// observed through its tracepoints and its /proc files.

import { describe, expect, it } from 'vitest';
import { bootMachine, runCommands } from '../../src/cli/sh.js';
import type { Kernel } from '../../src/kernel/machine.js';
import type { Tracepoint } from '../../src/kernel/trace/tracepoint.js';
import { mm_vmscan_direct_reclaim_begin, mm_vmscan_kswapd_sleep, mm_vmscan_kswapd_wake, mm_vmscan_wakeup_kswapd } from '../../src/kernel/trace/events/vmscan.js';
import { mark_victim } from '../../src/kernel/trace/events/oom.js';
import { ZoneStat } from '../../src/kernel/mm/mmzone.js';

/** WMARK_LOW and WMARK_HIGH (a const enum does not cross into tests). */
const LOW = 1;
const HIGH = 2;
import { checkPageInvariants } from '../support/kernel.js';

interface Seen {
  tp: string;
  comm: string;
  time: number;
  free: number;
}

function sh(commands: string, opts: Record<string, string> = {}, watch: Tracepoint[] = []) {
  const k: Kernel = bootMachine({ mem: '256M', ...opts });
  const seen: Seen[] = [];
  const dma32 = () => k.node.zones.find((z) => z.name === 'DMA32')!;
  for (const tp of watch) k.listenTracepoint(tp, () => seen.push({ tp: tp.name, comm: k.current.comm, time: k.now, free: dma32().vmstat[ZoneStat.NR_FREE_PAGES]! }));
  const out = { stdout: '', stderr: '' };
  const status = runCommands(k, commands, { stdout: (s) => void (out.stdout += s), stderr: (s) => void (out.stderr += s), stdin: () => '' });
  return { k, seen, status, ...out, zone: dma32() };
}

/** The order-N counts of the DMA32 row of each /proc/buddyinfo printed. */
function dma32Rows(text: string): number[][] {
  return text.split('\n').filter((l) => l.includes('zone    DMA32')).map((l) => l.trim().split(/\s+/).slice(4).map(Number));
}

describe('memory pressure from a memhog typed at the shell', () => {
  it('wakes kswapd from the hog when free pages fall below low; kswapd sleeps again only above high', () => {
    const r = sh('memhog 222M --hold 2', {}, [mm_vmscan_wakeup_kswapd, mm_vmscan_kswapd_wake, mm_vmscan_kswapd_sleep]);
    expect(r.status).toBe(0);
    const wakeups = r.seen.filter((s) => s.tp === 'mm_vmscan_wakeup_kswapd');
    expect(wakeups.length).toBeGreaterThan(0);
    expect(wakeups.every((s) => s.comm === 'memhog')).toBe(true);
    expect(wakeups[0]!.free).toBeLessThan(r.zone.watermark[LOW]! + r.zone.watermarkBoost + 64);
    const wake = r.seen.find((s) => s.tp === 'mm_vmscan_kswapd_wake')!;
    expect(wake.comm).toBe('kswapd0');
    const sleep = r.seen.filter((s) => s.tp === 'mm_vmscan_kswapd_sleep');
    expect(sleep.length).toBeGreaterThan(0);
    expect(sleep.every((s) => s.free >= r.zone.watermark[HIGH]!)).toBe(true);
    checkPageInvariants(r.k);
  });

  it('reclaims directly in the hog itself below min', () => {
    const r = sh('memhog 250M', {}, [mm_vmscan_direct_reclaim_begin]);
    expect(r.status).toBe(0);
    expect(r.seen.length).toBeGreaterThan(0);
    expect(new Set(r.seen.map((s) => s.comm))).toEqual(new Set(['memhog']));
  });

  it('ends in the OOM killer: the hog is killed, dmesg shows the report, its memory comes back', () => {
    const r = sh('cat /proc/meminfo | grep MemFree; memhog 600M; echo status=$?; dmesg | grep -E "invoked oom-killer|Out of memory|Killed process"; grep MemFree /proc/meminfo', { swap: '64M' }, [mark_victim]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('status=137');
    expect(r.stderr).toMatch(/^bash: +\d+ Killed {18}memhog 600M\n$/);
    expect(r.stdout).toMatch(/memhog invoked oom-killer: gfp_mask=0x[0-9a-f]+\(GFP_HIGHUSER_MOVABLE\|__GFP_ZERO\), order=0, oom_score_adj=0/);
    expect(r.stdout).toMatch(/Out of memory: Kill process \d+ \(memhog\) score \d+ or sacrifice child/);
    expect(r.stdout).toMatch(/Killed process \d+ \(memhog\) total-vm:\d+kB/);
    expect(r.seen.length).toBe(1);
    const free = [...r.stdout.matchAll(/MemFree: +(\d+) kB/g)].map((m) => Number(m[1]));
    expect(free[1]!).toBeGreaterThan(free[0]! * 0.8);
    checkPageInvariants(r.k);
  });

  it('drains high orders of /proc/buddyinfo while the hog runs and merges them back after', () => {
    const r = sh('cat /proc/buddyinfo; memhog 150M --hold 1 & sleep 0.5; cat /proc/buddyinfo; wait; sleep 0.2; cat /proc/buddyinfo');
    const [before, during, after] = dma32Rows(r.stdout);
    expect(during![10]!).toBeLessThan(before![10]! - 30);
    expect(after![10]!).toBeGreaterThan(during![10]! + 30);
  });
});

describe('slab caches and forks', () => {
  it('/proc/slabinfo counts rise with a fork storm and fall after it', () => {
    const r = sh('grep "^task_struct " /proc/slabinfo; forkstorm 100 --hold 0.5 & sleep 0.3; grep "^task_struct " /proc/slabinfo; wait; grep "^task_struct " /proc/slabinfo', { mem: '1G' });
    const active = r.stdout.trim().split('\n').map((l) => Number(l.split(/\s+/)[1]));
    expect(active).toHaveLength(3);
    expect(active[1]!).toBeGreaterThanOrEqual(active[0]! + 100);
    // SLUB counts objects free on per-CPU slabs as active: the count falls, not all the way back.
    expect(active[2]!).toBeLessThan(active[1]! - 50);
  });
});

describe('bad input gets Linux\'s and bash\'s errors, and changes nothing', () => {
  it('unknown paths, read-only files, root-only files, unknown commands', () => {
    const r = sh([
      'cat /proc/nope', 'echo 1 > /proc/meminfo', 'su reallinux -c "cat /proc/slabinfo"', 'nosuchcmd', 'cd /proc/meminfo',
      'cat /proc/sys/vm/min_free_kbytes', 'echo abc > /proc/sys/vm/min_free_kbytes', 'cat /proc/sys/vm/min_free_kbytes',
      'echo x > /nope/file', 'ls /nope', 'echo done',
    ].join('\n'));
    expect(r.stderr).toBe([
      'cat: /proc/nope: No such file or directory',
      'bash: echo: write error: Input/output error',
      'cat: /proc/slabinfo: Permission denied',
      'bash: nosuchcmd: command not found',
      'bash: cd: /proc/meminfo: Not a directory',
      'bash: echo: write error: Invalid argument',
      'bash: /nope/file: No such file or directory',
      "ls: cannot access '/nope': No such file or directory",
      '',
    ].join('\n'));
    const [mfk1, mfk2] = r.stdout.trim().split('\n');
    expect(mfk1).toBe(mfk2);
    expect(r.stdout.trim().split('\n').pop()).toBe('done');
  });

  it('a shell syntax error is reported as bash -c reports it', () => {
    const r = sh('echo a; echo b |');
    expect(r.stderr).toBe("bash: -c: line 2: syntax error: unexpected end of file\n");
    expect(r.status).toBe(2);
  });
});

describe('the shell itself', () => {
  it('runs pipelines, redirections, tmpfs files, uname and ulimit as the lecture shows', () => {
    const r = sh('uname -r; echo hi > /tmp/f; echo there >> /tmp/f; cat /tmp/f | wc -l; ulimit -a | head -1; cd /tmp && ls; seq 1 5 | grep -c 3; (echo sub; false) || echo failed');
    expect(r.stdout).toBe('5.0.0\n2\ncore file size          (blocks, -c) 0\nf\n1\nsub\nfailed\n');
  });

  it('timeout stops watch', () => {
    const r = sh('timeout 1 watch -n 0.3 cat /proc/loadavg; echo status=$?');
    expect(r.stdout.match(/Every 0\.3s: cat \/proc\/loadavg/g)?.length).toBe(4);
    expect(r.stdout).toContain('status=124');
  });
});
