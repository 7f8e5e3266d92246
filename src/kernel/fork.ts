// kernel/fork.c: _do_fork → copy_process, which allocates what a task is made of in 5.0's
// order: the task_struct and its VMAP_STACK kernel stack (dup_task_struct), the creds, the file
// table and fs_struct unless shared (CLONE_FILES, CLONE_FS), sighand and signal, the address
// space (dup_mm: mm_struct, a new PGD, each VMA duplicated and its anonymous pages shared
// copy-on-write), and the struct pid. Each comes from its slab cache, so /proc/slabinfo and the
// kmem tracepoints see fork as on Linux; exit.ts gives them back. Kernel threads are forked by
// kthreadd the same way. The child's behaviour is a generator: fork "returns twice" by giving
// the child the code it runs after fork returned 0.

import { FsStruct } from './fs/fdtable.js';
import type { Kernel } from './machine.js';
import { ArgKind, kfunc } from './symbols.js';
import { F_ret_from_fork, syscallEnter, syscallLeave } from './arch/entry.js';
import { Task, TaskState, PF_KTHREAD, type TaskBody } from './sched/task.js';
import { MmStruct, Vma } from './mm/mm_types.js';
import { copy_page_range, pgd_alloc, pgd_free } from './mm/memory.js';
import { __GFP_ZERO, GFP_KERNEL } from './mm/gfp.js';
import { ZoneStat } from './mm/mmzone.js';
import { exit_mmap } from './mm/mmap.js';
import { findCache } from './mm/slab_common.js';
import { kmem_cache_alloc, kmem_cache_alloc_node, kmem_cache_free, NUMA_NO_NODE } from './mm/slub.js';
import { __vmalloc_node_range, find_vm_area, returnAddress, VMALLOC_SIZE, vfree_atomic, type VmStruct } from './mm/vmalloc.js';
import { sched_process_fork } from './trace/events/sched.js';

