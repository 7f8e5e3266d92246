// bpftrace's runtime (src/bpftrace.cpp): create the maps, load a program per probe, attach them to
// the emulated kernel, trigger BEGIN, turn perf records into output while the machine runs, and at
// the end run END and print the maps. bpftrace itself is a process on the machine (`bpftrace` in
// ps), and BEGIN and END run in its context as they do through bpftrace's uprobes on itself.

import { relocateMapRefs } from '../../bpf/program.js';
import { disassemble } from '../../bpf/disasm.js';
import { BpfSubsystem } from '../../bpf/syscall.js';
import { ENOMEM, ENOSPC } from '../../bpf/errno.js';
import { BPF_MAP_TYPE } from '../../bpf/maps/map.js';
import { PERF_RECORD_LOST, type PerfEvent, type PerfRecord } from '../../bpf/maps/perf_event.js';
import type { Kernel, TraceArg } from '../../kernel/machine.js';
import { Proc } from '../../kernel/process.js';
import { PT_REGS_SIZE, type ProbeHit } from '../../kernel/probes.js';
import type { Task } from '../../kernel/sched/task.js';
import { installFile } from '../../kernel/fs/mount.js';
import { lookupPath } from '../../kernel/fs/namei.js';
import { ENOENT } from '../../kernel/fs/inode.js';
import { FilesStruct } from '../../kernel/fs/fdtable.js';
import { openConsole } from '../../kernel/fs/devtmpfs.js';
import { send_sig, SIGINT } from '../../kernel/signal.js';
import { lookupTracepoint, type Tracepoint } from '../../kernel/trace/tracepoint.js';
import { buildTraceRecord, recordBytes } from '../../kernel/trace/record.js';
import { BOOT_EPOCH } from '../../kernel/fs/proc/stat.js';
import { AsyncAction, AsyncEvent, JOIN_ARGNUM, JOIN_ARGSIZE, type FormatCall } from '../async_action.js';
import type { CompiledMap } from '../codegen/maps.js';
import type { CompiledProbe, CompiledProgram } from '../passes/codegen.js';
import { KernelHost } from '../kernel_host.js';
import type { ResolvedProbe } from '../probe_matcher.js';
import { createOutput, type OutputFormat } from '../output/index.js';
import type { Output } from '../output/output.js';
import { EXIT_SEPARATOR, printMap, printMaps } from '../output/print_map.js';
import { FormatString, printfArg } from '../output/printf.js';
import { brokenDownTime, resolveTimestamp, strftime } from '../output/time.js';
import { joinToStr } from '../output/join.js';
import type { StackFrame } from '../output/value.js';
import type { SizedType } from '../types.js';
import { decodeValue, readCString, readU64, type Resolver } from './decode.js';
import { readMap } from './maps.js';
import { DEFAULT_SETTINGS, type BpftraceSettings } from '../settings.js';

export interface RuntimeIo {
  /** bpftrace's stdout (the exit separator always goes here). */
  stdout(s: string): void;
  /** Where output goes: stdout, or the `-o` file. Byte strings (one char per byte). */
  out(s: string): void;
  stderr(s: string): void;
}

export interface RuntimeOptions {
  format: OutputFormat;
  quiet: boolean;
  /** -v: print each program's ID and the verifier's summary as 0.17 does. */
  verbose: boolean;
  /** The verifier's dialect: Linux 5.0's rules, or 6.x's (bounded loops). */
  bpfKernel: '5.0' | '6.x';
  /** BPFTRACE_* limits; 0.17's defaults when absent. */
  settings?: BpftraceSettings;
}

/** A loaded probe and how to undo its attachment. */
interface Attached {
  probe: CompiledProbe;
  fd: number;
}

const INTERVAL_NS: Record<string, number> = { s: 1e9, ms: 1e6, us: 1e3, hz: 0 };
const BPFTRACE_PATH = '/usr/bin/bpftrace';
/** cat_file reads a file in pieces of this size, up to BPFTRACE_CAT_BYTES_MAX. */
const CAT_BUFSIZE = 4096n;

