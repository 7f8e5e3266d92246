// The per-process files of /proc/PID: maps (fs/proc/task_mmu.c), status, stat and statm
// (fs/proc/array.c), cmdline and comm (fs/proc/base.c), as 5.0 prints them for a reader with
// the rights to see everything (root). Each is read from the live Task and its MmStruct.
//
// What the emulation does not model prints as Linux prints it for a task that never used it:
// no fault counters (min_flt/maj_flt 0), no signal handlers, no threads besides the task itself,
// no setsid/setpgid (every user process stays in init's session 1, kernel threads in 0), no
// umask(2) (init_fs's 0022 throughout), no supplementary groups, no controlling terminal.

import type { Kernel } from '../../machine.js';
import { MmCounter, VM_EXEC, VM_READ, VM_SHARED, VM_WRITE, type MmStruct } from '../../mm/mm_types.js';
import { TaskState, type Task } from '../../sched/task.js';
import { formatPidMaps, type PidMapsVma } from './format/pid_maps.js';
import { formatPidStatus, type PidStatusMm, type TaskStateLetter } from './format/pid_status.js';
import { totalram_pages } from './meminfo.js';

/** The root filesystem's s_dev: the lecture VM's /dev/sda1. */
const ROOT_DEV_MAJOR = 8;
const ROOT_DEV_MINOR = 1;
/** x86_64's gate VMA, the vsyscall page (emulated: readable and executable in 5.0). */
const VSYSCALL_START = 0xffffffffff600000n;
/** CAP_LAST_CAP is 37 (CAP_AUDIT_READ) in 5.0: CAP_FULL_SET has bits 0..37. */
const CAP_FULL_SET = (1n << 38n) - 1n;
/** USER_HZ: /proc/PID/stat counts clock ticks of 10 ms. */
const NSEC_PER_TICK = 10_000_000;
const RLIM_INFINITY = 18446744073709551615n;
const SIGCHLD = 17;
/** init_fs.umask. */
const INIT_UMASK = 0o022;
/** NR_OPEN_DEFAULT: every task's fdtable starts (and here stays) at BITS_PER_LONG slots. */
const NR_OPEN_DEFAULT = 64;

/** task_state_index: the letter ps and status show. */
export function taskStateLetter(t: Task): TaskStateLetter {
  switch (t.state) {
    case TaskState.Running:
      return 'R';
    case TaskState.Interruptible:
      return 'S';
    case TaskState.Uninterruptible:
      return 'D';
    case TaskState.Stopped:
      return 'T';
    case TaskState.Dead:
      return 'X';
    case TaskState.Zombie:
      return 'Z';
    case TaskState.Idle:
      return 'I';
  }
}

/** init (pid 1) and kthreadd are kernel_thread()s of pid 0 without SIGCHLD; everything else forks with it. */
const exitSignal = (t: Task): number => (t.pid <= 2 ? 0 : SIGCHLD);
const ppidOf = (t: Task): number => (t.parent ? t.parent.tgid : 0);
/** Kernel threads keep init_task's session and group 0; user processes inherit init's 1. */
const sessionOf = (t: Task): number => (t.isKthread || t.pid === 2 ? 0 : 1);
const isRoot = (t: Task): boolean => t.uid === 0;

/** /proc/PID/comm: the comm and a newline. */
export function pidComm(_k: Kernel, t: Task): string {
  return `${t.comm}\n`;
}

/** /proc/PID/cmdline: the argument area, each string NUL-terminated; empty without an mm. */
export function pidCmdline(_k: Kernel, t: Task): string {
  if (!t.mm) return '';
  return t.argv.map((a) => `${a}\0`).join('');
}

/** /proc/PID/maps. */
export function pidMaps(_k: Kernel, t: Task): string {
  const mm = t.mm;
  if (!mm) return '';
  const vmas: PidMapsVma[] = mm.vmas.map((v) => ({
    start: BigInt(v.start),
    end: BigInt(v.end),
    read: (v.flags & VM_READ) !== 0,
    write: (v.flags & VM_WRITE) !== 0,
    exec: (v.flags & VM_EXEC) !== 0,
    mayShare: (v.flags & VM_SHARED) !== 0,
    file: v.file ? { path: v.file, pgoff: BigInt(v.pgoff), major: ROOT_DEV_MAJOR, minor: ROOT_DEV_MINOR, ino: v.inode } : null,
    special: null,
  }));
  vmas.push({ start: VSYSCALL_START, end: VSYSCALL_START + 0x1000n, read: true, write: false, exec: true, mayShare: false, file: null, special: 'vsyscall' });
  return formatPidMaps({ startBrk: BigInt(mm.startBrk), brk: BigInt(mm.brk), startStack: BigInt(mm.startStack), vmas });
}

function statusMm(mm: MmStruct): PidStatusMm {
  return {
    totalVm: mm.totalVm,
    hiwaterVm: mm.hiwaterVm,
    lockedVm: mm.lockedVm,
    pinnedVm: mm.pinnedVm,
    hiwaterRss: mm.hiwaterRss,
    anonPages: mm.rss[MmCounter.AnonPages]!,
    filePages: mm.rss[MmCounter.FilePages]!,
    shmemPages: mm.rss[MmCounter.ShmemPages]!,
    swapEnts: mm.rss[MmCounter.SwapEnts]!,
    dataVm: mm.dataVm,
    stackVm: mm.stackVm,
    execVm: mm.execVm,
    startCode: BigInt(mm.startCode),
    endCode: BigInt(mm.endCode),
    pgtablesBytes: mm.pgtablesBytes,
    hugetlbUsage: 0,
    coreDumping: false,
    thpDisabled: false,
  };
}

