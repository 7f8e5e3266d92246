// `bpfbox [OPTIONS] -e 'PROGRAM' | FILE | -l [SEARCH]`: bpftrace 0.17's command line (src/main.cpp
// parse_args and main), with its usage text, option errors and checks in the same order, plus
// bpfbox's options for the emulated machine. Listing runs here, against the kernel's static
// catalogue; running a program is the runtime's job, handed in as `RunProgram`.

import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { listProbes } from '../bpftrace/probe_matcher.js';
import { DEFAULT_SETTINGS, type BpftraceSettings } from '../bpftrace/settings.js';
import type { Io } from './main.js';

/** bpftrace 0.17's usage(), as it prints it on a usage error. */
export const BPFTRACE_USAGE = `USAGE:
    bpftrace [options] filename
    bpftrace [options] - <stdin input>
    bpftrace [options] -e 'program'

OPTIONS:
    -B MODE        output buffering mode ('full', 'none')
    -f FORMAT      output format ('text', 'json')
    -o file        redirect bpftrace output to file
    -e 'program'   execute this program
    -h, --help     show this help message
    -I DIR         add the directory to the include search path
    --include FILE add an #include file before preprocessing
    -l [search]    list probes
    -p PID         enable USDT probes on PID
    -c 'CMD'       run CMD and enable USDT probes on resulting process
    --usdt-file-activation
                   activate usdt semaphores based on file path
    --unsafe       allow unsafe builtin functions
    -q             keep messages quiet
    --info         Print information about kernel BPF support
    -k             emit a warning when a bpf helper returns an error (except read functions)
    -kk            check all bpf helper functions
    -V, --version  bpftrace version
    --no-warnings  disable all warning messages

TROUBLESHOOTING OPTIONS:
    -v                      verbose messages
    -d                      (dry run) debug info
    -dd                     (dry run) verbose debug info
    --emit-elf FILE         (dry run) generate ELF file with bpf programs and write to FILE
    --emit-llvm FILE        write LLVM IR to FILE.original.ll and FILE.optimized.ll

ENVIRONMENT:
    BPFTRACE_STRLEN             [default: 64] bytes on BPF stack per str()
    BPFTRACE_NO_CPP_DEMANGLE    [default: 0] disable C++ symbol demangling
    BPFTRACE_MAP_KEYS_MAX       [default: 4096] max keys in a map
    BPFTRACE_CAT_BYTES_MAX      [default: 10k] maximum bytes read by cat builtin
    BPFTRACE_MAX_PROBES         [default: 512] max number of probes
    BPFTRACE_MAX_BPF_PROGS      [default: 512] max number of generated BPF programs
    BPFTRACE_LOG_SIZE           [default: 1000000] log size in bytes
    BPFTRACE_PERF_RB_PAGES      [default: 64] pages per CPU to allocate for ring buffer
    BPFTRACE_NO_USER_SYMBOLS    [default: 0] disable user symbol resolution
    BPFTRACE_CACHE_USER_SYMBOLS [default: auto] enable user symbol cache
    BPFTRACE_VMLINUX            [default: none] vmlinux path used for kernel symbol resolution
    BPFTRACE_BTF                [default: none] BTF file

EXAMPLES:
bpftrace -l '*sleep*'
    list probes containing "sleep"
bpftrace -e 'kprobe:do_nanosleep { printf("PID %d sleeping...\\n", pid); }'
    trace processes calling sleep
bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'
    count syscalls by process name
`;

