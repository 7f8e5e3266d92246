// Probe matching, listing and tracepoint formats against the emulated kernel's catalogue. The
// listing goldens were captured from real bpftrace 0.17 (scripts/capture-bpftrace-cli.ts) on cases
// where the capturing host's kernel and the emulated 5.0 declare the same tracepoints.

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AttachPoint } from '../../src/bpftrace/ast.js';
import { Diagnostics, formatDiagnostics } from '../../src/bpftrace/diagnostics.js';
import {
  getMatchesForAp,
  resolveAttachPoint,
  toUint,
  traceableFunctions,
  wildcardMatch,
} from '../../src/bpftrace/probe_matcher.js';
import { tracepointArgs, tracepointParams, tracepointStructName } from '../../src/bpftrace/tracepoint_format_parser.js';
import { bpftraceCommand } from '../../src/cli/bpftrace.js';
import { runBpftrace } from '../../src/cli/bpftrace_run.js';
import { layoutText } from '../../src/kernel/symbols.js';

interface Case {
  args: string[];
  stdout: string;
  stderr: string;
  status: number;
}

const golden = (dir: string): Case[] =>
  JSON.parse(readFileSync(new URL(`../golden/bpftrace/${dir}/cases.json`, import.meta.url), 'utf8')) as Case[];

async function run(args: string[]): Promise<Omit<Case, 'args'>> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (s: string) => void (stdout += s), stderr: (s: string) => void (stderr += s), stdin: () => '' };
  const status = await bpftraceCommand(args, io, { version: '0.0.0', runProgram: runBpftrace });
  return { stdout, stderr, status };
}

