// The mutator and the property of the bpftrace fuzz test (fuzz.test.ts): programs of the golden
// corpus mutated character by character and token by token, and what compile() must do with them.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { compile } from '../../src/bpftrace/compile.js';
import { Diagnostics } from '../../src/bpftrace/diagnostics.js';
import type { CompiledProgram } from '../../src/bpftrace/passes/codegen.js';
import { StandaloneHost } from '../../src/bpf/host.js';
import { relocateMapRefs } from '../../src/bpf/program.js';
import { BpfSubsystem } from '../../src/bpf/syscall.js';
import type { Dialect } from '../../src/bpf/verifier/options.js';
import { PERF_MAX_STACK_DEPTH } from '../../src/bpf/maps/stackmap.js';

const CORPUS_DIRS = ['tests/golden/bpftrace/run', 'tests/golden/bpftrace/output', 'tests/golden/bpftrace/parse/ast'];
export const corpus: string[] = CORPUS_DIRS.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.bt'))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'latin1')),
);

/** Codegen errors bpftrace 0.17 reports to the user too (LLVM's stack check, kaddr's and cgroupid's lookups). */
const USER_CODEGEN_ERRORS = [
  /^Failed to compile: Looks like the BPF stack limit of 512 bytes is exceeded/,
  /^Failed to compile: Failed to resolve kernel symbol: /,
  /^Failed to compile: Failed to get `cgroupid` for path: /,
];
/** Verifier rejections a correct program can earn on a real kernel too: size, complexity, loops 5.0 cannot verify. */
const LEGITIMATE_REJECTION = /BPF program is too large|program of \d+ insns is too large|back-edge from insn|infinite loop detected|The sequence of \d+ jumps is too complex/;

// ---- mutations ---------------------------------------------------------------------------------