/** What `-h` adds after 0.17's usage: bpfbox's own options and commands (usage on an error stays 0.17's). */
export const BPFBOX_HELP = `
BPFBOX:
    bpfbox is bpftrace v0.17.0 on an emulated Linux 5.0 machine: the options above trace that
    machine, booted for the run, and these choose it and what it does.

BPFBOX OPTIONS:
    --workload 'CMDS'       run CMDS in bash on the machine while tracing
    --duration TIME         end after TIME of virtual time, as Ctrl-C would (5s, 500ms, 20us)
    --seed N                seed of the machine's randomness (default 1)
    --cpus N                CPUs (default 4)
    --mem SIZE              RAM of the machine (default 2G; 256M to 64G)
    --kernel 5.0|6.x        the BPF rules programs load under: Linux 5.0's (default), or 6.x's
                            verifier (bounded loops) on the same emulated 5.0 machine

BPFBOX COMMANDS:
    bpfbox sh -c 'COMMANDS' run commands in bash on the emulated Linux 5.0 machine
    bpfbox shell            an interactive root shell on the emulated machine
    bpfbox bpf run|asm|disasm
                            the BPF machine: run, assemble and disassemble bytecode
    bpfbox demo             the kernel at work: /proc/buddyinfo before, during and after a memory hog
    bpfbox demo bpf         assemble, list, load and run examples/log2_hist.s on the BPF machine

'bpfbox sh --help' and 'bpfbox bpf --help' describe those commands.
`;

/** What the command line asks for, as bpftrace's Args and globals hold it. */
export interface BpftraceOptions {
  /** The program's text (`-e`, the file's contents, or stdin for `-`). */
  program: string;
  /** The name diagnostics carry: `stdin` for `-e` and `-`, else the file's name as given. */
  filename: string;
  /** Positional parameters after the program: `$1`... */
  params: string[];
  /** `-v` given once (INFO lines, verifier summaries) or twice. */
  verbose: 0 | 1 | 2;
  /** `-d` (1) or `-dd` (2): dry run with dumps. */
  debug: 0 | 1 | 2;
  outputFormat: 'text' | 'json';
  /** `-o FILE`: a file on the host, as bpftrace writes one. */
  outputFile?: string;
  /** `-B`; bpftrace line-buffers stdout when it is unset. */
  buffering?: 'line' | 'full' | 'none';
  /** `-c CMD`: run on the machine, traced, ending the run when it exits. */
  cmd?: string;
  /** `-p PID`, as given. */
  pid?: string;
  quiet: boolean;
  /** `--unsafe`: allow system(), signal() and override(). */
  unsafe: boolean;
  /** `-k` (1) or `-kk` (2). */
  helperCheckLevel: 0 | 1 | 2;
  noWarnings: boolean;
  includeDirs: string[];
  includeFiles: string[];
  usdtFileActivation: boolean;
  emitElf?: string;
  emitLlvm?: string;
  /** bpfbox: bash commands to run on the machine while tracing. */
  workload?: string;
  /** bpfbox: virtual nanoseconds to trace before ending as on Ctrl-C. */
  durationNs?: number;
  /**
   * bpfbox: the machine's options, as `bootMachine` (src/cli/sh.ts) takes and checks them
   * (`mem`, `cpus`, `seed`).
   */
  machine: Record<string, string>;
  /** bpfbox: whose BPF verifier rules apply (--kernel). */
  bpfKernel: '5.0' | '6.x';
  /** What the BPFTRACE_* environment variables set (parse_env). */
  settings: BpftraceSettings;
}

/** Runs a parsed program to its end on a machine it boots; the exit status. */
export type RunProgram = (opts: BpftraceOptions, io: Io) => number | Promise<number>;

export interface BpftraceHooks {
  /** bpfbox's version, for `-V`. */
  version: string;
  /** The runtime: compiles and runs the program on an emulated machine. */
  runProgram: RunProgram;
}

/**
 * Whether the arguments are for this command line: none, an option or `-` first, or a script: a
 * file, or a name that looks like one (a path, or `.bt`), so a missing script is reported as
 * bpftrace reports it rather than as an unknown command.
 */
export function isBpftraceInvocation(argv: readonly string[]): boolean {
  const first = argv[0];
  if (first === undefined || first.startsWith('-') || first.includes('/') || first.endsWith('.bt')) return true;
  try {
    return statSync(first).isFile();
  } catch {
    return false;
  }
}

