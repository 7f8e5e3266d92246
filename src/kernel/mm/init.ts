// Boot-time memory setup, in the order Linux 5.0 does it: the e820 map, memblock reservations,
// zone sizes (free_area_init), handing free memory to the buddy allocator (memblock_free_all),
// per-cpu page lists (setup_zone_pageset), watermarks (init_per_zone_wmark_min, a
// core_initcall), and last, freeing the initrd and __init memory. Watermarks are computed before
// that last step, which is why a booted machine's zoneinfo shows more managed pages than the
// watermarks were derived from, as the lecture's VM does (managed 504942, min 1408).

import type { Kernel } from '../machine.js';
import { ZoneType } from './gfp.js';
import { PglistData, WMark, ZoneStat } from './mmzone.js';
import { PAGE_SHIFT, PageFrames, PG_reserved } from './page.js';
import { freeBootRange } from './page_alloc.js';
import { MigrateType } from './gfp.js';

const MiB = 1024 * 1024;

/** A physical range the e820 map calls usable, in pfns [start, end). */
interface Range {
  start: number;
  end: number;
}

/**
 * The e820 map QEMU's i440fx machine gives a guest: low RAM up to 640 KiB, the BIOS hole up to
 * 1 MiB, RAM to the top of low memory (3 GiB when the guest has 3.5 GiB or more, the rest moved
 * above 4 GiB), with the last 64 KiB below that reserved for ACPI tables.
 */
export function e820Map(memBytes: number): Range[] {
  const pages = Math.floor(memBytes / 4096);
  const lowTop = memBytes >= 3.5 * 1024 * MiB ? (3 * 1024 * MiB) / 4096 : pages;
  const ranges: Range[] = [
    { start: 0, end: 0x9f },
    { start: 0x100, end: lowTop - 16 },
  ];
  if (pages > lowTop) ranges.push({ start: (4 * 1024 * MiB) / 4096, end: (4 * 1024 * MiB) / 4096 + (pages - lowTop) });
  return ranges;
}

/**
 * Early reservations (memblock_reserve) in pages, with the composition of Ubuntu's 5.0 kernel on
 * the lecture's VM: the first 64 KiB and the real-mode trampoline, the kernel image, mem_map
 * (64 bytes per frame), per-cpu areas, early page tables, and the initrd, which is freed after
 * the watermarks are set.
 */
const RESERVE_LOW_PAGES = 16; // CONFIG_X86_RESERVE_LOW=64
const TRAMPOLINE_PAGES = 6;
const KERNEL_IMAGE_PAGES = 6866; // _text.._end of the Ubuntu 5.0 vmlinux, less __init
/** The image's sections in KiB (mem_init_print_info); .bss and .brk take the rest of the image. */
const KERNEL_CODE_KB = 14339;
const KERNEL_RWDATA_KB = 2360;
const KERNEL_RODATA_KB = 4600;
const INIT_SECTION_PAGES = 346; // freed by free_initmem ("Freeing unused kernel image memory: 1384K")
const INITRD_PAGES = 4096;
export const PERCPU_PAGES_PER_CPU = 44; // "percpu: Embedded 44 pages/cpu"
/** MAX_DMA_PFN: ZONE_DMA ends at 16 MiB. */
const MAX_DMA_PFN = (16 * MiB) / 4096;