const TOKEN = /"(?:[^"\\\n]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*(?::[A-Za-z0-9_*.]+)*|@[A-Za-z0-9_]*|\$[A-Za-z0-9_#]*|0[xX][0-9a-fA-F]+|\d+|<<=|>>=|==|!=|<=|>=|&&|\|\||<<|>>|\+\+|--|[-+*/%&|^]=|->|\S/g;

interface Token {
  text: string;
  start: number;
  end: number;
}

function tokens(src: string): Token[] {
  return [...src.matchAll(TOKEN)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
}

const OPERATORS = ['+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>', '==', '!=', '<', '<=', '>', '>=', '&&', '||', '=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=', '!', '~', '++', '--', '?', ':', ',', '.', '->'];
const INTEGERS = ['0', '1', '-1', '7', '255', '256', '4096', '65536', '4294967295', '4294967296', '9223372036854775807', '9223372036854775808', '18446744073709551615', '18446744073709551616', '99999999999999999999999', '-9223372036854775808', '0x10', '0xffffffffffffffff', '1000000', '100'];
const STRINGS = ['""', '"a"', '"%d"', '"%s %d %s\\n"', '"%llu %x %c %p %r"', '"\\n\\t\\\\\\""', `"${'x'.repeat(63)}"`, `"${'y'.repeat(64)}"`, `"${'z'.repeat(200)}"`, `"${'w'.repeat(1000)}"`, '"%"', '"%%"', '"%-10s|%5d"', '"%"'];
const BUILTINS = ['pid', 'tid', 'uid', 'gid', 'nsecs', 'elapsed', 'cpu', 'comm', 'kstack', 'ustack', 'func', 'probe', 'curtask', 'rand', 'arg0', 'arg1', 'arg5', 'retval', 'args', 'cgroup', 'cpid', 'username', 'numaid', 'sarg0', 'ctx', '$1', '$2', '$#'];
const FUNCTIONS = ['printf', 'print', 'time', 'strftime', 'join', 'str', 'buf', 'ksym', 'usym', 'kaddr', 'uaddr', 'ntop', 'exit', 'clear', 'delete', 'zero', 'count', 'sum', 'avg', 'min', 'max', 'stats', 'hist', 'lhist', 'sizeof', 'strncmp', 'bswap', 'system', 'cat', 'signal', 'reg', 'macaddr', 'cgroupid', 'override', 'path', 'kstack', 'ustack', 'offsetof', 'len'];
const MAPS = ['@', '@a', '@x', '@c', '@h', '@map_with_a_long_name', '@s'];
const VARIABLES = ['$x', '$i', '$a', '$s', '$t', '$0', '$1', '$9', '$#', '$undefined'];
const ATTACH_POINTS = ['BEGIN', 'END', 'interval:s:1', 'interval:ms:0', 'interval:hz:99', 'interval:us:1', 'profile:hz:99', 'profile:s:1', 'kprobe:do_nanosleep', 'kprobe:vfs_*', 'kretprobe:vfs_read', 'kprobe:nonexistent_fn', 'tracepoint:syscalls:sys_enter_openat', 'tracepoint:syscalls:sys_exit_read', 'tracepoint:sched:sched_switch', 'tracepoint:sched:*', 'tracepoint:nope:nope', 'uprobe:/bin/sh:main', 'hardware:cache-misses:1000', 'software:faults:1', 'kfunc:vfs_read', 'i:s:1', 't:syscalls:sys_enter_read', 'k:vfs_read', 'BEGIN,END', 'BEGIN,interval:ms:1'];
const SNIPPETS = ['{', '}', '(', ')', '[', ']', ';', ',', '"', "'", '/', '\\', '\n', ' ', '$', '@', '#', '*', '&', '-', '0', '9', 'x', 'if', 'else', 'while', 'unroll', 'return', 'break', 'continue', 'struct', '->', '::', ':', '/*', '*/', '//', '#include <linux/sched.h>', '#define X 1', 'struct S { int a; char b[4]; }', '(int8)', '(uint64)', '(struct task_struct *)', '(int32 *)', 'args->', '.field', '[0]', '.0', '.1', '((1,2),"s")', '(1,"a",2)', 'exit();', 'if (1) {', 'while (1) {', 'unroll(5) {', 'unroll(200) {', 'printf("%d\\n", 1);', '@a = count();', '@a[1,2] = 1;', '$x = 1;', 'print(@a);', 'clear(@a);', 'delete(@a[1]);', '$x++;', 'return;', 'break;', 'continue;'];
const WRAPS = ['(X)', '-X', '!X', '~X', '(X + X)', '(X * 3)', '(X ? X : X)', '(int8)X', '(uint64)X', '(uint32)X', 'str(X)', 'str(X, 2)', 'X[X]', 'X.0', '(X, X)', '((X))', 'sizeof(X)', 'bswap(X)', 'ksym(X)', 'ntop(X)', 'buf(X, 4)', '*X', '&X', 'X->f', 'X++', 'X--', 'count(X)', 'hist(X)', 'avg(X)', '(X == X)', '(X < X)', '(X && X)'];

type Mutation = (src: string) => string;

const at = (n: number, i: number): number => (n === 0 ? 0 : i % n);

/** A span [start, end) of src from two random numbers, at most 40 characters long. */
function span(src: string, a: number, b: number): [number, number] {
  const start = at(src.length + 1, a);
  return [start, Math.min(src.length, start + (b % 40))];
}

function replaceToken(pick: (t: Token) => boolean, pool: readonly string[]): fc.Arbitrary<Mutation> {
  return fc.tuple(fc.nat(), fc.nat()).map(([i, j]) => (src: string) => {
    const ts = tokens(src).filter(pick);
    if (ts.length === 0) return src;
    const t = ts[at(ts.length, i)]!;
    return src.slice(0, t.start) + pool[at(pool.length, j)]! + src.slice(t.end);
  });
}

const isOperator = (t: Token): boolean => OPERATORS.includes(t.text);
const isInteger = (t: Token): boolean => /^(0[xX][0-9a-fA-F]+|\d+)$/.test(t.text);
const isString = (t: Token): boolean => t.text.startsWith('"');
const isIdent = (t: Token): boolean => /^[A-Za-z_]/.test(t.text) && !t.text.includes(':');
const isMap = (t: Token): boolean => t.text.startsWith('@');
const isVariable = (t: Token): boolean => t.text.startsWith('$');
const isAttachPoint = (t: Token): boolean => /^(BEGIN|END)$/.test(t.text) || (/^[A-Za-z_]/.test(t.text) && t.text.includes(':'));
const isOperand = (t: Token): boolean => isInteger(t) || isString(t) || isMap(t) || isVariable(t) || (isIdent(t) && BUILTINS.includes(t.text));

/** The statements of src: each the text between a `{` or `;` and the next `;`. */
function statements(src: string): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  for (const t of tokens(src)) {
    if (t.text === '{') start = t.end;
    else if (t.text === ';') {
      if (start >= 0) out.push([start, t.end]);
      start = t.end;
    } else if (t.text === '}') start = -1;
  }
  return out;
}

const characterMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => (src: string) => {
    const [s, e] = span(src, a, b);
    return src.slice(0, s) + src.slice(e);
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...SNIPPETS)).map(([a, text]) => (src: string) => {
    const i = at(src.length + 1, a);
    return src.slice(0, i) + text + src.slice(i);
  }),
  fc.tuple(fc.nat(), fc.nat(), fc.string({ maxLength: 6 })).map(([a, b, text]) => (src: string) => {
    const [s, e] = span(src, a, b);
    return src.slice(0, s) + text + src.slice(e);
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => (src: string) => {
    const [s, e] = span(src, a, b);
    return src.slice(0, e) + src.slice(s, e) + src.slice(e);
  }),
);

