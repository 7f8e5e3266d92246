// /proc/pagetypeinfo against a Linux 6.18 capture: the same free-list and pageblock sections as
// 5.0, from a kernel without CMA and without page_owner.

import { describe, expect, it } from 'vitest';
import { MIGRATETYPE_NAMES } from '../../../src/kernel/fs/proc/format/mmzone.js';
import { formatPagetypeinfo, type PagetypeinfoSnapshot } from '../../../src/kernel/fs/proc/format/pagetypeinfo.js';
import { golden, snapshot } from './golden.js';

const zeros = (n: number): number[] => Array<number>(n).fill(0);

describe('/proc/pagetypeinfo', () => {
  it('reproduces the 6.18 capture byte for byte', () => {
    expect(formatPagetypeinfo(snapshot<PagetypeinfoSnapshot>('pagetypeinfo-6.18.json'))).toBe(
      golden('pagetypeinfo-6.18.txt'),
    );
  });

  it("names 5.0's migratetypes without CMA", () => {
    expect(MIGRATETYPE_NAMES).toEqual(['Unmovable', 'Movable', 'Reclaimable', 'HighAtomic', 'Isolate']);
  });

  it('prints nothing for a node without memory, and a header per node with memory', () => {
    const zone = (presentPages: number) => ({
      name: 'Normal' as const,
      presentPages,
      freeCounts: MIGRATETYPE_NAMES.map(() => zeros(11)),
      pageblockCounts: zeros(5),
    });
    const out = formatPagetypeinfo({
      nodes: [
        { nodeId: 0, zones: [zone(0)] },
        { nodeId: 1, zones: [zone(512)] },
      ],
    });
    expect(out.startsWith('Page block order: 9\nPages per block:  512\n\n')).toBe(true);
    expect(out.match(/Page block order/g)).toHaveLength(1);
    expect(out).toContain('Node    1, zone   Normal, type    Unmovable ');
    expect(out.endsWith('Node 1, zone   Normal            0            0            0            0            0 \n')).toBe(true);
  });
});
