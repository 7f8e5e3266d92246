// kernel/workqueue.c: per-CPU worker pools (a normal and a high-priority one per CPU, plus an
// unbound pool) whose kworker/N:M threads run queued work items. A worker that starts on a work
// item makes sure the pool keeps an idle worker in reserve (manage_workers → maybe_create_worker),
// which is why a busy pool has both kworker/N:0 and kworker/N:1; a worker that sleeps inside a
// work item hands the rest of the list to an idle one (wq_worker_sleeping), so IO in one work
// item does not hold up the others.

import type { Kernel } from './machine.js';
import { ArgKind, kfunc } from './symbols.js';
import { BLOCKED, TaskState, type Task, type TaskBody } from './sched/task.js';
import { kthread_create } from './fork.js';

const FILE = 'kernel/workqueue.c';
export const F_queue_work_on = kfunc('queue_work_on', { file: FILE, size: 0x50, global: true, args: [ArgKind.Int, ArgKind.Direct, ArgKind.Direct], ret: ArgKind.Int });
export const F___queue_work = kfunc('__queue_work', { file: FILE, size: 0x3f0, args: [ArgKind.Int, ArgKind.Direct, ArgKind.Direct] });
export const F_queue_delayed_work_on = kfunc('queue_delayed_work_on', { file: FILE, size: 0x60, global: true, args: [ArgKind.Int, ArgKind.Direct, ArgKind.Direct, ArgKind.Int], ret: ArgKind.Int });
export const F_delayed_work_timer_fn = kfunc('delayed_work_timer_fn', { file: FILE, size: 0x20, global: true, args: [ArgKind.Direct] });
export const F_worker_thread = kfunc('worker_thread', { file: FILE, size: 0x3c0, args: [ArgKind.Direct] });
export const F_process_one_work = kfunc('process_one_work', { file: FILE, size: 0x410, args: [ArgKind.Direct, ArgKind.Direct] });
export const F_create_worker = kfunc('create_worker', { file: FILE, size: 0x190, args: [ArgKind.Direct] });

/** Virtual cost of dequeuing and dispatching one work item. */
const COST_PROCESS_WORK = 400;
/** WORK_CPU_UNBOUND: queue on the CPU the caller runs on. */
export const WORK_CPU_UNBOUND = -1;

/** What a work item runs: a generator in the worker's context, which may sleep (yield BLOCKED). */
export type WorkFunc = (k: Kernel) => Generator<number, void, void>;

/** struct work_struct; `addr` is where it sits in the direct map (the owning object). */
export class WorkStruct {
  pending = false;
  constructor(
    readonly func: WorkFunc,
    readonly addr: number,
  ) {}
}

/** struct delayed_work: a work item and the timer that queues it. */
export class DelayedWork {
  timerPending = false;
  readonly work: WorkStruct;
  constructor(func: WorkFunc, addr: number) {
    this.work = new WorkStruct(func, addr);
  }
}

/** struct workqueue_struct, as far as picking a pool goes. */
export class WorkqueueStruct {
  constructor(
    readonly name: string,
    readonly highpri: boolean,
    readonly unbound: boolean,
    readonly addr: number,
  ) {}
}

class Worker {
  current: WorkStruct | null = null;
  constructor(
    readonly task: Task,
    readonly pool: WorkerPool,
    readonly id: number,
  ) {}
}

/** struct worker_pool. */
class WorkerPool {
  readonly worklist: WorkStruct[] = [];
  /** idle_list, most recently idled first. */
  readonly idle: Worker[] = [];
  readonly workers: Worker[] = [];
  /** Workers executing work and not asleep (nr_running). */
  nrRunning = 0;
  constructor(
    /** -1 for the unbound pool. */
    readonly cpu: number,
    readonly highpri: boolean,
    readonly id: number,
  ) {}

  /** The worker's name: kworker/CPU:ID[H] or kworker/uPOOL:ID. */
  workerName(id: number): string {
    return this.cpu < 0 ? `kworker/u${this.id}:${id}` : `kworker/${this.cpu}:${id}${this.highpri ? 'H' : ''}`;
  }

