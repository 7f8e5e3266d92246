// bpftrace start-up and compilation: the wall time of a one-liner as a user runs it (a new Node
// process: loading the bundle, booting the machine, compiling, running BEGIN) beside Node's own
// start, the machine's boot with its userland alone, and the compile time (parse to bytecode) of a
// long script.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from '../bpftrace/compile.js';
import { Diagnostics, formatDiagnostics } from '../bpftrace/diagnostics.js';
import { bootMachine } from '../cli/sh.js';

const ONE_LINER = 'BEGIN { printf("hi\\n"); exit(); }';
const ONE_LINER_OUTPUT = 'Attaching 1 probe...\nhi\n\n\n';
const SCRIPT = 'examples/bench-200.bt';

const root = (rel: string): string => fileURLToPath(new URL(`../../${rel}`, import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const ms = (x: number): string => `${x.toFixed(1).padStart(7)} ms`;

/** `bpfbox -e ONE_LINER` in a new process, from spawn to exit, as a user waits for it. */
function oneLinerMs(env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [root('bin/bpfbox'), '-e', ONE_LINER], { encoding: 'utf8', env });
  const t = performance.now() - t0;
  if (r.status !== 0 || r.stdout !== ONE_LINER_OUTPUT) throw new Error(`bpfbox -e exited ${r.status}: ${JSON.stringify(r.stdout)} ${r.stderr}`);
  return t;
}

/** `node -e 0`: what any Node program takes to start and exit. */
function nodeMs(env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  spawnSync(process.execPath, ['-e', '0'], { env });
  return performance.now() - t0;
}

function startUp(log: (s: string) => void, env: NodeJS.ProcessEnv, label: string): void {
  const runs = Array.from({ length: 11 }, () => oneLinerMs(env));
  const node = Array.from({ length: 11 }, () => nodeMs(env));
  log(`  bpfbox -e '${ONE_LINER}'${label}   ${ms(median(runs))} median of 11, ${ms(Math.min(...runs))} fastest (a new process each)`);
  log(`  node -e 0${label}   ${ms(median(node))} median of 11`);
}

function compileScript(source: string): void {
  const diags = new Diagnostics();
  const c = compile(source, diags, { filename: SCRIPT, params: [], unsafe: false });
  if (!c || diags.hasErrors) throw new Error(`${SCRIPT} does not compile:\n${formatDiagnostics(diags.list, source, SCRIPT)}`);
}

export function benchBpftrace(log: (s: string) => void): void {
  startUp(log, process.env, '');
  // Node reads and parses NODE_EXTRA_CA_CERTS at every start, before any script runs; where it is
  // set (as on bpfbox's development VM, some 35 ms), the figures without it are a user's.
  if (process.env.NODE_EXTRA_CA_CERTS) {
    const { NODE_EXTRA_CA_CERTS: _, ...env } = process.env;
    startUp(log, env, ' (no NODE_EXTRA_CA_CERTS)');
  }

  const boots: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    bootMachine({});
    boots.push(performance.now() - t0);
  }
  log(`  boot of the 2 GiB machine and its userland        ${ms(median(boots))} median of 5`);

  const source = readFileSync(root(SCRIPT), 'utf8');
  const lines = source.split('\n').length - 1;
  // The first compile in this process loads the parser's tables and warms the optimiser up.
  const t0 = performance.now();
  compileScript(source);
  const first = performance.now() - t0;
  for (let i = 0; i < 5; i++) compileScript(source);
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    compileScript(source);
    times.push(performance.now() - t);
  }
  log(`  compile ${SCRIPT} (${lines} lines), parse to bytecode ${ms(median(times))} median of 15 after warm-up, ${ms(first)} the first`);
}
