// `bpfbox sh -c 'COMMANDS'` and `bpfbox shell`: boot the emulated machine, log in as root on its
// terminal and run bash there. `sh -c` runs as fast as the host can and exits with bash's status;
// `shell` is interactive, paces virtual time to the wall clock (so `sleep 1` takes a second and
// background jobs keep running while you type), and sends Ctrl-C to the foreground job.

import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { boot } from '../kernel/boot.js';
import { parseSize, type MachineConfig } from '../kernel/config.js';
import type { Kernel } from '../kernel/machine.js';
import { TaskState, type Task } from '../kernel/sched/task.js';
import { installUserland } from '../userland/install.js';
import { REALLINUX, ROOT, startSession } from '../userland/session.js';
import { UsageError } from './errors.js';
import type { Io } from './main.js';

export const SH_USAGE = `Usage: bpfbox sh [OPTIONS] -c 'COMMANDS'
       bpfbox shell [OPTIONS]

Runs bash on the emulated Linux 5.0 machine, logged in as root on its terminal.

Options:
  -c COMMANDS       (sh) the commands to run, as bash -c takes them
      --mem SIZE    RAM of the machine (default 2G; 256M to 64G)
      --cpus N      CPUs (default 4)
      --seed N      seed of the machine's randomness (default 1)
      --swap SIZE   zram swap (default 1G; 0 for none)
      --user NAME   log in as root (default) or reallinux
`;

/** Virtual time a non-interactive run may take before bpfbox gives up on it. */
const SH_LIMIT_NS = 3600e9;
const SLICE_NS = 50_000_000;

function machineConfig(v: Record<string, string | boolean | undefined>): Partial<MachineConfig> {
  const c: { memBytes?: number; cpus?: number; seed?: number; swapBytes?: number } = {};
  const size = (name: string): number | undefined => {
    const s = v[name];
    if (typeof s !== 'string') return undefined;
    const n = parseSize(s);
    if (n === null) throw new UsageError(`--${name}: '${s}' is not a size (e.g. 512M, 2G)`);
    return n;
  };
  const int = (name: string): number | undefined => {
    const s = v[name];
    if (typeof s !== 'string') return undefined;
    if (!/^[0-9]+$/.test(s)) throw new UsageError(`--${name}: '${s}' is not a number`);
    return Number(s);
  };
  c.memBytes = size('mem');
  c.swapBytes = size('swap');
  c.cpus = int('cpus');
  c.seed = int('seed');
  return Object.fromEntries(Object.entries(c).filter(([, x]) => x !== undefined));
}

/** A machine booted from the command line's options, with the userland installed. */
export function bootMachine(v: Record<string, string | boolean | undefined>): Kernel {
  let k: Kernel;
  try {
    k = boot(machineConfig(v));
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  installUserland(k);
  return k;
}

function loginOf(v: Record<string, string | boolean | undefined>) {
  const u = v['user'];
  if (u === undefined || u === 'root') return ROOT;
  if (u === 'reallinux') return REALLINUX;
  throw new UsageError(`--user: no user '${String(u)}' (root or reallinux)`);
}

const OPTIONS = {
  mem: { type: 'string' },
  cpus: { type: 'string' },
  seed: { type: 'string' },
  swap: { type: 'string' },
  user: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The shell's exit status as its parent sees it. */
function exitStatus(t: Task): number {
  const ws = t.exitCode;
  return ws & 0x7f ? 128 + (ws & 0x7f) : (ws >> 8) & 0xff;
}

const ended = (t: Task): boolean => t.state === TaskState.Dead || t.state === TaskState.Zombie;

export function shCommand(args: string[], io: Io): number {
  const { values } = parseArgs({ args, options: { ...OPTIONS, command: { type: 'string', short: 'c' } }, allowPositionals: false });
  if (values.help) {
    io.stdout(SH_USAGE);
    return 0;
  }
  if (values.command === undefined) throw new UsageError("sh: -c 'COMMANDS' is required (or use 'bpfbox shell')");
  return runCommands(bootMachine(values), values.command, io, loginOf(values));
}

/** Runs `bash -c COMMANDS` on a booted machine to its end; bash's exit status. */
export function runCommands(k: Kernel, commands: string, io: Io, login = ROOT): number {
  const tty = k.vfs.console;
  tty.write = io.stdout;
  tty.writeErr = io.stderr;
  const pid = startSession(k, ['bash', '-c', commands], login);
  const task = k.tasks.get(pid)!;
  const start = k.now;
  for (let t = start; !ended(task); ) {
    t += SLICE_NS;
    k.sched.run(t);
    if (t - start > SH_LIMIT_NS) {
      io.stderr(`bpfbox: sh: still running after ${SH_LIMIT_NS / 1e9} s of virtual time; bound long commands with timeout\n`);
      return 124;
    }
  }
  return exitStatus(task);
}

/** The interactive shell; resolves with bash's exit status. */
export function shellCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: OPTIONS, allowPositionals: false });
  if (values.help) {
    io.stdout(SH_USAGE);
    return Promise.resolve(0);
  }
  const k = bootMachine(values);
  const tty = k.vfs.console;
  tty.hungUp = false;
  tty.write = io.stdout;
  tty.writeErr = io.stdout;
  const pid = startSession(k, ['bash'], loginOf(values), process.stdout.columns || 80);
  const task = k.tasks.get(pid)!;
  const rl = createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => tty.feed(k, line + '\n'));
  rl.on('close', () => {
    tty.hungUp = true;
    tty.wait.wakeUp(k);
  });
  process.on('SIGINT', () => {
    io.stdout('^C\n');
    tty.interrupt(k);
  });
  return new Promise((resolve) => {
    const wallStart = Date.now();
    const virtStart = k.now;
    const tick = (): void => {
      const target = virtStart + (Date.now() - wallStart) * 1e6;
      // Catch up with the wall clock, but hand back to the host's event loop every slice.
      const until = Math.min(target, Math.max(...k.cpus.map((c) => c.time)) + SLICE_NS);
      k.sched.run(until);
      if (ended(task)) {
        rl.close();
        process.removeAllListeners('SIGINT');
        resolve(exitStatus(task));
        return;
      }
      setTimeout(tick, 10);
    };
    tick();
  });
}
