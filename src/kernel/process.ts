// The system-call surface user programs see. A program is a generator over a Proc: plain calls
// for syscalls that never block (mmap, brk), `yield*` for the ones that can (nanosleep, wait4,
// touching memory, fork and exec), so a blocked program hands the CPU back to the scheduler.

import type { Kernel } from './machine.js';
import { ArgKind, kfunc } from './symbols.js';
import { syscallEnter, syscallLeave } from './arch/entry.js';
import { page_fault } from './arch/fault.js';
import { BLOCKED, TaskState, type Task, type TaskBody } from './sched/task.js';
import { touchPresent, VM_FAULT_OOM, VM_FAULT_SIGSEGV } from './mm/memory.js';
import { __do_munmap, do_brk, do_mmap, F___x64_sys_brk, F___x64_sys_munmap, F_ksys_mmap_pgoff } from './mm/mmap.js';
import { VM_READ, VM_WRITE } from './mm/mm_types.js';
import { sys_clone } from './fork.js';
import { release_task, F___x64_sys_wait4 } from './exit.js';
import { execve } from './exec.js';
import { BOOT_EPOCH } from './fs/proc/stat.js';
import { EAGAIN, EINTR, EPIPE, O_RDONLY } from './fs/inode.js';
import {
  chdir, closeFd, do_sys_open, F___x64_sys_chdir, F___x64_sys_close, F___x64_sys_getdents64, F___x64_sys_mkdir,
  F___x64_sys_newstat, F___x64_sys_openat, F___x64_sys_read, F___x64_sys_unlink, F___x64_sys_write, F_ksys_read,
  F_ksys_write, IO_BUFSIZE, mkdir, readDir, unlink, vfs_read, vfs_stat, vfs_write, type KStat,
} from './fs/open.js';
import { createPipeFiles, F___x64_sys_pipe } from './fs/pipe.js';
import { F___x64_sys_kill, send_sig, SIGKILL, SIGPIPE } from './signal.js';

export const F___x64_sys_nanosleep = kfunc('__x64_sys_nanosleep', { file: 'kernel/time/hrtimer.c', size: 0xa0, global: true, args: [ArgKind.Vmalloc] });
export const F___x64_sys_getpid = kfunc('__x64_sys_getpid', { file: 'kernel/sys.c', size: 0x20, global: true, args: [ArgKind.Vmalloc] });

/** User-space cost of writing one 4 KiB page (memset bandwidth). */
const COST_TOUCH_PAGE = 250;
/** Pages touched between yields, so other CPUs' tasks interleave at fine grain. */
const TOUCH_BATCH = 16;

const SIGSEGV = 11;
const ESRCH = -3;
const EBADF = -9;

export class Proc {
  /** The environment, `NAME=value` strings (it lives in user memory; fork copies it, execve replaces it). */
  environ: string[] = [];

  constructor(
    readonly k: Kernel,
    readonly task: Task,
  ) {}

  get pid(): number {
    return this.task.pid;
  }

  getpid(): number {
    const k = this.k;
    syscallEnter(k, 39, F___x64_sys_getpid, -1);
    return syscallLeave(k, F___x64_sys_getpid, this.task.tgid);
  }

  /** mmap(NULL, len, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS): an address, or -errno. */
  mmap(len: number): number {
    const k = this.k;
    syscallEnter(k, 9, F_ksys_mmap_pgoff, 0, len, 3, 0x22, -1, 0);
    const r = this.task.mm ? do_mmap(k, this.task.mm, len, VM_READ | VM_WRITE) : -12;
    return syscallLeave(k, F_ksys_mmap_pgoff, r);
  }

  munmap(addr: number, len: number): number {
    const k = this.k;
    syscallEnter(k, 11, F___x64_sys_munmap, -1);
    const r = this.task.mm ? __do_munmap(k, this.task.mm, addr, len) : -22;
    return syscallLeave(k, F___x64_sys_munmap, r);
  }

  brk(addr: number): number {
    const k = this.k;
    syscallEnter(k, 12, F___x64_sys_brk, -1);
    const mm = this.task.mm;
    const r = mm ? (addr === 0 ? mm.brk : do_brk(k, mm, addr)) : 0;
    return syscallLeave(k, F___x64_sys_brk, r);
  }