/**
 * What bpftrace's process does between reading records: run a system() command or read a cat()
 * file. It does it in its own process on the machine, where its syscalls can be traced, and reads
 * no further records until it is done, as bpftrace's reader does.
 */
type Job = (p: Proc) => Generator<number, void, void>;

/** The runtime each bpftrace process on a machine works for (the program is the same for all). */
const runtimes = new WeakMap<Task, BPFtrace>();

function* bpftraceMain(p: Proc): Generator<number, number, void> {
  for (;;) {
    const rt = runtimes.get(p.task);
    const job = rt?.jobs[0];
    if (!rt || !job) {
      yield* p.sleep(3600e9);
      continue;
    }
    yield* job(p);
    rt.jobs.shift();
    rt.drain();
  }
}

/** A map, program or attachment bpftrace could not make; `status` is what bpftrace exits with. */
export class BpfLoadError extends Error {
  constructor(
    message: string,
    readonly status = 255,
  ) {
    super(message);
  }
}

const ERRNO_TEXT: Record<number, string> = {
  1: 'Operation not permitted',
  2: 'No such file or directory',
  7: 'Argument list too long',
  12: 'Cannot allocate memory',
  13: 'Permission denied',
  20: 'Not a directory',
  21: 'Is a directory',
  22: 'Invalid argument',
  28: 'No space left on device',
};
const strerror = (errno: number): string => ERRNO_TEXT[errno] ?? `Unknown error ${errno}`;

/** What bpftrace's Map constructors log when BPF_MAP_CREATE fails. */
function mapCreateError(m: CompiledMap, errno: number): string {
  if (m.kind === 'stack') {
    const limit = m.stack?.limit ?? 0;
    const advice =
      errno === 12
        ? `Tried to allocate ${m.maxEntries} entries of size ${m.valueSize}. Consider limiting the number of stack frames captured.`
        : `This might have happened because kernel.perf_event_max_stack is smaller than ${limit}. Try to tweak this value with sysctl kernel.perf_event_max_stack=<new value>`;
    return `ERROR: failed to create stack id map: ${strerror(errno)}\nERROR: ${advice}\n`;
  }
  // The perf event array's Map constructor leaves its name empty.
  if (m.kind === 'perf_event') return `ERROR: failed to create  map: ${strerror(errno)}\n`;
  return `ERROR: failed to create map: '${m.name}': ${strerror(errno)}\n`;
}

export class BPFtrace {
  readonly bpf: BpfSubsystem;
  readonly host: KernelHost;
  readonly output: Output;
  /** exit() was called (or the run was stopped): END runs and the maps print. */
  exitRequested = false;
  /** system() and cat() calls bpftrace's process has still to do, in record order. */
  readonly jobs: Job[] = [];
  private readonly mapFds: number[] = [];
  private readonly perf: PerfEvent[] = [];
  private readonly detachers: (() => void)[] = [];
  private readonly ctx = new Uint8Array(PT_REGS_SIZE);
  private readonly printfs: FormatString[];
  private readonly systemFmts: FormatString[];
  private readonly catFmts: FormatString[];
  private task: Task | null = null;
  private stopped = false;
  private finished = false;
  /** The command system() is running, while it runs. */
  private popenPid = 0;
  private readonly settings: BpftraceSettings;

  constructor(
    readonly k: Kernel,
    readonly prog: CompiledProgram,
    /** Per probe, per attach point, the kernel's matches (compile's expansions). */
    readonly expansions: readonly (readonly (readonly ResolvedProbe[])[])[],
    readonly opts: RuntimeOptions,
    readonly io: RuntimeIo,
  ) {
    this.settings = opts.settings ?? DEFAULT_SETTINGS;
    this.host = new KernelHost(k);
    this.bpf = new BpfSubsystem(this.host, opts.bpfKernel);
    this.output = createOutput(opts.format);
    this.printfs = prog.printfArgs.map((p) => new FormatString(p.fmt));
    this.systemFmts = prog.systemArgs.map((p) => new FormatString(p.fmt));
    this.catFmts = prog.catArgs.map((p) => new FormatString(p.fmt));
  }