const tokenMutation: fc.Arbitrary<Mutation> = fc.oneof(
  replaceToken(isOperator, OPERATORS),
  replaceToken(isInteger, INTEGERS),
  replaceToken(isString, STRINGS),
  replaceToken((t) => isIdent(t) && BUILTINS.includes(t.text), BUILTINS),
  replaceToken((t) => isIdent(t) && FUNCTIONS.includes(t.text), FUNCTIONS),
  replaceToken(isIdent, [...BUILTINS, ...FUNCTIONS]),
  replaceToken(isMap, MAPS),
  replaceToken(isVariable, VARIABLES),
  replaceToken(isOperand, [...INTEGERS, ...MAPS, ...VARIABLES, ...BUILTINS, ...STRINGS]),
  replaceToken(isAttachPoint, ATTACH_POINTS),
  fc.tuple(fc.nat(), fc.constantFrom(...WRAPS)).map(([i, wrap]) => (src: string) => {
    const ts = tokens(src).filter(isOperand);
    if (ts.length === 0) return src;
    const t = ts[at(ts.length, i)]!;
    return src.slice(0, t.start) + wrap.replaceAll('X', t.text) + src.slice(t.end);
  }),
  fc.tuple(fc.nat(), fc.boolean()).map(([i, drop]) => (src: string) => {
    const ss = statements(src);
    if (ss.length === 0) return src;
    const [s, e] = ss[at(ss.length, i)]!;
    return drop ? src.slice(0, s) + src.slice(e) : src.slice(0, e) + src.slice(s, e) + src.slice(e);
  }),
);

export const mutant: fc.Arbitrary<{ source: string; unsafe: boolean; params: string[] }> = fc
  .record({
    base: fc.nat({ max: corpus.length - 1 }),
    mutations: fc.array(fc.oneof({ arbitrary: tokenMutation, weight: 3 }, { arbitrary: characterMutation, weight: 1 }), { minLength: 1, maxLength: 4 }),
    unsafe: fc.boolean(),
    params: fc.constantFrom<string[]>([], ['1'], ['10', 'str'], ['-5', '', 'x']),
  })
  .map(({ base, mutations, unsafe, params }) => ({ source: mutations.reduce((s, m) => m(s), corpus[base]!), unsafe, params }));

// ---- the property ------------------------------------------------------------------------------

/**
 * A rejection for a pointer (ctx arithmetic, say) stored in a map: 5.0 lets no helper read a
 * spilled pointer, and bpftrace 0.17 stores the value it computed, so the real kernel refuses the
 * same program. The verbose log's state before the call shows what the slot holds.
 */