const FILE = 'kernel/fork.c';
export const F_free_task = kfunc('free_task', { file: FILE, size: 0x60, global: true, args: [ArgKind.Direct] });
export const F___mmdrop = kfunc('__mmdrop', { file: FILE, size: 0x100, global: true, args: [ArgKind.Direct] });
export const F___put_task_struct = kfunc('__put_task_struct', { file: FILE, size: 0x120, global: true, args: [ArgKind.Direct] });
export const F_vm_area_alloc = kfunc('vm_area_alloc', { file: FILE, size: 0x50, global: true, args: [ArgKind.Direct], ret: ArgKind.Direct });
export const F_vm_area_dup = kfunc('vm_area_dup', { file: FILE, size: 0x70, global: true, args: [ArgKind.Direct], ret: ArgKind.Direct });
export const F_vm_area_free = kfunc('vm_area_free', { file: FILE, size: 0x20, global: true, args: [ArgKind.Direct] });
export const F_mm_alloc = kfunc('mm_alloc', { file: FILE, size: 0x50, global: true, ret: ArgKind.Direct });
export const F_mmput = kfunc('mmput', { file: FILE, size: 0x130, global: true, args: [ArgKind.Direct] });
export const F_copy_mm = kfunc('copy_mm', { file: FILE, size: 0x4d0, args: [ArgKind.Int, ArgKind.Direct] });
export const F___cleanup_sighand = kfunc('__cleanup_sighand', { file: FILE, size: 0x30, global: true, args: [ArgKind.Direct] });
export const F_copy_process = kfunc('copy_process', { file: FILE, size: 0x1c30, args: [ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.Int] });
export const F__do_fork = kfunc('_do_fork', { file: FILE, size: 0x370, global: true, args: [ArgKind.Int, ArgKind.Int, ArgKind.Int, ArgKind.User, ArgKind.User, ArgKind.Int] });
export const F___x64_sys_clone = kfunc('__x64_sys_clone', { file: FILE, size: 0x30, global: true, args: [ArgKind.Vmalloc] });
export const F_kthreadd = kfunc('kthreadd', { file: 'kernel/kthread.c', size: 0x2d0, args: [ArgKind.Int] });
export const F_kthread = kfunc('kthread', { file: 'kernel/kthread.c', size: 0x120, args: [ArgKind.Vmalloc] });
export const F_prepare_creds = kfunc('prepare_creds', { file: 'kernel/cred.c', size: 0x170, global: true, ret: ArgKind.Direct });
export const F_copy_creds = kfunc('copy_creds', { file: 'kernel/cred.c', size: 0x180, global: true, args: [ArgKind.Direct, ArgKind.Int] });
export const F___put_cred = kfunc('__put_cred', { file: 'kernel/cred.c', size: 0x60, global: true, args: [ArgKind.Direct] });
export const F_exit_creds = kfunc('exit_creds', { file: 'kernel/cred.c', size: 0x90, global: true, args: [ArgKind.Direct] });
export const F_put_pid = kfunc('put_pid', { file: 'kernel/pid.c', size: 0x50, global: true, args: [ArgKind.Direct] });
export const F_free_pid = kfunc('free_pid', { file: 'kernel/pid.c', size: 0xa0, global: true, args: [ArgKind.Direct] });
export const F_alloc_pid = kfunc('alloc_pid', { file: 'kernel/pid.c', size: 0x2a0, global: true, args: [ArgKind.Direct], ret: ArgKind.Direct });
export const F_put_files_struct = kfunc('put_files_struct', { file: 'fs/file.c', size: 0xe0, global: true, args: [ArgKind.Direct] });
export const F_exit_files = kfunc('exit_files', { file: 'fs/file.c', size: 0x40, global: true, args: [ArgKind.Direct] });
export const F_dup_fd = kfunc('dup_fd', { file: 'fs/file.c', size: 0x2c0, global: true, args: [ArgKind.Direct, ArgKind.User], ret: ArgKind.Direct });
export const F_exit_fs = kfunc('exit_fs', { file: 'fs/fs_struct.c', size: 0x90, global: true, args: [ArgKind.Direct] });
export const F_free_fs_struct = kfunc('free_fs_struct', { file: 'fs/fs_struct.c', size: 0x30, global: true, args: [ArgKind.Direct] });
export const F_copy_fs_struct = kfunc('copy_fs_struct', { file: 'fs/fs_struct.c', size: 0xb0, global: true, args: [ArgKind.Direct], ret: ArgKind.Direct });

const SIGCHLD = 17;
const CLONE_VM = 0x100;
const CLONE_FS = 0x200;
const CLONE_FILES = 0x400;
const CLONE_SIGHAND = 0x800;
const CLONE_UNTRACED = 0x800000;
const CLONE_THREAD = 0x10000;
const ENOMEM = -12;
const EAGAIN = -11;
/** THREAD_SIZE: 16 KiB kernel stacks (4 pages) on x86_64; THREAD_ALIGN is the same. */
const THREAD_SIZE = 16384;
/** NR_CACHED_STACKS: freed stacks each CPU keeps for the next fork. */
const NR_CACHED_STACKS = 2;

/**
 * A refcounted structure tasks can share (fs_struct, files_struct, sighand_struct, cred), with
 * the address of its slab object. init_task's own (init_fs, init_files...) are static data: the
 * reference init_task holds is never dropped, so they are never freed.
 */
class Shared {
  constructor(
    readonly obj: number,
    public users = 1,
  ) {}
}

/** What a task_struct points to, with the slab objects behind them. */
interface TaskSlabObjects {
  /** The task_struct object. */
  readonly obj: number;
  /** task->usage: the task's own reference and the one release_task drops. */
  usage: number;
  stack: VmStruct | null;
  readonly cred: Shared;
  readonly files: Shared;
  readonly fs: Shared;
  readonly sighand: Shared;
  readonly signal: Shared;
  readonly pid: number;
}

