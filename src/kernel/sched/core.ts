// kernel/sched/core.c, as a discrete-event simulation. Each CPU has its own virtual clock; the
// CPU furthest behind runs next, so events across CPUs come out in time order to within one
// step. A step resumes a task's generator until it yields the time it used or blocks. Timers
// wake sleepers when the earliest CPU clock reaches them.

import type { Cpu, Kernel } from '../machine.js';
import { sched_switch, sched_wakeup } from '../trace/events/sched.js';
import { BLOCKED, Task, TaskState } from './task.js';
import { do_exit_task } from '../exit.js';

/** sched_min_granularity-like slice before a runnable task yields the CPU to a waiting one. */
export const SLICE_NS = 3_000_000;
/** A step that reports no time still takes this long, so time always moves. */
const MIN_STEP_NS = 50;

interface Timer {
  time: number;
  seq: number;
  /** The sleeper to wake, or null for a kernel timer whose callback runs in interrupt context. */
  task: Task | null;
  fn: (() => void) | null;
  cpu: number;
}

export class Scheduler {
  private readonly heap: Timer[] = [];
  private seq = 0;
  /** Set by stop(): run() returns at the end of the current step. */
  private stopRequested = false;
  /** Set by stopAfter(): run() returns before anything later than this. */
  private stopAt = Infinity;
  private readonly bound = new Map<Task, number>();

  constructor(private readonly k: Kernel) {}

  /** Puts `task` to sleep until virtual time `t`; the caller then yields BLOCKED. */
  sleepUntil(task: Task, t: number, state: TaskState = TaskState.Interruptible): void {
    task.state = state;
    task.wakeAt = t;
    this.push({ time: t, seq: this.seq++, task, fn: null, cpu: 0 });
  }

  /**
   * add_timer_on / hrtimer_start: runs `fn` at virtual time `t` on `cpu`, in interrupt context
   * (k.current is whatever that CPU was running, so its kernel stack is what a probe sees).
   */
  addTimer(t: number, cpu: number, fn: () => void): void {
    this.push({ time: t, seq: this.seq++, task: null, fn, cpu });
  }

  /** set_cpus_allowed_ptr to one CPU (kthread_bind): per-cpu kworkers never migrate. */
  bind(task: Task, cpu: number): void {
    this.bound.set(task, cpu);
    task.cpu = cpu;
  }

  /** try_to_wake_up: makes a sleeping task runnable on a CPU. */
  wakeUp(task: Task): boolean {
    if (task.state === TaskState.Running || task.state === TaskState.Dead || task.state === TaskState.Zombie) return false;
    task.state = TaskState.Running;
    task.wakeAt = -1;
    const cpu = this.selectCpu(task);
    const k = this.k;
    if (k.tpOn[sched_wakeup.id] !== 0) k.traceEvent(sched_wakeup, task.comm, task.pid, task.prio - 100, 1, cpu.id);
    if (cpu.rq.length === 0 && cpu.curr === cpu.idle) idleUntil(cpu, k.now);
    task.cpu = cpu.id;
    cpu.rq.push(task);
    return true;
  }

  /** wake_up_new_task: a forked task's first enqueue. */
  enqueueNew(task: Task): void {
    task.state = TaskState.Interruptible;
    this.wakeUp(task);
  }

  /** select_task_rq: its last CPU if idle, else the first idle one, else its last CPU. */
  private selectCpu(task: Task): Cpu {
    const cpus = this.k.cpus;
    const pinned = this.bound.get(task);
    if (pinned !== undefined) return cpus[pinned]!;
    const prev = cpus[task.cpu] ?? cpus[0]!;
    if (isIdle(prev)) return prev;
    for (const c of cpus) if (isIdle(c)) return c;
    let best = prev;
    for (const c of cpus) if (c.rq.length < best.rq.length) best = c;
    return best;
  }

  stop(): void {
    this.stopRequested = true;
  }

  /**
   * run() returns once nothing is left to do at virtual time `t`: what happens at the same
   * instant (timers of equal expiry, the rest of a step) still happens.
   */
  stopAfter(t: number): void {
    this.stopAt = Math.min(this.stopAt, t);
  }

