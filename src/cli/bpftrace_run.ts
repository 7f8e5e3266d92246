// Running a bpftrace program as `bpfbox -e '...'` does: compile it, boot the emulated machine,
// load and attach, run the machine (its workload and `-c` command included) until exit(), the
// command's end, --duration of virtual time or Ctrl-C, then END and the maps, as bpftrace does.

import { writeFileSync } from 'node:fs';
import { Diagnostics, formatDiagnostics } from '../bpftrace/diagnostics.js';
import { compile } from '../bpftrace/compile.js';
import { BpfLoadError, BPFtrace } from '../bpftrace/runtime/bpftrace.js';
import { TaskState, type Task } from '../kernel/sched/task.js';
import type { Kernel } from '../kernel/machine.js';
import { startSession } from '../userland/session.js';
import type { BpftraceOptions } from './bpftrace.js';
import { bootMachine } from './sh.js';
import type { Io } from './main.js';

/** Virtual time per step of the run loop; the loop checks for the end between steps. */
const SLICE_NS = 10_000_000;
/** Without exit(), a duration or a command, a non-interactive run ends after this much virtual time. */
const UNBOUNDED_LIMIT_NS = 3600e9;

const ended = (t: Task): boolean => t.state === TaskState.Dead || t.state === TaskState.Zombie;

/** A byte string (one char per byte, as output produces) as text for a UTF-8 stream. */
const asText = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');

export async function runBpftrace(opts: BpftraceOptions, io: Io): Promise<number> {
  const diags = new Diagnostics();
  const dumps: string[] = [];
  // Booted when first needed: kaddr() resolves against this boot's kallsyms (KASLR moves them).
  let machine: Kernel | null = null;
  const boot = (): Kernel => (machine ??= bootMachine(opts.machine));
  const c = compile(opts.program, diags, {
    filename: opts.filename,
    params: opts.params,
    unsafe: opts.unsafe,
    hasChild: opts.cmd !== undefined,
    verbose: opts.verbose > 0,
    hasLoop: opts.bpfKernel !== '5.0',
    settings: opts.settings,
    resolveKname: (name) => {
      const k = boot();
      const fn = k.functions.find((f) => f.name === name);
      return fn ? k.symbolAddress(fn) : 0n;
    },
    ...(opts.debug ? { dump: (t: string) => void dumps.push(t) } : {}),
  });
  if (!opts.noWarnings || diags.hasErrors) io.stderr(formatDiagnostics(diags.list.filter((d) => !opts.noWarnings || d.type !== 'WARNING'), opts.program, opts.filename));
  // A FATAL is bpftrace's abort(): SIGABRT, status 134.
  if (!c) return diags.list.some((d) => d.type === 'FATAL') ? 134 : 1;
  if (opts.debug) {
    io.stdout(dumps.join(''));
    return 0;
  }

  const k = boot();
  let fileOut = '';
  const out = opts.outputFile !== undefined ? (s: string) => void (fileOut += s) : (s: string) => io.stdout(asText(s));
  const rt = new BPFtrace(k, c.compiled, c.expansions, { format: opts.outputFormat, quiet: opts.quiet, verbose: opts.verbose > 0, bpfKernel: opts.bpfKernel, settings: opts.settings }, {
    stdout: (s) => io.stdout(asText(s)),
    out,
    stderr: io.stderr,
  });
  // BPFtrace::run returns -1 (exit status 255) when a program fails to load or attach: the
  // status of a step that failed so, else null.
  const failed = (step: () => void): number | null => {
    try {
      step();
      return null;
    } catch (e) {
      if (!(e instanceof BpfLoadError)) throw e;
      if (e.message) io.stderr(`ERROR: ${e.message}\n`);
      return e.status;
    }
  };
  const loadStatus = failed(() => rt.load());
  if (loadStatus !== null) return loadStatus;
  const tty = k.vfs.console;
  tty.write = io.stdout;
  tty.writeErr = io.stderr;
  const startStatus = failed(() => rt.start());
  if (startStatus !== null) return startStatus;
  if (opts.workload !== undefined) startSession(k, ['bash', '-c', opts.workload]);
  const child = opts.cmd !== undefined ? k.tasks.get(startSession(k, ['bash', '-c', opts.cmd])) : undefined;

  let interrupted = false;
  const onSigint = (): void => void (interrupted = true);
  process.on('SIGINT', onSigint);
  const paced = opts.durationNs === undefined && child === undefined && process.stdout.isTTY === true;
  const start = k.now;
  const limit = start + (opts.durationNs ?? UNBOUNDED_LIMIT_NS);
  const wallStart = Date.now();
  /** Runs the machine in slices while `more()`, keeping to the wall clock when paced. */
  const runWhile = async (more: () => boolean, until: number): Promise<void> => {
    let steps = 0;
    while (more() && !interrupted && k.now < until) {
      k.sched.run(Math.min(k.now + SLICE_NS, until));
      if (paced) {
        const ahead = (k.now - start) / 1e6 - (Date.now() - wallStart);
        if (ahead > 0) await new Promise((r) => setTimeout(r, ahead));
      } else if (++steps % 64 === 0) {
        // Let a Ctrl-C through while running ahead of the clock.
        await new Promise((r) => setImmediate(r));
      }
    }
  };
  try {
    await runWhile(() => !rt.done && !(child && ended(child)), limit);
    // END may have asked bpftrace's process to run commands: it finishes them, even after a Ctrl-C
    // ended the tracing; another Ctrl-C stops them.
    const stopStatus = failed(() => rt.stop());
    if (stopStatus !== null) return stopStatus;
    interrupted = false;
    await runWhile(() => !rt.idle, k.now + UNBOUNDED_LIMIT_NS);
    if (!rt.idle) {
      rt.interrupt();
      k.sched.run(k.now + SLICE_NS);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  rt.finish();
  if (opts.outputFile !== undefined) {
    try {
      writeFileSync(opts.outputFile, Buffer.from(fileOut, 'latin1'));
    } catch (e) {
      io.stderr(`ERROR: failed to open output file '${opts.outputFile}': ${(e as Error).message}\n`);
      return 1;
    }
  }
  return 0;
}