/** Lays out memory, fills the buddy allocator and computes watermarks. */
export function mm_init(k: Kernel): void {
  const ranges = e820Map(k.config.memBytes);
  const last = ranges[ranges.length - 1]!;
  const nrFrames = last.end;
  const mem = new PageFrames(nrFrames, 2048 + 16 * k.config.cpus * 3 * ZoneType.Count);
  k.mem = mem;
  const node = new PglistData(0, mem, k.config.cpus);
  k.node = node;

  // free_area_init: zone spans and present pages.
  const bounds: [ZoneType, number, number][] = [
    [ZoneType.DMA, 1, 4096],
    [ZoneType.DMA32, 4096, 1 << 20],
    [ZoneType.Normal, 1 << 20, Number.MAX_SAFE_INTEGER],
  ];
  for (const [zt, lo, hi] of bounds) {
    const zone = node.zones[zt]!;
    let first = -1;
    let end = -1;
    let present = 0;
    for (const r of ranges) {
      const s = Math.max(r.start, lo);
      const e = Math.min(r.end, hi);
      if (s >= e) continue;
      if (first < 0) first = s;
      end = e;
      present += e - s;
    }
    if (first < 0) continue;
    // A zone spans from its first present pfn; DMA always starts at pfn 1.
    zone.zoneStartPfn = zt === ZoneType.DMA ? 1 : first;
    zone.spannedPages = end - zone.zoneStartPfn;
    zone.presentPages = present;
  }
  node.nodeStartPfn = 0;
  node.nodeSpannedPages = nrFrames;
  node.nodePresentPages = node.zones.reduce((n, z) => n + z.presentPages, 0);
  printZoneRanges(k, ranges);

  // memmap_init_zone: every pageblock starts MOVABLE; early unmovable allocations steal blocks.
  mem.pageblockMt.fill(MigrateType.Movable);

  // Every struct page starts PG_reserved; memblock_free_all clears it on the pages it frees.
  mem.flags.fill(PG_reserved);
  // Early reservations (memblock_reserve), in address order.
  const reserved: Range[] = [
    { start: 0, end: RESERVE_LOW_PAGES },
    { start: 0x98, end: 0x98 + TRAMPOLINE_PAGES },
  ];
  const kernelStart = (16 * MiB) / 4096;
  let at = kernelStart;
  const take = (n: number): Range => {
    const r = { start: at, end: at + n };
    at += n;
    return r;
  };
  const image = take(KERNEL_IMAGE_PAGES);
  const initSection = take(INIT_SECTION_PAGES);
  const memmap = take(Math.ceil((nrFrames * 64) / 4096));
  const percpu = take(PERCPU_PAGES_PER_CPU * k.config.cpus);
  const initrd = take(INITRD_PAGES);
  reserved.push(image, initSection, memmap, percpu, initrd);

  const free = freeMemRanges(ranges, reserved);
  printBuiltZonelists(k, ranges, free);

  // memblock_free_all: free every usable page that no reservation covers.
  for (const r of free) {
    mem.flags.fill(0, r.start, r.end);
    freeRangeByZone(k, r.start, r.end);
  }

  memInitPrintInfo(k, image.end - image.start, initSection.end - initSection.start);
  setupZonePagesets(k);
  initPerZoneWmarkMin(k);

  // free_initrd_mem and free_initmem, after the core_initcalls.
  for (const r of [initrd, initSection]) {
    mem.flags.fill(0, r.start, r.end);
    freeRangeByZone(k, r.start, r.end);
  }
}

/**
 * for_each_free_mem_range: the usable ranges less the reservations (sorted by start), as maximal
 * runs in address order: a walk over a handful of intervals, not a test of every frame.
 */
function freeMemRanges(ranges: readonly Range[], reserved: readonly Range[]): Range[] {
  const free: Range[] = [];
  for (const r of ranges) {
    let pfn = r.start;
    for (const res of reserved) {
      if (res.start >= r.end) break;
      if (res.end <= pfn) continue;
      if (res.start > pfn) free.push({ start: pfn, end: res.start });
      pfn = res.end;
    }
    if (pfn < r.end) free.push({ start: pfn, end: r.end });
  }
  return free;
}

const memHex = (pfn: number): string => `0x${(pfn * 4096).toString(16).padStart(16, '0')}`;
const memRange = (start: number, end: number): string => `[mem ${memHex(start)}-0x${(end * 4096 - 1).toString(16).padStart(16, '0')}]`;

/**
 * free_area_init_nodes' report: each zone's possible pfn range (Movable skipped, DMA from the
 * first usable page up to 16 MiB), then the memblock ranges of node 0. Page 0 is never RAM to
 * memblock (trim_bios_range reserves it).
 */