interface ForkState {
  /** init_task's static structures, which tasks made at boot without fork share. */
  readonly init: { readonly files: Shared; readonly fs: Shared };
  /** Per CPU: cached_stacks[NR_CACHED_STACKS]. */
  readonly cachedStacks: (VmStruct | null)[][];
  readonly tasks: WeakMap<Task, TaskSlabObjects>;
}

const forkStates = new WeakMap<Kernel, ForkState>();

function forkState(k: Kernel): ForkState {
  let st = forkStates.get(k);
  if (!st) {
    st = {
      init: { files: new Shared(0), fs: new Shared(0) },
      cachedStacks: k.cpus.map(() => new Array<VmStruct | null>(NR_CACHED_STACKS).fill(null)),
      tasks: new WeakMap(),
    };
    forkStates.set(k, st);
  }
  return st;
}

/** The task's task_struct objects; null for the tasks boot made without fork. */
export function taskStruct(k: Kernel, t: Task): TaskSlabObjects | null {
  return forkState(k).tasks.get(t) ?? null;
}

/** account_kernel_stack: NR_KERNEL_STACK_KB of each page's zone. */
function account_kernel_stack(k: Kernel, vm: VmStruct, account: number): void {
  for (const pfn of vm.pages) k.node.zoneOf(pfn).vmstat[ZoneStat.NR_KERNEL_STACK_KB] += (4096 / 1024) * account;
}

/**
 * alloc_thread_stack_node (VMAP_STACK, inlined into copy_process): a stack this CPU cached, else
 * a fresh vmalloc area. Its caller, for /proc/vmallocinfo, is copy_process's return address.
 */
function alloc_thread_stack_node(k: Kernel, node: number): VmStruct | null {
  const cached = forkState(k).cachedStacks[k.cpu]!;
  for (let i = 0; i < NR_CACHED_STACKS; i++) {
    const s = cached[i];
    if (!s) continue;
    cached[i] = null;
    // Clear stale pointers from the reused stack.
    k.charge(THREAD_SIZE / 16);
    return s;
  }
  // Cached stacks are charged by hand on assignment, so __GFP_ACCOUNT is dropped.
  const addr = __vmalloc_node_range(k, THREAD_SIZE, THREAD_SIZE, 0, VMALLOC_SIZE, GFP_KERNEL | __GFP_ZERO, 0, node, returnAddress(k, F_copy_process));
  return addr < 0 ? null : find_vm_area(k, addr);
}

/** free_thread_stack: into this CPU's cache if a slot is free, else vfree_atomic. */
function free_thread_stack(k: Kernel, vm: VmStruct): void {
  const cached = forkState(k).cachedStacks[k.cpu]!;
  for (let i = 0; i < NR_CACHED_STACKS; i++) {
    if (cached[i]) continue;
    cached[i] = vm;
    return;
  }
  vfree_atomic(k, vm.addr);
}

/**
 * put_task_stack → release_task_stack: the stack goes when the dead task has switched away for
 * the last time (finish_task_switch), before the zombie is reaped.
 */
export function put_task_stack(k: Kernel, t: Task): void {
  const ts = taskStruct(k, t);
  if (!ts?.stack) return;
  account_kernel_stack(k, ts.stack, -1);
  free_thread_stack(k, ts.stack);
  ts.stack = null;
}

/** allocate_mm: the mm_struct object. */
function allocate_mm(k: Kernel, callSite: typeof F_mm_alloc): MmStruct | null {
  const obj = kmem_cache_alloc(k, findCache(k, 'mm_struct'), GFP_KERNEL, callSite);
  if (obj === 0) return null;
  const mm = new MmStruct(k.newMmId());
  mm.slabObj = obj;
  return mm;
}

function free_mm(k: Kernel, mm: MmStruct): void {
  kmem_cache_free(k, findCache(k, 'mm_struct'), mm.slabObj, F___mmdrop);
}

