// `bpfbox bpf ...`: the BPF machine on its own.
//   run [MEMORY_HEX]   the bpf_conformance plugin protocol: program hex on stdin (or --hex),
//                      r1 = a writable copy of the memory, r2 = its length; prints r0 as 0x...
//   asm FILE|-         assembles kernel or ubpf syntax, prints the bytecode as hex
//   disasm             prints the kernel's listing of bytecode given as hex

import { parseArgs } from 'node:util';
import { AsmError, assemble } from '../bpf/asm.js';
import { disassemble, type Dialect } from '../bpf/disasm.js';
import { StandaloneHost } from '../bpf/host.js';
import { decodeInsns, encodeInsns, INSN_SIZE } from '../bpf/isa.js';
import { AddressSpace, RegionKind } from '../bpf/memory.js';
import { loadProgram, LoadedProgram, relocateMapRefs } from '../bpf/program.js';
import { BpfVm, DEFAULT_BUDGET } from '../bpf/vm.js';
import { VM_OK } from '../bpf/fault.js';
import { strerror } from '../bpf/errno.js';
import { BPF_MAP_TYPE, type MapTypeName } from '../bpf/maps/map.js';
import { BpfSubsystem } from '../bpf/syscall.js';
import { bpfCheck } from '../bpf/verifier/verifier.js';
import { CommandError, UsageError } from './errors.js';
import { HexError, parseHex, toHex } from './hex.js';
import { readInput } from './io.js';
import type { Io } from './main.js';

export const BPF_USAGE = `Usage: bpfbox bpf COMMAND [OPTIONS]

Commands:
  run [MEMORY_HEX]      run bytecode (hex on stdin, or --hex HEX) with r1 pointing to a writable
                        copy of MEMORY_HEX and r2 holding its length; prints r0 as 0x...
      --hex HEX         the program, instead of stdin
      --engine E        jit (default) or interp, the reference interpreter
      --budget N        instructions a run may execute (default ${DEFAULT_BUDGET})
  asm FILE|-            assemble kernel syntax (r0 = 0) or ubpf syntax (mov %r0, 0); prints hex
      --raw             print only the hex, one instruction per line without spaces
  disasm                print bytecode (hex on stdin, or --hex HEX) as the kernel's listing
      --hex HEX         the program, instead of stdin
      --kernel V        6.x (default, as bpftool prints today) or 5.0 (as Linux 5.0 prints)
  verify                run the verifier on bytecode (hex on stdin, or --hex HEX); prints its log
                        and exits 0 if it accepts the program, 1 if it rejects it
      --type T          kprobe (default), tracepoint or socket_filter
      --map SPEC        TYPE:KEY_SIZE:VALUE_SIZE:MAX_ENTRIES, repeatable; a map-fd ld_imm64
                        with immediate k names the k-th
      --log-level N     1 (default) or 2, as the bpf() syscall's log_level
      --kernel V        5.0 (default, the emulated kernel's) or 6.x (today's)
      --unprivileged    verify as a user without CAP_SYS_ADMIN
`;

function programBytes(hexOpt: string | undefined, io: Io): Uint8Array {
  const text = hexOpt ?? io.stdin();
  const bytes = parseHex(text, 'program');
  if (bytes.length === 0) throw new CommandError('program: no instructions');
  if (bytes.length % INSN_SIZE) throw new CommandError(`program: ${bytes.length} bytes is not a whole number of 8-byte instructions`);
  return bytes;
}

function cmdRun(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { hex: { type: 'string' }, engine: { type: 'string', default: 'jit' }, budget: { type: 'string' } },
  });
  if (positionals.length > 1) throw new UsageError('bpf run takes at most one MEMORY_HEX argument');
  if (values.engine !== 'jit' && values.engine !== 'interp') throw new UsageError(`--engine must be jit or interp, not '${values.engine}'`);
  const budget = values.budget === undefined ? DEFAULT_BUDGET : Number(values.budget);
  if (!Number.isSafeInteger(budget) || budget <= 0) throw new UsageError(`--budget must be a positive integer`);
  const insns = decodeInsns(programBytes(values.hex, io));
  const prog = loadProgram(insns);
  if (!(prog instanceof LoadedProgram)) throw new CommandError(`invalid program: insn ${prog.insn}: ${prog.message}`);
  const mem = positionals.length ? parseHex(positionals[0]!, 'memory') : new Uint8Array(0);
  const as = new AddressSpace();
  const vm = new BpfVm(as, new StandaloneHost());
  vm.budget = budget;
  const region = mem.length ? as.add(RegionKind.Mem, mem, true, 'mem') : null;
  vm.setContext(region, mem.length);
  const status = vm.run(prog, values.engine);
  if (status !== VM_OK) throw new CommandError(vm.faultText(status));
  io.stdout(`0x${vm.r0.toString(16)}\n`);
  return 0;
}