  /** Creates the maps and loads every program; throws BpfLoadError with bpftrace's message. */
  load(): void {
    // bpftrace's prerun: the attach line comes before any map or program is made.
    const count = this.expansions.reduce((n, aps) => n + aps.reduce((m, rs) => m + rs.length, 0), 0);
    const maxProbes = this.settings.maxProbes;
    if (BigInt(count) > maxProbes) {
      throw new BpfLoadError(
        `Can't attach to ${count} probes because it exceeds the current limit of ${maxProbes} probes.\nYou can increase the limit through the BPFTRACE_MAX_PROBES environment variable, but BE CAREFUL since a high number of probes attached can cause your system to crash.`,
        1,
      );
    }
    if (!this.opts.quiet) this.io.out(this.output.attachedProbes(count));
    const nrCpus = this.host.nrCpus;
    // RequiredResources::create_maps: every map is tried, each failure said as its Map
    // constructor says it, and a word of advice at the end; BPFtrace::run then returns 1.
    let failed = 0;
    for (const m of this.prog.maps) {
      const fd = this.bpf.mapCreate({ mapType: m.mapType, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.kind === 'perf_event' ? nrCpus : m.maxEntries, name: m.bpfName });
      if (fd < 0) {
        failed++;
        this.io.stderr(mapCreateError(m, -fd));
      }
      this.mapFds.push(fd < 0 ? -1 : fd);
    }
    if (failed > 0) {
      this.io.stderr(
        'Creation of the required BPF maps has failed.\nMake sure you have all the required permissions and are not confined (e.g. like\nsnapcraft does). `dmesg` will likely have useful output for further troubleshooting\n',
      );
      throw new BpfLoadError('', 1);
    }
    this.setupPerfEvents();
  }

  /**
   * setup_perf_events: a perf buffer of BPFTRACE_PERF_RB_PAGES pages per CPU, in the `printf`
   * map. libbcc takes the count as an int and reports a failed mmap with perror.
   */
  private setupPerfEvents(): void {
    const fd = this.mapFds[this.prog.perfEventMap]!;
    const pages = Number(BigInt.asIntN(32, this.settings.perfRbPages));
    // Linux allocates a buffer's pages when it is mapped (rb_alloc), so a machine with fewer
    // pages than asked for refuses it; bpfbox's buffers are host memory, never asked for more.
    let pagesLeft = this.k.mem.nrFrames;
    for (let cpu = 0; cpu < this.host.nrCpus; cpu++) {
      pagesLeft -= pages;
      const pfd = pagesLeft < 0 ? -ENOMEM : this.bpf.perfEventOpen(cpu, pages);
      if (pfd < 0) {
        this.io.stderr(`mmap: ${strerror(-pfd)}\n`);
        throw new BpfLoadError('Failed to open perf buffer');
      }
      this.perf.push(this.bpf.perfEventByFd(pfd)!);
      const key = new Uint8Array(4);
      new DataView(key.buffer).setUint32(0, cpu, true);
      const val = new Uint8Array(4);
      new DataView(val.buffer).setUint32(0, pfd, true);
      this.bpf.mapUpdateElem(fd, key, val);
    }
  }