/** Long options in parse_args's order (getopt lists ambiguous abbreviations in it), with whether they take a value. */
const LONG_OPTIONS: readonly [name: string, takesValue: boolean][] = [
  ['help', false],
  ['version', false],
  ['usdt-file-activation', false],
  ['unsafe', false],
  ['btf', false],
  ['include', true],
  ['info', false],
  ['emit-llvm', true],
  ['emit-elf', true],
  ['no-warnings', false],
  ['test', true],
  ['aot', true],
  ['workload', true],
  ['duration', true],
  ['seed', true],
  ['cpus', true],
  ['mem', true],
  ['kernel', true],
];

/** parse_args's short options, "dbB:f:e:hlp:vqc:Vo:I:k": those that take a value. */
const SHORT_WITH_VALUE = new Set(['B', 'f', 'e', 'p', 'c', 'o', 'I']);
const SHORT_FLAGS = new Set(['d', 'b', 'h', 'l', 'v', 'q', 'V', 'k']);

const PARSE_OPTIONS = {
  d: { type: 'boolean', short: 'd', multiple: true },
  b: { type: 'boolean', short: 'b' },
  B: { type: 'string', short: 'B' },
  f: { type: 'string', short: 'f' },
  e: { type: 'string', short: 'e' },
  h: { type: 'boolean', short: 'h' },
  l: { type: 'boolean', short: 'l' },
  p: { type: 'string', short: 'p' },
  v: { type: 'boolean', short: 'v', multiple: true },
  q: { type: 'boolean', short: 'q' },
  c: { type: 'string', short: 'c' },
  V: { type: 'boolean', short: 'V' },
  o: { type: 'string', short: 'o' },
  I: { type: 'string', short: 'I', multiple: true },
  k: { type: 'boolean', short: 'k', multiple: true },
  ...Object.fromEntries(LONG_OPTIONS.map(([name, takesValue]) => [name, takesValue ? { type: 'string', multiple: true } : { type: 'boolean' }])),
} as const;

/** An early end of the command, with what bpftrace prints and its status. */
class Exit {
  constructor(
    readonly status: number,
    readonly stderr: string,
    readonly stdout = '',
  ) {}
}

const usageExit = (message = ''): Exit => new Exit(1, message + BPFTRACE_USAGE);
const error = (message: string, status = 1): Exit => new Exit(status, `ERROR: ${message}\n`);

/**
 * getopt_long's reading of a long option's name: itself, or a unique abbreviation of one
 * (`--vers`); else the message getopt prints.
 */
function matchLongOption(name: string): readonly [string, boolean] | string {
  const exact = LONG_OPTIONS.find(([n]) => n === name);
  if (exact) return exact;
  const candidates = LONG_OPTIONS.filter(([n]) => n.startsWith(name));
  if (candidates.length === 1) return candidates[0]!;
  if (!candidates.length) return `bpftrace: unrecognized option '--${name}'\n`;
  return `bpftrace: option '--${name}' is ambiguous; possibilities:${candidates.map(([n]) => ` '--${n}'`).join('')}\n`;
}

/**
 * Spells out abbreviated long options, which parseArgs does not know, and passes the values of
 * options that take one through untouched, as getopt takes the next argument whatever it looks
 * like. A long option getopt would reject is left as written, for the option loop to report
 * when it reaches it (options before it take effect first, as in getopt).
 */
function expandLongOptions(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const match = matchLongOption(arg.slice(2, eq < 0 ? undefined : eq));
      if (typeof match === 'string') {
        out.push(arg);
        continue;
      }
      const [full, takesValue] = match;
      out.push(eq < 0 ? `--${full}` : `--${full}${arg.slice(eq)}`);
      if (takesValue && eq < 0 && i + 1 < argv.length) out.push(argv[++i]!);
      continue;
    }
    out.push(arg);
    if (/^-[^-]/.test(arg)) {
      // In a cluster (`-lv`, `-Bfull`), the first option that takes a value ends it; with nothing
      // after it there, the value is the next argument.
      for (let j = 1; j < arg.length; j++) {
        if (SHORT_WITH_VALUE.has(arg[j]!)) {
          if (j === arg.length - 1 && i + 1 < argv.length) out.push(argv[++i]!);
          break;
        }
      }
    }
  }
  return out;
}

