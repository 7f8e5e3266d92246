// Dev script (root, the real bpftrace 0.17 installed): runs every program of
// tests/golden/bpftrace/{run,errors} through `bpftrace` and stores what it printed beside it:
// NAME.out (stdout), NAME.err (stderr, only when non-empty) and NAME.status (exit code), with the
// variables of NAME.env, if any, in its environment.
// Each program runs three times; one whose three runs differ is reported and left uncaptured,
// because a golden that the real tool cannot reproduce would fail bpfbox for no reason.
// Run: npx tsx scripts/capture-bpftrace-goldens.ts [NAME...]   (no NAME: the whole corpus)

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants, cpus } from 'node:os';
import { join } from 'node:path';

const ROOT = 'tests/golden/bpftrace';
const DIRS = ['run', 'errors'];
const BPFTRACE = process.env.BPFTRACE ?? 'bpftrace';
const RUNS = 3;
/** A program that has not exited by then is broken: every golden must end by itself. */
const TIMEOUT_MS = 30_000;

/**
 * bpftrace prints this when it cannot raise RLIMIT_MEMLOCK (an unprivileged container); it says
 * nothing about the program, and bpfbox has no such limit to raise.
 */
const MEMLOCK = /couldn't set RLIMIT_MEMLOCK/;

/**
 * The command line for a program: NAME.args holds one argument per line, and its line `{}`
 * stands for `-e SOURCE`; without one, `-e SOURCE` comes first. Running with `-e` makes
 * diagnostics name the program `stdin`, independent of where the corpus lives.
 */
function commandLine(source: string, argsText: string | undefined): string[] {
  const args = argsText === undefined ? [] : argsText.replace(/\n$/, '').split('\n');
  const at = args.indexOf('{}');
  return at < 0 ? ['-e', source, ...args] : [...args.slice(0, at), '-e', source, ...args.slice(at + 1)];
}

/**
 * The environment for a program: this process's, without any BPFTRACE_* variable of its own (each
 * would change what bpftrace prints), plus NAME.env's `VAR=value` lines.
 */
function environment(envText: string | undefined): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BPFTRACE_')));
  for (const line of envText === undefined ? [] : envText.replace(/\n$/, '').split('\n')) {
    const eq = line.indexOf('=');
    env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

interface Result {
  stdout: string;
  stderr: string;
  status: number;
}

function run(argv: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(BPFTRACE, argv, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') {
        reject(new Error('timed out'));
        return;
      }
      // A death by signal (0.17 aborts on some probe types) is stored as a shell reports it: 128 + N.
      const status = code ?? 128 + constants.signals[signal!];
      const stderr = Buffer.concat(err)
        .toString('latin1')
        .split('\n')
        .filter((line) => !MEMLOCK.test(line))
        .join('\n');
      resolve({ stdout: Buffer.concat(out).toString('latin1'), stderr, status });
    });
  });
}

interface Case {
  dir: string;
  name: string;
}

function cases(only: Set<string>): Case[] {
  const all: Case[] = [];
  for (const dir of DIRS) {
    const path = join(ROOT, dir);
    if (!existsSync(path)) continue;
    for (const file of readdirSync(path).sort()) {
      if (!file.endsWith('.bt')) continue;
      const name = file.slice(0, -3);
      if (only.size === 0 || only.has(name)) all.push({ dir: path, name });
    }
  }
  return all;
}

async function capture(c: Case): Promise<string | null> {
  const base = join(c.dir, c.name);
  const source = readFileSync(`${base}.bt`, 'latin1');
  const argsPath = `${base}.args`;
  const argv = commandLine(source, existsSync(argsPath) ? readFileSync(argsPath, 'latin1') : undefined);
  const envPath = `${base}.env`;
  const env = environment(existsSync(envPath) ? readFileSync(envPath, 'latin1') : undefined);
  const results: Result[] = [];
  for (let i = 0; i < RUNS; i++) results.push(await run(argv, env));
  const [first] = results;
  const same = (r: Result) => r.stdout === first.stdout && r.stderr === first.stderr && r.status === first.status;
  if (!results.every(same)) return `${c.name}: the ${RUNS} runs differ; not captured`;
  // Stored as read (latin1 both ways), so any byte bpftrace printed survives unchanged.
  writeFileSync(`${base}.out`, first.stdout, 'latin1');
  writeFileSync(`${base}.status`, `${first.status}\n`);
  if (first.stderr.length > 0) writeFileSync(`${base}.err`, first.stderr, 'latin1');
  else rmSync(`${base}.err`, { force: true });
  return null;
}

async function main(): Promise<void> {
  const version = spawnSync(BPFTRACE, ['-V'], { encoding: 'utf8' }).stdout.trim();
  if (version !== 'bpftrace v0.17.0') throw new Error(`need bpftrace v0.17.0, found '${version}'`);
  const todo = cases(new Set(process.argv.slice(2)));
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const c = todo[next++];
      try {
        const failure = await capture(c);
        if (failure !== null) failures.push(failure);
      } catch (e) {
        failures.push(`${c.name}: ${(e as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, cpus().length) }, worker));
  for (const f of failures.sort()) console.error(f);
  console.log(`${todo.length - failures.length} of ${todo.length} programs captured`);
  if (failures.length > 0) process.exitCode = 1;
}

await main();