  /** ida_simple_get: the lowest free worker id. */
  freeId(): number {
    for (let id = 0; ; id++) if (!this.workers.some((w) => w.id === id)) return id;
  }
}

interface WqState {
  readonly pools: WorkerPool[];
  readonly unbound: WorkerPool;
  readonly systemWq: WorkqueueStruct;
  readonly systemHighpriWq: WorkqueueStruct;
  readonly systemFreezablePowerEfficientWq: WorkqueueStruct;
  readonly mmPercpuWq: WorkqueueStruct;
}

const states = new WeakMap<Kernel, WqState>();

function state(k: Kernel): WqState {
  const s = states.get(k);
  if (!s) throw new Error('workqueues are not initialised (workqueue_init_early)');
  return s;
}

/** Direct-map addresses standing for the static workqueue_structs (in .data, above the image). */
const WQ_STRUCT_BASE = 0x3e00_0000;

/**
 * workqueue_init_early: a normal and a high-priority pool per CPU (pool ids cpu*2 and cpu*2+1,
 * as for_each_cpu_worker_pool numbers them), the unbound pool after them, and the system
 * workqueues the emulated subsystems queue on.
 */
export function workqueue_init_early(k: Kernel): void {
  const pools: WorkerPool[] = [];
  for (let c = 0; c < k.cpus.length; c++) pools.push(new WorkerPool(c, false, c * 2), new WorkerPool(c, true, c * 2 + 1));
  states.set(k, {
    pools,
    unbound: new WorkerPool(-1, false, k.cpus.length * 2),
    systemWq: new WorkqueueStruct('events', false, false, WQ_STRUCT_BASE),
    systemHighpriWq: new WorkqueueStruct('events_highpri', true, false, WQ_STRUCT_BASE + 0x200),
    // Without CONFIG_WQ_POWER_EFFICIENT_DEFAULT the power-efficient queues stay per-cpu.
    systemFreezablePowerEfficientWq: new WorkqueueStruct('events_freezable_power_efficient', false, false, WQ_STRUCT_BASE + 0x400),
    mmPercpuWq: new WorkqueueStruct('mm_percpu_wq', false, false, WQ_STRUCT_BASE + 0x600),
  });
}

export function system_wq(k: Kernel): WorkqueueStruct {
  return state(k).systemWq;
}

export function system_freezable_power_efficient_wq(k: Kernel): WorkqueueStruct {
  return state(k).systemFreezablePowerEfficientWq;
}

/** The pool a worker named `kworker/...` by boot belongs to, or null if the name is no worker's. */
function poolForName(s: WqState, name: string): { pool: WorkerPool; id: number } | null {
  let m = /^kworker\/(\d+):(\d+)(H?)$/.exec(name);
  if (m) {
    const pool = s.pools[Number(m[1]) * 2 + (m[3] ? 1 : 0)];
    return pool ? { pool, id: Number(m[2]) } : null;
  }
  m = /^kworker\/u\d+:(\d+)$/.exec(name);
  return m ? { pool: s.unbound, id: Number(m[1]) } : null;
}

/**
 * workqueue_init's first worker per pool, at the pid boot's order gives it. Returns null when
 * `name` is not a kworker, so boot makes a plain kthread instead.
 */
export function create_boot_worker(k: Kernel, name: string): Task | null {
  const found = poolForName(state(k), name);
  return found ? spawnWorker(k, found.pool, found.id) : null;
}

function spawnWorker(k: Kernel, pool: WorkerPool, id: number): Task {
  let worker: Worker | null = null;
  const task = kthread_create(k, pool.workerName(id), () => worker_thread(k, worker!));
  worker = new Worker(task, pool, id);
  if (pool.cpu >= 0) k.sched.bind(task, pool.cpu);
  if (pool.highpri) task.prio = 100;
  pool.workers.push(worker);
  return task;
}

/** create_worker: a new idle worker, started so it reaches worker_thread's idle wait. */
function create_worker(k: Kernel, pool: WorkerPool): void {
  k.enter(F_create_worker, 0);
  const t = spawnWorker(k, pool, pool.freeId());
  k.sched.wakeUp(t);
  k.leaveVoid(F_create_worker);
}