  /** Runs the machine until every CPU's clock reaches `until`, or stop() is called. */
  run(until: number): void {
    const k = this.k;
    this.stopRequested = false;
    this.stopAt = Infinity;
    for (;;) {
      let best: Cpu | null = null;
      for (const c of k.cpus) if (c.rq.length > 0 && (best === null || c.time < best.time)) best = c;
      const tNext = this.heap.length ? this.heap[0]!.time : Infinity;
      const tRun = best ? best.time : Infinity;
      if (Math.min(tNext, tRun) >= until || this.stopRequested || Math.min(tNext, tRun) > this.stopAt) break;
      if (tNext <= tRun) {
        const timer = this.pop()!;
        const t = timer.task;
        if (t === null) {
          this.fireTimer(timer);
          continue;
        }
        if (t.wakeAt === timer.time && t.state !== TaskState.Running) {
          const save = k.cpu;
          k.cpu = t.cpu;
          const c = k.cpus[t.cpu]!;
          if (isIdle(c)) idleUntil(c, timer.time);
          this.wakeUp(t);
          k.cpu = save;
        }
        continue;
      }
      this.runSlice(best!, until);
    }
    for (const c of k.cpus) if (isIdle(c) && until !== Infinity) idleUntil(c, until);
  }

  private fireTimer(timer: Timer): void {
    const k = this.k;
    const saveCpu = k.cpu;
    const saveCurrent = k.current;
    const c = k.cpus[timer.cpu]!;
    if (isIdle(c)) idleUntil(c, timer.time);
    k.cpu = c.id;
    k.current = c.curr;
    timer.fn!();
    k.cpu = saveCpu;
    k.current = saveCurrent;
  }

  /** The earliest pending timer, or Infinity. */
  get nextTimer(): number {
    return this.heap.length ? this.heap[0]!.time : Infinity;
  }

  private runSlice(cpu: Cpu, until: number): void {
    const k = this.k;
    const task = cpu.rq.shift()!;
    k.cpu = cpu.id;
    this.switchTo(cpu, task);
    const sliceEnd = cpu.time + SLICE_NS;
    for (;;) {
      const body = task.body!;
      if (task.killed && !task.isKthread) {
        body.return(0);
        do_exit_task(k, task, null);
        break;
      }
      const before = cpu.time;
      const r = body.next();
      // What the step charged inside the kernel is system time; what it yielded, user time.
      task.stime += cpu.time - before;
      if (r.done) {
        // A fatal signal that arrived in the last step (kill of itself) is seen on the way out.
        do_exit_task(k, task, task.killed && !task.isKthread ? null : r.value);
        break;
      }
      const used = r.value;
      if (used === BLOCKED) {
        task.nvcsw++;
        break;
      }
      const step = used > MIN_STEP_NS ? used : MIN_STEP_NS;
      cpu.time += step;
      task.utime += step;
      if (task.state !== TaskState.Running) break;
      const preempt = cpu.time >= sliceEnd && cpu.rq.length > 0;
      if (preempt) {
        task.nivcsw++;
        cpu.rq.push(task);
        break;
      }
      if (cpu.time >= until || cpu.time >= this.nextTimer || this.stopRequested || cpu.time > this.stopAt || this.othersBehind(cpu)) {
        cpu.rq.unshift(task);
        break;
      }
    }
    // A task that keeps the CPU stays current; one that blocked or exited leaves the CPU idle
    // unless another is queued, which the next pick switches to.
    if (task.state !== TaskState.Running && cpu.rq.length === 0) this.switchTo(cpu, cpu.idle);
  }

  /** Another CPU with work is behind this one: let it catch up so clocks stay close. */
  private othersBehind(cpu: Cpu): boolean {
    for (const c of this.k.cpus) if (c !== cpu && c.rq.length > 0 && c.time < cpu.time) return true;
    return false;
  }

  private switchTo(cpu: Cpu, next: Task): void {
    const k = this.k;
    const prev = cpu.curr;
    if (prev === next) {
      k.current = next;
      return;
    }
    if (k.tpOn[sched_switch.id] !== 0)
      k.traceEvent(sched_switch, prev.comm, prev.pid, prev.prio - 100, prev.state === TaskState.Running ? 0 : prev.state, next.comm, next.pid, next.prio - 100);
    cpu.curr = next;
    next.cpu = cpu.id;
    k.current = next;
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/** The CPU idles until `t`: its clock moves on and the idle task's time (CPUTIME_IDLE) with it. */
function idleUntil(c: Cpu, t: number): void {
  if (t <= c.time) return;
  c.idle.stime += t - c.time;
  c.time = t;
}

function isIdle(c: Cpu): boolean {
  return c.rq.length === 0 && c.curr === c.idle;
}
