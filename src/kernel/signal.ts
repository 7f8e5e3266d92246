// kernel/signal.c, for the signals whose default action ends a process (SIGKILL, SIGTERM,
// SIGINT, SIGHUP, SIGPIPE...): the signal is made pending and a sleeping task is woken
// (signal_wake_up) so it notices on its way back to user space and exits with that signal.
// A signal the task installed a handler for is queued instead, for the program to take.

import type { Kernel } from './machine.js';
import { ArgKind, kfunc } from './symbols.js';
import { TaskState, type Task } from './sched/task.js';

export const F___send_signal = kfunc('__send_signal', { file: 'kernel/signal.c', size: 0x4b0, args: [ArgKind.Int, ArgKind.Vmalloc, ArgKind.Vmalloc, ArgKind.Int, ArgKind.Int] });
export const F___x64_sys_kill = kfunc('__x64_sys_kill', { file: 'kernel/signal.c', size: 0x1a0, global: true, args: [ArgKind.Vmalloc] });

export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGKILL = 9;
export const SIGPIPE = 13;
export const SIGTERM = 15;
export const SIGCHLD = 17;

/** Signals whose default action is to ignore them; sending one changes nothing here. */
const IGNORED = new Set([SIGCHLD, 23 /* SIGURG */, 28 /* SIGWINCH */, 18 /* SIGCONT */]);

/** send_sig_info: delivers `sig` to `task`. Returns false if the task is gone. */
export function send_sig(k: Kernel, sig: number, task: Task): boolean {
  if (task.state === TaskState.Dead || task.state === TaskState.Zombie) return false;
  k.enter(F___send_signal, sig, -1, -1, 0, 0);
  if (sig !== 0 && sig !== SIGKILL && task.sigcaught & (1 << sig)) {
    // A handler will run: the signal is queued and interrupts a sleep, and the task lives on.
    task.sigpending |= 1 << sig;
    if (task.state === TaskState.Interruptible) k.sched.wakeUp(task);
  } else if (sig !== 0 && !IGNORED.has(sig) && !task.isKthread && !task.killed) {
    task.killed = true;
    task.exitSignal = sig;
    // signal_wake_up: a fatal signal ends interruptible and killable sleeps.
    if (task.state === TaskState.Interruptible || (sig === SIGKILL && task.state !== TaskState.Running)) k.sched.wakeUp(task);
  }
  k.leave(F___send_signal, 0);
  return true;
}