  /**
   * AttachedProbe's load_prog: every attachment loads its own copy of the program (so one
   * program attached to two functions has two IDs), printing with -v its ID and the verifier's
   * summary, then `Attaching NAME`; throws BpfLoadError when the kernel refuses it.
   */
  private loadFor(p: CompiledProbe): Attached {
    const log = { log: '' };
    const insns = relocateMapRefs(p.insns, this.mapFds);
    const fd = this.bpf.progLoad({ progType: p.progTypeId, insns, license: 'GPL', name: progName(p), logLevel: this.opts.verbose ? 1 : 0, logSize: Number(this.settings.logSize) }, log);
    if (fd < 0) {
      if (this.opts.verbose) {
        this.io.stderr(`\nError log: \n${log.log}\n`);
        if (fd === -ENOSPC) {
          throw new BpfLoadError(
            `Error: Failed to load program, verification log buffer not big enough, try increasing the BPFTRACE_LOG_SIZE environment variable beyond the current value of ${this.settings.logSize} bytes`,
          );
        }
      }
      throw new BpfLoadError(`Error loading program: ${p.name}${this.opts.verbose ? '' : ' (try -v)'}`);
    }
    if (this.opts.verbose) {
      // 0.17 prints the ID and the verifier's log; bpfbox adds the bytecode and its tag between.
      const prog = this.bpf.progByFd(fd)!;
      const listing = disassemble(insns).join('\n');
      this.io.out(`\nProgram ID: ${prog.id}\n\nBytecode of ${p.name} (tag ${prog.tag}):\n${listing}\n\nThe verifier log: \n${log.log.trim().split('\n').at(-1) ?? ''}\n\n`);
      this.io.stderr(`Attaching ${this.prog.astProbes[p.astProbe]!.name}\n`);
    }
    return { probe: p, fd };
  }

  /** Starts bpftrace's own process, runs BEGIN and attaches the other probes; throws BpfLoadError when one cannot attach. */
  start(): void {
    this.task = this.spawnSelf();
    const elapsed = this.prog.maps.find((m) => m.kind === 'elapsed');
    if (elapsed) this.writeU64(this.mapFds[elapsed.id]!, 0n, BigInt(this.k.now));
    // BPFtrace::run triggers BEGIN before it attaches the other probes: in program order, except
    // kprobes, which go on in reverse (Linux fires the kprobes of one function newest first).
    const rest: [CompiledProbe, ResolvedProbe, number][] = [];
    this.forEachMatch((i, j, r, freq) => {
      if (r.provider === 'BEGIN') this.runInSelf(this.loadFor(this.programFor(i, j, r)));
      else if (r.provider !== 'END') rest.push([this.programFor(i, j, r), r, freq]);
    });
    for (const [p, r, freq] of rest) if (r.provider !== 'kprobe') this.attach(this.loadFor(p), r.provider, r.target, r.func, freq);
    for (const [p, r, freq] of rest.reverse()) if (r.provider === 'kprobe') this.attach(this.loadFor(p), r.provider, r.target, r.func, freq);
  }

  /** Every match of every attach point, in program order (BPFtrace::add_probe's resources.probes). */
  private forEachMatch(f: (block: number, ap: number, r: ResolvedProbe, freq: number) => void): void {
    this.prog.astProbes.forEach((_, i) => {
      this.prog.probes.find((p) => p.astProbe === i)?.attachPoints.forEach((ap, j) => {
        for (const r of this.expansions[i]?.[j] ?? []) f(i, j, r, ap.freq);
      });
    });
  }

  /** Whether tracing is over: exit() ran, or bpftrace's process is gone. */
  get done(): boolean {
    return this.exitRequested;
  }

  /** Whether bpftrace's process has done every system() and cat() it has read. */
  get idle(): boolean {
    return this.jobs.length === 0;
  }

  /**
   * Detaches every probe and runs END in bpftrace's context; what END asks of the process may
   * still be running. Throws BpfLoadError when END has no program to run.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const d of this.detachers) d();
    this.detachers.length = 0;
    this.forEachMatch((i, j, r) => {
      if (r.provider === 'END') this.runInSelf(this.loadFor(this.programFor(i, j, r)));
    });
  }

  /**
   * attach_probe's lookup of the program for a match of attach point `j` of probe block `i`: the
   * section named for the probe (BEGIN and END go by the block's name) and its index, else the
   * one named for the block. An expanded block has programs named for each match only, so BEGIN
   * in `BEGIN,END { probe }` finds none, as in 0.17.
   */
  private programFor(i: number, j: number, r: ResolvedProbe): CompiledProbe {
    const block = this.prog.astProbes[i]!;
    const name = r.provider === 'BEGIN' || r.provider === 'END' ? block.name : r.name;
    const probes = this.prog.probes;
    // AttachPoint::index(name): set by codegen for the match of that name in an expanded block.
    const own = probes.find((p) => p.astProbe === i && p.expansion?.ap === j && p.expansion.match === name);
    const index = own ? own.index : block.index;
    const section = (n: string): CompiledProbe | undefined => probes.find((p) => p.name === n && p.index === index);
    const found = section(name) ?? section(block.name);
    if (!found) throw new BpfLoadError(`Code not generated for probe: ${name}${name !== block.name ? ` from: ${block.name}` : ''}`);
    return found;
  }

