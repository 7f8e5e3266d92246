// /proc/buddyinfo against the lecture's output and a capture from Linux 6.18, whose
// frag_show_print is unchanged since 5.0.

import { describe, expect, it } from 'vitest';
import { formatBuddyinfo, type BuddyinfoSnapshot } from '../../../src/kernel/fs/proc/format/buddyinfo.js';
import { golden, snapshot } from './golden.js';

describe('/proc/buddyinfo', () => {
  it("prints the lecture's DMA and DMA32 rows", () => {
    const out = formatBuddyinfo(snapshot<BuddyinfoSnapshot>('buddyinfo-lecture.json'));
    expect(out).toBe(golden('buddyinfo-lecture.txt'));
    // The lecture's copy lost each line's trailing space ("%6lu " after every column).
    expect(out.split('\n').map((l) => l.trimEnd())).toEqual([
      'Node 0, zone      DMA      2      2      4      3      3      3      1      1      2      2      2',
      'Node 0, zone    DMA32    130     29      9      5      2    504    695     39      0      0      0',
      '',
    ]);
  });

  it('reproduces the 6.18 capture byte for byte', () => {
    expect(formatBuddyinfo(snapshot<BuddyinfoSnapshot>('buddyinfo-6.18.json'))).toBe(golden('buddyinfo-6.18.txt'));
  });

  it('lists only populated zones, node after node', () => {
    const free = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1234567];
    const out = formatBuddyinfo({
      nodes: [
        { nodeId: 0, zones: [{ name: 'Normal', presentPages: 0, nrFree: free }] },
        { nodeId: 1, zones: [{ name: 'Movable', presentPages: 8, nrFree: free }] },
      ],
    });
    expect(out).toBe(
      'Node 1, zone  Movable      1      0      0      0      0      0      0      0      0      0 1234567 \n',
    );
  });

  it('refuses a zone without one count per order', () => {
    expect(() => formatBuddyinfo({ nodes: [{ nodeId: 0, zones: [{ name: 'DMA', presentPages: 1, nrFree: [1, 2] }] }] })).toThrow(
      RangeError,
    );
  });
});
