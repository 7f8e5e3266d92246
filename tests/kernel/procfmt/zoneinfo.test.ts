// /proc/zoneinfo: the lecture's watermark excerpt, and the lines 5.0 shares with a Linux 6.18
// capture printed from the capture's own numbers.

import { describe, expect, it } from 'vitest';
import { formatZoneinfo, type ZoneinfoSnapshot } from '../../../src/kernel/fs/proc/format/zoneinfo.js';
import { golden, snapshot } from './golden.js';

/** `grep -A N pattern`, for a single match. */
function grepAfter(text: string, pattern: string, after: number): string[] {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes(pattern));
  return lines.slice(i, i + after + 1);
}

/** Splits zoneinfo into per-zone sections, the per-node stats block being a section of its own. */
function sections(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur: string[] = [];
  let zone = '';
  for (const line of text.trimEnd().split('\n')) {
    const m = /^Node (\d+), zone +(\S+)$/.exec(line);
    if (m) {
      zone = `${m[1]}/${m[2]}`;
      cur = [];
      out.set(zone, cur);
    } else if (line === '  per-node stats') {
      cur = [];
      out.set(`${zone} per-node`, cur);
      continue;
    } else if (line.startsWith('  pages free')) {
      cur = out.get(zone)!;
    }
    cur.push(line);
  }
  return out;
}

const counterLine = (names: string): RegExp => new RegExp(`^      (${names}) +\\d+$`);

/** Lines 5.0 prints that 6.18 does not (renamed, moved to the node, or removed since). */
const ONLY_5_0: readonly RegExp[] = [
  counterLine('workingset_refault|workingset_activate|workingset_restore|nr_writeback_temp|nr_unstable'),
  counterLine('nr_page_table_pages|nr_kernel_stack|nr_bounce'),
  /^              (count: |high:  |batch: )\d+$/,
];

/** Lines 6.18 prints that 5.0 does not. */
const ONLY_6_18: readonly RegExp[] = [
  /^        (boost|promo|cma) +\d+$/,
  /^              (count|high|batch|high_min|high_max): +\d+$/,
  counterLine('nr_free_pages_blocks'),
  counterLine(
    'workingset_(refault|activate|restore)_(anon|file)|nr_file_hugepages|nr_file_pmdmapped|nr_throttled_written|' +
      'nr_foll_pin_acquired|nr_foll_pin_released|nr_kernel_stack|nr_page_table_pages|nr_sec_page_table_pages|' +
      'nr_iommu_pages|nr_swapcached|pgpromote_\\w+|pgdemote_\\w+|nr_hugetlb|nr_balloon_pages|nr_kernel_file_pages',
  ),
];

describe('/proc/zoneinfo', () => {
  const lecture = formatZoneinfo(snapshot<ZoneinfoSnapshot>('zoneinfo-lecture.json'));

  it("shows the lecture's DMA32 watermarks under `grep -A 7 DMA32`", () => {
    expect(grepAfter(lecture, 'DMA32', 7)).toEqual([
      'Node 0, zone    DMA32',
      '  pages free     5017',
      '        min      1408',
      '        low      1908',
      '        high     2408',
      '        spanned  520176',
      '        present  520176',
      '        managed  504942',
    ]);
    expect(lecture).toBe(golden('zoneinfo-lecture.txt'));
  });

  it('stops unpopulated zones after protection and lists all five zones', () => {
    expect(grepAfter(lecture, 'zone  Movable', 9)).toEqual([
      'Node 0, zone  Movable',
      '  pages free     0',
      '        min      0',
      '        low      0',
      '        high     0',
      '        spanned  0',
      '        present  0',
      '        managed  0',
      '        protection: (0, 0, 0, 0, 0)',
      'Node 0, zone   Device',
    ]);
    expect(lecture.match(/^Node 0, zone +\S+$/gm)).toEqual([
      'Node 0, zone      DMA',
      'Node 0, zone    DMA32',
      'Node 0, zone   Normal',
      'Node 0, zone  Movable',
      'Node 0, zone   Device',
    ]);
    expect(lecture.endsWith('        protection: (0, 0, 0, 0, 0)\n')).toBe(true);
  });

  it('prints the per-node stats once, under the first populated zone', () => {
    const snap = snapshot<ZoneinfoSnapshot>('zoneinfo-lecture.json');
    const node = snap.nodes[0]!;
    const noDma: ZoneinfoSnapshot = {
      nodes: [{ ...node, zones: node.zones.map((z) => (z.name === 'DMA' ? { ...z, presentPages: 0 } : z)) }],
    };
    const out = formatZoneinfo(noDma);
    expect(out.match(/per-node stats/g)).toHaveLength(1);
    expect(grepAfter(out, 'DMA32', 2)).toEqual([
      'Node 0, zone    DMA32',
      '  per-node stats',
      '      nr_inactive_anon 262780',
    ]);
    expect(lecture.match(/per-node stats/g)).toHaveLength(1);
    expect(grepAfter(lecture, 'zone      DMA', 1)[1]).toBe('  per-node stats');
  });

  it('reports the node unreclaimable after MAX_RECLAIM_RETRIES failed kswapd runs', () => {
    const snap = snapshot<ZoneinfoSnapshot>('zoneinfo-lecture.json');
    const withFailures = (kswapdFailures: number): string =>
      formatZoneinfo({ nodes: [{ ...snap.nodes[0]!, kswapdFailures }] });
    expect(withFailures(15)).not.toContain('node_unreclaimable:  1');
    expect(withFailures(16).match(/^  node_unreclaimable:  1$/gm)).toHaveLength(2);
  });

  it("prints the 6.18 capture's numbers in the lines 5.0 shares with it, in the same order", () => {
    const out = formatZoneinfo(snapshot<ZoneinfoSnapshot>('zoneinfo-6.18.json'));
    expect(out).toBe(golden('zoneinfo-6.18-as-5.0.txt'));
    const ours = sections(out);
    const theirs = sections(golden('zoneinfo-6.18.txt'));
    expect([...ours.keys()]).toEqual([...theirs.keys()]);
    let shared = 0;
    for (const [key, mine] of ours) {
      const cap = theirs.get(key)!;
      const onlyMine = mine.filter((l) => !cap.includes(l));
      const onlyCap = cap.filter((l) => !mine.includes(l));
      expect(onlyMine.filter((l) => !ONLY_5_0.some((re) => re.test(l))), key).toEqual([]);
      expect(onlyCap.filter((l) => !ONLY_6_18.some((re) => re.test(l))), key).toEqual([]);
      const common = mine.filter((l) => cap.includes(l));
      expect(common, key).toEqual(cap.filter((l) => mine.includes(l)));
      shared += common.length;
    }
    expect(shared).toBeGreaterThan(100);
  });

  it('refuses a protection line without one entry per zone', () => {
    const snap = snapshot<ZoneinfoSnapshot>('zoneinfo-lecture.json');
    const node = snap.nodes[0]!;
    const bad = { nodes: [{ ...node, zones: node.zones.map((z) => ({ ...z, lowmemReserve: [0, 0] })) }] };
    expect(() => formatZoneinfo(bad)).toThrow(RangeError);
  });
});
