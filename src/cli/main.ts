// The bpfbox command line. Every failure a user can cause ends here as one message and an exit
// status, never a stack trace.

import { readFileSync } from 'node:fs';
import { bpfCommand } from './bpf.js';
import { bpftraceCommand, isBpftraceInvocation } from './bpftrace.js';
import { runBpftrace } from './bpftrace_run.js';
import { demo } from './demo.js';
import { kernelDemo } from './kernel_demo.js';
import { shCommand, shellCommand } from './sh.js';
import { CommandError, UsageError } from './errors.js';

export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  stdin(): string;
}

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const SUBCOMMANDS = new Set(['sh', 'shell', 'bpf', 'demo']);

/**
 * bpfbox is bpftrace first: options, `-` or a script file (and no arguments at all) go to its
 * command line, which also prints the help and version; a command name runs that command. The
 * interactive shell and bpftrace programs keep running on the host's event loop.
 */
export async function mainAsync(argv: string[], io: Io): Promise<number> {
  try {
    if (!SUBCOMMANDS.has(argv[0] ?? '') && isBpftraceInvocation(argv)) return await bpftraceCommand(argv, io, { version: VERSION, runProgram: runBpftrace });
    if (argv[0] === 'shell') return await shellCommand(argv.slice(1), io);
  } catch (e) {
    return report(e, io);
  }
  return main(argv, io);
}

/** The commands that run to completion: `sh -c`, `bpf`, `demo`. */
export function main(argv: string[], io: Io): number {
  try {
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case 'bpf':
        return bpfCommand(rest, io);
      case 'demo':
        if (rest[0] === 'bpf') return demo(io);
        if (rest.length) throw new UsageError(`demo: unknown demo '${rest[0]}' (kernel, the default, or bpf)`);
        return kernelDemo(io);
      case 'sh':
        return shCommand(rest, io);
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
};
