// bpftrace start-up and compilation: the wall time of a one-liner as a user runs it (a new Node
// process: module loading, the parser's tables, booting the machine, running BEGIN), the machine's
// boot with its userland alone, and the compile time (parse to bytecode) of a long script.

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
function oneLinerMs(): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [root('bin/bpfbox'), '-e', ONE_LINER], { encoding: 'utf8' });
  const t = performance.now() - t0;
  if (r.status !== 0 || r.stdout !== ONE_LINER_OUTPUT) throw new Error(`bpfbox -e exited ${r.status}: ${JSON.stringify(r.stdout)} ${r.stderr}`);
  return t;
}

function compileScript(source: string): void {
  const diags = new Diagnostics();
  const c = compile(source, diags, { filename: SCRIPT, params: [], unsafe: false });
  if (!c || diags.hasErrors) throw new Error(`${SCRIPT} does not compile:\n${formatDiagnostics(diags.list, source, SCRIPT)}`);
}

export function benchBpftrace(log: (s: string) => void): void {
  const runs = Array.from({ length: 7 }, oneLinerMs);
  log(`  bpfbox -e '${ONE_LINER}'   ${ms(median(runs))} median of 7, ${ms(Math.min(...runs))} fastest (a new process each)`);

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
