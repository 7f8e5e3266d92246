import { describe, expect, it } from 'vitest';
import { pidCmdline, pidComm, pidMaps, pidStat, pidStatm, pidStatus } from '../../../src/kernel/fs/proc/pid.js';
import { MmCounter } from '../../../src/kernel/mm/mm_types.js';
import { machineWithHog, MiB } from './machine.js';

describe('/proc/PID, live', () => {
  const { k, hog } = machineWithHog();
  const mm = hog.mm!;
  const kswapd = k.tasks.get(91)!;

  it('cmdline and comm', () => {
    expect(pidCmdline(k, hog)).toBe('memhog\x0064\x00');
    expect(pidComm(k, hog)).toBe('memhog\n');
    expect(pidCmdline(k, kswapd)).toBe('');
    expect(pidComm(k, kswapd)).toBe('kswapd0\n');
  });

  it('maps: the 64 MiB mapping and the vsyscall gate VMA, as show_map_vma prints them', () => {
    const lines = pidMaps(k, hog).trimEnd().split('\n');
    const v = mm.vmas.find((x) => x.end - x.start === 64 * MiB)!;
    expect(lines).toContain(`${v.start.toString(16)}-${v.end.toString(16)} rw-p 00000000 00:00 0 `);
    expect(lines[lines.length - 1]).toBe('ffffffffff600000-ffffffffff601000 r-xp 00000000 00:00 0                  [vsyscall]');
    expect(pidMaps(k, kswapd)).toBe('');
  });

  it('stat: 52 fields, the comm in parentheses, times in clock ticks', () => {
    const f = pidStat(k, hog).trimEnd().split(' ');
    expect(f.length).toBe(52);
    expect(f.slice(0, 5)).toEqual([String(hog.pid), '(memhog)', 'S', '1', '1']);
    expect(Number(f[13]) + Number(f[14])).toBe(Math.floor(hog.utime / 1e7) + Math.floor(hog.stime / 1e7));
    expect(Number(f[21])).toBe(Math.floor(hog.startTime / 1e7));
    expect(Number(f[22])).toBe(64 * MiB);
    expect(Number(f[23])).toBe(mm.rssPages);
    expect(f[24]).toBe('18446744073709551615');
    const kf = pidStat(k, kswapd).trimEnd().split(' ');
    expect(kf.slice(0, 9)).toEqual(['91', '(kswapd0)', 'S', '2', '0', '0', '0', '-1', String(kswapd.flags)]);
    expect(kf[22]).toBe('0');
  });

  it('statm: pages of size, resident, shared, text, data', () => {
    const [size, resident, shared, , lib, data] = pidStatm(k, hog).trimEnd().split(' ').map(Number);
    expect(size).toBe(mm.totalVm);
    expect(resident).toBe(mm.rss[MmCounter.AnonPages]! + mm.rss[MmCounter.FilePages]!);
    expect(resident).toBe(16384);
    expect(shared).toBe(mm.rss[MmCounter.FilePages]);
    expect(lib).toBe(0);
    expect(data).toBe(mm.dataVm + mm.stackVm);
    expect(pidStatm(k, kswapd)).toBe('0 0 0 0 0 0 0\n');
  });

  it('status: identity, memory and context switches from the task', () => {
    const s = pidStatus(k, hog);
    expect(s).toMatch(new RegExp(`^Name:\\tmemhog\\nUmask:\\t0022\\nState:\\tS \\(sleeping\\)\\nTgid:\\t${hog.pid}\\n`));
    expect(s).toContain('PPid:\t1\n');
    expect(s).toContain('VmRSS:\t   65536 kB\n');
    expect(s).toContain(`voluntary_ctxt_switches:\t${hog.nvcsw}\n`);
    expect(s).toContain('Cpus_allowed_list:\t0-3\n');
    const ks = pidStatus(k, kswapd);
    expect(ks).toContain('PPid:\t2\n');
    expect(ks).not.toContain('VmRSS');
    expect(ks).toContain('SigIgn:\tffffffffffffffff\n');
  });
});