  /**
   * The program writes (or reads) `len` bytes from `addr`: each page not yet present faults.
   * Returns false if the task died on the way (SIGSEGV, or chosen by the OOM killer).
   */
  *touch(addr: number, len: number, write = true): Generator<number, boolean, void> {
    const k = this.k;
    const task = this.task;
    const end = addr + len;
    let n = 0;
    for (let a = addr - (addr % 4096); a < end; a += 4096) {
      const mm = task.mm;
      if (!mm) return false;
      if (!touchPresent(k, mm, a, write)) {
        const r = page_fault(k, a, write);
        if (r & VM_FAULT_SIGSEGV) {
          task.killed = true;
          task.exitCode = SIGSEGV;
          yield 0;
          return false;
        }
        if (r & VM_FAULT_OOM) {
          // pagefault_out_of_memory: the OOM killer already ran in the allocator; retry after
          // letting the victim (maybe this task) be dealt with.
          yield 0;
          if (task.killed) return false;
          a -= 4096;
          continue;
        }
      }
      k.charge(COST_TOUCH_PAGE);
      if (++n % TOUCH_BATCH === 0) {
        yield 0;
        if (task.killed) return false;
      }
    }
    yield 0;
    return !task.killed;
  }

  /** nanosleep: virtual time passes; other tasks run. */
  *sleep(ns: number): Generator<number, void, void> {
    const k = this.k;
    syscallEnter(k, 35, F___x64_sys_nanosleep, -1);
    syscallLeave(k, F___x64_sys_nanosleep, 0);
    k.sched.sleepUntil(this.task, k.now + ns);
    yield BLOCKED;
  }

  /** Burns CPU in user space for `ns` of virtual time. */
  *compute(ns: number): Generator<number, void, void> {
    yield ns;
  }

  /** fork(): the child runs `child` with its own Proc; returns the child's pid or -errno. */
  fork(child: (p: Proc) => TaskBody): number {
    const k = this.k;
    const parent = this;
    const r = sys_clone(k, (t) => {
      const cp = new Proc(k, t);
      cp.environ = [...parent.environ];
      return child(cp);
    });
    const c = r.child;
    if (!c) return r.error;
    return c.pid;
  }

  /** execve: runs the program at `path` in this process; returns only on failure (-errno). */
  *exec(path: string, argv: readonly string[], envp?: readonly string[]): Generator<number, number, void> {
    if (envp) this.environ = [...envp];
    return yield* execve(this.k, this, path, argv);
  }

  /** wait4(pid): blocks until that child exits; returns its wait status, or -ECHILD. */
  *wait(pid: number): Generator<number, number, void> {
    const k = this.k;
    const task = this.task;
    for (;;) {
      syscallEnter(k, 61, F___x64_sys_wait4, -1);
      const child = task.children.find((c) => c.pid === pid);
      if (!child) return syscallLeave(k, F___x64_sys_wait4, -10);
      if (child.state === TaskState.Zombie) {
        const status = child.exitCode;
        release_task(k, child);
        syscallLeave(k, F___x64_sys_wait4, pid);
        return status;
      }
      syscallLeave(k, F___x64_sys_wait4, 0);
      child.exitWaiters.push(task);
      task.state = TaskState.Interruptible;
      yield BLOCKED;
      if (task.sigpending) {
        const i = child.exitWaiters.indexOf(task);
        if (i >= 0) child.exitWaiters.splice(i, 1);
        return EINTR;
      }
    }
  }

  /** rt_sigaction: from now on these signals are caught (queued for takeSignal) instead of fatal; SIGKILL cannot be. */
  catchSignals(sigs: readonly number[]): void {
    let mask = 0;
    for (const s of sigs) if (s !== SIGKILL) mask |= 1 << s;
    this.task.sigcaught = mask;
    this.task.sigpending &= mask;
  }

  /** The lowest-numbered caught signal pending, taken off the queue; 0 if none (what a handler would see). */
  takeSignal(): number {
    const pending = this.task.sigpending;
    if (!pending) return 0;
    const sig = 31 - Math.clz32(pending & -pending);
    this.task.sigpending &= ~(1 << sig);
    return sig;
  }

  /** openat(AT_FDCWD, path, flags, mode): a descriptor or -errno. */
  open(path: string, flags = O_RDONLY, mode = 0o666): number {
    const k = this.k;
    syscallEnter(k, 257, F___x64_sys_openat, -1);
    return syscallLeave(k, F___x64_sys_openat, do_sys_open(k, this.task, path, flags, mode));
  }

  close(fd: number): number {
    const k = this.k;
    syscallEnter(k, 3, F___x64_sys_close, -1);
    return syscallLeave(k, F___x64_sys_close, closeFd(k, this.task, fd));
  }

