import { describe, expect, it } from 'vitest';
import { loadavg } from '../../../src/kernel/fs/proc/loadavg.js';
import { domainname, hostname, kernelVersion, osrelease, ostype } from '../../../src/kernel/fs/proc/sysctl.js';
import { uptime } from '../../../src/kernel/fs/proc/uptime.js';
import { version } from '../../../src/kernel/fs/proc/version.js';
import { devkmsg } from '../../../src/kernel/fs/proc/kmsg.js';
import { boot } from '../../../src/kernel/boot.js';
import { machineWithHog } from './machine.js';
import { Proc } from '../../../src/kernel/process.js';

describe('/proc/uptime and /proc/loadavg', () => {
  it('uptime is the virtual clock and the CPUs idle time, to 1/100 s', () => {
    const { k } = machineWithHog(6e9);
    const [up, idle] = uptime(k).trimEnd().split(' ').map(Number);
    expect(uptime(k)).toMatch(/^\d+\.\d\d \d+\.\d\d\n$/);
    expect(up).toBe(Math.floor(k.now / 1e7) / 100);
    expect(idle!).toBeGreaterThan(3.5 * up!);
    expect(idle!).toBeLessThanOrEqual(4 * up!);
  });

  it('loadavg follows the runnable tasks with the fixed-point decay of 5.0, sampled every LOAD_FREQ', () => {
    const k = boot();
    const init = k.tasks.get(1)!;
    k.current = init;
    expect(loadavg(k)).toMatch(/^0\.00 0\.00 0\.00 0\/\d+ \d+\n$/);
    for (let i = 0; i < 2; i++)
      new Proc(k, init).fork(function* (c) {
        for (;;) yield* c.compute(1e6);
      });
    k.sched.run(60e9);
    const [l1, l5, l15, tasks, last] = loadavg(k).trimEnd().split(' ');
    // Two runnable tasks through the 11 samples of LOAD_FREQ (5.004 s) in a minute: 2 * (1 - EXP_n^11).
    const avg = (exp: number): number => 2 * (1 - (exp / 2048) ** 11);
    expect(Number(l1)).toBeCloseTo(avg(1884), 1);
    expect(Number(l5)).toBeCloseTo(avg(2014), 1);
    expect(Number(l15)).toBeCloseTo(avg(2037), 1);
    expect(tasks).toBe(`2/${k.tasks.size}`);
    expect(last).toBe(String(k.lastAllocatedPid));
  });
});

describe('/proc/version, /proc/sys/kernel', () => {
  const k = boot({ hostname: 'bpfbox' });
  it('prints the banner start_kernel logs first', () => {
    expect(version(k)).toBe('Linux version 5.0.0 (reallinux@ubuntu) (gcc version 8.3.0 (Ubuntu 8.3.0-6ubuntu1)) #1 SMP Mon Dec 6 13:52:02 KST 2021\n');
    expect(k.log[0]!.text).toBe(version(k).trimEnd());
  });
  it('utsname fields', () => {
    expect([ostype(k), osrelease(k), kernelVersion(k), hostname(k), domainname(k)]).toEqual([
      'Linux\n', '5.0.0\n', '#1 SMP Mon Dec 6 13:52:02 KST 2021\n', 'bpfbox\n', '(none)\n',
    ]);
  });
});

describe('/dev/kmsg', () => {
  const k = boot();
  const recs = devkmsg(k).trimEnd().split('\n');
  it('one record per printk line: level,seq,usec,-;text', () => {
    expect(recs.length).toBe(k.log.length);
    expect(recs[0]).toMatch(/^5,0,0,-;Linux version 5\.0\.0 /);
    recs.forEach((r, i) => expect(r.split(',')[1]).toBe(String(i)));
  });
  it('logs the memory layout as 5.0 does, from the zones', () => {
    const text = k.log.map((l) => l.text);
    const at = text.indexOf('Zone ranges:');
    expect(text.slice(at, at + 5)).toEqual([
      'Zone ranges:',
      '  DMA      [mem 0x0000000000001000-0x0000000000ffffff]',
      '  DMA32    [mem 0x0000000001000000-0x000000007ffeffff]',
      '  Normal   empty',
      '  Device   empty',
    ]);
    expect(text.find((t) => t.startsWith('Built 1 zonelists'))).toMatch(/^Built 1 zonelists, mobility grouping on\.  Total pages: \d+$/);
    const mem = text.find((t) => t.startsWith('Memory: '))!;
    const m = /^Memory: (\d+)K\/(\d+)K available \(\d+K kernel code, \d+K rwdata, \d+K rodata, 1384K init, \d+K bss, (\d+)K reserved, 0K cma-reserved\)$/.exec(mem)!;
    expect(Number(m[2])).toBe(k.node.nodePresentPages * 4);
    // Nothing is allocated yet: what is free is what the buddy allocator manages.
    expect(Number(m[1])).toBe(Number(m[2]) - Number(m[3]));
  });
  it('escapes control characters and backslashes', () => {
    k.printk('a\\b\tc');
    expect(devkmsg(k).trimEnd().split('\n').pop()).toMatch(/;a\\x5cb\\x09c$/);
  });
});
