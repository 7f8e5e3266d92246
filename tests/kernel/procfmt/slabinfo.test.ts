// /proc/slabinfo against the lecture's and a Linux 6.18 capture (cache_show is unchanged since
// 5.0, and both kernels use SLUB).

import { describe, expect, it } from 'vitest';
import { formatSlabinfo, type SlabinfoSnapshot } from '../../../src/kernel/fs/proc/format/slabinfo.js';
import { golden, snapshot } from './golden.js';

describe('/proc/slabinfo', () => {
  it("prints the lecture's header and rows", () => {
    // Three of the lecture's rows (ext4_allocation_context, ext4_pending_reservation,
    // hugetlbfs_inode_cache) had spaces deleted by hand to fit the page; they are left out.
    const out = formatSlabinfo(snapshot<SlabinfoSnapshot>('slabinfo-lecture.json'));
    expect(out).toBe(golden('slabinfo-lecture.txt'));
    const lines = out.split('\n');
    expect(lines[0]).toBe('slabinfo - version: 2.1');
    expect(lines[1]).toBe(
      '# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>',
    );
    expect(lines).toContain(
      'task_struct          789    810   3520    9    8 : tunables    0    0    0 : slabdata     90     90      0',
    );
  });

  it('reproduces the 6.18 capture byte for byte', () => {
    expect(formatSlabinfo(snapshot<SlabinfoSnapshot>('slabinfo-6.18.json'))).toBe(golden('slabinfo-6.18.txt'));
  });

  it("prints SLAB's tunables and lets long names push the columns right", () => {
    const out = formatSlabinfo({
      caches: [
        {
          name: 'request_sock_subflow_v6',
          activeObjs: 1234567,
          numObjs: 1234567,
          size: 392,
          objectsPerSlab: 20,
          cacheOrder: 1,
          limit: 120,
          batchcount: 60,
          shared: 8,
          activeSlabs: 3,
          numSlabs: 4,
          sharedAvail: 12,
        },
      ],
    });
    expect(out.split('\n')[2]).toBe(
      'request_sock_subflow_v6 1234567 1234567    392   20    2 : tunables  120   60    8 : slabdata      3      4     12',
    );
  });

  it('is empty without caches, since the header is printed with the first one', () => {
    expect(formatSlabinfo({ caches: [] })).toBe('');
  });
});