/** mm_init's part that can fail: the PGD. */
function mm_init(k: Kernel, mm: MmStruct): MmStruct | null {
  if (!pgd_alloc(k, mm)) {
    free_mm(k, mm);
    return null;
  }
  k.mms.set(mm.id, mm);
  return mm;
}

/** mm_alloc: a new, empty address space (execve's). */
export function mm_alloc(k: Kernel): MmStruct | null {
  k.enter(F_mm_alloc);
  const mm = allocate_mm(k, F_mm_alloc);
  const ret = mm ? mm_init(k, mm) : null;
  k.leave(F_mm_alloc, ret ? ret.slabObj : 0);
  return ret;
}

/** __mmdrop: the last reference to the mm_struct itself: its PGD, then the object. */
function __mmdrop(k: Kernel, mm: MmStruct): void {
  k.enter(F___mmdrop, mm.slabObj);
  pgd_free(k, mm);
  k.mms.delete(mm.id);
  free_mm(k, mm);
  k.leaveVoid(F___mmdrop);
}

/** mmput: the last user's exit tears the address space down (__mmput: exit_mmap, mmdrop). */
export function mmput(k: Kernel, mm: MmStruct): void {
  k.enter(F_mmput, mm.slabObj);
  if (--mm.users === 0) {
    exit_mmap(k, mm);
    __mmdrop(k, mm);
  }
  k.leaveVoid(F_mmput);
}

/** vm_area_alloc: a new VMA's vm_area_struct; null when the cache has no memory. */
export function vm_area_alloc(
  k: Kernel,
  mm: MmStruct,
  start: number,
  end: number,
  flags: number,
  file: string | null,
  pgoff: number,
  special: string | null,
  inode: number,
): Vma | null {
  k.enter(F_vm_area_alloc, mm.slabObj);
  const obj = kmem_cache_alloc(k, findCache(k, 'vm_area_struct'), GFP_KERNEL, F_vm_area_alloc);
  k.leave(F_vm_area_alloc, obj);
  if (obj === 0) return null;
  const v = new Vma(mm.newVmaId(), start, end, flags, file, pgoff, special, inode);
  v.slabObj = obj;
  return v;
}

/** vm_area_dup: a copy of `orig` for `mm` (fork's, or a split's), over [start, end) at `pgoff`. */
export function vm_area_dup(k: Kernel, mm: MmStruct, orig: Vma, start = orig.start, end = orig.end, pgoff = orig.pgoff): Vma | null {
  k.enter(F_vm_area_dup, orig.slabObj);
  const obj = kmem_cache_alloc(k, findCache(k, 'vm_area_struct'), GFP_KERNEL, F_vm_area_dup);
  k.leave(F_vm_area_dup, obj);
  if (obj === 0) return null;
  const v = new Vma(mm.newVmaId(), start, end, orig.flags, orig.file, pgoff, orig.special, orig.inode);
  v.slabObj = obj;
  return v;
}

export function vm_area_free(k: Kernel, v: Vma): void {
  k.enter(F_vm_area_free, v.slabObj);
  kmem_cache_free(k, findCache(k, 'vm_area_struct'), v.slabObj, F_vm_area_free);
  k.leaveVoid(F_vm_area_free);
}

/** dup_mm (inlined into copy_mm): the mm_struct, a PGD, and dup_mmap's copy of every VMA. */
function dup_mm(k: Kernel, old: MmStruct): MmStruct | null {
  const fresh = allocate_mm(k, F_copy_mm);
  const mm = fresh && mm_init(k, fresh);
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
    const nv = vm_area_dup(k, mm, v);
    if (nv) mm.insertVma(nv);
    if (!nv || (!v.file && !copy_page_range(k, mm, old, v))) {
      mmput(k, mm);
      return null;
    }
  }
  mm.hiwaterVm = mm.totalVm;
  return mm;
}