/** RLIMIT_SIGPENDING as fork_init sets it: half of max_threads, RAM / (8 * THREAD_SIZE). */
function sigPendingLimit(k: Kernel): number {
  const maxThreads = Math.max(20, Math.floor(totalram_pages(k) / 32));
  return Math.floor(maxThreads / 2);
}

/** Every signal: kthreadd's ignore_signals leaves kernel threads ignoring all of them. */
const ALL_SIGNALS = (1n << 64n) - 1n;

/** /proc/PID/status. */
export function pidStatus(k: Kernel, t: Task): string {
  const ids = [t.uid, t.uid, t.uid, t.uid] as const;
  const gids = [t.gid, t.gid, t.gid, t.gid] as const;
  const caps = isRoot(t) ? CAP_FULL_SET : 0n;
  const cpus = k.cpus.map((c) => c.id);
  const sid = sessionOf(t);
  return formatPidStatus({
    comm: t.comm,
    umask: INIT_UMASK,
    state: taskStateLetter(t),
    tgid: t.tgid,
    ngid: 0,
    pid: t.pid,
    ppid: ppidOf(t),
    tracerPid: 0,
    uids: ids,
    gids,
    fdSize: NR_OPEN_DEFAULT,
    groups: [],
    nsTgid: [t.tgid],
    nsPid: [t.pid],
    nsPgid: [sid],
    nsSid: [sid],
    mm: t.mm ? statusMm(t.mm) : null,
    threads: 1,
    sigQueued: 0,
    sigQueueLimit: sigPendingLimit(k),
    sigPending: 0n,
    sharedPending: 0n,
    sigBlocked: 0n,
    sigIgnored: t.isKthread ? ALL_SIGNALS : 0n,
    sigCaught: 0n,
    capInheritable: 0n,
    capPermitted: caps,
    capEffective: caps,
    capBounding: CAP_FULL_SET,
    capAmbient: 0n,
    noNewPrivs: false,
    seccompMode: 0,
    speculationStoreBypass: 'thread vulnerable',
    nrCpuIds: k.config.cpus,
    cpusAllowed: cpus,
    memsAllowed: [0],
    voluntaryCtxtSwitches: t.nvcsw,
    nonvoluntaryCtxtSwitches: t.nivcsw,
  });
}

const ticks = (ns: number): number => Math.floor(ns / NSEC_PER_TICK);

/**
 * The argument and environment strings as copy_strings left them: the file name, then the
 * environment (none here), then argv, packed below the top of the stack VMA.
 */
function argArea(mm: MmStruct, t: Task): { argStart: number; argEnd: number; envStart: number; envEnd: number } {
  const stack = mm.findVma(mm.startStack);
  if (!stack) return { argStart: 0, argEnd: 0, envStart: 0, envEnd: 0 };
  const envEnd = stack.end - 8 - (t.argv[0] ?? '').length - 1;
  const argEnd = envEnd;
  const argStart = argEnd - t.argv.reduce((n, a) => n + a.length + 1, 0);
  return { argStart, argEnd, envStart: envEnd, envEnd };
}

/** /proc/PID/stat (do_task_stat, whole = 0). */
export function pidStat(_k: Kernel, t: Task): string {
  const mm = t.mm;
  const sleeping = t.state !== TaskState.Running && t.state !== TaskState.Zombie && t.state !== TaskState.Dead;
  const sid = sessionOf(t);
  const area = mm ? argArea(mm, t) : null;
  const fields: (number | bigint | string)[] = [
    t.pid,
    `(${t.comm})`,
    taskStateLetter(t),
    ppidOf(t),
    sid,
    sid,
    0, // tty_nr: no controlling terminal
    -1, // tty_pgrp
    t.flags,
    0, // min_flt
    0, // cmin_flt
    0, // maj_flt
    0, // cmaj_flt
    ticks(t.utime),
    ticks(t.stime),
    0, // cutime
    0, // cstime
    t.prio - 100,
    t.prio - 120,
    1, // num_threads
    0,
    ticks(t.startTime),
    mm ? mm.totalVm * 4096 : 0,
    mm ? mm.rssPages : 0,
    RLIM_INFINITY,
    mm ? mm.startCode : 0,
    mm ? mm.endCode : 0,
    mm ? mm.startStack : 0,
    0, // esp: only for a task exiting or dumping core
    0, // eip
    0, // pending signals
    0, // blocked
    t.isKthread ? 0x7fffffff : 0, // ignored
    0, // caught
    sleeping ? 1 : 0, // wchan is known
    0,
    0,
    exitSignal(t),
    t.cpu,
    0, // rt_priority
    0, // policy: SCHED_NORMAL
    0, // delayacct_blkio_ticks
    0, // gtime
    0, // cgtime
    mm ? mm.startData : 0,
    mm ? mm.endData : 0,
    mm ? mm.startBrk : 0,
    area ? area.argStart : 0,
    area ? area.argEnd : 0,
    area ? area.envStart : 0,
    area ? area.envEnd : 0,
    t.exitCode,
  ];
  return `${fields.join(' ')}\n`;
}

/** /proc/PID/statm: size resident shared text lib(0) data dt(0), in pages (task_statm). */
export function pidStatm(_k: Kernel, t: Task): string {
  const mm = t.mm;
  if (!mm) return '0 0 0 0 0 0 0\n';
  const shared = mm.rss[MmCounter.FilePages]! + mm.rss[MmCounter.ShmemPages]!;
  const text = (Math.ceil(mm.endCode / 4096) * 4096 - Math.floor(mm.startCode / 4096) * 4096) / 4096;
  const resident = shared + mm.rss[MmCounter.AnonPages]!;
  return `${mm.totalVm} ${resident} ${shared} ${text} 0 ${mm.dataVm + mm.stackVm} 0\n`;
}
