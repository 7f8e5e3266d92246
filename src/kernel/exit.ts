// kernel/exit.c: a task ends by returning from its program (exit_group), or by a fatal signal
// noticed on the way back to user space. do_exit releases the address space (mmput → exit_mmap,
// which is where an exiting process's pages go back to the allocator), reports to the parent
// and leaves a zombie until wait4 reaps it. The task's slab objects go back as on Linux: files and
// fs in do_exit, sighand and pid in release_task, the stack at the final switch away, and the
// creds, signal and task_struct with the last reference to the task.

import type { Kernel } from './machine.js';
import { ArgKind, kfunc } from './symbols.js';
import { F_exit_to_usermode_loop, syscallEnter } from './arch/entry.js';
import { PF_EXITING, TaskState, type Task } from './sched/task.js';
import {
  __cleanup_sighand,
  F_exit_files,
  F_exit_fs,
  free_pid,
  mmput,
  put_files_struct,
  put_fs_struct,
  put_task_stack,
  put_task_struct,
  taskStruct,
} from './fork.js';
import { sched_process_exit } from './trace/events/sched.js';
import { closeFiles } from './fs/fdtable.js';

const FILE = 'kernel/exit.c';
export const F_do_exit = kfunc('do_exit', { file: FILE, size: 0xb70, global: true, args: [ArgKind.Int] });
export const F_do_group_exit = kfunc('do_group_exit', { file: FILE, size: 0xb0, global: true, args: [ArgKind.Int] });
export const F___x64_sys_exit_group = kfunc('__x64_sys_exit_group', { file: FILE, size: 0x20, global: true, args: [ArgKind.Vmalloc] });
export const F_release_task = kfunc('release_task', { file: FILE, size: 0x4a0, global: true, args: [ArgKind.Direct] });
export const F___x64_sys_wait4 = kfunc('__x64_sys_wait4', { file: FILE, size: 0xa0, global: true, args: [ArgKind.Vmalloc] });
export const F_get_signal = kfunc('get_signal', { file: 'kernel/signal.c', size: 0x930, global: true, args: [ArgKind.Vmalloc] });


/** do_exit: the task's last kernel path. Its stack frames are already pushed by the caller. */
export function do_exit(k: Kernel, task: Task, code: number): void {
  k.enter(F_do_exit, code);
  task.flags |= PF_EXITING;
  const mm = task.mm;
  if (mm) {
    task.mm = null;
    mmput(k, mm);
  }
  exit_files(k, task);
  exit_fs(k, task);
  if (k.tpOn[sched_process_exit.id] !== 0) k.traceEvent(sched_process_exit, task.comm, task.pid, task.prio - 100);
  exitNotify(k, task, code);
  k.leaveVoid(F_do_exit);
}

/** exit_files: the last close of a pipe's write end is what its reader sees as end of file. */
function exit_files(k: Kernel, task: Task): void {
  const ts = taskStruct(k, task);
  k.enter(F_exit_files, ts ? ts.obj : 0);
  const files = task.files;
  task.files = null;
  if (ts) put_files_struct(k, ts.files, () => files && closeFiles(k, files));
  k.leaveVoid(F_exit_files);
}

function exit_fs(k: Kernel, task: Task): void {
  const ts = taskStruct(k, task);
  k.enter(F_exit_fs, ts ? ts.obj : 0);
  if (ts) put_fs_struct(k, ts.fs);
  k.leaveVoid(F_exit_fs);
}

/** exit_notify: orphans go to init; the parent is told; with no one to wait, the task is reaped. */
function exitNotify(k: Kernel, task: Task, code: number): void {
  const init = k.tasks.get(1) ?? null;
  for (const c of task.children) {
    c.parent = init;
    if (init) init.children.push(c);
  }
  task.children.length = 0;
  task.exitCode = code;
  task.state = TaskState.Zombie;
  k.oomVictims.delete(task);
  const parent = task.parent;
  if (!parent || parent.pid === 1 || parent.isKthread) {
    release_task(k, task);
    return;
  }
  for (const w of task.exitWaiters.splice(0)) k.sched.wakeUp(w);
}

/**
 * release_task: the zombie is gone. __exit_signal frees the handler table and detaches the pid;
 * the reference release_task holds on the task is dropped after an RCU grace period (at once).
 */
export function release_task(k: Kernel, task: Task): void {
  const ts = taskStruct(k, task);
  k.enter(F_release_task, ts ? ts.obj : 0);
  task.state = TaskState.Dead;
  k.tasks.delete(task.pid);
  const p = task.parent;
  if (p) {
    const i = p.children.indexOf(task);
    if (i >= 0) p.children.splice(i, 1);
  }
  if (ts) {
    __cleanup_sighand(k, ts.sighand);
    free_pid(k, ts.pid);
  }
  put_task_struct(k, task);
  k.leaveVoid(F_release_task);
}

/** The scheduler found the task's program finished (`code`) or killed (`null` code). */
export function do_exit_task(k: Kernel, task: Task, code: number | null): void {
  if (task.isKthread) {
    k.enter(F_do_exit, code ?? 0);
    exit_files(k, task);
    exit_fs(k, task);
    task.state = TaskState.Zombie;
    release_task(k, task);
    k.leaveVoid(F_do_exit);
    finishTaskSwitchDead(k, task);
    return;
  }
  const base = task.kdepth;
  if (code === null) {
    // A fatal signal is noticed on the way back to user space.
    k.enter(F_exit_to_usermode_loop, -1, 0);
    k.enter(F_get_signal, -1);
    k.enter(F_do_group_exit, task.exitSignal);
    do_exit(k, task, task.exitSignal);
  } else {
    syscallEnter(k, 231, F___x64_sys_exit_group, -1);
    k.enter(F_do_group_exit, (code & 0xff) << 8);
    do_exit(k, task, (code & 0xff) << 8);
  }
  task.kdepth = base;
  finishTaskSwitchDead(k, task);
}

/**
 * finish_task_switch after a TASK_DEAD task's last schedule(): only now, off its stack for good,
 * do its stack and its own reference to itself go.
 */
function finishTaskSwitchDead(k: Kernel, task: Task): void {
  put_task_stack(k, task);
  put_task_struct(k, task);
}
