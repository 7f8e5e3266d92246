// The emulated machine: CPUs with their virtual clocks, tasks, kernel text with its attach points,
// tracepoints, physical memory, and the kernel log. Everything that runs on it goes through one
// Kernel instance; nothing reads the host's clock or randomness.

import { checkConfig, DEFAULT_CONFIG, type MachineConfig } from './config.js';
import { Prng } from './prng.js';
import { PT_REGS, ProbeHitImpl, writeArg, type ProbeHandler } from './probes.js';
import { layoutText, lookupKfunc, type KernelFunction } from './symbols.js';
import { allTracepoints, type Tracepoint } from './trace/tracepoint.js';
import { Task, TaskState } from './sched/task.js';
import type { PageFrames } from './mm/page.js';
import type { PglistData } from './mm/mmzone.js';
import type { MmStruct } from './mm/mm_types.js';
import { Rmap } from './mm/rmap.js';
import type { SwapInfo } from './mm/swapfile.js';
import { Scheduler } from './sched/core.js';
import type { Binary } from './exec.js';
import type { Vfs } from './fs/namei.js';

export type TraceArg = number | string;
/** A tracepoint consumer: tracefs' ring buffer, a BPF program, a test's counter. */
export type TracepointListener = (tp: Tracepoint, args: readonly TraceArg[]) => void;

export interface Cpu {
  readonly id: number;
  /** This CPU's virtual clock in ns. Exact as a double up to 2^53 ns, about 104 days of uptime. */
  time: number;
  curr: Task;
  readonly idle: Task;
  readonly rq: Task[];
}

export interface LogLine {
  /** Virtual ns when it was logged. */
  readonly time: number;
  readonly level: number;
  readonly text: string;
}

export class Kernel {
  readonly config: MachineConfig;
  readonly prng: Prng;
  readonly cpus: Cpu[] = [];
  /** smp_processor_id() of the code running now. */
  cpu = 0;
  current: Task;
  /** kallsyms' _text: 0xffffffff81000000 plus the KASLR slide; only the low half varies. */
  readonly textLo: number;
  readonly functions: readonly KernelFunction[];
  /** Handlers attached per function; the byte arrays are what the hot path tests. */
  readonly entryOn: Uint8Array;
  readonly returnOn: Uint8Array;
  private readonly entryHandlers: ProbeHandler[][];
  private readonly returnHandlers: ProbeHandler[][];
  private readonly hit = new ProbeHitImpl();
  readonly tpOn: Uint8Array;
  private readonly tpListeners: TracepointListener[][];
  readonly tasks = new Map<number, Task>();
  private lastPid = 0;
  readonly log: LogLine[] = [];
  /** /proc/sys/vm values the memory manager reads. */
  readonly sysctl = {
    minFreeKbytes: 0,
    watermarkScaleFactor: 10,
    watermarkBoostFactor: 15000,
    lowmemReserveRatio: [256, 256, 32, 0, 0],
    swappiness: 60,
    overcommitMemory: 0,
    overcommitRatio: 50,
    panicOnOom: 0,
    oomKillAllocatingTask: 0,
  };
  /** Set by mm boot (mm/init.ts). */
  mem!: PageFrames;
  node!: PglistData;
  readonly rmap = new Rmap();
  swap: SwapInfo | null = null;
  /** Pages in the swap cache (written or being written to swap, still in memory). */
  swapCachePages = 0;
  /** Address spaces by id (rmap slots name their mm by id). */
  readonly mms = new Map<number, MmStruct>();
  /** The kernel's own address space: swapper_pg_dir, the master copy of the kernel mappings. */
  initMm!: MmStruct;
  private lastMmId = 0;
  readonly sched: Scheduler;
  /** The mount table and root directory (fs/namei.ts); set at boot. */
  vfs!: Vfs;
  /** The files execve can run, by path. */
  readonly binaries = new Map<string, Binary>();
  /** The OOM killer's victims whose memory is not yet back; out_of_memory waits on them. */
  readonly oomVictims = new Set<Task>();
  /** Tasks queued for the oom_reaper kthread. */
  readonly oomReapQueue: Task[] = [];
  oomReaper: Task | null = null;