function needMoreWorker(pool: WorkerPool): boolean {
  return pool.worklist.length > 0 && pool.nrRunning === 0;
}

/** wake_up_worker: the first idle worker. */
function wakeUpWorker(k: Kernel, pool: WorkerPool): void {
  const w = pool.idle[0];
  if (w) k.sched.wakeUp(w.task);
}

function __queue_work(k: Kernel, cpu: number, wq: WorkqueueStruct, work: WorkStruct): void {
  k.enter(F___queue_work, cpu, wq.addr, work.addr);
  const s = state(k);
  const pool = wq.unbound ? s.unbound : s.pools[(cpu === WORK_CPU_UNBOUND ? k.cpu : cpu) * 2 + (wq.highpri ? 1 : 0)]!;
  pool.worklist.push(work);
  if (needMoreWorker(pool)) wakeUpWorker(k, pool);
  k.leaveVoid(F___queue_work);
}

/** queue_work_on: false if the work was already pending. */
export function queue_work_on(k: Kernel, cpu: number, wq: WorkqueueStruct, work: WorkStruct): boolean {
  k.enter(F_queue_work_on, cpu, wq.addr, work.addr);
  if (work.pending) return k.leave(F_queue_work_on, 0) !== 0;
  work.pending = true;
  __queue_work(k, cpu, wq, work);
  return k.leave(F_queue_work_on, 1) !== 0;
}

/** queue_delayed_work_on: the timer fires on the queueing CPU and queues the work there. */
export function queue_delayed_work_on(k: Kernel, cpu: number, wq: WorkqueueStruct, dwork: DelayedWork, delayNs: number): boolean {
  k.enter(F_queue_delayed_work_on, cpu, wq.addr, dwork.work.addr, delayNs);
  const work = dwork.work;
  if (work.pending) return k.leave(F_queue_delayed_work_on, 0) !== 0;
  work.pending = true;
  if (delayNs <= 0) {
    __queue_work(k, cpu, wq, work);
    return k.leave(F_queue_delayed_work_on, 1) !== 0;
  }
  dwork.timerPending = true;
  const timerCpu = cpu === WORK_CPU_UNBOUND ? k.cpu : cpu;
  k.sched.addTimer(k.now + delayNs, timerCpu, () => {
    k.enter(F_delayed_work_timer_fn, work.addr);
    dwork.timerPending = false;
    __queue_work(k, cpu, wq, work);
    k.leaveVoid(F_delayed_work_timer_fn);
  });
  return k.leave(F_queue_delayed_work_on, 1) !== 0;
}

function* process_one_work(k: Kernel, worker: Worker, work: WorkStruct): Generator<number, void, void> {
  const pool = worker.pool;
  k.enter(F_process_one_work, 0, work.addr);
  work.pending = false;
  worker.current = work;
  k.charge(COST_PROCESS_WORK);
  const g = work.func(k);
  for (;;) {
    const r = g.next();
    if (r.done) break;
    if (r.value === BLOCKED) {
      // wq_worker_sleeping: keep the pool's work moving while this one waits.
      pool.nrRunning--;
      if (needMoreWorker(pool)) wakeUpWorker(k, pool);
      yield BLOCKED;
      pool.nrRunning++;
    } else {
      yield r.value;
    }
  }
  worker.current = null;
  k.leaveVoid(F_process_one_work);
}

function* worker_thread(k: Kernel, worker: Worker): TaskBody {
  const pool = worker.pool;
  const task = worker.task;
  // worker_thread never returns: its frame stays under every work item.
  k.enter(F_worker_thread, 0);
  for (;;) {
    if (pool.worklist.length === 0) {
      // worker_enter_idle, then schedule() until wake_up_worker.
      pool.idle.unshift(worker);
      task.state = TaskState.Idle;
      yield BLOCKED;
      const i = pool.idle.indexOf(worker);
      if (i >= 0) pool.idle.splice(i, 1);
      continue;
    }
    pool.nrRunning++;
    // may_start_working / manage_workers: never leave the pool without an idle worker.
    if (pool.idle.length === 0) create_worker(k, pool);
    while (pool.worklist.length > 0) yield* process_one_work(k, worker, pool.worklist.shift()!);
    pool.nrRunning--;
  }
}