  /** read(2) without sleeping: text ('' at end of file), -errno, or EAGAIN if it would block. */
  readNow(fd: number, count = IO_BUFSIZE): string | number {
    const k = this.k;
    syscallEnter(k, 0, F___x64_sys_read, -1);
    k.enter(F_ksys_read, fd, 0, count);
    const file = this.task.files?.get(fd);
    const r = file ? vfs_read(k, file, count) : EBADF;
    const n = typeof r === 'string' ? Buffer.byteLength(r) : r;
    k.leave(F_ksys_read, n);
    syscallLeave(k, F___x64_sys_read, n);
    return r;
  }

  /** read(2): sleeps until there is something to read, the writers are gone, or a signal comes. */
  *read(fd: number, count = IO_BUFSIZE): Generator<number, string | number, void> {
    const k = this.k;
    const task = this.task;
    for (;;) {
      const r = this.readNow(fd, count);
      if (r !== EAGAIN) return r;
      const file = task.files?.get(fd);
      if (!file) return EBADF;
      if (file.fop.prepareRead) {
        const e = yield* file.fop.prepareRead(k, file, count);
        if (e < 0) return e;
      } else if (file.fop.waitQueue) {
        const wq = file.fop.waitQueue(file);
        wq.add(task);
        task.state = TaskState.Interruptible;
        yield BLOCKED;
        wq.remove(task);
      } else return EAGAIN;
      if (task.killed) return EINTR;
    }
  }

  /** read(2) to end of file: everything, or the first error. */
  *readAll(fd: number): Generator<number, string | number, void> {
    let text = '';
    for (;;) {
      const r = yield* this.read(fd);
      if (typeof r === 'number') return r;
      if (r === '') return text;
      text += r;
    }
  }

  /** write(2) of all of `data`: sleeps while a pipe is full; EPIPE also raises SIGPIPE. */
  *write(fd: number, data: string): Generator<number, number, void> {
    const k = this.k;
    const task = this.task;
    let done = 0;
    while (done < data.length) {
      syscallEnter(k, 1, F___x64_sys_write, -1);
      k.enter(F_ksys_write, fd, 0, data.length - done);
      const file = task.files?.get(fd);
      const r = file ? vfs_write(k, file, data.slice(done)) : EBADF;
      k.leave(F_ksys_write, r);
      syscallLeave(k, F___x64_sys_write, r);
      if (r === EPIPE) send_sig(k, SIGPIPE, task);
      if (r === EAGAIN && file?.fop.waitQueue) {
        const wq = file.fop.waitQueue(file);
        wq.add(task);
        task.state = TaskState.Interruptible;
        yield BLOCKED;
        wq.remove(task);
        if (task.killed) return EINTR;
        continue;
      }
      if (r < 0) return r;
      done += r;
    }
    return done;
  }

  /** pipe(2): [read end, write end]. */
  pipe(): [number, number] | number {
    const k = this.k;
    const files = this.task.files;
    syscallEnter(k, 22, F___x64_sys_pipe, -1);
    if (!files) return syscallLeave(k, F___x64_sys_pipe, EBADF);
    const [r, w] = createPipeFiles(k);
    const rfd = files.alloc(r);
    const wfd = files.alloc(w);
    syscallLeave(k, F___x64_sys_pipe, 0);
    return [rfd, wfd];
  }

  /** dup2(old, new): `new` refers to what `old` does. */
  dup2(oldFd: number, newFd: number): number {
    const files = this.task.files;
    const file = files?.get(oldFd);
    if (!files || !file) return EBADF;
    if (oldFd === newFd) return newFd;
    if (files.get(newFd)) closeFd(this.k, this.task, newFd);
    file.refs++;
    files.fd[newFd] = file;
    return newFd;
  }

  stat(path: string, follow = true): KStat | number {
    const k = this.k;
    syscallEnter(k, follow ? 4 : 6, F___x64_sys_newstat, -1);
    const r = vfs_stat(k, this.task, path, follow);
    syscallLeave(k, F___x64_sys_newstat, typeof r === 'number' ? r : 0);
    return r;
  }

  /** The names in a directory (open + getdents64 + close). */
  readdir(path: string): string[] | number {
    const k = this.k;
    syscallEnter(k, 217, F___x64_sys_getdents64, -1);
    const r = readDir(k, this.task, path);
    syscallLeave(k, F___x64_sys_getdents64, typeof r === 'number' ? r : r.length);
    return r;
  }

