// /proc/stat (fs/proc/stat.c show_stat): CPU time in USER_HZ ticks, context switches, the boot
// time, and the task counts. The emulation keeps CPU time per task, not per CPU and state, so a
// CPU's user and system time is that of the live tasks last run on it, and the machine-wide
// line their sum; time of exited tasks, irq, softirq, steal and guest time are not kept (0).
// The virtual machine has no battery-backed clock: it booted at BOOT_EPOCH.

import type { Kernel } from '../../machine.js';
import { TaskState } from '../../sched/task.js';
import { nr_running } from './loadavg.js';

/** The wall-clock second the machine booted at: the lecture's 2021-12-08, 10:00 KST. */
export const BOOT_EPOCH = 1638925200;
const NSEC_PER_TICK = 10_000_000;
/** NR_SOFTIRQS. */
const NR_SOFTIRQS = 10;

const ticks = (ns: number): number => Math.floor(ns / NSEC_PER_TICK);

export function stat(k: Kernel): string {
  const user = new Array<number>(k.cpus.length).fill(0);
  const system = new Array<number>(k.cpus.length).fill(0);
  let ctxt = 0;
  let blocked = 0;
  for (const t of k.tasks.values()) {
    user[t.cpu]! += t.utime;
    system[t.cpu]! += t.stime;
    ctxt += t.nvcsw + t.nivcsw;
    if (t.state === TaskState.Uninterruptible) blocked++;
  }
  const line = (name: string, u: number, s: number, idle: number): string => `${name} ${u} 0 ${s} ${idle} 0 0 0 0 0 0\n`;
  const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0);
  let out = line('cpu ', sum(user.map(ticks)), sum(system.map(ticks)), sum(k.cpus.map((c) => ticks(c.idle.stime))));
  k.cpus.forEach((c, i) => (out += line(`cpu${i}`, ticks(user[i]!), ticks(system[i]!), ticks(c.idle.stime))));
  return (
    out +
    'intr 0\n' +
    `ctxt ${ctxt}\n` +
    `btime ${BOOT_EPOCH}\n` +
    // total_forks is not kept: the last pid handed out stands in for it (larger by the pids boot skips).
    `processes ${k.lastAllocatedPid}\n` +
    `procs_running ${nr_running(k)}\n` +
    `procs_blocked ${blocked}\n` +
    `softirq 0${' 0'.repeat(NR_SOFTIRQS)}\n`
  );
}
