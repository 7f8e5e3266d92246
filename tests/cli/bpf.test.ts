// The command line as a user runs it: bin/bpfbox in a child process, stdin, stdout, stderr and
// the exit status. (npm test builds dist/ before the tests run.)

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeLog, stripLivenessDebug } from '../support/corpus.js';

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
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
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

describe('bpfbox bpf verify', () => {
  const asm = (src: string): string => bpfbox(['bpf', 'asm', '-'], src).stdout;
  const LOOKUP = asm('*(u32 *)(r10 -4) = 0\nr1 = map[id:1]\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem#1\nif r0 == 0x0 goto pc+1\nr0 = *(u64 *)(r0 +0)\nr0 = 0\nexit\n');

  it('accepts with exit 0 and prints Linux 5.0\'s log by default', () => {
    const r = bpfbox(['bpf', 'verify', '--hex', RET42.replace(/ /g, '')]);
    expect(r).toEqual({ status: 0, stdout: '0: (b7) r0 = 42\n1: (95) exit\nprocessed 2 insns (limit 131072), stack depth 0\n', stderr: '' });
  });
  it('rejects with exit 1, the reason last in the log and alone on stderr', () => {
    const r = bpfbox(['bpf', 'verify'], asm('r0 = *(u64 *)(r10 -520)\nexit\n'));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('0: (79) r0 = *(u64 *)(r10 -520)\ninvalid stack off=-520 size=8\n');
    expect(r.stderr).toBe('invalid stack off=-520 size=8\n');
  });
  it('numbers --map maps from 1 for the program\'s map references', () => {
    expect(bpfbox(['bpf', 'verify', '--map', 'hash:4:8:16'], LOOKUP).status).toBe(0);
    const small = bpfbox(['bpf', 'verify', '--map', 'hash:4:4:16'], LOOKUP);
    expect(small.stdout).toContain('\ninvalid access to map value, value_size=4 off=0 size=8\n');
    expect(small.stderr).toBe('R0 min value is outside of the array range\n');
    expect(bpfbox(['bpf', 'verify'], LOOKUP).stderr).toBe('fd 1 is not pointing to valid bpf_map\n');
  });
  it('--kernel 6.x prints what Linux 6.18 printed for the same program', () => {
    const src = readFileSync('tests/golden/verifier/corpus/map-lookup-null-check-ok.s', 'utf8');
    const hex = bpfbox(['bpf', 'asm', '-'], src.replace(/^#.*\n/gm, '')).stdout;
    const r = bpfbox(['bpf', 'verify', '--kernel', '6.x', '--log-level', '2', '--map', 'hash:4:8:16'], hex);
    const want = readFileSync('tests/golden/verifier/corpus/map-lookup-null-check-ok.log2', 'utf8');
    expect(r.status).toBe(0);
    expect(stripLivenessDebug(normalizeLog(r.stdout))).toBe(stripLivenessDebug(want));
  });
  it('--unprivileged applies the rules for programs without CAP_BPF', () => {
    const leak = asm('r0 = r10\nexit\n');
    expect(bpfbox(['bpf', 'verify', '--type', 'socket_filter'], leak).status).toBe(0);
    expect(bpfbox(['bpf', 'verify', '--type', 'socket_filter', '--unprivileged'], leak).stderr).toBe('R0 leaks addr as return value\n');
  });
  it('usage errors exit 2 with one line', () => {
    expectCleanError(bpfbox(['bpf', 'verify', '--type', 'xdp'], RET42), 2, /--type must be one of kprobe, tracepoint, socket_filter, not 'xdp'/);
    expectCleanError(bpfbox(['bpf', 'verify', '--kernel', '4.19'], RET42), 2, /--kernel must be 5.0 or 6.x/);
    expectCleanError(bpfbox(['bpf', 'verify', '--log-level', '3'], RET42), 2, /--log-level must be 1 or 2/);
    expectCleanError(bpfbox(['bpf', 'verify', '--map', 'tree:4:8:1'], RET42), 2, /--map tree:4:8:1: expected TYPE:KEY_SIZE:VALUE_SIZE:MAX_ENTRIES/);
    expectCleanError(bpfbox(['bpf', 'verify', '--bogus'], RET42), 2, /Unknown option '--bogus'/);
  });
});

describe('bpfbox demo bpf', () => {
  it('assembles, lists, runs and draws the histogram', () => {
    const r = bpfbox(['demo', 'bpf']);
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

describe('bpfbox demo (npm start)', () => {
  it('shows /proc/buddyinfo draining under a memory hog and merging back after it', () => {
    const r = bpfbox(['demo']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const order10 = r.stdout.split('\n').filter((l) => /^Node 0, zone +DMA32( +\d+){11} $/.test(l)).map((l) => Number(l.trim().split(/\s+/)[14]));
    expect(order10).toHaveLength(3);
    expect(order10[1]!).toBeLessThan(order10[0]! / 4);
    expect(order10[2]!).toBeGreaterThan(order10[0]! * 0.9);
    expect(r.stdout).toMatch(/^ +\d+ \? +00:00:00 memhog$/m);
    // The bpftrace part: the hog's faults into the page allocator, kswapd waking, direct reclaim.
    expect(r.stdout).toContain('Attaching 4 probes...\n');
    expect(r.stdout).toMatch(/^kswapd0 wakes up \(order 0\)$/m);
    expect(r.stdout).toMatch(/^@direct_reclaim\[memhog\]: \d+$/m);
    expect(r.stdout).toContain('@stacks[\n    __alloc_pages_nodemask+1\n    alloc_pages_vma+');
  });
});
