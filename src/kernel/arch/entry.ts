// arch/x86/entry: how user space enters the kernel. A syscall pushes
// entry_SYSCALL_64_after_hwframe and do_syscall_64 below the __x64_sys_* handler; a fault enters
// at page_fault. These frames are what every user-context stack trace ends with.

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc, type KernelFunction } from '../symbols.js';

export const F_entry_SYSCALL_64_after_hwframe = kfunc('entry_SYSCALL_64_after_hwframe', { file: 'arch/x86/entry/entry_64.S', size: 0x2e, global: true });
export const F_ret_from_fork = kfunc('ret_from_fork', { file: 'arch/x86/entry/entry_64.S', size: 0x35, global: true });
export const F_page_fault = kfunc('page_fault', { file: 'arch/x86/entry/entry_64.S', size: 0x30, global: true });
export const F_do_syscall_64 = kfunc('do_syscall_64', { file: 'arch/x86/entry/common.c', size: 0x110, global: true, args: [ArgKind.Int, ArgKind.Vmalloc] });
export const F_exit_to_usermode_loop = kfunc('exit_to_usermode_loop', { file: 'arch/x86/entry/common.c', size: 0xd0, args: [ArgKind.Vmalloc, ArgKind.Int] });

/** Enters the kernel for syscall `nr`, handled by `handler`: the two entry frames, then it. */
export function syscallEnter(k: Kernel, nr: number, handler: KernelFunction, a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0): void {
  k.enter(F_entry_SYSCALL_64_after_hwframe);
  k.enter(F_do_syscall_64, nr, -1);
  k.enter(handler, a0, a1, a2, a3, a4, a5);
  k.charge(80);
}

export function syscallLeave(k: Kernel, handler: KernelFunction, ret: number): number {
  k.leave(handler, ret);
  k.leave(F_do_syscall_64, 0);
  k.leave(F_entry_SYSCALL_64_after_hwframe, 0);
  return ret;
}
