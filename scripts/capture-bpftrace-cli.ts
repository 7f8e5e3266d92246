// Captures real bpftrace 0.17's command line and probe listing into tests/golden/bpftrace/cli and
// tests/golden/bpftrace/list: `npx tsx scripts/capture-bpftrace-cli.ts`, as root on a machine with
// /usr/bin/bpftrace v0.17.0. bpftrace runs in a private mount namespace with tracefs mounted there if the host has not,
// so the host's mounts are left as they were. No case loads a program.
//
// The listing cases are those where the host's kernel (6.18 when captured) and the emulated 5.0
// agree: tracepoints both declare with the same fields, and the errors of the listing query.

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

interface Case {
  args: string[];
  stdout: string;
  stderr: string;
  status: number;
}

const SIGNALS: Record<string, number> = { SIGABRT: 6, SIGSEGV: 11 };

function bpftrace(args: string[]): Case {
  const r = spawnSync('unshare', ['-m', 'sh', '-c', '{ mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing; } && exec bpftrace "$@"', 'sh', ...args], {
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  // bpftrace fails to raise RLIMIT_MEMLOCK in some containers; the line is about the host, not bpftrace.
  const stderr = r.stderr
    .split('\n')
    .filter((l) => !l.includes("couldn't set RLIMIT_MEMLOCK"))
    .join('\n');
  const status = r.status ?? 128 + (SIGNALS[r.signal ?? ''] ?? 0);
  return { args, stdout: r.stdout, stderr, status };
}

const version = spawnSync('bpftrace', ['--version'], { encoding: 'utf8' }).stdout;
if (version !== 'bpftrace v0.17.0\n') throw new Error(`need bpftrace v0.17.0, found ${JSON.stringify(version)}`);

const PROG = 'BEGIN { exit(); }';
const CLI: string[][] = [
  [],
  ['-h'],
  ['--help'],
  ['--bogus'],
  ['-x'],
  ['-e'],
  ['-o'],
  ['-B'],
  ['-B', 'foo', '-e', PROG],
  ['-Bfoo', '-e', PROG],
  ['-f', 'xml', '-e', PROG],
  ['-f', 'xml', '-l'],
  ['-v', '-d', '-e', PROG],
  ['-c', 'true', '-p', '1', '-e', PROG],
  ['-kkk', '-e', PROG],
  ['-ddd', '-e', PROG],
  ['/nonexistent.bt'],
  ['-v'],
  ['--unsafe=1'],
  ['--help=x'],
  ['--u'],
  ['--e', 'x'],
  ['--in'],
  ['--include'],
  ['--emit-elf'],
  ['--test=foo'],
  ['-x', '-h'],
  ['-h', '--bogus'],
  ['--bogus', '-h'],
  ['--inc'],
  ['--unsafe', '--unsafe=x'],
  ['-h', '-x'],
  ['-l', 'a', 'b'],
];

const LIST: string[][] = [
  ['-lv', 'tracepoint:sched:sched_switch'],
  ['-lv', 'tracepoint:kmem:kfree'],
  ['-lv', 'tracepoint:kmem:mm_page_free'],
  ['-l', 'tracepoint:kmem:mm_page_free*'],
  ['-l', 'tracepoint:vmscan:mm_vmscan_kswapd_*'],
  ['-lv', 'tracepoint:vmscan:mm_vmscan_kswapd_sleep'],
  ['-lv', 'tracepoint:oom:wake_reaper'],
  ['-l', '-v', 't:oom:start_task_reaping'],
  ['-l', 'tracepoint:kmem:kfree,tracepoint:kmem:mm_page_free'],
  ['-l', 'tracepoint:kmem:kfree,'],
  ['-l', 'tracepoint:"kmem":kfree'],
  ['-l', 'tracepoint:"kmem'],
  ['-l', 'tracepoint:kmem:kfree,interval:*'],
  ['-l', 'tracepoint:kmem:kfree, interval:*'],
  ['-l', 'tracepoint:kmem:kfree,tracepoint:nope:x?'],
  ['-l', 'tracepoint:km*:kfree'],
  ['-l', 'tracepoint:nope:*'],
  ['-l', 'tracepoint:kmem:nope'],
  ['-l', 'f*:*'],
  ['-l', 'foo:*'],
  ['-l', 'interval:*'],
  ['-l', 'interval:s:1'],
  ['-l', 'interval:s:abc'],
  ['-l', 'profile:hz:99'],
  ['-l', 'profile:xx:1'],
  ['-l', 'kprobe:'],
  ['-l', 'kprobe'],
  ['-l', 'software:nope'],
  ['-l', 'software:*'],
  ['-l', 's:cpu-clock:1000'],
  ['-l', 'hardware:cycles'],
  ['-l', 'tracepoint:kmem'],
  ['-l', 'tracepoint::'],
  ['-l', 'tracepoint:kmem:mm_page_free tracepoint:kmem:kfree'],
  ['-l', 'tracepoint:kmem:a(b'],
  ['-l', 'kprobe:a@b'],
  ['-l', 'kprobe:a b?'],
  ['-l', '?kprobe'],
  ['-l', 'BEGIN'],
  ['-l', 'BEGIN:x'],
  ['-l', 'END'],
  ['-l', 'iter:*'],
  ['-lv', 'iter:*'],
  ['-l', 'iter:task'],
  ['-l', 'kfunc:vmalloc'],
  ['-l', '*:kmem:mm_page_alloc'],
  ['-l', ''],
];

const root = new URL('../tests/golden/bpftrace/', import.meta.url);
const write = (dir: string, name: string, text: string): void => {
  mkdirSync(new URL(dir, root), { recursive: true });
  writeFileSync(new URL(`${dir}/${name}`, root), text);
};

write('cli', 'usage.txt', bpftrace(['-h']).stderr);
write('cli', 'cases.json', JSON.stringify(CLI.map(bpftrace), null, 1) + '\n');
write('list', 'cases.json', JSON.stringify(LIST.map(bpftrace), null, 1) + '\n');
