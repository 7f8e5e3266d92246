// arch/x86/mm/fault.c, 5.0: the page-fault handler. __do_page_fault sends faults on kernel
// addresses to do_kern_addr_fault and user addresses to do_user_addr_fault (inlined), which
// finds the VMA and calls handle_mm_fault. do_page_fault ends in a tail call, so traces show
// __do_page_fault directly above page_fault.

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc } from '../symbols.js';
import { F_page_fault } from './entry.js';
import { handle_mm_fault, VM_FAULT_OOM, VM_FAULT_SIGSEGV } from '../mm/memory.js';
import { PTRS_PER_TABLE, TASK_SIZE_MAX, VM_GROWSDOWN, VM_WRITE, type MmStruct } from '../mm/mm_types.js';
import { VMALLOC_SIZE, vmallocPgdIndex, vmallocSigned } from '../mm/vmalloc.js';

const FILE = 'arch/x86/mm/fault.c';
export const F_vmalloc_fault = kfunc('vmalloc_fault', { file: FILE, size: 0x1e0, args: [ArgKind.Vmalloc] });
export const F_do_kern_addr_fault = kfunc('do_kern_addr_fault', { file: FILE, size: 0x90, args: [ArgKind.Vmalloc, ArgKind.Int, ArgKind.Vmalloc] });
export const F___do_page_fault = kfunc('__do_page_fault', { file: FILE, size: 0x4f0, args: [ArgKind.Vmalloc, ArgKind.Int, ArgKind.User] });
export const F_do_page_fault = kfunc('do_page_fault', { file: FILE, size: 0x110, global: true, tail: true, args: [ArgKind.Vmalloc, ArgKind.Int] });

/** X86_PF_* error code bits. */
const X86_PF_WRITE = 2;
const X86_PF_USER = 4;

/** fault_in_kernel_space: the vsyscall page is user space; everything from TASK_SIZE_MAX up is the kernel's. */
export function fault_in_kernel_space(address: number): boolean {
  return address >= TASK_SIZE_MAX;
}

/**
 * A user-mode access to `address` missed in the page tables. Returns 0, VM_FAULT_OOM (the task
 * is then OOM-killed or retries) or VM_FAULT_SIGSEGV.
 */
export function page_fault(k: Kernel, address: number, write: boolean): number {
  const task = k.current;
  const mm = task.mm;
  k.enter(F_page_fault);
  const code = (write ? X86_PF_WRITE : 0) | X86_PF_USER;
  k.enter(F_do_page_fault, -1, code);
  k.enter(F___do_page_fault, -1, code, address);
  let ret: number;
  const vma = mm && !fault_in_kernel_space(address) ? mm.findVma(address) : null;
  if (!mm || !vma || (write && !(vma.flags & VM_WRITE) && !(vma.flags & VM_GROWSDOWN))) ret = VM_FAULT_SIGSEGV;
  else ret = handle_mm_fault(k, mm, vma, address, write);
  k.leaveVoid(F___do_page_fault);
  k.leaveVoid(F_do_page_fault);
  k.leaveVoid(F_page_fault);
  return ret & (VM_FAULT_OOM | VM_FAULT_SIGSEGV);
}

/** The PTE of vmalloc address `off` is present in `mm`'s page table: its own PGD, init_mm's lower levels. */
function vmallocMapped(k: Kernel, mm: MmStruct, off: number): boolean {
  if (!mm.kernelPgd.has(vmallocPgdIndex(off))) return false;
  const table = k.initMm.pte.get(Math.floor(vmallocSigned(off) / 2 ** 21));
  return table !== undefined && table[Math.floor(off / 4096) % PTRS_PER_TABLE]! > 0;
}

/**
 * vmalloc_fault: a kernel access to a vmalloc address this page table has no PGD entry for
 * (the area was mapped into init_mm after the PGD was cloned). With 4-level paging the p4d is
 * the PGD entry, so that is what is copied; the levels below are shared and only checked.
 */
function vmalloc_fault(k: Kernel, mm: MmStruct, off: number): number {
  k.enter(F_vmalloc_fault, off);
  if (!(off >= 0 && off < VMALLOC_SIZE)) return k.leave(F_vmalloc_fault, -1);
  const idx = vmallocPgdIndex(off);
  if (!k.initMm.kernelPgd.has(idx)) return k.leave(F_vmalloc_fault, -1);
  // set_p4d(p4d, *p4d_k)
  mm.kernelPgd.add(idx);
  k.charge(300);
  return k.leave(F_vmalloc_fault, vmallocMapped(k, mm, off) ? 0 : -1);
}

/**
 * A load or store by kernel code, in the current task's context, at vmalloc address `off`. The
 * MMU walks the page table in CR3 (the task's mm, or init_mm for a kernel thread); a miss enters
 * page_fault, and do_kern_addr_fault tries vmalloc_fault. False is an oops: no mapping at all.
 */
export function vmalloc_access(k: Kernel, off: number, write: boolean): boolean {
  const mm = k.current.mm ?? k.initMm;
  if (vmallocMapped(k, mm, off)) return true;
  const code = write ? X86_PF_WRITE : 0;
  k.enter(F_page_fault);
  k.enter(F_do_page_fault, -1, code);
  k.enter(F___do_page_fault, -1, code, vmallocSigned(off));
  k.enter(F_do_kern_addr_fault, -1, code, off);
  // A kernel-mode, not-present, non-reserved fault: the kind vmalloc_fault may fix up.
  const ok = vmalloc_fault(k, mm, off) >= 0;
  k.leaveVoid(F_do_kern_addr_fault);
  k.leaveVoid(F___do_page_fault);
  k.leaveVoid(F_do_page_fault);
  k.leaveVoid(F_page_fault);
  return ok;
}
