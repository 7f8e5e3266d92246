// vmalloc on the emulated 5.0 kernel: areas in address order with a guard page, pages from the
// buddy allocator mapped only in init_mm, lazy freeing of the address range, vmalloc_fault
// copying a PGD entry into a process's page table, and the VMAP_STACK kernel stacks fork makes.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { boot } from '../../src/kernel/boot.js';
import type { Kernel } from '../../src/kernel/machine.js';
import { vmallocinfo } from '../../src/kernel/fs/proc/vmallocinfo.js';
import {
  __vmalloc_node_range,
  find_vm_area,
  purge_vmap_area_lazy,
  vfree,
  vmalloc,
  vmalloc_user,
  vmallocSigned,
  vmapAreas,
  vmapLazyPages,
  vzalloc,
  VMALLOC_SIZE,
} from '../../src/kernel/mm/vmalloc.js';
import { vmalloc_access } from '../../src/kernel/arch/fault.js';
import { mm_alloc, mmput } from '../../src/kernel/fork.js';
import { PTRS_PER_TABLE } from '../../src/kernel/mm/mm_types.js';
import { ZoneStat } from '../../src/kernel/mm/mmzone.js';
import { GFP_KERNEL } from '../../src/kernel/mm/gfp.js';
import { PG_slab, PG_table, PG_used } from '../../src/kernel/mm/page.js';
import { lookupKfunc } from '../../src/kernel/symbols.js';
import { checkPageInvariants } from '../support/kernel.js';

const PAGE = 4096;

/** init_mm's PTE for a vmalloc offset: pfn + 1, or 0. */
function pte(k: Kernel, off: number): number {
  const t = k.initMm.pte.get(Math.floor(vmallocSigned(off) / 2 ** 21));
  return t ? t[Math.floor(off / PAGE) % PTRS_PER_TABLE]! : 0;
}

/** Frames held as page-table pages or slabs: what vmalloc's bookkeeping may keep after a vfree. */
function bookkeepingFrames(k: Kernel): number {
  let n = 0;
  const f = k.mem.flags;
  for (let pfn = 0; pfn < f.length; pfn++) if (f[pfn]! & PG_used && f[pfn]! & (PG_table | PG_slab)) n += 1 << k.mem.order(pfn);
  return n;
}

function freeFrames(k: Kernel): number {
  const c = checkPageInvariants(k);
  return c.free + c.pcp;
}

function checkAreas(k: Kernel): void {
  const areas = vmapAreas(k);
  for (let i = 0; i < areas.length; i++) {
    const a = areas[i]!;
    expect(a.vaStart).toBeLessThan(a.vaEnd);
    if (i) expect(areas[i - 1]!.vaEnd).toBeLessThanOrEqual(a.vaStart);
    const vm = a.vm;
    if (!vm) continue;
    expect(vm.addr).toBe(a.vaStart);
    expect(vm.size).toBe(vm.nrPages * PAGE + PAGE);
    vm.pages.forEach((pfn, j) => expect(pte(k, vm.addr + j * PAGE)).toBe(pfn + 1));
    // The guard page stays unmapped.
    expect(pte(k, vm.addr + vm.nrPages * PAGE)).toBe(0);
  }
}

