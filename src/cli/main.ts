// The bpfbox command line. Every failure a user can cause ends here as one message and an exit
// status, never a stack trace.

import { readFileSync } from 'node:fs';
import { bpftraceCommand, isBpftraceInvocation, type RunProgram } from './bpftrace.js';
import { CommandError, UsageError } from './errors.js';

export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  stdin(): string;
  /** getenv(3) of the host process; without it, an empty environment. */
  getenv?(name: string): string | undefined;
}

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const SUBCOMMANDS = new Set(['sh', 'shell', 'bpf', 'demo']);

/**
 * A command's modules load when it runs, as Node reads every module imported statically before
 * starting: `-l`, `-h` or `bpfbox bpf` need no machine, a bpftrace program no assembler or demo.
 */
const runBpftrace: RunProgram = async (opts, io) => (await import('./bpftrace_run.js')).runBpftrace(opts, io);

/**
 * bpfbox is bpftrace first: options, `-` or a script file (and no arguments at all) go to its
 * command line, which also prints the help and version; a command name runs that command. The
 * interactive shell and bpftrace programs keep running on the host's event loop; `sh -c`, `bpf`
 * and `demo` run to completion.
 */
export async function mainAsync(argv: string[], io: Io): Promise<number> {
  try {
    if (!SUBCOMMANDS.has(argv[0] ?? '') && isBpftraceInvocation(argv)) return await bpftraceCommand(argv, io, { version: VERSION, runProgram: runBpftrace });
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case 'shell':
        return await (await import('./sh.js')).shellCommand(rest, io);
      case 'bpf':
        return (await import('./bpf.js')).bpfCommand(rest, io);
      case 'demo':
        if (rest[0] === 'bpf') return (await import('./demo.js')).demo(io);
        if (rest.length) throw new UsageError(`demo: unknown demo '${rest[0]}' (kernel, the default, or bpf)`);
        return (await import('./kernel_demo.js')).kernelDemo(io);
      case 'sh':
        return (await import('./sh.js')).shCommand(rest, io);
      default:
        throw new UsageError(`unknown command '${cmd}'; see 'bpfbox --help'`);
    }
  } catch (e) {
    return report(e, io);
  }
}

function report(e: unknown, io: Io): number {
  if (e instanceof UsageError || e instanceof CommandError) {
    io.stderr(`bpfbox: ${e.message}\n`);
    return e.exitCode;
  }
  // parseArgs reports unknown or malformed options with these codes.
  const code = (e as { code?: string }).code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    io.stderr(`bpfbox: ${(e as Error).message}\n`);
    return 2;
  }
  io.stderr(`bpfbox: internal error: ${(e as Error).message ?? String(e)}\n`);
  return 70;
}

export const processIo: Io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stdin: () => {
    try {
      return readFileSync(0, 'utf8');
    } catch {
      return '';
    }
  },
  getenv: (name) => process.env[name],
};