  /**
   * Ends a run that cannot wait for bpftrace's process any longer (Ctrl-C): the command system()
   * runs gets SIGINT, as the terminal's process group would, and the rest is dropped.
   */
  interrupt(): void {
    const child = this.popenPid > 0 ? this.k.tasks.get(this.popenPid) : undefined;
    if (child) send_sig(this.k, SIGINT, child);
  }

  /** Stops if need be, prints what is left and the maps. */
  finish(): void {
    if (this.finished) return;
    this.stop();
    this.finished = true;
    this.jobs.length = 0;
    this.drain();
    this.io.stdout(EXIT_SEPARATOR);
    const snaps = this.prog.maps.filter((m) => m.kind === 'user').map((m) => readMap(this.bpf, this.mapFds[m.id]!, m, this.resolver));
    this.io.out(printMaps(this.output, snaps));
    if (this.task) {
      this.task.killed = true;
      this.k.sched.wakeUp(this.task);
    }
  }

  private attach(a: Attached, provider: string, target: string, func: string, freq: number): void {
    const k = this.k;
    if (provider === 'interval' || provider === 'profile') {
      if (freq <= 0) {
        // perf_event_open's check, in the words of the library bpftrace attaches through.
        this.io.stderr('Exactly one of sample_period / sample_freq should be set\n');
        throw new BpfLoadError(`Error attaching probe: ${provider}:${target}`);
      }
      const period = target === 'hz' ? Math.round(1e9 / freq) : freq * (INTERVAL_NS[target] ?? 1e9);
      const cpus = provider === 'profile' ? k.cpus.map((c) => c.id) : [0];
      let live = true;
      for (const cpu of cpus) {
        const fire = (): void => {
          if (!live) return;
          this.run(a);
          k.sched.addTimer(k.now + period, cpu, fire);
        };
        k.sched.addTimer(k.now + period, cpu, fire);
      }
      this.detachers.push(() => void (live = false));
    } else if (provider === 'kprobe' || provider === 'kretprobe') {
      const isReturn = provider === 'kretprobe';
      this.detachers.push(k.attachProbe(func, (hit) => this.onProbe(a, hit, isReturn), isReturn));
    } else if (provider === 'tracepoint') {
      const tp = lookupTracepoint(target, func)!;
      this.detachers.push(k.listenTracepoint(tp, (t, args) => this.onTracepoint(a, t, args)));
    }
  }

  private onProbe(a: Attached, hit: ProbeHit, isReturn: boolean): void {
    this.host.probedFn = hit.fn;
    // A kprobe fires at the breakpoint past the first byte; a kretprobe in its trampoline.
    this.host.probedOffset = isReturn ? 0 : 1;
    const regs = new Uint8Array(hit.regs.buffer, hit.regs.byteOffset, PT_REGS_SIZE);
    this.run(a, regs);
    this.host.probedFn = null;
  }

  private onTracepoint(a: Attached, tp: Tracepoint, args: readonly TraceArg[]): void {
    const rec = new Uint8Array(recordBytes(tp, args));
    buildTraceRecord(this.k, tp, args, rec);
    this.run(a, rec);
  }

