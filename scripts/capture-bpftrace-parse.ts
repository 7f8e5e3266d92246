// Captures the parser goldens from the real bpftrace 0.17 (run as root on a machine that has it):
//   tests/golden/bpftrace/parse/errors/NAME.bt  → NAME.err (stderr of `bpftrace -e PROG`), NAME.status
//   tests/golden/bpftrace/parse/ast/NAME.bt     → NAME.ast (the first `-d` section, "AST after: parser")
// An optional NAME.args holds positional parameters, one per line.
// Usage: tsx scripts/capture-bpftrace-parse.ts [NAME...]   (all cases when no name is given)

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', 'tests', 'golden', 'bpftrace', 'parse');
const only = new Set(process.argv.slice(2));

/** Lines this machine adds to every run and that have nothing to do with the program. */
function dropEnvironmentNoise(stderr: string): string {
  return stderr
    .replace(/^Error while reading traceable functions from [^\n]*?(Operation not permitted|No such file or directory)/, '')
    .split('\n')
    .filter((l) => !l.includes("couldn't set RLIMIT_MEMLOCK"))
    .join('\n');
}

function run(args: string[]): { stdout: string; stderr: string; status: number } {
  const r = spawnSync('bpftrace', args, { encoding: 'utf8', timeout: 20_000 });
  if (r.error) throw r.error;
  // A signal (SIGABRT after a FATAL) is reported as a shell would: 128 + its number.
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? 128 + constants.signals[r.signal!] };
}

function positional(dir: string, name: string): string[] {
  const path = join(ROOT, dir, `${name}.args`);
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l !== '') : [];
}

function cases(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.bt'))
    .map((f) => f.slice(0, -3))
    .filter((n) => only.size === 0 || only.has(n));
}

for (const name of cases('errors')) {
  const prog = readFileSync(join(ROOT, 'errors', `${name}.bt`), 'utf8');
  const r = run(['-e', prog, ...positional('errors', name)]);
  if (r.status === 0) throw new Error(`${name}: bpftrace accepted the program; an error case must fail`);
  writeFileSync(join(ROOT, 'errors', `${name}.err`), dropEnvironmentNoise(r.stderr));
  writeFileSync(join(ROOT, 'errors', `${name}.status`), `${r.status}\n`);
  console.log(`errors/${name}: exit ${r.status}`);
}

for (const name of cases('ast')) {
  const prog = readFileSync(join(ROOT, 'ast', `${name}.bt`), 'utf8');
  const r = run(['-d', '-e', prog, ...positional('ast', name)]);
  // -d prints the AST after each pass, then the LLVM IR; only the parser's section is kept. It is
  // printed before semantic analysis, so a program this machine cannot load still has one.
  if (!r.stdout.startsWith('\nAST after: parser\n')) throw new Error(`${name}: no parser AST in -d output:\n${r.stderr}`);
  const next = r.stdout.indexOf('\nAST after: ', 1);
  writeFileSync(join(ROOT, 'ast', `${name}.ast`), next < 0 ? r.stdout : r.stdout.slice(0, next));
  console.log(`ast/${name}`);
}
