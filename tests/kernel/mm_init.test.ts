import { describe, expect, it } from 'vitest';
import { boot } from '../../src/kernel/boot.js';
import { e820Map, PERCPU_PAGES_PER_CPU } from '../../src/kernel/mm/init.js';
import { PG_reserved } from '../../src/kernel/mm/page.js';

const MiB = 1024 * 1024;

/**
 * Frames that stay PG_reserved after boot, decided frame by frame: outside the e820 map's usable
 * ranges, or under a reservation boot never frees (the first 64 KiB, the trampoline, the kernel
 * image, mem_map and the per-cpu areas; the __init section and the initrd between them are freed).
 */
function reservedByDefinition(memBytes: number, cpus: number): (pfn: number) => boolean {
  const ranges = e820Map(memBytes);
  const nrFrames = ranges[ranges.length - 1]!.end;
  const image = 4096 + 6866;
  const initSection = image + 346;
  const held = initSection + Math.ceil((nrFrames * 64) / 4096) + PERCPU_PAGES_PER_CPU * cpus;
  return (pfn) =>
    !ranges.some((r) => pfn >= r.start && pfn < r.end) ||
    pfn < 16 ||
    (pfn >= 0x98 && pfn < 0x98 + 6) ||
    (pfn >= 4096 && pfn < image) ||
    (pfn >= initSection && pfn < held);
}

describe('mm_init: memblock reservations and the buddy allocator', () => {
  const machines: [string, number, number, number][] = [
    // [name, memBytes, cpus, build_all_zonelists' total], the totals as 5.0's arithmetic gives them.
    ['2 GiB, 4 CPUs', 2048 * MiB, 4, 515961],
    ['256 MiB, 1 CPU', 256 * MiB, 1, 64377],
    ['3.5 GiB, RAM above 4 GiB', 3584 * MiB, 4, 903033],
    ['64 GiB, 64 CPUs', 65536 * MiB, 64, 16514937],
  ];
  for (const [name, memBytes, cpus, total] of machines) {
    it(`${name}: every frame and no other outside memblock's free ranges is PG_reserved`, () => {
      const k = boot({ memBytes, cpus, swapBytes: 0 });
      const reserved = reservedByDefinition(memBytes, cpus);
      for (let pfn = 0; pfn < k.mem.nrFrames; pfn++) {
        if (((k.mem.flags[pfn]! & PG_reserved) !== 0) !== reserved(pfn)) throw new Error(`pfn ${pfn}: PG_reserved is wrong`);
      }
      expect(k.log.map((l) => l.text)).toContain(`Built 1 zonelists, mobility grouping on.  Total pages: ${total}`);
    });
  }

  it('logs the lecture VM’s memory line', () => {
    const k = boot({});
    expect(k.log.map((l) => l.text)).toContain(
      'Memory: 2017908K/2096696K available (14339K kernel code, 2360K rwdata, 4600K rodata, 1384K init, 6165K bss, 78788K reserved, 0K cma-reserved)',
    );
  });
});
