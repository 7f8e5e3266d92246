// bpftrace's main.cpp pipeline from text to loadable programs: parse, resolve the attach points
// against the kernel (tracepoint and probe existence), the ClangParser on the program's C
// definitions, the semantic analyser, the resource analyser, codegen. Each stage reports through
// one Diagnostics; the first stage with an error ends the pipeline, as in bpftrace, and every
// stage can be dumped for `-d`.

import type { Program } from './ast.js';
import { Diagnostics } from './diagnostics.js';
import { parse } from './parse.js';
import { parseCDefinitions } from './clang_parser.js';
import { resolveAttachPoint, type ResolvedProbe } from './probe_matcher.js';
import { analyse, type SemanticResult } from './passes/semantic_analyser.js';
import { analyseResources } from './passes/resource_analyser.js';
import { codegen, CodegenError, type CompiledProgram } from './passes/codegen.js';
import { printAst } from './passes/printer.js';
import { countNodes } from './passes/node_counter.js';
import { StackOverflowError } from './codegen/stack.js';
import { disassemble } from '../bpf/disasm.js';
import { DEFAULT_SETTINGS, type BpftraceSettings } from './settings.js';

export interface CompileOptions {
  /** The name diagnostics carry (`stdin` for -e). */
  filename: string;
  params: string[];
  unsafe: boolean;
  /** `-c CMD` was given (cpid is valid). */
  hasChild?: boolean;
  /** kaddr("sym"): the kernel's address for a symbol, 0n when unknown. */
  resolveKname?: (name: string) => bigint;
  /** -v: the node count (`INFO: node count: N`). */
  verbose?: boolean;
  /** The kernel has bounded loops (5.3 and later): without them a while() gets 0.17's warning. */
  hasLoop?: boolean;
  /** -d: each stage's tree, as bpftrace's `-d` prints them. */
  dump?: (text: string) => void;
  /** BPFTRACE_* limits; 0.17's defaults when absent. */
  settings?: BpftraceSettings;
}

export interface Compiled {
  program: Program;
  sem: SemanticResult;
  compiled: CompiledProgram;
  /** Per probe (in program order), per attach point, what it expands to on this kernel. */
  expansions: ResolvedProbe[][][];
}

export function compile(source: string, diags: Diagnostics, opts: CompileOptions): Compiled | null {
  try {
    return compileStages(source, diags, opts);
  } catch (e) {
    // The parser keeps its own stack, as bison does, but the passes after it recurse over the
    // tree: some thousands of nested operators exhaust the JavaScript stack, where bpftrace's
    // native stack goes deeper.
    if (!(e instanceof RangeError && /call stack/.test(e.message))) throw e;
    diags.error('bpfbox: the program is nested too deeply to compile');
    return null;
  }
}

function compileStages(source: string, diags: Diagnostics, opts: CompileOptions): Compiled | null {
  const settings = opts.settings ?? DEFAULT_SETTINGS;
  const program = parse(source, diags, { filename: opts.filename, positional: opts.params });
  if (!program || diags.hasErrors) return null;
  opts.dump?.(printAst(program, 'parser'));
  const expansions = program.probes.map((p) => p.attachPoints.map((ap) => resolveAttachPoint(ap, p.attachPoints.length, diags, false)));
  if (diags.hasErrors) return null;
  const clang = parseCDefinitions(program.cDefinitions, diags);
  if (!clang) return null;
  const sem = analyse(program, diags, {
    unsafe: opts.unsafe,
    clang,
    positional: opts.params,
    ...(opts.hasChild ? { hasChild: true } : {}),
    ...(opts.hasLoop === false ? { hasLoop: false } : {}),
    strlen: settings.strlen,
  });
  if (!sem || diags.hasErrors) return null;
  opts.dump?.(printAst(program, 'Semantic'));
  const nodes = countNodes(program);
  if (opts.verbose) diags.info(`node count: ${nodes}`);
  if (BigInt(nodes) >= settings.astMaxNodes) {
    diags.error(`node count (${nodes}) exceeds the limit (${settings.astMaxNodes})`);
    return null;
  }
  // bpftrace's NodeCounter pass leaves the tree as it is; -d prints it again after it.
  opts.dump?.(printAst(program, 'NodeCounter'));
  const resources = analyseResources(program, sem.maps, diags);
  if (!resources || diags.hasErrors) return null;
  opts.dump?.(printAst(program, 'ResourceAnalyser'));
  try {
    const compiled = codegen(program, sem, resources, { params: opts.params, expansions, mapmax: settings.mapmax, maxPrograms: settings.maxPrograms, ...(opts.resolveKname ? { resolveKname: opts.resolveKname } : {}) });
    // Where bpftrace prints LLVM IR, bpfbox has no IR: the bytecode each probe compiled to.
    for (const p of compiled.probes) opts.dump?.(`\nBytecode of ${p.name}\n-------------------\n${disassemble(p.insns).join('\n')}\n`);
    return { program, sem, compiled, expansions };
  } catch (e) {
    if (!(e instanceof CodegenError) && !(e instanceof StackOverflowError)) throw e;
    // A LOG(FATAL) in codegen aborts bpftrace; main.cpp reports anything else it throws without a place.
    if (e instanceof CodegenError && e.fatal) diags.list.push({ type: 'FATAL', message: e.message });
    else diags.error(`Failed to compile: ${e.message}`);
    return null;
  }
}