  /** Runs a probe's program in the current context, then handles what it sent to user space. */
  private run(a: Attached, ctx: Uint8Array = this.ctx): void {
    const r = this.bpf.progTestRun(a.fd, { ctx });
    if (r.err) this.io.stderr(`ERROR: ${a.probe.name}: the program faulted: ${r.error ?? r.err}\n`);
    this.drain();
  }

  /** Runs a BEGIN or END program as bpftrace's uprobe on itself would: in its process. */
  private runInSelf(a: Attached): void {
    const k = this.k;
    const t = this.task;
    const saveTask = k.current;
    const saveCpu = k.cpu;
    if (t) {
      k.current = t;
      k.cpu = t.cpu;
    }
    this.ctx.fill(0);
    this.run(a);
    k.current = saveTask;
    k.cpu = saveCpu;
  }

  /** bpftrace's process: it waits for events until the run ends. */
  private spawnSelf(): Task | null {
    const k = this.k;
    if (!k.binaries.has(BPFTRACE_PATH)) {
      const file = installFile(k, BPFTRACE_PATH, '', 0o755);
      k.binaries.set(BPFTRACE_PATH, {
        path: BPFTRACE_PATH,
        main: bpftraceMain,
        textPages: 2048,
        dataPages: 256,
        inode: file.ino,
      });
    }
    const init = k.tasks.get(1);
    if (!init) return null;
    const save = k.current;
    k.current = init;
    const pid = new Proc(k, init).fork(function* (c) {
      // Started from the terminal: its standard descriptors are the console's.
      const files = new FilesStruct();
      for (const fd of [0, 1, 2] as const) files.alloc(openConsole(k, fd));
      c.task.files = files;
      return yield* c.exec(BPFTRACE_PATH, ['bpftrace']);
    });
    k.current = save;
    const task = pid > 0 ? (k.tasks.get(pid) ?? null) : null;
    if (task) runtimes.set(task, this);
    // Let the fork reach exec, so BEGIN sees bpftrace's comm.
    k.sched.run(k.now + 1_000_000);
    return task;
  }

  /** Reads the perf buffers, unless bpftrace's process is busy with a system() or cat(). */
  drain(): void {
    for (const ev of this.perf) {
      if (this.jobs.length) return;
      ev.consume(this.onRecord, this.busy);
    }
  }

  private readonly busy = (): boolean => this.jobs.length > 0;

  /**
   * Hands a system() or cat() to bpftrace's process, which reads no more records until it is
   * done and has printed what it got.
   */
  private queue(type: 'syscall' | 'cat', run: (p: Proc) => Generator<number, string, void>): void {
    // At the very end bpftrace's process is going: what it has not started is dropped.
    if (this.finished) return;
    const rt = this;
    this.jobs.push(function* (p: Proc) {
      const text = yield* run(p);
      rt.io.out(rt.output.message(type, text, false));
    });
    if (this.task) this.k.sched.wakeUp(this.task);
  }

  /** exec_system: popen(cmd, "r"), everything it writes to the pipe, pclose. */
  private *popen(p: Proc, cmd: string): Generator<number, string, void> {
    const fds = p.pipe();
    if (typeof fds === 'number') return '';
    const [r, w] = fds;
    const pid = p.fork(function* (c) {
      c.dup2(w, 1);
      c.close(r);
      c.close(w);
      return yield* c.exec('/bin/sh', ['sh', '-c', cmd]);
    });
    p.close(w);
    let out = '';
    if (pid > 0) {
      this.popenPid = pid;
      const text = yield* p.readAll(r);
      if (typeof text === 'string') out = text;
      yield* p.wait(pid);
      this.popenPid = 0;
    }
    p.close(r);
    return out;
  }

