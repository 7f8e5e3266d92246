// /proc/meminfo: a Linux 6.18 capture's numbers printed the 5.0 way, line by line against the
// capture for the lines both kernels print.

import { describe, expect, it } from 'vitest';
import { formatMeminfo, type MeminfoSnapshot } from '../../../src/kernel/fs/proc/format/meminfo.js';
import { golden, snapshot } from './golden.js';

const key = (line: string): string => line.slice(0, line.indexOf(':'));

describe('/proc/meminfo', () => {
  const snap = snapshot<MeminfoSnapshot>('meminfo-6.18.json');
  const out = formatMeminfo(snap);

  it('prints the lines 5.0 shares with 6.18 exactly as 6.18 does, in the same order', () => {
    expect(out).toBe(golden('meminfo-6.18-as-5.0.txt'));
    const mine = out.trimEnd().split('\n');
    const cap = golden('meminfo-6.18.txt').trimEnd().split('\n');
    const capKeys = new Set(cap.map(key));
    const myKeys = new Set(mine.map(key));
    // The capture's kernel lacks CONFIG_MEMORY_FAILURE; Ubuntu's 5.0 has it.
    expect(mine.filter((l) => !capKeys.has(key(l))).map(key)).toEqual(['HardwareCorrupted']);
    expect(cap.filter((l) => !myKeys.has(key(l))).map(key)).toEqual([
      'Zswap',
      'Zswapped',
      'SecPageTables',
      'FileHugePages',
      'FilePmdMapped',
      'Balloon',
    ]);
    const shared = mine.filter((l) => capKeys.has(key(l)));
    const theirs = cap.filter((l) => myKeys.has(key(l)));
    // 5.0 prints VmallocUsed as a constant 0; 6.18 counts the vmalloc'd pages again.
    expect(shared.map(key)).toEqual(theirs.map(key));
    expect(shared.filter((l, i) => l !== theirs[i])).toEqual(['VmallocUsed:           0 kB']);
    expect(shared).toHaveLength(47);
  });

  it('derives Cached, Active, Slab and KReclaimable as meminfo_proc_show does', () => {
    const s: MeminfoSnapshot = {
      ...snap,
      bufferram: 100,
      swapCache: 50,
      nodeStats: { ...snap.nodeStats, nr_file_pages: 120, nr_kernel_misc_reclaimable: 7 },
    };
    const lines = formatMeminfo(s).split('\n');
    expect(lines).toContain('Cached:                0 kB');
    expect(lines).toContain(`KReclaimable:   ${String((snap.nodeStats.nr_slab_reclaimable + 7) * 4).padStart(8)} kB`);
  });

  it('sums every hstate into Hugetlb and shows the default one', () => {
    const lines = formatMeminfo({
      ...snap,
      defaultHstate: { order: 9, nrHugePages: 3, freeHugePages: 2, resvHugePages: 1, surplusHugePages: 0 },
      otherHstates: [{ order: 18, nrHugePages: 2, freeHugePages: 2, resvHugePages: 0, surplusHugePages: 0 }],
    }).split('\n');
    expect(lines).toContain('HugePages_Total:       3');
    expect(lines).toContain('HugePages_Rsvd:        1');
    expect(lines).toContain('Hugepagesize:       2048 kB');
    expect(lines).toContain('Hugetlb:         2103296 kB');
  });

  it('prints DirectMap1G only when gbpages are enabled', () => {
    expect(out).not.toContain('DirectMap1G');
    const gb = formatMeminfo({ ...snap, directPages1G: 2, directGbpages: true });
    expect(gb.endsWith('DirectMap2M:    25139200 kB\nDirectMap1G:     2097152 kB\n')).toBe(true);
  });

  it('widens a field past eight digits rather than truncating it', () => {
    expect(formatMeminfo({ ...snap, totalram: 1e9 }).split('\n')[0]).toBe('MemTotal:       4000000000 kB');
    expect(out).toContain('VmallocTotal:   34359738367 kB\n');
  });
});
