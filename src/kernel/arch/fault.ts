// arch/x86/mm/fault.c, 5.0: the page-fault handler. __do_page_fault sends faults on kernel
// addresses to do_kern_addr_fault and user addresses to do_user_addr_fault (inlined), which
// finds the VMA and calls handle_mm_fault. do_page_fault ends in a tail call, so traces show
// __do_page_fault directly above page_fault.

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc } from '../symbols.js';
import { F_page_fault } from './entry.js';
import { handle_mm_fault, VM_FAULT_OOM, VM_FAULT_SIGSEGV } from '../mm/memory.js';
import { TASK_SIZE_MAX, VM_GROWSDOWN, VM_WRITE } from '../mm/mm_types.js';

const FILE = 'arch/x86/mm/fault.c';
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