function cmdAsm(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { raw: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError('bpf asm takes one FILE (or - for stdin)');
  const path = positionals[0]!;
  const source = readInput(path);
  try {
    const bytes = encodeInsns(assemble(source));
    const lines: string[] = [];
    for (let p = 0; p < bytes.length; p += INSN_SIZE) lines.push(toHex(bytes.subarray(p, p + INSN_SIZE), values.raw ? '' : ' '));
    io.stdout(lines.join('\n') + '\n');
    return 0;
  } catch (e) {
    if (e instanceof AsmError) throw new CommandError(`${path === '-' ? '<stdin>' : path}:${e.line}: error: ${e.message}`);
    throw e;
  }
}

function cmdDisasm(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { hex: { type: 'string' }, kernel: { type: 'string', default: '6.x' } },
  });
  if (positionals.length) throw new UsageError('bpf disasm reads hex from stdin or --hex');
  if (values.kernel !== '5.0' && values.kernel !== '6.x') throw new UsageError(`--kernel must be 5.0 or 6.x, not '${values.kernel}'`);
  const insns = decodeInsns(programBytes(values.hex, io));
  io.stdout(disassemble(insns, { dialect: values.kernel as Dialect }).join('\n') + '\n');
  return 0;
}

const PROG_TYPES = ['kprobe', 'tracepoint', 'socket_filter'] as const;

function cmdVerify(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      hex: { type: 'string' },
      type: { type: 'string', default: 'kprobe' },
      map: { type: 'string', multiple: true, default: [] },
      'log-level': { type: 'string', default: '1' },
      kernel: { type: 'string', default: '5.0' },
      unprivileged: { type: 'boolean', default: false },
    },
  });
  if (positionals.length) throw new UsageError('bpf verify reads hex from stdin or --hex');
  const type = values.type as (typeof PROG_TYPES)[number];
  if (!PROG_TYPES.includes(type)) throw new UsageError(`--type must be one of ${PROG_TYPES.join(', ')}, not '${values.type}'`);
  if (values.kernel !== '5.0' && values.kernel !== '6.x') throw new UsageError(`--kernel must be 5.0 or 6.x, not '${values.kernel}'`);
  const level = Number(values['log-level']);
  if (level !== 1 && level !== 2) throw new UsageError(`--log-level must be 1 or 2, not '${values['log-level']}'`);
  const bpf = new BpfSubsystem(new StandaloneHost({ nrCpus: 4 }));
  const fds: number[] = [];
  for (const spec of values.map) {
    const m = /^([a-z_]+):(\d+|0x[0-9a-f]+):(\d+|0x[0-9a-f]+):(\d+|0x[0-9a-f]+)$/i.exec(spec);
    const mapType = m ? BPF_MAP_TYPE[m[1] as MapTypeName] : undefined;
    if (!m || mapType === undefined) throw new UsageError(`--map ${spec}: expected TYPE:KEY_SIZE:VALUE_SIZE:MAX_ENTRIES with TYPE one of hash, array, percpu_hash, percpu_array, lru_hash, stack_trace, perf_event_array, ringbuf`);
    const fd = bpf.mapCreate({ mapType, keySize: Number(m[2]), valueSize: Number(m[3]), maxEntries: Number(m[4]) });
    if (fd < 0) throw new CommandError(`--map ${spec}: BPF_MAP_CREATE failed: ${strerror(fd)}`);
    fds.push(fd);
  }
  const insns = relocateMapRefs(decodeInsns(programBytes(values.hex, io)), fds);
  const res = bpfCheck(insns, {
    progType: type,
    kernel: values.kernel,
    logLevel: level,
    privileged: !values.unprivileged,
    resolveMap: (fd) => bpf.mapInfo(fd),
    nrCpus: bpf.host.nrCpus,
  });
  io.stdout(res.log);
  if (res.ok) return 0;
  io.stderr(`${res.message}\n`);
  return 1;
}

export function bpfCommand(args: string[], io: Io): number {
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case 'run': return cmdRun(rest, io);
      case 'asm': return cmdAsm(rest, io);
      case 'disasm': return cmdDisasm(rest, io);
      case 'verify': return cmdVerify(rest, io);
      case undefined:
      case '-h':
      case '--help':
        io.stdout(BPF_USAGE);
        return sub === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown bpf command '${sub}'\n${BPF_USAGE}`);
    }
  } catch (e) {
    if (e instanceof HexError) throw new CommandError(e.message);
    throw e;
  }
}
