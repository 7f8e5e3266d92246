// kernel/fork.c: _do_fork → copy_process → dup_task_struct, copy_mm (dup_mm: a new PGD and the
// parent's mappings shared copy-on-write), alloc_pid; and kernel threads, which kthreadd forks
// the same way. The child's behaviour is a generator: fork "returns twice" by giving the child
// the code it runs after fork returned 0.

import type { Kernel } from './machine.js';
import { ArgKind, kfunc } from './symbols.js';
import { F_ret_from_fork, syscallEnter, syscallLeave } from './arch/entry.js';
import { Task, TaskState, PF_KTHREAD, type TaskBody } from './sched/task.js';
import { MmStruct, Vma } from './mm/mm_types.js';
import { copy_page_range, pgd_alloc } from './mm/memory.js';
import { alloc_pages } from './mm/mempolicy.js';
import { __free_pages } from './mm/page_alloc.js';
import { __GFP_ZERO, GFP_KERNEL_ACCOUNT } from './mm/gfp.js';
import { ZoneStat } from './mm/mmzone.js';
import { exit_mmap } from './mm/mmap.js';
import { sched_process_fork } from './trace/events/sched.js';

const FILE = 'kernel/fork.c';
export const F_dup_task_struct = kfunc('dup_task_struct', { file: FILE, size: 0x2c0, args: [ArgKind.Vmalloc, ArgKind.Int] });
export const F_copy_mm = kfunc('copy_mm', { file: FILE, size: 0x4d0, args: [ArgKind.Int, ArgKind.Vmalloc] });
export const F_copy_process = kfunc('copy_process', { file: FILE, size: 0x1c30, args: [ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.Int] });
export const F__do_fork = kfunc('_do_fork', { file: FILE, size: 0x370, global: true, args: [ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.User, ArgKind.User, ArgKind.Int] });
export const F___x64_sys_clone = kfunc('__x64_sys_clone', { file: FILE, size: 0x30, global: true, args: [ArgKind.Vmalloc] });
export const F_mmput = kfunc('mmput', { file: FILE, size: 0x130, global: true, args: [ArgKind.Vmalloc] });
export const F_kthreadd = kfunc('kthreadd', { file: 'kernel/kthread.c', size: 0x2d0, args: [ArgKind.Int] });
export const F_kthread = kfunc('kthread', { file: 'kernel/kthread.c', size: 0x120, args: [ArgKind.Vmalloc] });

const SIGCHLD = 17;
const CLONE_VM = 0x100;
/** THREAD_SIZE: 16 KiB kernel stacks (4 pages) on x86_64. */
const THREAD_PAGES = 4;

/** A new, empty address space with its PGD: mm_alloc → mm_init → pgd_alloc. */
export function mm_alloc(k: Kernel): MmStruct | null {
  const mm = new MmStruct(k.newMmId());
  if (!pgd_alloc(k, mm)) return null;
  k.mms.set(mm.id, mm);
  return mm;
}

/** mmput: the last user's exit tears the address space down. */
export function mmput(k: Kernel, mm: MmStruct): void {
  k.enter(F_mmput, -1);
  if (--mm.users === 0) {
    exit_mmap(k, mm);
    k.mms.delete(mm.id);
  }
  k.leaveVoid(F_mmput);
}

/**
 * alloc_thread_stack_node: the 16 KiB kernel stack, THREADINFO_GFP pages. (With VMAP_STACK
 * Linux maps them in the vmalloc area; the pages and their accounting are the same.)
 */
function allocThreadStack(k: Kernel, t: Task): boolean {
  const pages: number[] = [];
  for (let i = 0; i < THREAD_PAGES; i++) {
    const pfn = alloc_pages(k, GFP_KERNEL_ACCOUNT | __GFP_ZERO, 0);
    if (pfn < 0) {
      for (const p of pages) __free_pages(k, p, 0);
      return false;
    }
    pages.push(pfn);
  }
  t.stackPages = pages;
  t.stackVa = 0x10000 * t.pid + 0x4000;
  k.node.zoneOf(pages[0]!).vmstat[ZoneStat.NR_KERNEL_STACK_KB] += THREAD_PAGES * 4;
  return true;
}

export function freeThreadStack(k: Kernel, t: Task): void {
  if (!t.stackPages.length) return;
  k.node.zoneOf(t.stackPages[0]!).vmstat[ZoneStat.NR_KERNEL_STACK_KB] -= THREAD_PAGES * 4;
  for (const p of t.stackPages) __free_pages(k, p, 0);
  t.stackPages = [];
}