/** bpfbox's --duration: an integer with an optional unit, seconds by default. */
function parseDuration(text: string): number | null {
  const m = /^([0-9]+)(ns|us|ms|s)?$/.exec(text);
  if (!m) return null;
  const scale = { ns: 1, us: 1e3, ms: 1e6, s: 1e9 }[m[2] ?? 's']!;
  return Number(m[1]) * scale;
}

/** What parse_args hands to main(). */
interface Parsed {
  opts: BpftraceOptions;
  /** `-l`, with its search pattern if one was given. */
  listing: boolean;
  search?: string;
  /** `-f` as given ('' when absent): main() checks it, after parse_args's own checks. */
  outputFormat: string;
  /** `-e`'s program, else the script file (`-` for stdin). */
  script?: string;
  file?: string;
}

/** parse_args: options in command-line order, then its checks on their combination. */
function parseCommandLine(argv: readonly string[], version: string): Parsed {
  if (argv.length === 0) throw usageExit();
  const { tokens } = parseArgs({ args: expandLongOptions(argv), options: PARSE_OPTIONS, strict: false, allowPositionals: true, tokens: true });

  const o: BpftraceOptions = {
    program: '',
    filename: '',
    params: [],
    verbose: 0,
    debug: 0,
    outputFormat: 'text',
    quiet: false,
    unsafe: false,
    helperCheckLevel: 0,
    noWarnings: false,
    includeDirs: [],
    includeFiles: [],
    usdtFileActivation: false,
    machine: {},
    bpfKernel: '5.0',
    settings: { ...DEFAULT_SETTINGS },
  };
  let listing = false;
  let outputFormat = '';
  let script: string | undefined;
  const positionals: string[] = [];

  // Options take effect in command-line order, so the first bad one is the one reported.
  for (const t of tokens) {
    if (t.kind === 'positional') {
      positionals.push(t.value);
      continue;
    }
    if (t.kind === 'option-terminator') continue;
    const name = t.name;
    const long = t.rawName.startsWith('--');
    const match = long ? matchLongOption(name) : undefined;
    if (typeof match === 'string') throw usageExit(match);
    const takesValue = match ? match[1] : SHORT_WITH_VALUE.has(name);
    if (!long && !SHORT_WITH_VALUE.has(name) && !SHORT_FLAGS.has(name)) throw usageExit(`bpftrace: invalid option -- '${name}'\n`);
    if (takesValue && t.value === undefined) {
      throw usageExit(long ? `bpftrace: option '--${name}' requires an argument\n` : `bpftrace: option requires an argument -- '${name}'\n`);
    }
    if (!takesValue && long && t.inlineValue) throw usageExit(`bpftrace: option '--${name}' doesn't allow an argument\n`);
    const value = t.value ?? '';
    switch (name) {
      case 'info':
        throw error('--info reports the host kernel\'s BPF support; bpfbox emulates Linux 5.0 and has no host to report on');
      case 'emit-elf':
        o.emitElf = value;
        break;
      case 'emit-llvm':
        o.emitLlvm = value;
        break;
      case 'no-warnings':
        o.noWarnings = true;
        break;
      case 'test':
        if (value !== 'semantic' && value !== 'codegen') throw error("USAGE: --test must be either 'semantic' or 'codegen'.");
        throw error('--test is a bpftrace developer mode that bpfbox does not have');
      case 'aot':
        throw error('--aot builds a portable executable for a real kernel; bpfbox has none to run it on');
      case 'o':
        o.outputFile = value;
        break;
      case 'd':
        if (o.debug === 2) throw usageExit();
        o.debug = o.debug === 0 ? 1 : 2;
        break;
      case 'q':
        o.quiet = true;
        break;
      case 'v':
        o.verbose = o.verbose === 0 ? 1 : 2;
        break;
      case 'B':
        if (value !== 'line' && value !== 'full' && value !== 'none') throw error("USAGE: -B must be either 'line', 'full', or 'none'.");
        o.buffering = value;
        break;
      case 'f':
        outputFormat = value;
        break;
      case 'e':
        script = value;
        break;
      case 'p':
        o.pid = value;
        break;
      case 'I':
        o.includeDirs.push(value);
        break;
      case 'include':
        o.includeFiles.push(value);
        break;
      case 'l':
        listing = true;
        break;
      case 'c':
        o.cmd = value;
        break;
      case 'usdt-file-activation':
        o.usdtFileActivation = true;
        break;
      case 'unsafe':
        o.unsafe = true;
        break;
      case 'b':
      case 'btf':
        break;
      case 'h':
      case 'help':
        // Asked-for help goes to stdout, as bpfbox's other commands print theirs; 0.17 uses stderr.
        throw new Exit(0, '', BPFTRACE_USAGE + BPFBOX_HELP);
      case 'V':
      case 'version':
        // bpfbox names itself, as it did before it spoke bpftrace; the help names bpftrace 0.17.
        throw new Exit(0, '', `bpfbox v${version}\n`);
      case 'k':
        if (o.helperCheckLevel === 2) throw usageExit();
        o.helperCheckLevel = o.helperCheckLevel === 0 ? 1 : 2;
        break;
      case 'workload':
        o.workload = value;
        break;
      case 'duration': {
        const ns = parseDuration(value);
        if (ns === null) throw error("USAGE: --duration must be a time such as '5s', '500ms' or '20us'.");
        o.durationNs = ns;
        break;
      }
      case 'seed':
      case 'cpus':
      case 'mem':
        o.machine[name] = value;
        break;
      case 'kernel':
        if (value !== '5.0' && value !== '6.x') throw error("USAGE: --kernel must be '5.0' or '6.x'.");
        o.bpfKernel = value;
        break;
    }
  }

  if (o.verbose && o.debug) throw error('USAGE: Use either -v or -d.');
  if (o.cmd !== undefined && o.pid !== undefined) throw usageExit('ERROR: USAGE: Cannot use both -c and -p.\n');

  if (listing) {
    // Zero or one search pattern; `*` means every probe, as `*:*` does.
    if (positionals.length > 1) throw usageExit();
    return { opts: o, listing, outputFormat, ...(positionals.length ? { search: positionals[0]! } : {}) };
  }
  if ((script === undefined || script === '') && !positionals.length) throw error("USAGE: filename or -e 'program' required.");
  const file = script === undefined ? positionals.shift()! : undefined;
  o.params = positionals;
  return { opts: o, listing, outputFormat, ...(script !== undefined ? { script } : { file: file! }) };
}

