import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boot } from '../../src/kernel/boot.js';
import { __alloc_pages_nodemask, __free_pages, drain_all_pages, __find_buddy_pfn } from '../../src/kernel/mm/page_alloc.js';
import { GFP_HIGHUSER_MOVABLE, GFP_KERNEL, GFP_ATOMIC, showGfpFlags, __GFP_ZERO, GFP_KERNEL_ACCOUNT, GFP_NOIO } from '../../src/kernel/mm/gfp.js';
import { ZoneType } from '../../src/kernel/mm/gfp.js';
import { WMark } from '../../src/kernel/mm/mmzone.js';
import { mm_page_alloc, mm_page_alloc_extfrag, mm_page_free } from '../../src/kernel/trace/events/kmem.js';
import { checkPageInvariants } from '../support/kernel.js';
import { zoneBatchsize, intSqrt } from '../../src/kernel/mm/init.js';

const MiB = 1024 * 1024;

describe('boot on the lecture VM (2 GiB, 4 CPUs)', () => {
  const k = boot({});
  it('zones are laid out as 5.0 lays them out', () => {
    const dma = k.node.zones[ZoneType.DMA]!;
    const dma32 = k.node.zones[ZoneType.DMA32]!;
    expect([dma.spannedPages, dma.presentPages, dma.managedPages]).toEqual([4095, 3998, 3977]);
    expect([dma32.spannedPages, dma32.presentPages, dma32.managedPages]).toEqual([520176, 520176, 504942]);
    expect(k.node.zones[ZoneType.Normal]!.presentPages).toBe(0);
  });
  it('watermarks reproduce the lecture zoneinfo (min 1408, low 1908, high 2408)', () => {
    const z = k.node.zones[ZoneType.DMA32]!;
    expect([z.watermark[WMark.Min], z.watermark[WMark.Low], z.watermark[WMark.High]]).toEqual([1408, 1908, 2408]);
    expect(k.sysctl.minFreeKbytes).toBe(5682);
    expect(Array.from(k.node.zones[ZoneType.DMA]!.lowmemReserve)).toEqual([0, 1955, 1955, 1955, 1955]);
  });
  it('per-cpu lists get batch 63, high 378 in a large zone', () => {
    const p = k.node.zones[ZoneType.DMA32]!.pageset[0]!;
    expect([p.batch, p.high]).toEqual([63, 378]);
    expect(zoneBatchsize(3977)).toBe(0);
    expect(intSqrt(32286528)).toBe(5682);
  });
  it('invariants hold after boot', () => {
    const c = checkPageInvariants(k);
    expect(c.free + c.pcp + c.used + c.reserved).toBe(4095 + 520176);
  });
  it('kswapd0 is pid 91 and oom_reaper pid 32', () => {
    expect(k.tasks.get(91)!.comm).toBe('kswapd0');
    expect(k.tasks.get(32)!.comm).toBe('oom_reaper');
  });
});