  /** cat_file: at most BPFTRACE_CAT_BYTES_MAX bytes of the file; an error when it cannot be opened. */
  private *catFile(p: Proc, path: string): Generator<number, string, void> {
    const fd = p.open(path);
    if (fd < 0) {
      this.io.stderr(`ERROR: failed to open file '${path}': ${strerror(-fd)}\n`);
      return '';
    }
    const max = this.settings.catBytesMax;
    let out = '';
    while (BigInt(out.length) < max) {
      const left = max - BigInt(out.length);
      const r = yield* p.read(fd, Number(left < CAT_BUFSIZE ? left : CAT_BUFSIZE));
      if (typeof r === 'number') {
        this.io.stderr(`ERROR: failed to open file '${path}': ${strerror(-r)}\n`);
        break;
      }
      if (r === '') break;
      out += r;
    }
    p.close(fd);
    return out;
  }

  private readonly onRecord = (r: PerfRecord): void => {
    if (r.type === PERF_RECORD_LOST) {
      this.io.out(this.output.lostEvents(BigInt(r.lost)));
      return;
    }
    // perf_event_printer ignores what comes after exit() until END runs (finalize_).
    if (this.exitRequested && !this.stopped) return;
    const d = r.data;
    const id = Number(readU64(d, 0));
    const out = this.output;
    if (id < AsyncAction.syscall) {
      this.io.out(out.message('printf', this.format(this.printfs[id]!, this.prog.printfArgs[id]!, d), false));
      return;
    }
    if (id < AsyncAction.cat) {
      const cmd = this.format(this.systemFmts[id - AsyncAction.syscall]!, this.prog.systemArgs[id - AsyncAction.syscall]!, d);
      this.queue('syscall', (p) => this.popen(p, cmd));
      return;
    }
    if (id < AsyncAction.exit) {
      const path = this.format(this.catFmts[id - AsyncAction.cat]!, this.prog.catArgs[id - AsyncAction.cat]!, d);
      this.queue('cat', (p) => this.catFile(p, path));
      return;
    }
    switch (id) {
      case AsyncAction.exit:
        this.exitRequested = true;
        // bpftrace stops polling and detaches at once: the machine stops once this instant is over.
        this.k.sched.stopAfter(this.k.now);
        return;
      case AsyncAction.print: {
        const m = this.prog.maps[new DataView(d.buffer, d.byteOffset).getUint32(AsyncEvent.Print.mapid, true)]!;
        const v = new DataView(d.buffer, d.byteOffset);
        const top = v.getUint32(AsyncEvent.Print.top, true);
        const div = v.getUint32(AsyncEvent.Print.div, true);
        this.io.out(printMap(out, readMap(this.bpf, this.mapFds[m.id]!, m, this.resolver), top, div));
        return;
      }
      case AsyncAction.clear:
      case AsyncAction.zero: {
        const m = this.prog.maps[new DataView(d.buffer, d.byteOffset).getUint32(AsyncEvent.MapEvent.mapid, true)]!;
        this.clearMap(m, id === AsyncAction.zero);
        return;
      }
      case AsyncAction.time: {
        const fmt = this.prog.timeArgs[new DataView(d.buffer, d.byteOffset).getUint32(AsyncEvent.Time.time_id, true)]!;
        const text = strftime(fmt, brokenDownTime(BigInt(BOOT_EPOCH + Math.floor(this.k.now / 1e9))));
        if (text !== null) this.io.out(out.message('time', text, false));
        return;
      }
      case AsyncAction.join: {
        const joinId = Number(readU64(d, AsyncEvent.Join.join_id));
        const elems: string[] = [];
        for (let i = 0; i < JOIN_ARGNUM; i++) {
          const s = readCString(d, AsyncEvent.Join.args + i * JOIN_ARGSIZE, JOIN_ARGSIZE);
          if (!s) break;
          elems.push(s);
        }
        this.io.out(out.message('join', joinToStr(elems, this.prog.joinArgs[joinId]!, JOIN_ARGSIZE)));
        return;
      }
      case AsyncAction.print_non_map: {
        const ty: SizedType = this.prog.nonMapPrintArgs[Number(readU64(d, AsyncEvent.PrintNonMap.print_id))]!;
        this.io.out(out.value(ty, decodeValue(d, AsyncEvent.PrintNonMap.content, ty, this.resolver)));
        return;
      }
      default:
        this.io.stderr(`ERROR: unknown async action ${id}\n`);
    }
  };