const UINT64_MAX = (1n << 64n) - 1n;

/**
 * What `stream >> uint64_t` makes of a variable, as get_uint64_env_var reads it: leading white
 * space, a sign, decimal digits up to the first other character; null when there is no digit or
 * the magnitude passes UINT64_MAX. A minus sign wraps, so `-1` is UINT64_MAX.
 */
function readUint64(text: string): bigint | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)/.exec(text);
  if (!m) return null;
  const v = BigInt(m[2]!);
  if (v > UINT64_MAX) return null;
  return m[1] === '-' ? BigInt.asUintN(64, -v) : v;
}

/**
 * main.cpp's parse_env: every BPFTRACE_* variable 0.17 reads, in its order, the first bad one
 * reported with its message (status 1). BPFTRACE_NO_CPP_DEMANGLE, BPFTRACE_NO_USER_SYMBOLS,
 * BPFTRACE_CACHE_USER_SYMBOLS, BPFTRACE_MAX_TYPE_RES_ITERATIONS and BPFTRACE_VERIFY_LLVM_IR are
 * only checked: bpfbox has no user-space symbols to resolve or demangle, takes no types from BTF
 * and makes no LLVM IR, so they change nothing else.
 */
function parseEnv(getenv: (name: string) => string | undefined): BpftraceSettings {
  const settings: BpftraceSettings = { ...DEFAULT_SETTINGS };
  const uint64 = (name: string, dflt: bigint): bigint => {
    const text = getenv(name);
    if (text === undefined) return dflt;
    const v = readUint64(text);
    if (v === null) throw error(`Env var '${name}' did not contain a valid uint64_t, or was zero-valued.`);
    return v;
  };
  const bool = (name: string): void => {
    const text = getenv(name);
    if (text !== undefined && text !== '0' && text !== '1') throw error(`Env var '${name}' did not contain a valid value (0 or 1).`);
  };
  const strlen = uint64('BPFTRACE_STRLEN', BigInt(settings.strlen));
  if (strlen > 200n) {
    throw error(
      `'BPFTRACE_STRLEN' ${strlen} exceeds the current maximum of 200 bytes.\nThis limitation is because strings are currently stored on the 512 byte BPF stack.\nLong strings will be pursued in: https://github.com/iovisor/bpftrace/issues/305`,
    );
  }
  settings.strlen = Number(strlen);
  bool('BPFTRACE_NO_CPP_DEMANGLE');
  settings.mapmax = uint64('BPFTRACE_MAP_KEYS_MAX', settings.mapmax);
  settings.maxProbes = uint64('BPFTRACE_MAX_PROBES', settings.maxProbes);
  settings.maxPrograms = uint64('BPFTRACE_MAX_BPF_PROGS', settings.maxPrograms);
  settings.logSize = uint64('BPFTRACE_LOG_SIZE', settings.logSize);
  settings.perfRbPages = uint64('BPFTRACE_PERF_RB_PAGES', settings.perfRbPages);
  uint64('BPFTRACE_MAX_TYPE_RES_ITERATIONS', 0n);
  // 0.17 reads this one with its own copy of get_uint64_env_var, to the same effect.
  settings.catBytesMax = uint64('BPFTRACE_CAT_BYTES_MAX', settings.catBytesMax);
  bool('BPFTRACE_NO_USER_SYMBOLS');
  bool('BPFTRACE_CACHE_USER_SYMBOLS');
  settings.astMaxNodes = uint64('BPFTRACE_NODE_MAX', settings.astMaxNodes);
  bool('BPFTRACE_VERIFY_LLVM_IR');
  return settings;
}

