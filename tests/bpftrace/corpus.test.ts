// The golden corpus of tests/golden/bpftrace (captured from the real bpftrace 0.17 by
// scripts/capture-bpftrace-goldens.ts) is itself checked here: a program without its capture, a
// capture left behind by a renamed program, a case filed in the wrong directory or a host
// warning captured as output would each make the bpfbox runner compare against the wrong thing.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = 'tests/golden/bpftrace';
const KINDS = ['bt', 'args', 'env', 'out', 'err', 'status'];
/** What the issue asks the corpus to hold at least. */
const MINIMUM = { run: 130, errors: 50 };

interface Case {
  name: string;
  files: Set<string>;
}

function corpus(dir: 'run' | 'errors'): Case[] {
  const byName = new Map<string, Set<string>>();
  for (const file of readdirSync(join(ROOT, dir))) {
    const dot = file.indexOf('.');
    const name = file.slice(0, dot);
    const files = byName.get(name) ?? new Set<string>();
    files.add(file.slice(dot + 1));
    byName.set(name, files);
  }
  return [...byName].map(([name, files]) => ({ name, files }));
}

function read(dir: string, name: string, kind: string): string {
  return readFileSync(join(ROOT, dir, `${name}.${kind}`), 'latin1');
}

describe.each(['run', 'errors'] as const)('tests/golden/bpftrace/%s', (dir) => {
  const cases = corpus(dir);

  it(`holds at least ${MINIMUM[dir]} programs`, () => {
    expect(cases.filter((c) => c.files.has('bt')).length).toBeGreaterThanOrEqual(MINIMUM[dir]);
  });

  it('has only NAME.{bt,args,env,out,err,status} files, every program with its .out and .status', () => {
    for (const c of cases) {
      expect([...c.files].filter((k) => !KINDS.includes(k)), c.name).toEqual([]);
      expect(c.files.has('bt') && c.files.has('out') && c.files.has('status'), c.name).toBe(true);
    }
  });

  it('names the feature first, and every error case starts with err_', () => {
    for (const c of cases) {
      expect(c.name, c.name).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/);
      expect(c.name.startsWith('err_'), c.name).toBe(dir === 'errors');
    }
  });

  it('stores an exit status that matches the directory', () => {
    for (const c of cases) {
      const text = read(dir, c.name, 'status');
      expect(text, c.name).toMatch(/^\d+\n$/);
      const status = Number(text);
      if (dir === 'run') expect(status, c.name).toBe(0);
      else expect(status, c.name).not.toBe(0);
    }
  });

  it('keeps a .err only when stderr said something, and every error case says something', () => {
    for (const c of cases) {
      if (c.files.has('err')) expect(read(dir, c.name, 'err').length, c.name).toBeGreaterThan(0);
      if (dir === 'errors') expect(c.files.has('err'), c.name).toBe(true);
    }
  });

  it("never captured this host's RLIMIT_MEMLOCK warning", () => {
    for (const c of cases) {
      for (const kind of ['out', 'err'].filter((k) => c.files.has(k))) {
        expect(read(dir, c.name, kind), `${c.name}.${kind}`).not.toContain('RLIMIT_MEMLOCK');
      }
    }
  });

  it('places the program at most once in a .args file', () => {
    for (const c of cases.filter((c) => c.files.has('args'))) {
      const lines = read(dir, c.name, 'args').replace(/\n$/, '').split('\n');
      expect(lines.filter((l) => l === '{}').length, c.name).toBeLessThanOrEqual(1);
      expect(lines, c.name).not.toContain('');
    }
  });

  it('sets one BPFTRACE_* variable per line of a .env file, each at most once', () => {
    for (const c of cases.filter((c) => c.files.has('env'))) {
      const lines = read(dir, c.name, 'env').replace(/\n$/, '').split('\n');
      for (const l of lines) expect(l, c.name).toMatch(/^BPFTRACE_[A-Z_]+=/);
      const names = lines.map((l) => l.slice(0, l.indexOf('=')));
      expect(new Set(names).size, c.name).toBe(names.length);
    }
  });
});