describe('vmalloc', () => {
  it('maps each page in init_mm, with a guard page, first fit in address order', () => {
    const k = boot({ memBytes: 256 * 1024 * 1024 });
    const a = vmalloc(k, 3 * PAGE + 1);
    const b = vzalloc(k, PAGE);
    const c = vmalloc_user(k, 10 * PAGE);
    expect(find_vm_area(k, a)!.nrPages).toBe(4);
    expect(find_vm_area(k, a)!.size).toBe(5 * PAGE);
    // Boot's stacks are 16 KiB-aligned 20 KiB areas, leaving 12 KiB holes: 8 KiB fits the first,
    // 20 KiB and 44 KiB go past the last stack.
    expect(b).toBe(5 * PAGE);
    expect(a).toBeGreaterThan(vmapAreas(k).find((v) => v.vm?.caller?.fn.name === '_do_fork' && v.vaEnd > a - 16384)!.vaStart);
    expect(c).toBe(a + 5 * PAGE);
    checkAreas(k);
    const pfns = vmapAreas(k).flatMap((v) => v.vm?.pages ?? []);
    expect(new Set(pfns).size).toBe(pfns.length);
    expect(vmallocinfo(k)).toContain(' user ');
    // A hole left by a purged area is the next first fit for what the 12 KiB holes cannot take.
    vfree(k, a);
    expect(vmalloc(k, 4 * PAGE)).toBe(c + 11 * PAGE);
    purge_vmap_area_lazy(k);
    expect(vmalloc(k, 4 * PAGE)).toBe(a);
  });

  it('vfree gives the pages back at once and the range at the purge', () => {
    const k = boot({ memBytes: 256 * 1024 * 1024 });
    const free0 = freeFrames(k);
    const kept0 = bookkeepingFrames(k);
    const cache = (): number => vmapAreas(k).length;
    const areas0 = cache();
    const a = vmalloc(k, 64 * PAGE);
    expect(free0 - freeFrames(k) - (bookkeepingFrames(k) - kept0)).toBe(64);
    vfree(k, a);
    expect(freeFrames(k) + (bookkeepingFrames(k) - kept0)).toBe(free0);
    expect(pte(k, a)).toBe(0);
    expect(vmapLazyPages(k)).toBe(65);
    expect(vmallocinfo(k)).toMatch(/^0x[0-9a-f]{16}-0x[0-9a-f]{16}  266240 unpurged vm_area$/m);
    purge_vmap_area_lazy(k);
    expect(cache()).toBe(areas0);
    expect(vmapLazyPages(k)).toBe(0);
    expect(vmallocinfo(k)).not.toContain('unpurged');
  });

  it('keeps the pages array in vmalloc space past a page (vpages)', () => {
    const k = boot({ memBytes: 256 * 1024 * 1024 });
    const before = vmapAreas(k).length;
    const a = vmalloc(k, 1024 * PAGE);
    expect(find_vm_area(k, a)!.pagesVmalloced).toBe(true);
    expect(vmapAreas(k).length).toBe(before + 2);
    expect(vmallocinfo(k)).toMatch(/ 4198400 pages=1024 vmalloc vpages N0=1024$/m);
    vfree(k, a);
    purge_vmap_area_lazy(k);
    expect(vmapAreas(k).length).toBe(before);
  });

  it('names the caller as %pS, from the frame below vmalloc', () => {
    const k = boot({ memBytes: 256 * 1024 * 1024 });
    const caller = lookupKfunc('kthreadd')!;
    k.enter(caller);
    const stacks: string[][] = [];
    const off = k.attachProbe('vmalloc', () => stacks.push(k.stackTrace()));
    const a = vmalloc(k, PAGE);
    off();
    k.leaveVoid(caller);
    expect(stacks).toEqual([['vmalloc', caller.name]]);
    expect(vmallocinfo(k)).toMatch(new RegExp(`    8192 ${caller.name}\\+0x[0-9a-f]+/0x${caller.size.toString(16)} pages=1 vmalloc N0=1$`, 'm'));
    vfree(k, a);
  });

  it('fails with NULL when the range has no room, after a purge', () => {
    const k = boot({ memBytes: 256 * 1024 * 1024 });
    const start = VMALLOC_SIZE - 4 * PAGE;
    const a = __vmalloc_node_range(k, 2 * PAGE, 1, start, VMALLOC_SIZE, GFP_KERNEL, 0, -1, null);
    expect(a).toBe(start);
    vfree(k, a);
    // The lazily freed range is purged to make room.
    expect(__vmalloc_node_range(k, 3 * PAGE, 1, start, VMALLOC_SIZE, GFP_KERNEL, 0, -1, null)).toBe(start);
    expect(__vmalloc_node_range(k, PAGE, 1, start, VMALLOC_SIZE, GFP_KERNEL, 0, -1, null)).toBe(-1);
    expect(k.log.some((l) => l.text === 'vmap allocation for size 8192 failed: use vmalloc=<size> to increase size')).toBe(true);
  });

  it('property: vmalloc/vfree sequences never overlap and conserve pages', () => {
    const k = boot({ memBytes: 256 * 1024 * 1024 });
    const op = fc.oneof(
      fc.record({ kind: fc.constant('alloc' as const), pages: fc.integer({ min: 1, max: 40 }) }),
      fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('purge' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const free0 = freeFrames(k);
        const kept0 = bookkeepingFrames(k);
        const live: number[] = [];
        let held = 0;
        for (const o of ops) {
          if (o.kind === 'alloc') {
            const a = vmalloc(k, o.pages * PAGE);
            expect(a).toBeGreaterThanOrEqual(0);
            live.push(a);
            held += o.pages;
          } else if (o.kind === 'free' && live.length) {
            const a = live.splice(o.pick % live.length, 1)[0]!;
            held -= find_vm_area(k, a)!.nrPages;
            vfree(k, a);
          } else if (o.kind === 'purge') {
            purge_vmap_area_lazy(k);
          }
        }
        checkAreas(k);
        expect(free0 - freeFrames(k) - (bookkeepingFrames(k) - kept0)).toBe(held);
        for (const a of live) vfree(k, a);
        purge_vmap_area_lazy(k);
        expect(freeFrames(k) + (bookkeepingFrames(k) - kept0)).toBe(free0);
      }),
      { numRuns: 40, seed: 7 },
    );
  });
});