describe('the buddy allocator', () => {
  it('splits the smallest sufficient block and merges buddies back on free', () => {
    const k = boot({ memBytes: 256 * MiB });
    const before = checkPageInvariants(k);
    const a = __alloc_pages_nodemask(k, GFP_KERNEL, 3);
    expect(a % 8).toBe(0);
    const b = __alloc_pages_nodemask(k, GFP_KERNEL, 3);
    __free_pages(k, a, 3);
    __free_pages(k, b, 3);
    const after = checkPageInvariants(k);
    expect(after.free).toBe(before.free);
    expect(__find_buddy_pfn(0x1234, 2)).toBe(0x1230);
  });

  it('order-0 frees wait on the per-cpu list; draining merges them', () => {
    const k = boot({ memBytes: 256 * MiB });
    const pfns: number[] = [];
    for (let i = 0; i < 10; i++) pfns.push(__alloc_pages_nodemask(k, GFP_KERNEL, 0));
    for (const p of pfns) __free_pages(k, p, 0);
    const c = checkPageInvariants(k);
    expect(c.pcp).toBeGreaterThan(0);
    drain_all_pages(k);
    expect(checkPageInvariants(k).pcp).toBe(0);
  });

  it('mm_page_alloc and mm_page_free fire with 5.0 arguments', () => {
    const k = boot({ memBytes: 256 * MiB });
    const seen: string[] = [];
    k.listenTracepoint(mm_page_alloc, (_tp, a) => seen.push(`alloc pfn=${a[0]} order=${a[1]} mt=${a[3]} gfp=${showGfpFlags(a[2] as number)}`));
    k.listenTracepoint(mm_page_free, (_tp, a) => seen.push(`free pfn=${a[0]} order=${a[1]}`));
    const p = __alloc_pages_nodemask(k, GFP_HIGHUSER_MOVABLE | __GFP_ZERO, 0);
    __free_pages(k, p, 0);
    const q = __alloc_pages_nodemask(k, GFP_KERNEL_ACCOUNT | __GFP_ZERO, 1);
    __free_pages(k, q, 1);
    expect(seen).toEqual([
      `alloc pfn=${p} order=0 mt=1 gfp=GFP_HIGHUSER_MOVABLE|__GFP_ZERO`,
      `free pfn=${p} order=0`,
      `alloc pfn=${q} order=1 mt=0 gfp=GFP_KERNEL_ACCOUNT|__GFP_ZERO`,
      `free pfn=${q} order=1`,
    ]);
  });

  it('mm_page_alloc_extfrag fires when an allocation steals from another migratetype', () => {
    const k = boot({ memBytes: 256 * MiB });
    const seen: number[][] = [];
    const owner: number[] = [];
    k.listenTracepoint(mm_page_alloc_extfrag, (_tp, a) => {
      seen.push(a.map(Number));
      owner.push(k.mem.pageblockMt[Number(a[0]) >>> 9]!);
    });
    // Unmovable pages until the unmovable lists run dry and the allocator falls back to movable ones.
    const pfns: number[] = [];
    while (seen.length === 0 && pfns.length < 60000) pfns.push(__alloc_pages_nodemask(k, GFP_KERNEL, 0));
    expect(seen.length).toBe(1);
    const [pfn, allocOrder, fallbackOrder, allocMt, fallbackMt, changeOwnership] = seen[0]!;
    expect([allocOrder, allocMt, fallbackMt]).toEqual([0, 0, 1]);
    expect(fallbackOrder).toBeGreaterThan(0);
    expect(pfn! % (1 << fallbackOrder!)).toBe(0);
    // change_ownership says whether the steal left the pageblock unmovable.
    expect(changeOwnership).toBe(owner[0] === 0 ? 1 : 0);
    for (const p of pfns) __free_pages(k, p, 0);
    checkPageInvariants(k);
  });

  it('prints gfp masks as 5.0 show_gfp_flags does', () => {
    expect(showGfpFlags(GFP_NOIO)).toBe('GFP_NOIO');
    expect(showGfpFlags(0)).toBe('none');
    expect(showGfpFlags(GFP_KERNEL | 0x2 | 0x200)).toBe('GFP_KERNEL|__GFP_HIGHMEM|__GFP_NOWARN');
    expect(showGfpFlags(GFP_ATOMIC)).toBe('GFP_ATOMIC');
  });

  it('keeps its invariants under random allocation and free (property)', () => {
    const k = boot({ memBytes: 256 * MiB, cpus: 2 });
    drain_all_pages(k);
    const baseline = checkPageInvariants(k).free;
    const gfps = [GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_ATOMIC, GFP_KERNEL_ACCOUNT | __GFP_ZERO];
    fc.assert(
      fc.property(
        fc.array(fc.record({ free: fc.boolean(), order: fc.integer({ min: 0, max: 6 }), gfp: fc.integer({ min: 0, max: 3 }), cpu: fc.integer({ min: 0, max: 1 }), pick: fc.nat() }), {
          maxLength: 300,
        }),
        (ops) => {
          const live: [number, number][] = [];
          for (const op of ops) {
            k.cpu = op.cpu;
            if (op.free && live.length) {
              const [pfn, order] = live.splice(op.pick % live.length, 1)[0]!;
              __free_pages(k, pfn, order);
            } else {
              const pfn = __alloc_pages_nodemask(k, gfps[op.gfp]!, op.order);
              if (pfn >= 0) live.push([pfn, op.order]);
            }
          }
          checkPageInvariants(k);
          for (const [pfn, order] of live) __free_pages(k, pfn, order);
          drain_all_pages(k);
          k.cpu = 0;
          return checkPageInvariants(k).free === baseline;
        },
      ),
      { numRuns: 60 },
    );
  });
});
