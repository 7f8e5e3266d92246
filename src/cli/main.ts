// The bpfbox command line. Every failure a user can cause ends here as one message and an exit
// status, never a stack trace.

import { readFileSync } from 'node:fs';
import { bpfCommand } from './bpf.js';
import { demo } from './demo.js';
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
  bpf run|asm|disasm    the BPF machine: run, assemble and disassemble bytecode
  demo                  assemble, list, load and run examples/log2_hist.s (npm start)

Options:
  -h, --help            this help
  -V, --version         bpfbox's version

'bpfbox bpf --help' describes the bpf commands.
`;

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
        return demo(io);
      case undefined:
        io.stderr(USAGE);
        return 2;
      default:
        throw new UsageError(`unknown command '${cmd}'; see 'bpfbox --help'`);
    }
  } catch (e) {
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