/** main(): from the command line to listing probes or handing a program to the runtime. */
export async function bpftraceCommand(argv: readonly string[], io: Io, hooks: BpftraceHooks): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseCommandLine(argv, hooks.version);
    const format = parsed.outputFormat;
    if (format !== '' && format !== 'text' && format !== 'json') {
      throw error(`Invalid output format "${format}"\nValid formats: 'text', 'json'`);
    }
    parsed.opts.outputFormat = format === 'json' ? 'json' : 'text';
    parsed.opts.settings = parseEnv(io.getenv ?? (() => undefined));
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    io.stdout(e.stdout);
    io.stderr(e.stderr);
    return e.status;
  }

  if (parsed.listing) {
    const r = listProbes(parsed.search, parsed.opts.verbose > 0);
    io.stdout(r.stdout);
    io.stderr(r.stderr);
    return r.exitCode;
  }

  const opts = parsed.opts;
  if (parsed.script !== undefined) {
    opts.program = parsed.script;
    opts.filename = 'stdin';
  } else if (parsed.file === '-') {
    opts.program = io.stdin();
    opts.filename = 'stdin';
  } else {
    const file = parsed.file!;
    try {
      opts.program = readFileSync(file, 'utf8');
    } catch (e) {
      io.stderr(`ERROR: failed to open file '${file}': ${strerror(e)}\n`);
      return 255;
    }
    opts.filename = file;
  }
  return hooks.runProgram(opts, io);
}

/** The C library's text for a failed open, as bpftrace prints it. */
function strerror(e: unknown): string {
  switch ((e as { code?: string }).code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'EACCES':
      return 'Permission denied';
    case 'EISDIR':
      return 'Is a directory';
    default:
      return (e as Error).message;
  }
}
