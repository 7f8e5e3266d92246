// mm/mmap.c: creating and destroying mappings. mmap picks the highest free gap below mmap_base
// (the top-down layout x86_64 uses), brk grows the heap after the data segment, and exit_mmap
// tears everything down when the last user of an mm goes. Every VMA is a vm_area_struct from its
// slab cache: vm_area_alloc for a new one, vm_area_dup for a split, vm_area_free when it goes.

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc } from '../symbols.js';
import { MmStruct, VM_ACCOUNT, VM_GROWSDOWN, VM_MAYREAD, VM_MAYWRITE, VM_READ, VM_WRITE } from './mm_types.js';
import { zapRange } from './memory.js';
import { vm_area_alloc, vm_area_dup, vm_area_free } from '../fork.js';

const FILE = 'mm/mmap.c';
export const F_do_mmap = kfunc('do_mmap', { file: FILE, size: 0x460, global: true, args: [ArgKind.Vmalloc, ArgKind.User, ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.Int] });
export const F___do_munmap = kfunc('__do_munmap', { file: FILE, size: 0x4a0, global: true, args: [ArgKind.Vmalloc, ArgKind.User, ArgKind.Int] });
export const F_exit_mmap = kfunc('exit_mmap', { file: FILE, size: 0x170, global: true, args: [ArgKind.Direct] });
export const F___x64_sys_brk = kfunc('__x64_sys_brk', { file: FILE, size: 0x190, global: true, args: [ArgKind.Vmalloc] });
export const F___x64_sys_munmap = kfunc('__x64_sys_munmap', { file: FILE, size: 0x40, global: true, args: [ArgKind.Vmalloc] });
export const F_ksys_mmap_pgoff = kfunc('ksys_mmap_pgoff', { file: FILE, size: 0x1e0, global: true, args: [ArgKind.User, ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.Int] });

const PAGE = 4096;

function pageAlign(n: number): number {
  return Math.ceil(n / PAGE) * PAGE;
}

/** get_unmapped_area, top-down: the highest gap of `len` bytes below mmap_base. */
function getUnmappedArea(mm: MmStruct, len: number): number {
  let top = mm.mmapBase;
  for (let i = mm.vmas.length - 1; i >= 0; i--) {
    const v = mm.vmas[i]!;
    if (v.start >= top) continue;
    if (v.end <= top - len) return top - len;
    top = Math.min(top, v.start);
  }
  return top - len >= 0x10000 ? top - len : -12;
}

/** do_mmap for anonymous private memory (what malloc's large allocations and the hogs use). */
export function do_mmap(k: Kernel, mm: MmStruct, len: number, prot: number): number {
  len = pageAlign(len);
  k.enter(F_do_mmap, -1, 0, len, prot, 0x22, 0);
  const addr = getUnmappedArea(mm, len);
  if (addr < 0) return k.leave(F_do_mmap, -12);
  const vma = vm_area_alloc(k, mm, addr, addr + len, prot | VM_MAYREAD | VM_MAYWRITE | VM_ACCOUNT, null, 0, null, 0);
  if (!vma) return k.leave(F_do_mmap, -12);
  mm.insertVma(vma);
  mm.dataVm += len / PAGE;
  if (mm.totalVm > mm.hiwaterVm) mm.hiwaterVm = mm.totalVm;
  k.charge(400);
  return k.leave(F_do_mmap, addr);
}

/**
 * __do_munmap: unmap [addr, addr+len). A VMA that sticks out at either edge is split first
 * (__split_vma: vm_area_dup for the part past the cut), then the VMAs inside go (remove_vma).
 */
export function __do_munmap(k: Kernel, mm: MmStruct, addr: number, len: number): number {
  len = pageAlign(len);
  k.enter(F___do_munmap, -1, addr, len);
  const end = addr + len;
  for (const v of [...mm.vmas]) {
    if (v.end <= addr || v.start >= end) continue;
    let cur = v;
    for (const cut of [addr, end]) {
      if (cut <= cur.start || cut >= cur.end) continue;
      const upper = vm_area_dup(k, mm, cur, cut, cur.end, cur.pgoff + (cut - cur.start) / PAGE);
      if (!upper) return k.leave(F___do_munmap, -12);
      cur.end = cut;
      mm.totalVm -= upper.pages;
      mm.insertVma(upper);
      cur = upper;
    }
  }
  zapRange(k, mm, addr, end, true);
  for (let i = mm.vmas.length - 1; i >= 0; i--) {
    const v = mm.vmas[i]!;
    if (v.start < addr || v.end > end) continue;
    if (!(v.flags & VM_GROWSDOWN)) mm.dataVm -= v.pages;
    mm.totalVm -= v.pages;
    mm.vmas.splice(i, 1);
    vm_area_free(k, v);
  }
  return k.leave(F___do_munmap, 0);
}

/** brk: move the end of the heap, creating the [heap] VMA on first growth. */
export function do_brk(k: Kernel, mm: MmStruct, newBrk: number): number {
  const oldEnd = pageAlign(mm.brk);
  const newEnd = pageAlign(newBrk);
  if (newBrk < mm.startBrk) return mm.brk;
  if (newEnd > oldEnd) {
    const heap = mm.vmas.find((v) => v.start === mm.startBrk && !v.file);
    if (mm.vmas.some((v) => v.start < newEnd && v.end > oldEnd && v !== heap)) return mm.brk;
    if (heap) {
      mm.totalVm += (newEnd - heap.end) / PAGE;
      mm.dataVm += (newEnd - heap.end) / PAGE;
      heap.end = newEnd;
    } else {
      const vma = vm_area_alloc(k, mm, mm.startBrk, newEnd, VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_ACCOUNT, null, 0, null, 0);
      if (!vma) return mm.brk;
      mm.insertVma(vma);
      mm.dataVm += (newEnd - mm.startBrk) / PAGE;
    }
  } else if (newEnd < oldEnd) {
    __do_munmap(k, mm, newEnd, oldEnd - newEnd);
  }
  if (mm.totalVm > mm.hiwaterVm) mm.hiwaterVm = mm.totalVm;
  mm.brk = newBrk;
  return newBrk;
}

/** exit_mmap: unmap everything, free the page tables, and remove_vma each VMA (the PGD goes in __mmdrop). */
export function exit_mmap(k: Kernel, mm: MmStruct): void {
  k.enter(F_exit_mmap, mm.slabObj);
  zapRange(k, mm, 0, 2 ** 47, true);
  for (const v of mm.vmas.splice(0)) vm_area_free(k, v);
  mm.totalVm = 0;
  k.leaveVoid(F_exit_mmap);
}
