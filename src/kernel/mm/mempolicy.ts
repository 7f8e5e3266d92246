// mm/mempolicy.c: with one node and the default policy every allocation goes to node 0, but the
// entry points stay, because they are what stack traces show (alloc_pages_vma for user faults)
// and what they hide (alloc_pages_current ends in a tail call, so it never appears).

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc } from '../symbols.js';
import { __alloc_pages_nodemask } from './page_alloc.js';

const FILE = 'mm/mempolicy.c';

export const F_alloc_pages_vma = kfunc('alloc_pages_vma', {
  file: FILE,
  size: 0x1c0,
  global: true,
  args: [ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.User, ArgKind.Int, ArgKind.Int],
  ret: ArgKind.Page,
});
export const F_alloc_pages_current = kfunc('alloc_pages_current', {
  file: FILE,
  size: 0xa0,
  global: true,
  tail: true,
  args: [ArgKind.Int, ArgKind.Int],
  ret: ArgKind.Page,
});

/** alloc_pages (include/linux/gfp.h): an inline wrapper of alloc_pages_current on NUMA kernels. */
export function alloc_pages(k: Kernel, gfp: number, order: number): number {
  return alloc_pages_current(k, gfp, order);
}

export function alloc_pages_current(k: Kernel, gfp: number, order: number): number {
  k.enter(F_alloc_pages_current, gfp, order);
  const pfn = __alloc_pages_nodemask(k, gfp, order, 0);
  return k.leave(F_alloc_pages_current, pfn);
}

/** alloc_pages_vma: a page for a user address; `vmaId` stands for the vma pointer. */
export function alloc_pages_vma(k: Kernel, gfp: number, order: number, vmaId: number, addr: number): number {
  k.enter(F_alloc_pages_vma, gfp, order, vmaId, addr, 0, 0);
  const pfn = __alloc_pages_nodemask(k, gfp, order, 0);
  return k.leave(F_alloc_pages_vma, pfn);
}
