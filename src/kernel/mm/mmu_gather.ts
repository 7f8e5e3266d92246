// mm/mmu_gather.c: unmapping gathers pages to free after the TLB flush. The first 8 fit in the
// on-stack bundle; beyond that each batch is a page from __get_free_pages(GFP_NOWAIT), which is
// why an exiting process shows get_page_from_freelist under __tlb_remove_page_size.

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc } from '../symbols.js';
import { __GFP_NOWARN, GFP_NOWAIT } from './gfp.js';
import { __get_free_pages, free_pages } from './page_alloc.js';
import { release_pages } from './swap.js';

const FILE = 'mm/mmu_gather.c';
export const F___tlb_remove_page_size = kfunc('__tlb_remove_page_size', {
  file: FILE,
  size: 0x90,
  global: true,
  args: [ArgKind.Vmalloc, ArgKind.Page, ArgKind.Int],
});
export const F_tlb_flush_mmu = kfunc('tlb_flush_mmu', { file: FILE, size: 0x70, global: true, args: [ArgKind.Vmalloc] });
export const F_tlb_finish_mmu = kfunc('tlb_finish_mmu', { file: FILE, size: 0x90, global: true, args: [ArgKind.Vmalloc, ArgKind.User, ArgKind.User] });

const MMU_GATHER_BUNDLE = 8;
/** (PAGE_SIZE - sizeof(struct mmu_gather_batch)) / sizeof(void *). */
const MAX_GATHER_BATCH = 510;
const MAX_GATHER_BATCH_COUNT = Math.floor(10000 / MAX_GATHER_BATCH);

export class MmuGather {
  /** Gathered pfns, bundle first, then batch by batch. */
  readonly pages = new Int32Array(MMU_GATHER_BUNDLE + MAX_GATHER_BATCH * MAX_GATHER_BATCH_COUNT);
  nr = 0;
  /** Capacity of the batches held so far (the bundle plus one page per batch). */
  max = MMU_GATHER_BUNDLE;
  /** Direct-map addresses of the batch pages. */
  readonly batchPages: number[] = [];
}

/** __tlb_remove_page_size: true means "flush now", the gather is full. */
export function __tlb_remove_page_size(k: Kernel, tlb: MmuGather, pfn: number): boolean {
  k.enter(F___tlb_remove_page_size, k.current.stackVa < 0 ? -1 : k.current.stackVa + 0x3b80, pfn, 4096);
  tlb.pages[tlb.nr++] = pfn;
  let full = false;
  if (tlb.nr === tlb.max) {
    if (tlb.batchPages.length === MAX_GATHER_BATCH_COUNT) {
      full = true;
    } else {
      const batch = __get_free_pages(k, GFP_NOWAIT | __GFP_NOWARN, 0);
      if (batch === 0) full = true;
      else {
        tlb.batchPages.push(batch);
        tlb.max += MAX_GATHER_BATCH;
      }
    }
  }
  return k.leave(F___tlb_remove_page_size, full ? 1 : 0) === 1;
}

/** tlb_flush_mmu: free what was gathered (free_pages_and_swap_cache → release_pages). */
export function tlb_flush_mmu(k: Kernel, tlb: MmuGather): void {
  k.enter(F_tlb_flush_mmu, -1);
  if (tlb.nr) release_pages(k, tlb.pages, tlb.nr);
  tlb.nr = 0;
  k.leaveVoid(F_tlb_flush_mmu);
}

export function tlb_finish_mmu(k: Kernel, tlb: MmuGather, start: number, end: number): void {
  k.enter(F_tlb_finish_mmu, -1, start, end);
  tlb_flush_mmu(k, tlb);
  for (const b of tlb.batchPages) free_pages(k, b, 0);
  tlb.batchPages.length = 0;
  tlb.max = MMU_GATHER_BUNDLE;
  k.leaveVoid(F_tlb_finish_mmu);
}
