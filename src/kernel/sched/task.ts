// struct task_struct, as much of it as the emulation reads. A task's behaviour is a generator:
// user programs and kernel threads alike yield to the scheduler, either the CPU time they just
// used (a number >= 0) or BLOCKED after putting themselves to sleep. Yielding plain numbers keeps
// the scheduler's hot loop free of allocation.

import type { MmStruct } from '../mm/mm_types.js';
import type { FilesStruct, FsStruct } from '../fs/fdtable.js';

export type TaskBody = Generator<number, number, void>;

/** Yielded by a task that set its own sleeping state (wait queue, timer, child exit). */
export const BLOCKED = -1;

export const enum TaskState {
  Running = 0,
  Interruptible = 1,
  Uninterruptible = 2,
  Stopped = 4,
  Dead = 16,
  Zombie = 32,
  Idle = 0x402, // TASK_IDLE: uninterruptible but not counted in load, how kthreads wait
}

export const PF_KTHREAD = 0x00200000;
export const PF_MEMALLOC = 0x00000800;
export const PF_KSWAPD = 0x00020000;
export const PF_EXITING = 0x00000004;

/** THREAD_SIZE / 8 frames would be the real bound; no emulated call chain comes close. */
const KSTACK_DEPTH = 96;

export class Task {
  state: TaskState = TaskState.Running;
  flags = 0;
  /** Function ids of the kernel frames, innermost last. */
  readonly kstack = new Int32Array(KSTACK_DEPTH);
  kdepth = 0;
  cpu = 0;
  body: TaskBody | null = null;
  mm: MmStruct | null = null;
  /** Open file descriptors (files_struct); kernel threads have none. */
  files: FilesStruct | null = null;
  /** Working directory (fs_struct). */
  fs: FsStruct | null = null;
  /** Process group (job control): the terminal signals its foreground group on Ctrl-C. */
  pgid = 0;
  /** The fatal signal that ends the task when `killed` is set (SIGKILL unless kill(2) said otherwise). */
  exitSignal = 9;
  /** The mm a kernel thread borrowed (active_mm); page faults in kernel mode use init_mm. */
  parent: Task | null = null;
  readonly children: Task[] = [];
  exitCode = 0;
  /** Virtual time this task's timer sleep ends, or -1. */
  wakeAt = -1;
  /** SIGKILL is pending: the task dies at its next return to user space. */
  killed = false;
  /** Signals with a handler installed (rt_sigaction), as a bit mask by signal number. */
  sigcaught = 0;
  /** Caught signals delivered and not yet handled. */
  sigpending = 0;
  oomScoreAdj = 0;
  /** Effective uid (what permission checks use); `ruid` is who started it, set apart by a setuid exec. */
  uid = 0;
  ruid = 0;
  gid = 0;
  /** Tasks blocked in wait4 on this task's exit. */
  readonly exitWaiters: Task[] = [];
  utime = 0;
  stime = 0;
  startTime = 0;
  /** The argv execve copied to the stack, which /proc/PID/cmdline reads back (arg_start..arg_end). */
  argv: readonly string[] = [];
  nvcsw = 0;
  nivcsw = 0;
  prio = 120;
  /** Offset in the vmalloc area of this task's kernel stack (VMAP_STACK), or -1. */
  stackVa = -1;
  /** tsk_is_oom_victim: chosen by the OOM killer, may dip into the reserves until it exits. */
  oomVictim = false;
  /** MMF_OOM_SKIP: the reaper has taken its memory; the OOM killer looks past it. */
  oomReaped = false;

  constructor(
    readonly pid: number,
    public tgid: number,
    public comm: string,
  ) {}

  get isKthread(): boolean {
    return (this.flags & PF_KTHREAD) !== 0;
  }

  /** The comm as the kernel stores it: at most TASK_COMM_LEN - 1 = 15 bytes. */
  setComm(name: string): void {
    this.comm = name.slice(0, 15);
  }
}