function storesPointer(bpf: BpfSubsystem, insns: ReturnType<typeof relocateMapRefs>, progType: number, log: string): boolean {
  const m = /invalid indirect read from stack off (-\d+)\+\d+/.exec(log);
  if (!m) return false;
  const verbose = { log: '' };
  bpf.progLoad({ progType, insns, license: 'GPL', name: 'bpftrace', logLevel: 2 }, verbose);
  const states = verbose.log.trim().split('\n').filter((l) => /^\d+: R/.test(l));
  const slot = new RegExp(`fp${m[1]}_?w?=(\\S+)`).exec(states[states.length - 1] ?? '');
  return !!slot && !/^(inv|[m0?]+$)/.test(slot[1]!);
}

/** Loads every probe as bpftrace's runtime does and runs BEGIN once; returns what went wrong, or null. */
function loadAndRun(compiled: CompiledProgram, dialect: Dialect): string | null {
  const bpf = new BpfSubsystem(new StandaloneHost({ nrCpus: 1 }), dialect);
  const mapFds = compiled.maps.map((m) => bpf.mapCreate({ mapType: m.mapType, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.kind === 'perf_event' ? 1 : m.maxEntries || 1, name: m.bpfName }));
  const badMap = compiled.maps.findIndex((_, i) => mapFds[i]! < 0);
  // A value of no bytes (kstack(0), a stack mode, an array of no elements): 0.17 too fails here
  // ("failed to create map: Invalid argument").
  if (badMap >= 0 && compiled.maps[badMap]!.valueSize === 0) return null;
  // Stacks deeper than kernel.perf_event_max_stack: Linux refuses the stack map, and 0.17
  // says so ("failed to create stack id map: Invalid argument").
  if (badMap >= 0 && compiled.maps[badMap]!.kind === 'stack' && compiled.maps[badMap]!.valueSize / 8 > PERF_MAX_STACK_DEPTH) return null;
  if (badMap >= 0) return `map ${compiled.maps[badMap]!.name} cannot be created (${mapFds[badMap]})`;
  const perf = bpf.perfEventOpen(0, 8);
  const key = new Uint8Array(4);
  const val = new Uint8Array(4);
  new DataView(val.buffer).setUint32(0, perf, true);
  bpf.mapUpdateElem(mapFds[compiled.perfEventMap]!, key, val);
  for (const p of compiled.probes) {
    const log = { log: '' };
    const fd = bpf.progLoad({ progType: p.progTypeId, insns: relocateMapRefs(p.insns, mapFds), license: 'GPL', name: 'bpftrace', logLevel: 1 }, log);
    if (fd < 0) {
      const last = log.log.trim().split('\n').slice(-3).join('\n');
      if (LEGITIMATE_REJECTION.test(log.log) || fd === -7 /* E2BIG */) continue;
      if (storesPointer(bpf, relocateMapRefs(p.insns, mapFds), p.progTypeId, log.log)) continue;
      return `${dialect} verifier rejected ${p.name} (${fd}):\n${last}`;
    }
    if (p.attachPoints.some((ap) => ap.provider === 'BEGIN')) {
      const r = bpf.progTestRun(fd, { ctx: new Uint8Array(168) });
      if (r.err) return `BEGIN faulted: ${r.error ?? r.err}`;
    }
  }
  return null;
}

/** The property for one program: null when it holds, else why not. */
export function check(source: string, unsafe: boolean, params: string[]): string | null {
  const diags = new Diagnostics();
  let result;
  try {
    result = compile(source, diags, { filename: 'stdin', params, unsafe, resolveKname: (name) => (name.length % 2 ? 0xffffffff81000000n : 0n) });
  } catch (e) {
    return `compile threw: ${e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 4).join('\n') : String(e)}`;
  }
  if (!result) {
    if (!diags.hasErrors) return 'compile returned null without an error';
    const failed = diags.list.find((d) => d.message.startsWith('Failed to compile: '));
    if (failed && !USER_CODEGEN_ERRORS.some((re) => re.test(failed.message))) return `codegen bug: ${failed.message}`;
    return null;
  }
  if (diags.hasErrors) return 'compile returned a program with errors';
  // 5.0 rejects every loop as a back-edge; bpftrace's `while` needs a 5.3+ kernel.
  return loadAndRun(result.compiled, /\bwhile\b/.test(source) ? '6.x' : '5.0');
}

