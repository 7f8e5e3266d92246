// bpfbox as bpftrace's command line, run as a user runs it: the built CLI in a child process
// (`npm run build` first). Option handling is golden-tested against real bpftrace 0.17
// (scripts/capture-bpftrace-cli.ts); where 0.17 prints its usage, bpfbox prints the same text
// followed by its own options and commands. Two deliberate differences: asked-for help goes to
// stdout (0.17 writes it to stderr), and -V names bpfbox.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BPFBOX_HELP, BPFTRACE_USAGE } from '../../src/cli/bpftrace.js';

interface Case {
  args: string[];
  stdout: string;
  stderr: string;
  status: number;
}

function bpfbox(args: string[], input = '', env: Record<string, string> = {}): Omit<Case, 'args'> {
  const r = spawnSync(process.execPath, ['bin/bpfbox', ...args], { input, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const dir = new URL('../golden/bpftrace/cli/', import.meta.url);
const usage017 = readFileSync(new URL('usage.txt', dir), 'utf8');
const cases = JSON.parse(readFileSync(new URL('cases.json', dir), 'utf8')) as Case[];
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('bpfbox as bpftrace 0.17\'s command line', () => {
  it('prints 0.17\'s usage on a usage error, and -h adds bpfbox\'s own options and commands', () => {
    expect(BPFTRACE_USAGE).toBe(usage017);
    expect(BPFBOX_HELP).toMatch(/^\nBPFBOX:\n/);
    for (const opt of ['--workload', '--duration', '--seed', '--cpus', '--mem', '--kernel', 'bpfbox sh -c', 'bpfbox shell', 'bpfbox bpf', 'bpfbox demo']) {
      expect(BPFBOX_HELP).toContain(opt);
    }
  });

  for (const c of cases) {
    it(`bpftrace ${c.args.map((a) => JSON.stringify(a)).join(' ')}`, () => {
      // -h prints to stdout in bpfbox, as its other commands' help does (0.17 uses stderr).
      const help = c.status === 0 && c.stderr === usage017;
      const expected = help ? { status: 0, stdout: BPFTRACE_USAGE + BPFBOX_HELP, stderr: '' } : { status: c.status, stdout: c.stdout, stderr: c.stderr };
      expect(bpfbox(c.args)).toEqual(expected);
    });
  }

  it('says what it is for -V', () => {
    const line = `bpfbox v${VERSION}\n`;
    expect(bpfbox(['-V'])).toEqual({ status: 0, stdout: line, stderr: '' });
    expect(bpfbox(['--version'])).toEqual({ status: 0, stdout: line, stderr: '' });
  });

  it('lists the emulated kernel\'s probes', () => {
    expect(bpfbox(['-lv', 'tracepoint:kmem:mm_page_alloc'])).toEqual({
      status: 0,
      stdout: 'tracepoint:kmem:mm_page_alloc\n    unsigned long pfn\n    unsigned int order\n    gfp_t gfp_flags\n    int migratetype\n',
      stderr: '',
    });
    expect(bpfbox(['-l', 'kprobe:get_page_from_*']).stdout).toBe('kprobe:get_page_from_freelist\n');
  });

  it('checks bpfbox\'s own options in bpftrace\'s style', () => {
    expect(bpfbox(['--kernel', '4.19', '-l'])).toEqual({ status: 1, stdout: '', stderr: "ERROR: USAGE: --kernel must be '5.0' or '6.x'.\n" });
    expect(bpfbox(['--duration=5x', '-e', 'BEGIN {}']).stderr).toBe("ERROR: USAGE: --duration must be a time such as '5s', '500ms' or '20us'.\n");
    expect(bpfbox(['--kernel', '5.0', '--seed', '3', '--cpus', '2', '--mem', '1G', '--duration', '1s', '-l', 'tracepoint:oom:mark_victim'])).toEqual({
      status: 0,
      stdout: 'tracepoint:oom:mark_victim\n',
      stderr: '',
    });
  });

  it('runs a program given as -e, as a file with positional parameters, or on stdin', () => {
    const ran = (out: string) => ({ status: 0, stdout: `Attaching 1 probe...\n${out}\n\n`, stderr: '' });
    expect(bpfbox(['-e', 'BEGIN { printf("%s\\n", comm); exit(); }'])).toEqual(ran('bpftrace\n'));
    const dir = mkdtempSync(join(tmpdir(), 'bpfbox-'));
    const file = join(dir, 'prog.bt');
    writeFileSync(file, 'BEGIN { printf("%d %s\\n", $1 + $2, str($3)); exit(); }\n');
    expect(bpfbox([file, '1', '2', 'three'])).toEqual(ran('3 three\n'));
    rmSync(dir, { recursive: true });
    expect(bpfbox(['-'], 'BEGIN { printf("stdin\\n"); exit(); }\n')).toEqual(ran('stdin\n'));
    expect(bpfbox(['missing.bt'])).toEqual({ status: 255, stdout: '', stderr: "ERROR: failed to open file 'missing.bt': No such file or directory\n" });
  });

  it('traces the emulated machine: an interval probe counts virtual time, -c runs a command to its end', () => {
    const r = bpfbox(['-e', 'interval:ms:100 { @ticks = count(); } interval:s:1 { exit(); }']);
    expect(r).toEqual({ status: 0, stdout: 'Attaching 2 probes...\n\n\n@ticks: 10\n', stderr: '' });
    const c = bpfbox(['-c', 'memhog 64M', '-e', 'tracepoint:kmem:mm_page_alloc /comm == "memhog"/ { @pages = count(); }']);
    expect(c.status).toBe(0);
    expect(Number(/^@pages: (\d+)$/m.exec(c.stdout)?.[1])).toBeGreaterThan(16384);
  });

  it('builds a program per match where the probe reads `probe` or tracepoint args, so each sees its own', () => {
    const k = bpfbox(['-c', 'cat /etc/passwd', '-e', 'kprobe:vfs_rea* { @[probe] = count(); }']);
    expect(k.status).toBe(0);
    expect(k.stdout).toMatch(/^@\[kprobe:vfs_read\]: \d+$/m);
    expect(k.stdout).not.toContain('*');
    const t = bpfbox(['-c', 'memhog 8M', '-e', 'tracepoint:kmem:mm_page_al*c, tracepoint:kmem:mm_page_free { @[probe, args->order] = count(); }']);
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/^@\[tracepoint:kmem:mm_page_alloc, 0\]: \d+$/m);
    expect(t.stdout).toMatch(/^@\[tracepoint:kmem:mm_page_free, 0\]: \d+$/m);
  });

  it('runs system() and cat() in bpftrace\'s own process on the machine, which a probe can see', () => {
    const r = bpfbox([
      '--unsafe',
      '-e',
      'kprobe:do_sys_open /comm == "bpftrace"/ { @opens = count(); } BEGIN { system("echo %s > /tmp/x", "from-sh"); cat("/tmp/x"); cat("/proc/%d/comm", pid); exit(); }',
    ]);
    expect(r).toEqual({ status: 0, stdout: 'Attaching 2 probes...\nfrom-sh\nbpftrace\n\n\n@opens: 2\n', stderr: '' });
  });

  it('sees each exec through sched:sched_process_exec, the task already named for the new program', () => {
    const r = bpfbox(['-c', 'bash -c "uname; true"', '-e', 'tracepoint:sched:sched_process_exec { printf("%s %s %d\\n", str(args->filename), comm, args->pid == args->old_pid); }']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\/usr\/bin\/uname uname 1\nLinux\n/m);
    expect(r.stdout).not.toContain('true');
  });

  it('casts a value held on the stack to a pointer to it, as LLVM casts its alloca (0.17 prints 2 and 0)', () => {
    const r = bpfbox(['-e', 'BEGIN { printf("%lx\\n", *(uint64 *)ntop(0)); printf("%lx\\n", *(uint32 *)str(0x4142)); exit(); }']);
    expect(r).toEqual({ status: 0, stdout: 'Attaching 1 probe...\n2\n0\n\n\n', stderr: '' });
  });

  it('reads the BPFTRACE_* variables from its own environment', () => {
    const r = bpfbox(['-e', 'BEGIN { printf("%s|\\n", str($1)); exit(); }', 'abcdefgh'], '', { BPFTRACE_STRLEN: '4' });
    expect(r).toEqual({ status: 0, stdout: 'Attaching 1 probe...\nabc|\n\n\n', stderr: '' });
    expect(bpfbox(['-l'], '', { BPFTRACE_NODE_MAX: 'none' })).toEqual({
      status: 1,
      stdout: '',
      stderr: "ERROR: Env var 'BPFTRACE_NODE_MAX' did not contain a valid uint64_t, or was zero-valued.\n",
    });
  });

  it('leaves the other commands where they were', () => {
    expect(bpfbox(['frobnicate'])).toEqual({ status: 2, stdout: '', stderr: "bpfbox: unknown command 'frobnicate'; see 'bpfbox --help'\n" });
    expect(bpfbox(['sh', '-c', 'uname -r'])).toEqual({ status: 0, stdout: '5.0.0\n', stderr: '' });
  });
});
