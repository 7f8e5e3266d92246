// The golden corpus captured from the real bpftrace 0.17 (tests/golden/bpftrace/{run,errors}, see
// its README), run through bpfbox's command line in-process: stdout, stderr and the exit status
// must be byte-identical. Cases bpfbox does not reproduce yet are listed in KNOWN_DIFFERENCES; the
// test fails when one of them starts to pass, so the list only shrinks.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bpftraceCommand } from '../../src/cli/bpftrace.js';
import { runBpftrace } from '../../src/cli/bpftrace_run.js';

const root = new URL('../golden/bpftrace/', import.meta.url);

interface Case {
  name: string;
  args: string[];
  /** NAME.env's variables, the only ones bpfbox sees. */
  env: Map<string, string>;
  stdout: string;
  stderr: string;
  status: number;
}

function load(dir: string): Case[] {
  const base = new URL(`${dir}/`, root);
  const read = (f: string): string | null => (existsSync(new URL(f, base)) ? readFileSync(new URL(f, base), 'utf8') : null);
  return readdirSync(base)
    .filter((f) => f.endsWith('.bt'))
    .map((f) => f.slice(0, -3))
    .sort()
    .map((name) => {
      const src = read(`${name}.bt`)!;
      const lines = (read(`${name}.args`) ?? '').split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
      const at = lines.indexOf('{}');
      const args = at < 0 ? ['-e', src, ...lines] : [...lines.slice(0, at), '-e', src, ...lines.slice(at + 1)];
      const envText = read(`${name}.env`);
      const env = new Map((envText === null ? [] : envText.replace(/\n$/, '').split('\n')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
      // The corpus was captured on Linux 6.18, whose verifier allows bounded loops.
      return { name, args: ['--kernel', '6.x', ...args], env, stdout: read(`${name}.out`) ?? '', stderr: read(`${name}.err`) ?? '', status: Number(read(`${name}.status`)) };
    });
}

async function run(args: string[], env: Map<string, string>): Promise<{ stdout: string; stderr: string; status: number }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (s: string) => void (stdout += s), stderr: (s: string) => void (stderr += s), stdin: () => '', getenv: (name: string) => env.get(name) };
  const status = await bpftraceCommand(args, io, { version: '0.1.0', runProgram: runBpftrace });
  return { stdout, stderr, status };
}

const KNOWN_DIFFERENCES = new Set<string>(
  readFileSync(new URL('known-differences.txt', root), 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean),
);

for (const dir of ['run', 'errors']) {
  describe(`bpftrace 0.17 golden corpus: ${dir}`, () => {
    for (const c of load(dir)) {
      const test = KNOWN_DIFFERENCES.has(c.name) ? it.fails : it;
      test(c.name, async () => {
        const r = await run(c.args, c.env);
        expect({ stdout: r.stdout, stderr: r.stderr, status: r.status }).toEqual({ stdout: c.stdout, stderr: c.stderr, status: c.status });
      });
    }
  });
}