/** dup_mm: a copy of the parent's VMAs whose anonymous pages are shared copy-on-write. */
function dupMm(k: Kernel, old: MmStruct): MmStruct | null {
  const mm = mm_alloc(k);
  if (!mm) return null;
  mm.startCode = old.startCode;
  mm.endCode = old.endCode;
  mm.startData = old.startData;
  mm.endData = old.endData;
  mm.startBrk = old.startBrk;
  mm.brk = old.brk;
  mm.startStack = old.startStack;
  mm.mmapBase = old.mmapBase;
  mm.execVm = old.execVm;
  mm.stackVm = old.stackVm;
  mm.dataVm = old.dataVm;
  for (const v of old.vmas) {
    const nv = new Vma(mm.newVmaId(), v.start, v.end, v.flags, v.file, v.pgoff, v.special, v.inode);
    mm.insertVma(nv);
    if (!v.file && !copy_page_range(k, mm, old, v)) {
      mmput(k, mm);
      return null;
    }
  }
  mm.hiwaterVm = mm.totalVm;
  return mm;
}

export interface ForkResult {
  readonly child: Task | null;
  /** -errno when the fork failed. */
  readonly error: number;
}

/** copy_process: everything a new task needs, in 5.0's order. */
function copy_process(k: Kernel, parent: Task, flags: number, body: (t: Task) => TaskBody, comm?: string): ForkResult {
  k.enter(F_copy_process, flags, 0, 0, 0, 0);
  const pid = k.allocPid();
  if (pid < 0) {
    k.leave(F_copy_process, -11);
    return { child: null, error: -11 };
  }
  k.enter(F_dup_task_struct, -1, -1);
  const child = new Task(pid, pid, comm ?? parent.comm);
  child.uid = parent.uid;
  child.gid = parent.gid;
  child.cpu = parent.cpu;
  child.oomScoreAdj = parent.oomScoreAdj;
  child.flags = parent.flags & PF_KTHREAD;
  const stackOk = allocThreadStack(k, child);
  k.leave(F_dup_task_struct, stackOk ? 1 : 0);
  if (!stackOk) {
    k.leave(F_copy_process, -12);
    return { child: null, error: -12 };
  }
  if (parent.mm && !(flags & CLONE_VM)) {
    k.enter(F_copy_mm, flags, -1);
    const mm = dupMm(k, parent.mm);
    k.leave(F_copy_mm, mm ? 0 : -12);
    if (!mm) {
      freeThreadStack(k, child);
      k.leave(F_copy_process, -12);
      return { child: null, error: -12 };
    }
    child.mm = mm;
  } else if (parent.mm) {
    parent.mm.users++;
    child.mm = parent.mm;
  }
  child.parent = parent;
  parent.children.push(child);
  child.startTime = k.now;
  child.body = body(child);
  k.tasks.set(pid, child);
  k.leave(F_copy_process, pid);
  return { child, error: 0 };
}

/** _do_fork: copy_process, the fork tracepoint, and wake_up_new_task. */
export function _do_fork(k: Kernel, flags: number, body: (t: Task) => TaskBody, comm?: string): ForkResult {
  const parent = k.current;
  k.enter(F__do_fork, flags, 0, 0, 0, 0, 0);
  const r = copy_process(k, parent, flags, body, comm);
  if (r.child) {
    if (k.tpOn[sched_process_fork.id] !== 0) k.traceEvent(sched_process_fork, parent.comm, parent.pid, r.child.comm, r.child.pid);
    k.sched.enqueueNew(r.child);
  }
  k.leave(F__do_fork, r.child ? r.child.pid : r.error);
  return r;
}

/** clone(2) as glibc's fork() issues it: SIGCHLD, a new address space. */
export function sys_clone(k: Kernel, body: (t: Task) => TaskBody): ForkResult {
  syscallEnter(k, 56, F___x64_sys_clone, -1);
  const r = _do_fork(k, SIGCHLD, body);
  syscallLeave(k, F___x64_sys_clone, r.child ? r.child.pid : r.error);
  return r;
}

/** kthread_create: kthreadd forks a kernel thread that runs `body` under kthread(). */
export function kthread_create(k: Kernel, name: string, body: (t: Task) => TaskBody): Task {
  const save = k.current;
  const kthreadd = k.tasks.get(2);
  if (kthreadd) k.current = kthreadd;
  k.enter(F_kthreadd, 0);
  const r = _do_fork(k, CLONE_VM, (t) => kthreadBody(t, body), name);
  k.leaveVoid(F_kthreadd);
  k.current = save;
  const t = r.child;
  if (!t) throw new Error(`cannot create kthread ${name}: ${r.error}`);
  t.flags |= PF_KTHREAD;
  t.state = TaskState.Interruptible;
  return t;
}

/** A kthread runs with ret_from_fork and kthread() below its function, as on Linux. */
function* kthreadBody(t: Task, body: (t: Task) => TaskBody): TaskBody {
  t.kstack[0] = F_ret_from_fork.id;
  t.kstack[1] = F_kthread.id;
  t.kdepth = 2;
  return yield* body(t);
}
