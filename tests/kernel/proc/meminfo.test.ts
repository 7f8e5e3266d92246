import { describe, expect, it } from 'vitest';
import { meminfo, si_mem_available, totalram_pages } from '../../../src/kernel/fs/proc/meminfo.js';
import { NodeStat, ZoneStat } from '../../../src/kernel/mm/mmzone.js';
import { fields, machineWithHog } from './machine.js';

describe('/proc/meminfo, live', () => {
  const { k, hog } = machineWithHog();
  const text = meminfo(k);
  const f = fields(text);

  it('prints 5.0s lines in order, %-16s%8lu kB', () => {
    const keys = [...f.keys()];
    expect(keys.slice(0, 6)).toEqual(['MemTotal', 'MemFree', 'MemAvailable', 'Buffers', 'Cached', 'SwapCached']);
    expect(keys).toContain('KReclaimable');
    expect(keys).not.toContain('CmaTotal');
    expect(keys[keys.length - 1]).toBe('DirectMap2M');
    expect(text).toMatch(/^MemTotal: {8}\d{7} kB\n/);
    expect(text).toContain('VmallocTotal:   34359738367 kB\nVmallocUsed:           0 kB\nVmallocChunk:          0 kB\n');
  });

  it('reads the zones, the node counters and the swap device', () => {
    const free = k.node.zones.reduce((n, z) => n + z.vmstat[ZoneStat.NR_FREE_PAGES]!, 0);
    expect(f.get('MemTotal')).toBe(totalram_pages(k) * 4);
    expect(f.get('MemFree')).toBe(free * 4);
    expect(f.get('MemAvailable')).toBe(si_mem_available(k) * 4);
    expect(f.get('MemAvailable')!).toBeLessThan(f.get('MemFree')!);
    expect(f.get('AnonPages')).toBe(k.node.vmstat[NodeStat.NR_ANON_MAPPED]! * 4);
    expect(f.get('AnonPages')!).toBeGreaterThanOrEqual(64 * 1024);
    expect(f.get('Active(anon)')! + f.get('Inactive(anon)')!).toBe(f.get('AnonPages'));
    expect(f.get('Slab')).toBe(f.get('SReclaimable')! + f.get('SUnreclaim')!);
    expect(f.get('SUnreclaim')!).toBeGreaterThan(0);
    expect(f.get('KernelStack')).toBe(k.node.zones.reduce((n, z) => n + z.vmstat[ZoneStat.NR_KERNEL_STACK_KB]!, 0));
    expect(f.get('PageTables')!).toBeGreaterThan(0);
    expect(f.get('SwapTotal')).toBe(1024 * 1024);
    expect(f.get('SwapFree')).toBe(1024 * 1024);
    expect(f.get('CommitLimit')).toBe(Math.floor(totalram_pages(k) / 2) * 4 + 1024 * 1024);
    expect(f.get('Committed_AS')).toBe(hog.mm!.totalVm * 4);
    expect(f.get('DirectMap4k')! + f.get('DirectMap2M')!).toBe(2 * 1024 * 1024 - 64);
  });

  it('follows the kernel: the hog exiting gives its memory back', () => {
    const before = f.get('MemFree')!;
    k.sched.run(30e9);
    const after = fields(meminfo(k));
    expect(after.get('AnonPages')).toBe(0);
    expect(after.get('Committed_AS')).toBe(0);
    // Less what the per-cpu lists keep back from the buddy allocator.
    expect(after.get('MemFree')! - before).toBeGreaterThan(60 * 1024);
  });
});