  /** A printf, system or cat call's text from its record. */
  private format(fmt: FormatString, call: FormatCall, d: Uint8Array): string {
    return fmt.format(call.args.map((f) => printfArg(f.type, decodeValue(d, f.offset, f.type, this.resolver))));
  }

  /** clear(): every entry goes (a per-CPU array's slot can only be zeroed); zero(): every value zeroed. */
  private clearMap(m: CompiledMap, zeroOnly: boolean): void {
    const fd = this.mapFds[m.id]!;
    const map = this.bpf.mapByFd(fd)!;
    const zero = new Uint8Array(map.userValueSize);
    for (const key of this.bpf.mapKeys(fd)) {
      if (zeroOnly || m.mapType === BPF_MAP_TYPE.percpu_array) this.bpf.mapUpdateElem(fd, key, zero);
      else this.bpf.mapDeleteElem(fd, key);
    }
  }

  private writeU64(fd: number, key: bigint, value: bigint): void {
    const k = new Uint8Array(8);
    const v = new Uint8Array(8);
    new DataView(k.buffer).setBigUint64(0, key, true);
    new DataView(v.buffer).setBigUint64(0, value, true);
    this.bpf.mapUpdateElem(fd, k, v);
  }

  readonly resolver: Resolver = {
    stack: (type, stackid) => this.stackFrames(type, stackid),
    ksym: (addr, withOffset) => this.ksym(addr, withOffset),
    probe: (id) => this.prog.probeIds[id] ?? '',
    username: (uid) => this.username(uid),
    record: (name) => this.prog.structs.get(name),
    timestamp: (id, nsecs) =>
      resolveTimestamp(this.prog.strftimeArgs[id] ?? '', { sec: BigInt(BOOT_EPOCH), nsec: 0n }, nsecs, (s) => brokenDownTime(s)),
  };

  private stackFrames(type: SizedType, stackid: number): StackFrame[] | null {
    const m = this.prog.maps.find((x) => x.kind === 'stack' && x.stack?.mode === type.stack?.mode && x.stack?.limit === type.stack?.limit);
    if (!m) return null;
    const key = new Uint8Array(4);
    new DataView(key.buffer).setUint32(0, stackid, true);
    const val = new Uint8Array(m.valueSize);
    if (this.bpf.mapLookupElem(this.mapFds[m.id]!, key, val) !== 0) return null;
    const frames: StackFrame[] = [];
    for (let off = 0; off < m.valueSize; off += 8) {
      const addr = readU64(val, off);
      if (addr === 0n) break;
      frames.push({ addr, sym: type.type === 'kstack' ? this.ksym(addr, true) : `0x${addr.toString(16)}` });
    }
    return frames;
  }

  /** resolve_ksym over the machine's kallsyms: the function at or below addr. */
  private ksym(addr: bigint, withOffset: boolean): string {
    const sym = this.k.symbolAt(addr);
    if (!sym) return `0x${addr.toString(16)}`;
    return withOffset ? `${sym.fn.name}+${sym.off}` : sym.fn.name;
  }

  /** resolve_uid: the name /etc/passwd gives the uid, '' when it has none (bpftrace reads the file each time). */
  private username(uid: number): string {
    const init = this.k.tasks.get(1);
    const found = init ? lookupPath(this.k, init, '/etc/passwd') : ENOENT;
    if (typeof found === 'number') {
      this.io.stderr('ERROR: No such file or directory: /etc/passwd\n');
      return '';
    }
    for (const line of (found.inode.text ?? '').split('\n')) {
      const f = line.split(':');
      if (f[2] === String(uid)) return f[0]!;
    }
    return '';
  }
}

/** A BPF object name for a probe (bpftrace's names, like `interval:s:1`, are not valid ones). */
function progName(p: CompiledProbe): string {
  return p.name.replace(/[^A-Za-z0-9_.]/g, '_').slice(0, 15);
}