  constructor(config: Partial<MachineConfig> = {}) {
    const c = { ...DEFAULT_CONFIG, ...config };
    const problem = checkConfig(c);
    if (problem) throw new RangeError(problem);
    this.config = c;
    this.prng = new Prng(c.seed);
    this.functions = layoutText();
    // KASLR: a 2 MiB-aligned slide below 1 GiB, as arch/x86/boot/compressed/kaslr.c picks one.
    const slide = c.kaslr ? (1 + this.prng.below(480)) * 0x200000 : 0;
    this.textLo = 0x81000000 + slide;
    const nf = this.functions.length;
    this.entryOn = new Uint8Array(nf);
    this.returnOn = new Uint8Array(nf);
    this.entryHandlers = Array.from({ length: nf }, () => []);
    this.returnHandlers = Array.from({ length: nf }, () => []);
    const nt = allTracepoints().length;
    this.tpOn = new Uint8Array(nt);
    this.tpListeners = Array.from({ length: nt }, () => []);
    for (let i = 0; i < c.cpus; i++) {
      const idle = new Task(0, 0, i === 0 ? 'swapper/0' : `swapper/${i}`);
      idle.cpu = i;
      idle.state = TaskState.Running;
      this.cpus.push({ id: i, time: 0, curr: idle, idle, rq: [] });
    }
    this.current = this.cpus[0]!.idle;
    this.sched = new Scheduler(this);
  }

  newMmId(): number {
    return ++this.lastMmId;
  }

  /** Virtual time on the running CPU, in ns. */
  get now(): number {
    return this.cpus[this.cpu]!.time;
  }

  /** Accounts `ns` of work to the running CPU. */
  charge(ns: number): void {
    this.cpus[this.cpu]!.time += ns;
  }

  /** Function entry: push the frame, run kprobes if any are attached. */
  enter(fn: KernelFunction, a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0): void {
    const t = this.current;
    if (fn.inStack) t.kstack[t.kdepth++] = fn.id;
    if (this.entryOn[fn.id] !== 0) this.fireEntry(fn, a0, a1, a2, a3, a4, a5);
  }

  /** Function return: run kretprobes if attached, pop the frame, hand back the value. */
  leave(fn: KernelFunction, ret: number): number {
    if (this.returnOn[fn.id] !== 0) this.fireReturn(fn, ret);
    if (fn.inStack) this.current.kdepth--;
    return ret;
  }

  leaveVoid(fn: KernelFunction): void {
    if (this.returnOn[fn.id] !== 0) this.fireReturn(fn, 0);
    if (fn.inStack) this.current.kdepth--;
  }

  private fireEntry(fn: KernelFunction, a0: number, a1: number, a2: number, a3: number, a4: number, a5: number): void {
    const hit = this.hit;
    hit.fill(fn, this.textLo, a0, a1, a2, a3, a4, a5);
    hit.fn = fn;
    hit.task = this.current;
    hit.cpu = this.cpu;
    hit.isReturn = false;
    for (const h of this.entryHandlers[fn.id]!) h(hit);
  }

  private fireReturn(fn: KernelFunction, ret: number): void {
    const hit = this.hit;
    hit.fill(fn, this.textLo, 0, 0, 0, 0, 0, 0);
    hit.fn = fn;
    hit.task = this.current;
    hit.cpu = this.cpu;
    hit.isReturn = true;
    writeArg(hit.regs, PT_REGS.ax, fn.ret, ret);
    for (const h of this.returnHandlers[fn.id]!) h(hit);
  }

  /** Attaches a kprobe (or kretprobe) handler; returns the detach function. */
  attachProbe(fnName: string, handler: ProbeHandler, isReturn = false): () => void {
    const fn = lookupKfunc(fnName);
    if (!fn) throw new RangeError(`no kernel function ${fnName}`);
    const lists = isReturn ? this.returnHandlers : this.entryHandlers;
    const on = isReturn ? this.returnOn : this.entryOn;
    // A function's kprobes hang on one aggregate kprobe, newest first (add_new_kprobe's
    // list_add_rcu); kretprobes' instances are taken in the order they were registered.
    if (isReturn) lists[fn.id]!.push(handler);
    else lists[fn.id]!.unshift(handler);
    on[fn.id] = 1;
    return () => {
      const l = lists[fn.id]!;
      const i = l.indexOf(handler);
      if (i >= 0) l.splice(i, 1);
      on[fn.id] = l.length ? 1 : 0;
    };
  }