  chdir(path: string): number {
    const k = this.k;
    syscallEnter(k, 80, F___x64_sys_chdir, -1);
    return syscallLeave(k, F___x64_sys_chdir, chdir(k, this.task, path));
  }

  mkdir(path: string, mode = 0o777): number {
    const k = this.k;
    syscallEnter(k, 83, F___x64_sys_mkdir, -1);
    return syscallLeave(k, F___x64_sys_mkdir, mkdir(k, this.task, path, mode));
  }

  unlink(path: string): number {
    const k = this.k;
    syscallEnter(k, 87, F___x64_sys_unlink, -1);
    return syscallLeave(k, F___x64_sys_unlink, unlink(k, this.task, path));
  }

  /** kill(2): only root may signal another user's processes. */
  kill(pid: number, sig: number): number {
    const k = this.k;
    syscallEnter(k, 62, F___x64_sys_kill, -1);
    const t = k.tasks.get(pid);
    let r = 0;
    if (!t || t.state === TaskState.Dead || t.pid === 0) r = ESRCH;
    else if (this.task.uid !== 0 && this.task.uid !== t.uid) r = -1;
    else if (sig !== 0 && t.state !== TaskState.Zombie) send_sig(k, sig, t);
    return syscallLeave(k, F___x64_sys_kill, r);
  }

  /** wait4(pid, WNOHANG): the child's wait status if it has exited (and it is reaped), else null. */
  waitNohang(pid: number): number | null {
    const child = this.task.children.find((c) => c.pid === pid);
    if (!child || child.state !== TaskState.Zombie) return null;
    const k = this.k;
    syscallEnter(k, 61, F___x64_sys_wait4, -1);
    const status = child.exitCode;
    release_task(k, child);
    syscallLeave(k, F___x64_sys_wait4, pid);
    return status;
  }

  /** wait4(pid) for at most until virtual time `deadline`: the status, or null if it is still running. */
  *waitUntil(pid: number, deadline: number): Generator<number, number | null, void> {
    const child = this.task.children.find((c) => c.pid === pid);
    if (!child) return null;
    if (child.state !== TaskState.Zombie) {
      child.exitWaiters.push(this.task);
      this.k.sched.sleepUntil(this.task, deadline);
      yield BLOCKED;
      const i = child.exitWaiters.indexOf(this.task);
      if (i >= 0) child.exitWaiters.splice(i, 1);
    }
    return this.waitNohang(pid);
  }

  /** setuid + setgid, as su and sudo do before exec (only root may). */
  setuid(uid: number, gid: number): number {
    if (this.task.uid !== 0) return -1;
    this.task.uid = this.task.ruid = uid;
    this.task.gid = gid;
    return 0;
  }

  /** clock_gettime(CLOCK_REALTIME): seconds and nanoseconds (kept apart: epoch ns exceed a double's exact range). */
  realtime(): { sec: number; nsec: number } {
    const now = this.k.now;
    return { sec: BOOT_EPOCH + Math.floor(now / 1e9), nsec: now % 1e9 };
  }

  /** getrlimit's soft limits, as a 5.0 Ubuntu machine of this size sets them. */
  rlimit(resource: 'nproc' | 'sigpending' | 'nofile' | 'stack' | 'memlock' | 'msgqueue'): number {
    switch (resource) {
      case 'nproc':
      case 'sigpending': {
        // fork_init: max_threads = totalram / (8 * THREAD_SIZE / PAGE_SIZE); NPROC and SIGPENDING are half.
        let managed = 0;
        for (const z of this.k.node.zones) managed += z.managedPages;
        return Math.floor(Math.floor(managed / 32) / 2);
      }
      case 'nofile':
        return 1024;
      case 'stack':
        return 8192 * 1024;
      case 'memlock':
        return 64 * 1024 * 1024;
      case 'msgqueue':
        return 819200;
    }
  }

  /** setpgid(pid, pgid) for itself or a child: job control puts each job in its own group. */
  setpgid(pid: number, pgid: number): number {
    const t = pid === this.task.pid ? this.task : this.task.children.find((c) => c.pid === pid);
    if (!t) return ESRCH;
    t.pgid = pgid;
    return 0;
  }

  /** tcsetpgrp on the terminal: which process group Ctrl-C interrupts. */
  tcsetpgrp(pgid: number): void {
    this.k.vfs.console.foregroundPgrp = pgid;
  }
}