describe('bpftrace -l and -lv, as 0.17 prints them', () => {
  for (const c of golden('list')) {
    it(`bpftrace ${c.args.map((a) => JSON.stringify(a)).join(' ')}`, async () => {
      expect(await run(c.args)).toEqual({ stdout: c.stdout, stderr: c.stderr, status: c.status });
    });
  }

  it('lists the 5.0 fields where 6.18 differs: mm_page_alloc keeps gfp_t, fork keeps char arrays', async () => {
    // 6.18 declares gfp_flags unsigned long (`-lv` there prints `unsigned long gfp_flags`).
    expect((await run(['-lv', 'tracepoint:kmem:mm_page_alloc'])).stdout).toBe(
      'tracepoint:kmem:mm_page_alloc\n    unsigned long pfn\n    unsigned int order\n    gfp_t gfp_flags\n    int migratetype\n',
    );
    // 6.x made the comms __data_loc strings.
    expect((await run(['-lv', 'tracepoint:sched:sched_process_fork'])).stdout).toBe(
      'tracepoint:sched:sched_process_fork\n    char parent_comm[16]\n    pid_t parent_pid\n    char child_comm[16]\n    pid_t child_pid\n',
    );
    expect((await run(['-lv', 'tracepoint:block:block_rq_issue'])).stdout).toContain('    char rwbs[8]\n    char comm[16]\n    __data_loc char[] cmd\n');
  });

  it('lists every kind of probe with no pattern: providers in byte order, kprobes from the kernel text', async () => {
    const r = await run(['-l']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    const kinds = [...new Set(lines.map((l) => l.slice(0, l.indexOf(':'))))];
    expect(kinds).toEqual(['hardware', 'iter', 'kprobe', 'software', 'tracepoint']);
    expect(lines.slice(0, 3)).toEqual(['hardware:*:', 'iter:task', 'iter:task_file']);
    const kprobes = lines.filter((l) => l.startsWith('kprobe:')).map((l) => l.slice('kprobe:'.length));
    expect(kprobes).toEqual(traceableFunctions().map((f) => f.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(kprobes).toContain('get_page_from_freelist');
    expect(kprobes).toContain('__x64_sys_openat');
    // Assembly has no fentry call, so Linux lists no entry code among traceable functions.
    expect(kprobes).not.toContain('entry_SYSCALL_64_after_hwframe');
    expect(lines).toContain('tracepoint:kmem:mm_page_alloc');
    expect((await run(['-l', '*'])).stdout).toBe(r.stdout);
  });

  it('lists kprobes and kretprobes by wildcard, sorted bytewise', async () => {
    expect((await run(['-l', 'kprobe:vmalloc*'])).stdout).toBe('kprobe:vmalloc\nkprobe:vmalloc_fault\nkprobe:vmalloc_user\n');
    expect((await run(['-l', 'kr:*_page_fault'])).stdout).toBe('kretprobe:__do_page_fault\nkretprobe:do_page_fault\n');
    expect((await run(['-l', 'kprobe:vmalloc'])).stdout).toBe('kprobe:vmalloc\n');
    expect((await run(['-l', 'kprobe:no_such_function'])).stdout).toBe('');
    // A pattern with no provider searches kprobes and tracepoints alike.
    expect((await run(['-l', '*kswapd*'])).stdout).toBe(
      'hardware:*kswapd*:\nkprobe:kswapd\nkprobe:wakeup_kswapd\nsoftware:*kswapd*:\n' +
        'tracepoint:vmscan:mm_vmscan_kswapd_sleep\ntracepoint:vmscan:mm_vmscan_kswapd_wake\ntracepoint:vmscan:mm_vmscan_wakeup_kswapd\n',
    );
  });

  it('refuses user space probes honestly', async () => {
    const r = await run(['-l', 'uprobe:/bin/bash:readline']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^stdin:1:1-26: ERROR: uprobe probes are not emulated by bpfbox\n/);
  });
});

describe('wildcards as 0.17 matches them', () => {
  it('has only `*`, taking each piece at its first occurrence', () => {
    expect(wildcardMatch('vmalloc_user', 'vmalloc*')).toBe(true);
    expect(wildcardMatch('vmalloc', 'vmalloc*')).toBe(true);
    expect(wildcardMatch('__vmalloc', 'vmalloc*')).toBe(false);
    expect(wildcardMatch('kmem:kfree', '*:k*free')).toBe(true);
    expect(wildcardMatch('abc', 'a?c')).toBe(false);
    expect(wildcardMatch('a?c', 'a?c')).toBe(true);
    // 0.17 does not backtrack: `*a` finds the first `a` and then wants the string to end there.
    expect(wildcardMatch('aba', '*a')).toBe(false);
    expect(wildcardMatch('anything', '*')).toBe(true);
  });

  it('expands attach points to bpftrace\'s match strings', () => {
    expect(getMatchesForAp({ provider: 'tracepoint', target: 'oom', func: '*reap*' })).toEqual([
      'oom:finish_task_reaping',
      'oom:start_task_reaping',
      'oom:wake_reaper',
    ]);
    expect(getMatchesForAp({ provider: 'interval', target: 's', func: '' })).toEqual(['']);
    expect(getMatchesForAp({ provider: 'BEGIN', target: '', func: '' })).toEqual([':']);
  });

  it('reads attach point integers as int_parser does', () => {
    expect(toUint('1_000')).toBe(1000n);
    expect(toUint('0x10')).toBe(16n);
    expect(toUint('017')).toBe(15n);
    expect(toUint('2e3')).toBe(2000n);
    expect(toUint('10UL')).toBe(10n);
    expect(toUint('abc')).toBe('stoull');
    expect(toUint('12ab')).toBe('Found trailing non-numeric characters');
    expect(toUint('12e3')).toBe('Coefficient part of scientific literal must be in range (0,9), got: 12');
    expect(toUint('1e17')).toBe('Exponent will overflow integer range: 17');
  });
});

describe('resolving attach points for the semantic analyser', () => {
  const at = (provider: string, target: string, func: string, rawInput = `${provider}:${target ? `${target}:` : ''}${func}`): AttachPoint => ({
    loc: { line: 1, col: 1, endLine: 1, endCol: rawInput.length + 1 },
    rawInput,
    provider,
    target,
    func,
    freq: 0,
    funcOffset: 0,
    needExpansion: func.includes('*') || target.includes('*'),
  });

  it('expands a kprobe wildcard to kernel functions, and an unmatched one to nothing, silently', () => {
    const d = new Diagnostics();
    const probes = resolveAttachPoint(at('kprobe', '', 'vmalloc*'), 1, d);
    expect(probes.map((p) => p.name)).toEqual(['kprobe:vmalloc', 'kprobe:vmalloc_fault', 'kprobe:vmalloc_user']);
    expect(probes.every((p) => p.kfunc?.name === p.func)).toBe(true);
    expect(resolveAttachPoint(at('kretprobe', '', 'nope*'), 1, d)).toEqual([]);
    expect(d.list).toEqual([]);
  });

  it('warns about a function the kernel cannot trace, as 0.17 does before failing to attach', () => {
    const d = new Diagnostics();
    const ap = at('kprobe', '', 'nope');
    expect(resolveAttachPoint(ap, 1, d)).toEqual([{ name: 'kprobe:nope', provider: 'kprobe', target: '', func: 'nope' }]);
    expect(formatDiagnostics(d, 'kprobe:nope { exit(); }', 'stdin')).toBe(
      'stdin:1:1-12: WARNING: nope is not traceable (either non-existing, inlined, or marked as "notrace"); attaching to it will likely fail\n' +
        'kprobe:nope { exit(); }\n~~~~~~~~~~~\n',
    );
  });

  it('reports tracepoints that do not exist with 0.17\'s messages', () => {
    let d = new Diagnostics();
    expect(resolveAttachPoint(at('tracepoint', 'kmem', 'nope*'), 1, d)).toEqual([]);
    expect(formatDiagnostics(d, 'tracepoint:kmem:nope* { exit(); }', 'stdin')).toBe(
      'stdin:1:1-22: ERROR: tracepoints not found: kmem:nope*\ntracepoint:kmem:nope* { exit(); }\n~~~~~~~~~~~~~~~~~~~~~\n',
    );
    d = new Diagnostics();
    resolveAttachPoint(at('tracepoint', 'syscall', 'foo'), 1, d);
    expect(d.list.map((x) => `${x.type}: ${x.message}`)).toEqual(['ERROR: tracepoint not found: syscall:foo', 'WARNING: Did you mean syscalls:foo?']);
    d = new Diagnostics();
    resolveAttachPoint(at('tracepoint', 'kmem', 'nope'), 2, d);
    expect(d.list.map((x) => `${x.type}: ${x.message}`)).toEqual(['WARNING: tracepoint not found: kmem:nope']);
  });

  it('resolves tracepoints, wildcards included, to the catalogue\'s events', () => {
    const d = new Diagnostics();
    const probes = resolveAttachPoint(at('t', 'sched', 'sched_w*'), 1, d);
    expect(probes.map((p) => [p.name, p.provider, p.tracepoint?.name])).toEqual([['tracepoint:sched:sched_wakeup', 'tracepoint', 'sched_wakeup']]);
    expect(resolveAttachPoint({ ...at('interval', 's', ''), freq: 1 }, 1, d).map((p) => p.name)).toEqual(['interval:s:1']);
    expect(resolveAttachPoint(at('BEGIN', '', ''), 1, d).map((p) => p.name)).toEqual(['BEGIN']);
    expect(d.list).toEqual([]);
  });
});

describe('tracepoint args (TracepointFormatParser)', () => {
  it('lays out kmem:mm_page_alloc as 5.0\'s format file gives it, common fields first', () => {
    // From Linux 5.0's events/kmem/mm_page_alloc/format (gfp_t is 4 bytes there).
    expect(tracepointArgs('kmem', 'mm_page_alloc')).toEqual([
      { name: 'common_type', cType: 'unsigned short common_type', typeName: 'unsigned short', offset: 0, size: 2, isSigned: false },
      { name: 'common_flags', cType: 'unsigned char common_flags', typeName: 'unsigned char', offset: 2, size: 1, isSigned: false },
      { name: 'common_preempt_count', cType: 'unsigned char common_preempt_count', typeName: 'unsigned char', offset: 3, size: 1, isSigned: false },
      { name: 'common_pid', cType: 'int common_pid', typeName: 'int', offset: 4, size: 4, isSigned: true },
      { name: 'pfn', cType: 'unsigned long pfn', typeName: 'unsigned long', offset: 8, size: 8, isSigned: false },
      { name: 'order', cType: 'unsigned int order', typeName: 'unsigned int', offset: 16, size: 4, isSigned: false },
      { name: 'gfp_flags', cType: 'gfp_t gfp_flags', typeName: 'gfp_t', offset: 20, size: 4, isSigned: false },
      { name: 'migratetype', cType: 'int migratetype', typeName: 'int', offset: 24, size: 4, isSigned: true },
    ]);
  });

  it('marks arrays and __data_loc fields', () => {
    const sw = tracepointArgs('sched', 'sched_switch')!;
    expect(sw.find((a) => a.name === 'prev_comm')).toEqual({
      name: 'prev_comm',
      cType: 'char prev_comm[16]',
      typeName: 'char',
      offset: 8,
      size: 16,
      isSigned: true,
      arrayLen: 16,
    });
    expect(sw.find((a) => a.name === 'prev_state')).toMatchObject({ cType: 'long prev_state', offset: 32, size: 8, isSigned: true });
    const cmd = tracepointArgs('block', 'block_rq_issue')!.find((a) => a.name === 'cmd');
    expect(cmd).toEqual({ name: 'cmd', cType: '__data_loc char[] cmd', typeName: 'int', offset: cmd!.offset, size: 4, isSigned: true, isDataLoc: true });
    expect(cmd!.offset % 4).toBe(0);
  });

  it('knows no tracepoint the kernel does not declare', () => {
    expect(tracepointArgs('kmem', 'nope')).toBeNull();
    expect(tracepointParams('nope', 'nope')).toBeNull();
    expect(tracepointStructName('kmem', 'kfree')).toBe('struct _tracepoint_kmem_kfree');
  });
});

describe('the catalogue', () => {
  it('holds every function src/kernel declares, with no machine booted', () => {
    const declared = new Set<string>();
    const walk = (dir: URL): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(new URL(`${e.name}/`, dir));
        else if (e.name.endsWith('.ts')) for (const m of readFileSync(new URL(e.name, dir), 'utf8').matchAll(/\bkfunc\('([^']+)'/g)) declared.add(m[1]!);
      }
    };
    walk(new URL('../../src/kernel/', import.meta.url));
    expect(new Set(layoutText().map((f) => f.name))).toEqual(declared);
  });
});
