// The bpfbox command line. Every failure a user can cause ends here as one message and an exit
// status, never a stack trace.

import { readFileSync } from 'node:fs';
import { bpfCommand } from './bpf.js';
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

export const USAGE = `Usage: bpfbox COMMAND [OPTIONS]

bpfbox is an eBPF tracing sandbox: an emulated Linux 5.0 kernel, a BPF machine and bpftrace.

Commands:
  sh -c 'COMMANDS'      run commands in bash on the emulated Linux 5.0 machine
  shell                 an interactive root shell on the emulated machine
  bpf run|asm|disasm    the BPF machine: run, assemble and disassemble bytecode
  demo                  the kernel at work: /proc/buddyinfo before, during and after a memory hog (npm start)
  demo bpf              assemble, list, load and run examples/log2_hist.s on the BPF machine

Options:
  -h, --help            this help
  -V, --version         bpfbox's version

'bpfbox bpf --help' describes the bpf commands.
`;

/** Commands that keep running on the host's event loop (the interactive shell). */
export async function mainAsync(argv: string[], io: Io): Promise<number> {
  if (argv[0] !== 'shell') return main(argv, io);
  try {
    return await shellCommand(argv.slice(1), io);
  } catch (e) {
    return report(e, io);
  }
}

export function main(argv: string[], io: Io): number {
  try {
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case '-V':
      case '--version':
        io.stdout(`bpfbox v${VERSION}\n`);
        return 0;
      case '-h':
      case '--help':
        io.stdout(USAGE);
        return 0;
      case 'bpf':
        return bpfCommand(rest, io);
      case 'demo':
        if (rest[0] === 'bpf') return demo(io);
        if (rest.length) throw new UsageError(`demo: unknown demo '${rest[0]}' (kernel, the default, or bpf)`);
        return kernelDemo(io);
      case 'sh':
        return shCommand(rest, io);
      case undefined:
        io.stderr(USAGE);
        return 2;
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