/** prepare_creds: a copy of current's credentials from cred_jar. */
function prepare_creds(k: Kernel): Shared | null {
  k.enter(F_prepare_creds);
  const obj = kmem_cache_alloc(k, findCache(k, 'cred_jar'), GFP_KERNEL, F_prepare_creds);
  k.leave(F_prepare_creds, obj);
  return obj === 0 ? null : new Shared(obj);
}

/** copy_creds: without CLONE_THREAD the child gets its own (cred and real_cred, one object). */
function copy_creds(k: Kernel, flags: number): Shared | null {
  k.enter(F_copy_creds, -1, flags);
  const cred = prepare_creds(k);
  k.leave(F_copy_creds, cred ? 0 : ENOMEM);
  return cred;
}

/** __put_cred, and put_cred_rcu after the grace period (here at once): back to cred_jar. */
function put_cred(k: Kernel, cred: Shared): void {
  if (--cred.users > 0) return;
  k.enter(F___put_cred, cred.obj);
  kmem_cache_free(k, findCache(k, 'cred_jar'), cred.obj, F___put_cred);
  k.leaveVoid(F___put_cred);
}

/** dup_fd: the child's files_struct (the descriptors themselves are the VFS's FilesStruct.dup). */
function dup_fd(k: Kernel): Shared | null {
  k.enter(F_dup_fd, -1, 0);
  const obj = kmem_cache_alloc(k, findCache(k, 'files_cache'), GFP_KERNEL, F_dup_fd);
  k.leave(F_dup_fd, obj);
  return obj === 0 ? null : new Shared(obj);
}

/** put_files_struct: the last user closes every descriptor (`close`) and frees the table. */
export function put_files_struct(k: Kernel, files: Shared, close: () => void): void {
  k.enter(F_put_files_struct, files.obj);
  if (--files.users === 0) {
    close();
    kmem_cache_free(k, findCache(k, 'files_cache'), files.obj, F_put_files_struct);
  }
  k.leaveVoid(F_put_files_struct);
}

/** copy_fs_struct: a new fs_struct from fs_cache (which SLUB merged into a 64-byte cache). */
function copy_fs_struct(k: Kernel): Shared | null {
  k.enter(F_copy_fs_struct, -1);
  const obj = kmem_cache_alloc(k, findCache(k, 'fs_cache'), GFP_KERNEL, F_copy_fs_struct);
  k.leave(F_copy_fs_struct, obj);
  return obj === 0 ? null : new Shared(obj);
}

/** exit_fs's drop: the last user frees it (free_fs_struct). */
export function put_fs_struct(k: Kernel, fs: Shared): void {
  if (--fs.users > 0) return;
  k.enter(F_free_fs_struct, fs.obj);
  kmem_cache_free(k, findCache(k, 'fs_cache'), fs.obj, F_free_fs_struct);
  k.leaveVoid(F_free_fs_struct);
}

/** __cleanup_sighand: the last thread's exit frees the handler table. */
export function __cleanup_sighand(k: Kernel, sighand: Shared): void {
  k.enter(F___cleanup_sighand, sighand.obj);
  if (--sighand.users === 0) kmem_cache_free(k, findCache(k, 'sighand_cache'), sighand.obj, F___cleanup_sighand);
  k.leaveVoid(F___cleanup_sighand);
}

/**
 * alloc_pid: the struct pid from the pid cache and its number (which Task carries); -ENOMEM,
 * or -EAGAIN when every pid is taken.
 */
function alloc_pid(k: Kernel): { obj: number; nr: number } | number {
  k.enter(F_alloc_pid, 0);
  const obj = kmem_cache_alloc(k, findCache(k, 'pid'), GFP_KERNEL, F_alloc_pid);
  if (obj === 0) {
    k.leave(F_alloc_pid, 0);
    return ENOMEM;
  }
  const nr = k.allocPid();
  if (nr < 0) {
    kmem_cache_free(k, findCache(k, 'pid'), obj, F_alloc_pid);
    k.leave(F_alloc_pid, 0);
    return EAGAIN;
  }
  k.leave(F_alloc_pid, obj);
  return { obj, nr };
}

