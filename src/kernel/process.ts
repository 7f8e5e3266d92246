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

export const F___x64_sys_nanosleep = kfunc('__x64_sys_nanosleep', { file: 'kernel/time/hrtimer.c', size: 0xa0, global: true, args: [ArgKind.Vmalloc] });
export const F___x64_sys_getpid = kfunc('__x64_sys_getpid', { file: 'kernel/sys.c', size: 0x20, global: true, args: [ArgKind.Vmalloc] });

/** User-space cost of writing one 4 KiB page (memset bandwidth). */
const COST_TOUCH_PAGE = 250;
/** Pages touched between yields, so other CPUs' tasks interleave at fine grain. */
const TOUCH_BATCH = 16;

const SIGSEGV = 11;

export class Proc {
  /** Where the program's standard output goes; the shell connects it. */
  stdout: (s: string) => void = () => {};
  stderr: (s: string) => void = () => {};

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
      cp.stdout = parent.stdout;
      cp.stderr = parent.stderr;
      return child(cp);
    });
    return r.child ? r.child.pid : r.error;
  }

  /** execve: runs the program at `path` in this process; returns only on failure (-errno). */
  *exec(path: string, argv: readonly string[]): Generator<number, number, void> {
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
    }
  }
}