function printZoneRanges(k: Kernel, ranges: readonly Range[]): void {
  const maxPfn = ranges[ranges.length - 1]!.end;
  const bounds: [string, number, number][] = [
    ['DMA', 1, Math.min(maxPfn, 4096)],
    ['DMA32', Math.min(maxPfn, 4096), Math.min(maxPfn, 1 << 20)],
    ['Normal', Math.min(maxPfn, 1 << 20), maxPfn],
    ['Device', maxPfn, maxPfn],
  ];
  k.printk('Zone ranges:');
  for (const [name, s, e] of bounds) k.printk(`  ${name.padEnd(8)} ${s === e ? 'empty' : memRange(s, e)}`);
  k.printk('Movable zone start for each node');
  k.printk('Early memory node ranges');
  for (const r of ranges) k.printk(`  node   0: ${memRange(Math.max(r.start, 1), r.end)}`);
  k.printk(`Initmem setup node 0 ${memRange(1, maxPfn)}`);
}

/**
 * build_all_zonelists' line. Its total is nr_free_pagecache_pages() at that point: each zone's
 * managed pages as free_area_init_core estimated them (present, less the zone's mem_map, less
 * the DMA pages memblock reserved), with watermarks still zero.
 */
function printBuiltZonelists(k: Kernel, ranges: readonly Range[], free: readonly Range[]): void {
  const dmaReserve = memblockFindDmaReserve(ranges, free);
  let total = 0;
  for (const z of k.node.zones) {
    if (!z.presentPages) continue;
    // calc_memmap_size: the zone's struct pages, 64 bytes each, rounded up to whole pages.
    const memmap = Math.ceil((z.spannedPages * 64) / 4096);
    total += z.presentPages - memmap - (z.idx === ZoneType.DMA ? dmaReserve : 0);
  }
  k.printk(`Built 1 zonelists, mobility grouping on.  Total pages: ${total}`);
}

/**
 * memblock_find_dma_reserve: usable pages below MAX_DMA_PFN (16 MiB) less those memblock left
 * free. Page 0 is not RAM to memblock (trim_bios_range reserves it), so counting starts at 1.
 */
function memblockFindDmaReserve(ranges: readonly Range[], free: readonly Range[]): number {
  return pagesBelowDma(ranges) - pagesBelowDma(free);
}

function pagesBelowDma(ranges: readonly Range[]): number {
  let n = 0;
  for (const r of ranges) n += Math.max(0, Math.min(r.end, MAX_DMA_PFN) - Math.max(r.start, 1));
  return n;
}

/** mem_init_print_info, right after memblock_free_all: free and present RAM, the image's sections, the rest reserved. */
function memInitPrintInfo(k: Kernel, imagePages: number, initPages: number): void {
  const physpages = k.node.nodePresentPages;
  let managed = 0;
  for (const z of k.node.zones) managed += z.managedPages;
  const bss = imagePages * 4 - KERNEL_CODE_KB - KERNEL_RWDATA_KB - KERNEL_RODATA_KB;
  k.printk(
    `Memory: ${totalFreePages(k) * 4}K/${physpages * 4}K available (${KERNEL_CODE_KB}K kernel code, ${KERNEL_RWDATA_KB}K rwdata, ` +
      `${KERNEL_RODATA_KB}K rodata, ${initPages * 4}K init, ${bss}K bss, ${(physpages - managed) * 4}K reserved, 0K cma-reserved)`,
  );
}

function freeRangeByZone(k: Kernel, start: number, end: number): void {
  for (const zone of k.node.zones) {
    if (!zone.spannedPages) continue;
    const s = Math.max(start, zone.zoneStartPfn);
    const e = Math.min(end, zone.zoneStartPfn + zone.spannedPages);
    if (s < e) freeBootRange(k, zone, s, e);
  }
}

/** zone_batchsize: about a thousandth of the zone, at most 1 MiB, clamped to 2^n - 1. */
export function zoneBatchsize(managed: number): number {
  let batch = Math.floor(managed / 1024);
  if (batch * 4096 > MiB) batch = MiB / 4096;
  batch = Math.floor(batch / 4);
  if (batch < 1) batch = 1;
  return roundDownPow2(batch + Math.floor(batch / 2)) - 1;
}

