// The utilities against GNU's: each case ran the real tool (bash's builtin for echo) in a directory
// of fixture files, and bpfbox's must print the same on both streams and exit the same
// (tests/golden/shell/coreutils.json, captured by scripts/capture-shell-goldens.ts).

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coreutils } from '../../src/userland/coreutils/index.js';
import { byteLength, type Failure, type Stat, type UtilIo } from '../../src/userland/coreutils/io.js';

interface Case {
  argv: string[];
  stdin?: string;
  stdinFile?: string;
  environ?: string[];
  stdout: string;
  stderr: string;
  status: number;
}
const golden = JSON.parse(readFileSync('tests/golden/shell/coreutils.json', 'utf8')) as { files: Record<string, string | null>; cases: Case[] };
const files = golden.files;

function statOf(path: string): Stat | Failure {
  const f = files[path];
  if (f === undefined) return { errno: path.split('/').slice(0, -1).some((_, i, a) => typeof files[a.slice(0, i + 1).join('/')] === 'string') ? 'ENOTDIR' : 'ENOENT' };
  return f === null ? { type: 'dir', size: 4096 } : { type: 'file', size: byteLength(f) };
}

/** A process's io over the fixture files, collecting what it writes. */
function processIo(stdin: string, stdinFile: string | undefined, environ: readonly string[], out: { stdout: string; stderr: string }): UtilIo {
  let input = stdinFile !== undefined ? files[stdinFile]! : stdin;
  return {
    stdin: () => {
      const s = input;
      input = '';
      return s;
    },
    stdout: (s) => void (out.stdout += s),
    stderr: (s) => void (out.stderr += s),
    readFile: (path) => {
      const st = statOf(path);
      if ('errno' in st) return st;
      return st.type === 'dir' ? { errno: 'EISDIR' } : files[path]!;
    },
    stat: (path) => (path === null ? (stdinFile !== undefined ? statOf(stdinFile) : { type: 'other', size: 0 }) : statOf(path)),
    readdir: (path) => {
      const st = statOf(path);
      if ('errno' in st) return st;
      if (st.type !== 'dir') return { errno: 'ENOTDIR' };
      const prefix = path.endsWith('/') ? path : `${path}/`;
      return Object.keys(files).filter((f) => f.startsWith(prefix) && !f.slice(prefix.length).includes('/')).map((f) => f.slice(prefix.length));
    },
    // The fixture files are shared by every case: none of these utilities changes them.
    unlink: () => ({ errno: 'EROFS' }),
    rmdir: () => ({ errno: 'EROFS' }),
    mkdir: () => ({ errno: 'EROFS' }),
    create: () => ({ errno: 'EROFS' }),
    uid: 0,
    gid: 0,
    cwd: '/tmp',
    environ,
    exec: (argv, env) => {
      const util = coreutils[argv[0]!];
      if (util === undefined) return { errno: 'ENOENT' };
      return util([...argv], processIo('', undefined, env, out));
    },
  };
}

describe('coreutils, as GNU', () => {
  it.each(golden.cases.map((c) => [c.argv.map((a) => JSON.stringify(a)).join(' '), c] as const))('%s', (_, c) => {
    const out = { stdout: '', stderr: '' };
    const status = coreutils[c.argv[0]!]!([...c.argv], processIo(c.stdin ?? '', c.stdinFile, c.environ ?? ['LC_ALL=C', 'PATH=/usr/bin:/bin'], out));
    expect({ ...out, status }).toEqual({ stdout: c.stdout, stderr: c.stderr, status: c.status });
  });
});

describe('random patterns', () => {
  const chars = fc.constantFrom(...'ab.*+?|(){}[]^$\\,-:=019wWsS<>`\''.split(''));
  it('grep compiles any pattern or reports it, never throwing', () => {
    fc.assert(fc.property(fc.array(chars, { maxLength: 16 }).map((a) => a.join('')), fc.constantFrom([], ['-E'], ['-w'], ['-x', '-E'], ['-o'], ['-oE', '-i']), (pattern, flags) => {
      const out = { stdout: '', stderr: '' };
      const status = coreutils.grep!(['grep', ...flags, '-e', pattern, 'grep.txt'], processIo('', undefined, [], out));
      expect([0, 1, 2]).toContain(status);
      if (status === 2) expect(out.stderr).toMatch(/^grep: /);
    }), { numRuns: 20000 });
  });
});