/** free_pid → delayed_put_pid (after RCU, here at once) → put_pid: back to the pid cache. */
export function free_pid(k: Kernel, pid: number): void {
  k.enter(F_free_pid, pid);
  k.enter(F_put_pid, pid);
  kmem_cache_free(k, findCache(k, 'pid'), pid, F_put_pid);
  k.leaveVoid(F_put_pid);
  k.leaveVoid(F_free_pid);
}

/** free_task: the stack if still held, then the task_struct object. */
function free_task(k: Kernel, t: Task, ts: TaskSlabObjects): void {
  k.enter(F_free_task, ts.obj);
  put_task_stack(k, t);
  kmem_cache_free(k, findCache(k, 'task_struct'), ts.obj, F_free_task);
  k.leaveVoid(F_free_task);
}

/**
 * put_task_struct: the last reference (the task's own, dropped after its final switch, or
 * release_task's, after an RCU grace period that is immediate here) frees what is left:
 * __put_task_struct → exit_creds, put_signal_struct, free_task.
 */
export function put_task_struct(k: Kernel, t: Task): void {
  const ts = taskStruct(k, t);
  if (!ts || --ts.usage > 0) return;
  k.enter(F___put_task_struct, ts.obj);
  k.enter(F_exit_creds, ts.obj);
  put_cred(k, ts.cred);
  k.leaveVoid(F_exit_creds);
  // put_signal_struct → free_signal_struct
  if (--ts.signal.users === 0) kmem_cache_free(k, findCache(k, 'signal_cache'), ts.signal.obj, F___put_task_struct);
  free_task(k, t, ts);
  forkState(k).tasks.delete(t);
  k.leaveVoid(F___put_task_struct);
}

export interface ForkResult {
  readonly child: Task | null;
  /** -errno when the fork failed. */
  readonly error: number;
}

/** What copy_process has built so far, for its unwinding on failure. */
interface ForkInProgress {
  obj: number;
  stack: VmStruct | null;
  cred: Shared | null;
  files: Shared | null;
  fs: Shared | null;
  sighand: Shared | null;
  signal: Shared | null;
  mm: MmStruct | null;
}

/** copy_process's bad_fork_* labels: undo in reverse order. */
function bad_fork(k: Kernel, p: ForkInProgress): void {
  if (p.mm) mmput(k, p.mm);
  if (p.signal && --p.signal.users === 0) kmem_cache_free(k, findCache(k, 'signal_cache'), p.signal.obj, F_copy_process);
  if (p.sighand) __cleanup_sighand(k, p.sighand);
  if (p.fs) put_fs_struct(k, p.fs);
  if (p.files) put_files_struct(k, p.files, () => {});
  if (p.cred) put_cred(k, p.cred);
  if (p.stack) {
    account_kernel_stack(k, p.stack, -1);
    free_thread_stack(k, p.stack);
  }
  if (p.obj) kmem_cache_free(k, findCache(k, 'task_struct'), p.obj, F_copy_process);
}

