// Dev script: runs each case below through the real bpftrace 0.17 (`bpftrace [FLAGS] -e PROG
// ARGS...`, as root) and stores its stderr and exit status in
// tests/golden/bpftrace/semantic/cases.json, which tests/bpftrace/semantic.test.ts replays against
// the parser and semantic analyser. Error cases stop before anything loads; the warning cases end
// in exit() from BEGIN, so nothing stays attached. Tracepoint cases need tracefs mounted at
// /sys/kernel/tracing (`mount -t tracefs nodev /sys/kernel/tracing`; unmount it afterwards).
// Run: sudo npx tsx scripts/capture-bpftrace-semantic.ts

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

const out = 'tests/golden/bpftrace/semantic';

interface Case {
  prog: string;
  /** Positional parameters after the program. */
  args?: string[];
  flags?: string[];
}

const CASES: Case[] = [
  // maps, variables, keys
  { prog: 'BEGIN { @x = 1; @x = "abc"; }' },
  { prog: 'BEGIN { $x = 1; $x = "abc"; }' },
  { prog: 'BEGIN { @a[1] = 1; @a["s"] = 2; }' },
  { prog: 'BEGIN { @x[1, 2] = 1; @x[1] = 2; }' },
  { prog: 'BEGIN { @ = 1; @ = "s"; }' },
  { prog: 'BEGIN { @x = cgroup; @x = comm; }' },
  { prog: 'BEGIN { $x = 1; $x = (1, 2); }' },
  { prog: 'BEGIN { @x[1] = count(); @x[2] = sum(1); }' },
  { prog: 'BEGIN { @x = count(); @x = 1; }' },
  { prog: 'BEGIN { @x = (1, 2); @x = (1, "a"); }' },
  { prog: 'BEGIN { @[(1, 2)] = 1; }' },
  { prog: 'BEGIN { @x = (1, "s"); @y[@x] = 1; }' },
  { prog: 'BEGIN { print($x); }' },
  { prog: 'BEGIN { print(@x); }' },
  { prog: 'BEGIN { $x = 1; } END { print($x); }' },
  { prog: 'BEGIN { @x = 1; @x++; @y = @x + "a"; }' },
  // aggregations and their placement
  { prog: 'BEGIN { $x = count(); }' },
  { prog: 'BEGIN { count(); }' },
  { prog: 'BEGIN { @x = hist(); }' },
  { prog: 'BEGIN { @x = hist("a"); }' },
  { prog: 'BEGIN { @x = avg("a"); }' },
  { prog: 'BEGIN { @x = lhist(1, -1, 10, 1); }' },
  { prog: 'BEGIN { @x = lhist(1, 0, 10000, 1); }' },
  { prog: 'BEGIN { @x = lhist(1, 0, 10, 0); }' },
  { prog: 'BEGIN { @x = lhist(1, 10, 5, 20); }' },
  // printf and friends
  { prog: 'BEGIN { printf("%d\\n"); }' },
  { prog: 'BEGIN { printf("%d %s\\n", 1, 2); }' },
  { prog: 'BEGIN { printf("hi\\n", 1); }' },
  { prog: 'BEGIN { printf("%s\\n", 1); }' },
  { prog: 'BEGIN { time(1); }' },
  { prog: 'BEGIN { time($1); }', args: ['x'] },
  { prog: 'BEGIN { join("a"); }' },
  { prog: 'BEGIN { @x = strftime(1, 2); }' },
  { prog: 'BEGIN { exit(1); }' },
  { prog: 'BEGIN { @x = exit(); }' },
  { prog: 'BEGIN { clear(@x[1]); @x[1] = 1; }' },
  { prog: 'BEGIN { delete(1); }' },
  { prog: 'BEGIN { @x = 1; print(@x, 1, 2, 3); }' },
  { prog: 'BEGIN { print(1, 2); }' },
  // functions
  { prog: 'BEGIN { @x = ksym("a"); }' },
  { prog: 'BEGIN { @x = strncmp("a", "b", -1); }' },
  { prog: 'BEGIN { @x = bswap("a"); }' },
  { prog: 'BEGIN { @x = foo(); }' },
  { prog: 'BEGIN { @x = buf(1); }' },
  { prog: 'BEGIN { @x = ntop("ab"); }' },
  { prog: 'BEGIN { @x = kaddr(1); }' },
  { prog: 'BEGIN { @x = str("a"); }' },
  { prog: 'BEGIN { @x = str($#); }' },
  { prog: 'BEGIN { @x = str($1 + 5); }', args: ['ab'] },
  { prog: 'BEGIN { @x = $1; }', args: ['abc'] },
  { prog: 'BEGIN { @x = kstack(2000); }' },
  { prog: 'BEGIN { @x = kstack(perf, 2000); }' },
  { prog: 'BEGIN { system("ls"); }' },
  { prog: 'BEGIN { signal(9); }' },
  { prog: 'BEGIN { signal("SIGFOO"); }', flags: ['--unsafe'] },
  { prog: 'tracepoint:kmem:mm_page_alloc { signal("SIGFOO"); }', flags: ['--unsafe'] },
  // builtins per probe type
  { prog: 'BEGIN { @x = retval; }' },
  { prog: 'tracepoint:kmem:mm_page_alloc { @x = retval; }' },
  { prog: 'BEGIN { @x = args->foo; }' },
  { prog: 'interval:s:1 { $x = args; }' },
  { prog: 'tracepoint:kmem:mm_page_alloc { @x = args->nope; }' },
  { prog: 'tracepoint:kmem:mm_page_alloc { @x = args->common_pid; }' },
  { prog: 'tracepoint:kmem:mm_page_alloc { @x = args->order; @x = "a"; }' },
  { prog: 'tracepoint:kmem:mm_page_free* { @x = args->nope; }' },
  { prog: 'kprobe:vmalloc { @x = retval; }' },
  { prog: 'kretprobe:vmalloc { @x = arg0; }' },
  { prog: 'BEGIN { @x = arg0; }' },
  { prog: 'BEGIN { @x = arg9; }' },
  { prog: 'BEGIN { @x = func; }' },
  // operators, casts, tuples
  { prog: 'BEGIN { @x = "a" + 1; }' },
  { prog: 'BEGIN { @x = "a" < "b"; }' },
  { prog: 'BEGIN { @x = "a" == 1; }' },
  { prog: 'BEGIN { @x = 1 ? "a" : 1; }' },
  { prog: 'BEGIN { @x = ~"a"; }' },
  { prog: 'BEGIN { @x = (uint8)"a"; }' },
  { prog: 'BEGIN { @x = (struct foo *)0; }' },
  { prog: 'BEGIN { $t = (1, 2); $y = $t.5; }' },
  { prog: 'BEGIN { @x = 1; $y = @x.foo; }' },
  { prog: 'BEGIN { $s = "abc"; @x = $s[0]; }' },
  { prog: `BEGIN { @x = "${'a'.repeat(70)}"; }` },
  // control flow
  { prog: 'BEGIN { break; }' },
  { prog: 'BEGIN { continue; }' },
  { prog: 'BEGIN { unroll(101) { } }' },
  { prog: 'BEGIN { unroll(0) { } }' },
  { prog: 'BEGIN { if ("a") { } }' },
  { prog: 'BEGIN /"a"/ { }' },
  { prog: 'BEGIN { @x = 1; } BEGIN { @y = 2; }' },
  { prog: 'BEGIN { unroll(2) { break; } }' },
  { prog: 'BEGIN { @a = kstack(raw); }' },
  { prog: 'BEGIN { $x = 1; $x = comm; }' },
  { prog: 'BEGIN { print(@x[1]); @x[1] = 1; }' },
  { prog: 'BEGIN { @x = 1; zero(1); }' },
  { prog: 'BEGIN { printf("%d\\n", comm); }' },
  { prog: 'BEGIN { printf("%s %d\\n", kstack, ksym(1)); }' },
  { prog: 'BEGIN { @x = str($1, -1); }', args: ['ab'] },
  // well-typed programs, which run and end at once
  { prog: 'BEGIN { @x = @y; @y = 1; exit(); }' },
  { prog: 'BEGIN { @x[1] = 1; @x[(uint8)1] = 2; exit(); }' },
  { prog: 'BEGIN { $x = "a"; $x = "abcd"; @x = (1, "a"); @x = (2, "abc"); exit(); }' },
  { prog: 'BEGIN { @x = sum(-1); @y = min((uint8)1); @z = $2; exit(); }', args: ['1'] },
  // warnings, with programs that end at once
  { prog: 'BEGIN { if (0) { return; @x = 1; } exit(); }' },
  { prog: 'BEGIN { $a = (int8)-1; $b = (uint8)1; @x = $a < $b; exit(); }' },
  { prog: 'BEGIN { $a = -1; @x = $a / 2; exit(); }' },
  { prog: 'BEGIN { exit(); return; @x = 1; }' },
  { prog: 'BEGIN { $s = "ab"; @x = $s == "abcdef"; exit(); }' },
  { prog: 'BEGIN { @s = stats(1); print(@s, 1); exit(); }' },
  { prog: 'BEGIN { @x = buf("abc", 100); exit(); }' },
];

/** bpftrace's complaint that it cannot raise RLIMIT_MEMLOCK, which depends on the machine, not the program. */
const MEMLOCK = /^ERROR: .*RLIMIT_MEMLOCK.*\n/m;

const results = CASES.map((c) => {
  const r = spawnSync('bpftrace', [...(c.flags ?? []), '-e', c.prog, ...(c.args ?? [])], { encoding: 'utf8', timeout: 20_000 });
  return { ...c, stderr: r.stderr.replace(MEMLOCK, ''), status: r.status };
});
mkdirSync(out, { recursive: true });
writeFileSync(`${out}/cases.json`, `${JSON.stringify(results, null, 2)}\n`);
console.log(`${results.length} cases written to ${out}/cases.json`);