function roundDownPow2(n: number): number {
  return 2 ** Math.floor(Math.log2(n));
}

/** setup_zone_pageset → pageset_set_batch: high = 6 * batch, batch at least 1. */
function setupZonePagesets(k: Kernel): void {
  for (const zone of k.node.zones) {
    const batch = zoneBatchsize(zone.managedPages);
    for (const pcp of zone.pageset) {
      pcp.high = 6 * batch;
      pcp.batch = Math.max(1, batch);
    }
  }
}

/** int_sqrt: floor of the square root, exactly. */
export function intSqrt(x: number): number {
  let r = Math.floor(Math.sqrt(x));
  while (r * r > x) r--;
  while ((r + 1) * (r + 1) <= x) r++;
  return r;
}

/** nr_free_buffer_pages: managed pages above the high watermark in zones GFP_USER can use. */
function nrFreeBufferPages(k: Kernel): number {
  let n = 0;
  for (let i = 0; i <= ZoneType.Normal; i++) {
    const z = k.node.zones[i]!;
    const size = z.managedPages;
    const high = z.watermark[WMark.High]!;
    if (size > high) n += size - high;
  }
  return n;
}

/** init_per_zone_wmark_min: min_free_kbytes = sqrt(lowmem_kbytes * 16), clamped to [128, 65536]. */
export function initPerZoneWmarkMin(k: Kernel): void {
  const lowmemKbytes = nrFreeBufferPages(k) * 4;
  let mfk = intSqrt(lowmemKbytes * 16);
  if (mfk < 128) mfk = 128;
  if (mfk > 65536) mfk = 65536;
  k.sysctl.minFreeKbytes = mfk;
  setupPerZoneWmarks(k);
  refreshZoneStatThresholds(k);
  setupPerZoneLowmemReserve(k);
}

/** __setup_per_zone_wmarks. */
export function setupPerZoneWmarks(k: Kernel): void {
  const pagesMin = k.sysctl.minFreeKbytes >>> (PAGE_SHIFT - 10);
  let lowmem = 0;
  for (const z of k.node.zones) lowmem += z.managedPages;
  for (const z of k.node.zones) {
    const tmp = lowmem ? Math.floor((pagesMin * z.managedPages) / lowmem) : 0;
    z.watermark[WMark.Min] = tmp;
    const gap = Math.max(tmp >>> 2, Math.floor((z.managedPages * k.sysctl.watermarkScaleFactor) / 10000));
    z.watermark[WMark.Low] = tmp + gap;
    z.watermark[WMark.High] = tmp + gap * 2;
    z.watermarkBoost = 0;
  }
}

/** setup_per_zone_lowmem_reserve. */
export function setupPerZoneLowmemReserve(k: Kernel): void {
  const zones = k.node.zones;
  const ratio = k.sysctl.lowmemReserveRatio;
  for (let j = 0; j < ZoneType.Count; j++) {
    let managed = zones[j]!.managedPages;
    zones[j]!.lowmemReserve[j] = 0;
    for (let idx = j; idx > 0; ) {
      idx--;
      const lower = zones[idx]!;
      lower.lowmemReserve[j] = ratio[idx]! < 1 ? 0 : Math.floor(managed / ratio[idx]!);
      managed += lower.managedPages;
    }
  }
}

/** calculate_normal_threshold: the vm_stat_diff threshold zoneinfo reports. */
function refreshZoneStatThresholds(k: Kernel): void {
  const cpus = k.config.cpus;
  for (const z of k.node.zones) {
    if (!z.managedPages) continue;
    const mem = z.managedPages >>> (27 - PAGE_SHIFT);
    const t = 2 * fls(cpus) * (1 + fls(mem));
    z.statThreshold = Math.min(t, 125);
  }
}

function fls(x: number): number {
  return x === 0 ? 0 : 32 - Math.clz32(x);
}

/** Free pages per order and zone, for tests and the bench. */
export function totalFreePages(k: Kernel): number {
  let n = 0;
  for (const z of k.node.zones) n += z.vmstat[ZoneStat.NR_FREE_PAGES]!;
  return n;
}