  /** Delivers a tracepoint to its listeners; call only when tpOn[tp.id] is set. */
  traceEvent(tp: Tracepoint, ...args: TraceArg[]): void {
    for (const l of this.tpListeners[tp.id]!) l(tp, args);
  }

  listenTracepoint(tp: Tracepoint, listener: TracepointListener): () => void {
    const list = this.tpListeners[tp.id]!;
    list.push(listener);
    this.tpOn[tp.id] = 1;
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
      this.tpOn[tp.id] = list.length ? 1 : 0;
    };
  }

  /**
   * The current task's kernel stack, innermost first, as function names. `top` is the function
   * a probe fired in when that function tail-calls and so has no frame of its own.
   */
  stackTrace(top?: KernelFunction): string[] {
    const t = this.current;
    const out: string[] = [];
    if (top && !top.inStack) out.push(top.name);
    for (let i = t.kdepth - 1; i >= 0; i--) out.push(this.functions[t.kstack[i]!]!.name);
    return out;
  }

  /**
   * The current task's stack as dump_stack prints it, `func+0xOFF/0xSIZE` innermost first. The
   * return address inside each caller is fixed per (caller, callee) pair, as a call site is.
   */
  stackFrames(): string[] {
    const t = this.current;
    const out: string[] = [];
    for (let i = t.kdepth - 1; i >= 0; i--) {
      const fn = this.functions[t.kstack[i]!]!;
      const callee = i + 1 < t.kdepth ? t.kstack[i + 1]! : -1;
      out.push(`${fn.name}+0x${callSiteOffset(fn, callee).toString(16)}/0x${fn.size.toString(16)}`);
    }
    return out;
  }

  /** The address of a function in kernel text, as kallsyms prints it. */
  symbolAddress(fn: KernelFunction): bigint {
    return (0xffffffffn << 32n) | BigInt(this.textLo + fn.offset);
  }

  /** kallsyms_lookup: the function nearest at or below `addr`, and how far past its start; null below the text. */
  symbolAt(addr: bigint): { fn: KernelFunction; off: bigint } | null {
    let best: { fn: KernelFunction; off: bigint } | null = null;
    for (const fn of this.functions) {
      const a = this.symbolAddress(fn);
      if (a <= addr && (!best || addr - a < best.off)) best = { fn, off: addr - a };
    }
    return best;
  }

  allocPid(): number {
    // pid_max 32768 and wrap-around as alloc_pid's idr_alloc_cyclic does.
    for (let i = 0; i < 32768; i++) {
      this.lastPid = this.lastPid >= 32767 ? 300 : this.lastPid + 1;
      if (!this.tasks.has(this.lastPid)) return this.lastPid;
    }
    return -1;
  }

  /** The pid alloc_pid handed out last (the pid idr's cursor less one), as /proc/loadavg shows it. */
  get lastAllocatedPid(): number {
    return this.lastPid;
  }

  /** Skips pids up to `pid` (boot uses it to land kthreads on the pids the lecture shows). */
  reservePidsBelow(pid: number): void {
    if (this.lastPid < pid - 1) this.lastPid = pid - 1;
  }

  /** printk: the kernel log `dmesg` reads. */
  printk(text: string, level = 6): void {
    for (const line of text.split('\n')) this.log.push({ time: this.now, level, text: line });
  }
}


/** Where in `fn` the call to `callee` returns to: a fixed spot past the prologue. */
export function callSiteOffset(fn: KernelFunction, callee: number): number {
  let h = Math.imul(fn.id + 1, 0x9e3779b1) ^ Math.imul(callee + 2, 0x85ebca6b);
  h = (h ^ (h >>> 15)) >>> 0;
  const span = Math.max(1, fn.size - 0x10);
  return 0x5 + (h % span);
}