describe('vmalloc_fault', () => {
  it('copies the missing PGD entry from init_mm once; PGDs made later have it already', () => {
    const k = boot({ memBytes: 256 * 1024 * 1024 });
    const task = k.tasks.get(1)!;
    const save = k.current;
    k.current = task;
    const mm = mm_alloc(k)!;
    task.mm = mm;
    // An area in the second 512 GiB slot, which no PGD has yet.
    const a = __vmalloc_node_range(k, 2 * PAGE, 1, 2 ** 39, VMALLOC_SIZE, GFP_KERNEL, 0, -1, null);
    expect(k.initMm.kernelPgd.has(403)).toBe(true);
    expect(mm.kernelPgd.has(403)).toBe(false);
    expect(mm.kernelPgd.has(402)).toBe(true);
    const stacks: string[][] = [];
    const off = k.attachProbe('vmalloc_fault', () => stacks.push(k.stackTrace()));
    expect(vmalloc_access(k, a + PAGE, false)).toBe(true);
    expect(vmalloc_access(k, a, true)).toBe(true);
    expect(stacks).toEqual([['vmalloc_fault', 'do_kern_addr_fault', '__do_page_fault', 'page_fault']]);
    expect(mm.kernelPgd.has(403)).toBe(true);
    // The guard page is mapped nowhere: an oops, not a fix-up.
    expect(vmalloc_access(k, a + 2 * PAGE, false)).toBe(false);
    const mm2 = mm_alloc(k)!;
    expect(mm2.kernelPgd.has(403)).toBe(true);
    off();
    task.mm = null;
    mmput(k, mm);
    mmput(k, mm2);
    k.current = save;
  });
});

describe('VMAP_STACK task stacks', () => {
  it('come from __vmalloc_node_range and show in vmallocinfo with _do_fork as caller', () => {
    const k = boot();
    const stacks = [...k.tasks.values()].filter((t) => t.stackVa >= 0);
    expect(stacks.length).toBeGreaterThan(30);
    const info = vmallocinfo(k);
    const lines = info.split('\n').filter((l) => / _do_fork\+0x[0-9a-f]+\/0x[0-9a-f]+ pages=4 vmalloc N0=4$/.test(l));
    expect(lines.length).toBe(stacks.length);
    expect(lines[1]).toMatch(/^0xffffc90000008000-0xffffc9000000d000   20480 _do_fork\+/);
    for (const t of stacks) {
      const vm = find_vm_area(k, t.stackVa)!;
      expect(vm.addr).toBe(t.stackVa);
      expect(vm.addr % 16384).toBe(0);
      expect(vm.nrPages).toBe(4);
    }
    const kb = k.node.zones.reduce((n, z) => n + z.vmstat[ZoneStat.NR_KERNEL_STACK_KB]!, 0);
    expect(kb).toBe(16 * stacks.length);
    checkAreas(k);
  });
});
