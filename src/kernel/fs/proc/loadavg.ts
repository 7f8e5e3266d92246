// /proc/loadavg (fs/proc/loadavg.c) and the load average behind it (kernel/sched/loadavg.c).
// Linux samples nr_running + nr_uninterruptible every LOAD_FREQ from the timer tick; the
// emulation has no tick, so the sampling catches up when the file is read: every LOAD_FREQ
// boundary passed since the last read is folded in with the count of active tasks at this read.
// Between reads that change the count, the average therefore lags as if the change came late.

import type { Kernel } from '../../machine.js';
import { TaskState } from '../../sched/task.js';

const FSHIFT = 11;
const FIXED_1 = 1 << FSHIFT;
/** HZ = 250 on Ubuntu: LOAD_FREQ = 5 * HZ + 1 ticks of 4 ms. */
const LOAD_FREQ_NS = (5 * 250 + 1) * 4_000_000;
/** 1 / exp(5 s / 1 min), 5 min, 15 min in fixed point. */
const EXP = [1884, 2014, 2037] as const;

interface LoadState {
  /** avenrun[] in FIXED_1 units. */
  readonly avenrun: number[];
  /** The next sampling time (calc_load_update). */
  next: number;
}

const states = new WeakMap<Kernel, LoadState>();

/** calc_load: one step of the exponential decay, rounding up while the load grows. */
function calcLoad(load: number, exp: number, active: number): number {
  let n = load * exp + active * (FIXED_1 - exp);
  if (active >= load) n += FIXED_1 - 1;
  return Math.floor(n / FIXED_1);
}

/** nr_running(): tasks in TASK_RUNNING, on a CPU or waiting on a runqueue. */
export function nr_running(k: Kernel): number {
  let n = 0;
  for (const t of k.tasks.values()) if (t.state === TaskState.Running) n++;
  return n;
}

/** calc_load_fold_active: runnable tasks plus those in uninterruptible sleep (TASK_IDLE does not count). */
function activeTasks(k: Kernel): number {
  let d = 0;
  for (const t of k.tasks.values()) if (t.state === TaskState.Uninterruptible) d++;
  return nr_running(k) + d;
}

function avenrun(k: Kernel): number[] {
  let st = states.get(k);
  if (!st) states.set(k, (st = { avenrun: [0, 0, 0], next: LOAD_FREQ_NS }));
  const active = activeTasks(k) * FIXED_1;
  while (st.next <= k.now) {
    for (let i = 0; i < 3; i++) st.avenrun[i] = calcLoad(st.avenrun[i]!, EXP[i]!, active);
    st.next += LOAD_FREQ_NS;
  }
  return st.avenrun;
}

/** LOAD_INT.LOAD_FRAC of get_avenrun(..., FIXED_1/200, 0). */
function loadText(x: number): string {
  const v = x + FIXED_1 / 200;
  return `${v >> FSHIFT}.${String(((v & (FIXED_1 - 1)) * 100) >> FSHIFT).padStart(2, '0')}`;
}

export function loadavg(k: Kernel): string {
  const a = avenrun(k);
  return `${loadText(a[0]!)} ${loadText(a[1]!)} ${loadText(a[2]!)} ${nr_running(k)}/${k.tasks.size} ${k.lastAllocatedPid}\n`;
}
