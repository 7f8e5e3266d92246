// The command line as a user runs it: bin/bpfbox in a child process, stdin, stdout, stderr and
// the exit status. (npm test builds dist/ before the tests run.)

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function bpfbox(args: string[], input = ''): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/bpfbox', ...args], { input, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A user's mistake: one line on stderr, no stack trace, the given exit status. */
function expectCleanError(r: { status: number; stdout: string; stderr: string }, status: number, re: RegExp): void {
  expect(r.status).toBe(status);
  expect(r.stderr).toMatch(re);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr.trim().split('\n').length).toBe(1);
}

const RET42 = 'b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00';

describe('bpfbox', () => {
  it('--version and --help', () => {
    expect(bpfbox(['--version']).stdout).toMatch(/^bpfbox v\d+\.\d+\.\d+\n$/);
    const h = bpfbox(['--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('bpf run|asm|disasm');
  });
  it('rejects an unknown command or option', () => {
    expectCleanError(bpfbox(['frobnicate']), 2, /unknown command 'frobnicate'/);
    expectCleanError(bpfbox(['bpf', 'run', '--nope'], RET42), 2, /Unknown option '--nope'/);
  });
});

describe('bpfbox bpf run', () => {
  it('runs hex from stdin or --hex and prints r0', () => {
    expect(bpfbox(['bpf', 'run'], RET42)).toEqual({ status: 0, stdout: '0x2a\n', stderr: '' });
    expect(bpfbox(['bpf', 'run', '--hex', RET42.replace(/ /g, '')]).stdout).toBe('0x2a\n');
    expect(bpfbox(['bpf', 'run', '--engine', 'interp'], RET42).stdout).toBe('0x2a\n');
  });
  it('gives the program its memory in r1 and r2, in the conformance plugin\'s format', () => {
    // ldxdw r0, [r1+0]; add r0, r2; exit
    const prog = '79 10 00 00 00 00 00 00  0f 20 00 00 00 00 00 00  95 00 00 00 00 00 00 00  \n';
    expect(bpfbox(['bpf', 'run', 'ff  ff  ff  ff  ff  ff  ff  ff  '], prog).stdout).toBe('0x7\n');
  });
  it('prints 64-bit results exactly', () => {
    const lddw = '18 00 00 00 ef cd ab 89 00 00 00 00 67 45 23 f1 95 00 00 00 00 00 00 00';
    expect(bpfbox(['bpf', 'run'], lddw).stdout).toBe('0xf123456789abcdef\n');
  });
  it('reports faults, bad hex and invalid programs on one line with status 1', () => {
    expectCleanError(bpfbox(['bpf', 'run', '00'], '79 10 04 00 00 00 00 00 95 00 00 00 00 00 00 00'), 1, /^bpfbox: invalid memory read of 8 bytes at 0x[0-9a-f]+ at insn 0$/m);
    expectCleanError(bpfbox(['bpf', 'run'], 'zz'), 1, /program: invalid hex character 'z'/);
    expectCleanError(bpfbox(['bpf', 'run'], 'b7 00 00'), 1, /program: 3 bytes is not a whole number of 8-byte instructions/);
    expectCleanError(bpfbox(['bpf', 'run'], ''), 1, /program: no instructions/);
    expectCleanError(bpfbox(['bpf', 'run'], 'ff 00 00 00 00 00 00 00'), 1, /invalid program: insn 0: invalid opcode 0xff/);
    expectCleanError(bpfbox(['bpf', 'run', '--budget', '100'], '05 00 ff ff 00 00 00 00'), 1, /instruction budget of 100 exhausted at insn 0/);
    expectCleanError(bpfbox(['bpf', 'run', 'x'], RET42), 1, /memory: invalid hex character 'x'/);
  });
});

describe('bpfbox bpf asm and disasm', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bpfbox-'));
  it('assembles a file or stdin', () => {
    const f = join(dir, 'p.s');
    writeFileSync(f, 'r0 = 42\nexit\n');
    expect(bpfbox(['bpf', 'asm', f]).stdout).toBe('b7 00 00 00 2a 00 00 00\n95 00 00 00 00 00 00 00\n');
    expect(bpfbox(['bpf', 'asm', '-'], 'mov %r0, 42\nexit\n').stdout).toBe('b7 00 00 00 2a 00 00 00\n95 00 00 00 00 00 00 00\n');
    expect(bpfbox(['bpf', 'asm', '--raw', '-'], 'exit').stdout).toBe('9500000000000000\n');
  });
  it('names the file and line of an error', () => {
    const f = join(dir, 'bad.s');
    writeFileSync(f, 'r0 = 0\nr0 += r12\nexit\n');
    expectCleanError(bpfbox(['bpf', 'asm', f]), 1, new RegExp(`${f.replace(/[/.]/g, '\\$&')}:2: error: invalid register 'r12'`));
    expectCleanError(bpfbox(['bpf', 'asm', join(dir, 'missing.s')]), 1, /missing\.s: No such file or directory/);
  });
  it('lists bytecode as bpftool does, in either dialect', () => {
    expect(bpfbox(['bpf', 'disasm'], '0c 21 00 00 00 00 00 00 95 00 00 00 00 00 00 00').stdout).toBe('   0: (0c) w1 += w2\n   1: (95) exit\n');
    expect(bpfbox(['bpf', 'disasm', '--kernel', '5.0'], '0c 21 00 00 00 00 00 00').stdout).toBe('   0: (0c) (u32) r1 += (u32) r2\n');
    expectCleanError(bpfbox(['bpf', 'disasm', '--kernel', '4.9'], RET42), 2, /--kernel must be 5.0 or 6.x/);
  });
  it('round-trips the example through asm and disasm', () => {
    const hex = bpfbox(['bpf', 'asm', 'examples/log2_hist.s']).stdout;
    const listing = bpfbox(['bpf', 'disasm'], hex).stdout;
    expect(bpfbox(['bpf', 'asm', '-'], listing).stdout).toBe(hex);
  });
});

describe('bpfbox demo (npm start)', () => {
  it('assembles, lists, runs and draws the histogram', () => {
    const r = bpfbox(['demo']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('  28: (85) call bpf_map_lookup_elem#1');
    expect(r.stdout).toMatch(/Ran it 100,000 times over 4 CPUs: [\d,]+ instructions/);
    const rows = r.stdout.split('\n').filter((l) => /^\[/.test(l));
    expect(rows[0]).toMatch(/^\[0\]\s+\d+ \|@+\s*\|$/);
    expect(rows.at(-1)).toMatch(/^\[2G, 4G\)\s+\d+ \|@+\s*\|$/);
    const total = rows.reduce((n, l) => n + Number(/\s(\d+) \|/.exec(l)![1]), 0);
    expect(total).toBe(100_000);
  });
});