/** copy_process: everything a new task needs, in 5.0's order. */
function copy_process(k: Kernel, parent: Task, flags: number, body: (t: Task) => TaskBody, comm?: string): ForkResult {
  k.enter(F_copy_process, flags, 0, 0, 0, 0);
  const st = forkState(k);
  const pts = st.tasks.get(parent);
  const p: ForkInProgress = { obj: 0, stack: null, cred: null, files: null, fs: null, sighand: null, signal: null, mm: null };
  const fail = (err: number): ForkResult => {
    bad_fork(k, p);
    k.leave(F_copy_process, err);
    return { child: null, error: err };
  };
  // dup_task_struct (inlined): alloc_task_struct_node, alloc_thread_stack_node.
  p.obj = kmem_cache_alloc_node(k, findCache(k, 'task_struct'), GFP_KERNEL, NUMA_NO_NODE, F_copy_process);
  if (p.obj === 0) return fail(ENOMEM);
  p.stack = alloc_thread_stack_node(k, NUMA_NO_NODE);
  if (!p.stack) return fail(ENOMEM);
  account_kernel_stack(k, p.stack, 1);
  p.cred = copy_creds(k, flags);
  if (!p.cred) return fail(ENOMEM);
  // copy_files, copy_fs, copy_sighand, copy_signal (all inlined).
  if (flags & CLONE_FILES) (p.files = pts?.files ?? st.init.files).users++;
  else if (!(p.files = dup_fd(k))) return fail(ENOMEM);
  if (flags & CLONE_FS) (p.fs = pts?.fs ?? st.init.fs).users++;
  else if (!(p.fs = copy_fs_struct(k))) return fail(ENOMEM);
  if (flags & CLONE_SIGHAND && pts) (p.sighand = pts.sighand).users++;
  else {
    const obj = kmem_cache_alloc(k, findCache(k, 'sighand_cache'), GFP_KERNEL, F_copy_process);
    if (obj === 0) return fail(ENOMEM);
    p.sighand = new Shared(obj);
  }
  if (flags & CLONE_THREAD && pts) (p.signal = pts.signal).users++;
  else {
    const obj = kmem_cache_alloc(k, findCache(k, 'signal_cache'), GFP_KERNEL | __GFP_ZERO, F_copy_process);
    if (obj === 0) return fail(ENOMEM);
    p.signal = new Shared(obj);
  }
  if (parent.mm && !(flags & CLONE_VM)) {
    k.enter(F_copy_mm, flags, 0);
    p.mm = dup_mm(k, parent.mm);
    k.leave(F_copy_mm, p.mm ? 0 : ENOMEM);
    if (!p.mm) return fail(ENOMEM);
  } else if (parent.mm) {
    p.mm = parent.mm;
    p.mm.users++;
  }
  const pid = alloc_pid(k);
  if (typeof pid === 'number') return fail(pid);
  const child = new Task(pid.nr, pid.nr, comm ?? parent.comm);
  st.tasks.set(child, {
    obj: p.obj,
    usage: 2,
    stack: p.stack,
    cred: p.cred,
    files: p.files,
    fs: p.fs,
    sighand: p.sighand,
    signal: p.signal,
    pid: pid.obj,
  });
  child.stackVa = p.stack.addr;
  // The VFS's side of the files_struct and fs_struct just allocated: the descriptors (sharing
  // their open files) and the working directory, or the parent's own under CLONE_FILES/CLONE_FS.
  child.files = flags & CLONE_FILES ? parent.files : parent.files?.dup() ?? null;
  child.fs = flags & CLONE_FS ? parent.fs : parent.fs ? new FsStruct(parent.fs.cwd) : null;
  child.uid = parent.uid;
  child.ruid = parent.ruid;
  child.gid = parent.gid;
  child.pgid = parent.pgid;
  child.argv = parent.argv;
  child.cpu = parent.cpu;
  child.oomScoreAdj = parent.oomScoreAdj;
  child.flags = parent.flags & PF_KTHREAD;
  child.mm = p.mm;
  child.parent = parent;
  parent.children.push(child);
  child.startTime = k.now;
  child.body = body(child);
  k.tasks.set(child.pid, child);
  k.leave(F_copy_process, child.pid);
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

/**
 * kthread_create: kthreadd forks a kernel thread that runs `body` under kthread(), with
 * kernel_thread's flags: it shares kthreadd's fs and files and has no address space of its own.
 */
export function kthread_create(k: Kernel, name: string, body: (t: Task) => TaskBody): Task {
  const save = k.current;
  const kthreadd = k.tasks.get(2);
  if (kthreadd) k.current = kthreadd;
  k.enter(F_kthreadd, 0);
  const r = _do_fork(k, CLONE_FS | CLONE_FILES | SIGCHLD | CLONE_VM | CLONE_UNTRACED, (t) => kthreadBody(t, body), name);
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
