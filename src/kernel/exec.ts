// fs/exec.c: execve replaces the address space with a fresh one laid out as binfmt_elf does
// (text, data, bss and heap start, the stack near the top with its first page touched by
// copying argv), and starts the program. Programs are the machine's binaries: generators
// registered by the path of their file in the root filesystem.

import type { Kernel } from './machine.js';
import { ArgKind, kfunc } from './symbols.js';
import { syscallEnter, syscallLeave } from './arch/entry.js';
import type { Task, TaskBody } from './sched/task.js';
import { mm_alloc, mmput, vm_area_alloc } from './fork.js';
import { STACK_TOP, VM_EXEC, VM_GROWSDOWN, VM_MAYEXEC, VM_MAYREAD, VM_MAYWRITE, VM_READ, VM_WRITE } from './mm/mm_types.js';
import { handle_mm_fault } from './mm/memory.js';
import type { Proc } from './process.js';
import { credOf, lookupPath } from './fs/namei.js';
import { permission } from './fs/inode.js';
import { sched_process_exec } from './trace/events/sched.js';

const FILE = 'fs/exec.c';
export const F_do_execve = kfunc('do_execve', { file: FILE, size: 0x30, global: true, args: [ArgKind.Vmalloc, ArgKind.User, ArgKind.User] });
export const F___x64_sys_execve = kfunc('__x64_sys_execve', { file: FILE, size: 0x40, global: true, args: [ArgKind.Vmalloc] });

export type Program = (p: Proc, argv: readonly string[]) => TaskBody;

export interface Binary {
  readonly path: string;
  readonly main: Program;
  /** Sizes of the ELF segments in pages, for the mappings /proc/PID/maps shows. */
  readonly textPages: number;
  readonly dataPages: number;
  readonly inode: number;
}

const ENOEXEC = -8;
const EACCES = -13;
const ENOMEM = -12;
const ELF_BASE = 0x55d0_0000_0000;
const MMAP_BASE_GAP = 128 * 1024 * 1024;

/** The layout of a freshly exec'd image; the stack top moves with the seeded PRNG as ASLR does. */
function setupNewExec(k: Kernel, task: Task, bin: Binary): boolean {
  const mm = mm_alloc(k);
  if (!mm) return false;
  const slide = k.prng.below(0x1000) * 0x1000;
  const textStart = ELF_BASE + k.prng.below(0x400) * 0x100000;
  const text = vm_area_alloc(k, mm, textStart, textStart + bin.textPages * 4096, VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYEXEC, bin.path, 0, null, bin.inode);
  if (text) mm.insertVma(text);
  const dataStart = textStart + bin.textPages * 4096 + 0x200000;
  const data = text && vm_area_alloc(k, mm, dataStart, dataStart + bin.dataPages * 4096, VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE, bin.path, bin.textPages, null, bin.inode);
  if (data) mm.insertVma(data);
  const stackTop = STACK_TOP - 0x1000 - slide - 0x1000 * 0x10;
  const stack = data && vm_area_alloc(k, mm, stackTop - 0x21000, stackTop, VM_READ | VM_WRITE | VM_GROWSDOWN | VM_MAYREAD | VM_MAYWRITE, null, 0, '[stack]', 0);
  if (!text || !data || !stack) {
    mmput(k, mm);
    return false;
  }
  mm.insertVma(stack);
  mm.startCode = text.start;
  mm.endCode = text.end;
  mm.startData = data.start;
  mm.endData = data.end;
  mm.startBrk = mm.brk = data.end + k.prng.below(0x2000) * 0x1000;
  mm.startStack = stackTop - 0x100;
  mm.mmapBase = stackTop - MMAP_BASE_GAP - k.prng.below(0x10000) * 0x1000;
  mm.execVm = bin.textPages;
  mm.stackVm = stack.pages;
  mm.dataVm = bin.dataPages;
  mm.hiwaterVm = mm.totalVm;
  const old = task.mm;
  task.mm = mm;
  if (old) mmput(k, old);
  // copy_strings: argv and envp land in the top page of the new stack.
  handle_mm_fault(k, mm, stack, stackTop - 8, true);
  return true;
}

/** execve: on success the program runs to its end here, and its status is the result. */
export function* execve(k: Kernel, p: Proc, path: string, argv: readonly string[]): Generator<number, number, void> {
  const task = p.task;
  syscallEnter(k, 59, F___x64_sys_execve, -1);
  k.enter(F_do_execve, -1, 0, 0);
  const found = lookupPath(k, task, path);
  let err = 0;
  let bin: Binary | undefined;
  if (typeof found === 'number') err = found;
  else if (found.inode.isDir) err = EACCES;
  else if (!permission(found.inode, credOf(task), 1)) err = EACCES;
  else if (!(bin = k.binaries.get(found.path))) err = ENOEXEC;
  else if (!setupNewExec(k, task, bin)) err = ENOMEM;
  // A set-user-ID file runs with its owner's effective uid (sudo, su).
  if (!err && typeof found !== 'number' && found.inode.mode & 0o4000) task.uid = found.inode.uid;
  if (!err) {
    // load_elf_binary's setup_new_exec names the task; exec_binprm then says so.
    task.setComm(path.slice(path.lastIndexOf('/') + 1));
    task.argv = argv;
    if (k.tpOn[sched_process_exec.id] !== 0) k.traceEvent(sched_process_exec, path, task.pid, task.pid);
  }
  k.leave(F_do_execve, err);
  syscallLeave(k, F___x64_sys_execve, err);
  if (err || !bin) return err;
  // flush_signal_handlers: the new program starts with every signal at its default action.
  task.sigcaught = 0;
  task.sigpending = 0;
  yield 0;
  return yield* bin.main(p, argv);
}
