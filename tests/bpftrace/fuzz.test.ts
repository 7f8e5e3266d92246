// Issue 6's fuzz property: a program mutated from the golden corpus never crashes the compiler.
// compile() either reports an error (and then returns null) or returns programs that every probe's
// BPF_PROG_LOAD accepts, and BEGIN runs once without a fault. A JS exception, a codegen error that
// only a bug can cause, or a verifier rejection of generated code all fail the property.
// BPFTRACE_FUZZ_RUNS and BPFTRACE_FUZZ_SEED set a longer or different soak, e.g.
// `BPFTRACE_FUZZ_RUNS=100000 npx vitest run tests/bpftrace/fuzz.test.ts`.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/bpftrace/compile.js';
import { Diagnostics } from '../../src/bpftrace/diagnostics.js';
import { compileSource, load, u64 } from './codegen_harness.js';
import { check, corpus, mutant } from './fuzz_harness.js';

const RUNS = Number(process.env.BPFTRACE_FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.BPFTRACE_FUZZ_SEED ?? 20260601);

describe('bpftrace fuzz: mutated corpus programs', () => {
  it('has a corpus to mutate', () => {
    expect(corpus.length).toBeGreaterThan(250);
  });

  it(`never crash the compiler (${RUNS} cases, seed ${SEED})`, () => {
    fc.assert(
      fc.property(mutant, ({ source, unsafe, params }) => {
        const failure = check(source, unsafe, params);
        if (failure) throw new Error(`${failure}\n--- program (unsafe=${unsafe}, params=${JSON.stringify(params)}) ---\n${source}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  }, Math.max(600_000, RUNS * 60));
});

/** The messages compile() reports for a program (empty when it compiles). */
function errors(source: string): string[] {
  const diags = new Diagnostics();
  compile(source, diags, { filename: 'stdin', params: [], unsafe: true });
  return diags.list.filter((d) => d.type === 'ERROR').map((d) => d.message);
}

describe('bpftrace fuzz: regressions', () => {
  it('delete() on an avg/stats/hist map removes the bucket its last update wrote, as 0.17 does', () => {
    // bpftrace 0.17 prints `@m[1]: 0` for the avg (its total gone, its count left) and nothing for the hist.
    const l = load(compileSource('BEGIN { @m[1] = avg(4); @m[1] = avg(4); delete(@m[1]); @h = hist(1); delete(@h); }'));
    l.run(0);
    expect([...l.entries('@m').keys()]).toEqual([u64(1) + u64(0)]);
    expect(l.entries('@h').size).toBe(0);
    expect(check('k:vfs_read { @m[1] = avg(1); delete(@m[1]); print(@m); exit(); }', false, [])).toBeNull();
  });

  it('reading an avg/stats/hist map as a value builds its whole key', () => {
    expect(check('BEGIN { @s[3] = stats(10); @s[1] = stats(10); @s[258]\n }', true, [])).toBeNull();
    expect(check('BEGIN { @a[2]; @h = hist(3); $x = @h; exit(); } END { @a[1] = avg(2); }', false, [])).toBeNull();
  });

  it('a string or tuple while() condition is always true; one without a value is an error', () => {
    expect(check('BEGIN { $i = 0; while (str(1)) { if ($i == 4) { break; } $i++; } exit(); }', false, [])).toBeNull();
    expect(check('BEGIN { $x = (1, 2); while ($x) { break; } exit(); }', false, [])).toBeNull();
    expect(errors('BEGIN { while (printf("a\\n")) { break; } exit(); }')).toEqual(['Invalid condition in while(): none']);
  });

  it('cgroupid() fails as resolve_cgroupid does without a cgroup2 mount', () => {
    expect(errors('BEGIN { @ = cgroupid("/sys/fs/cgroup/x"); }')).toEqual(['Failed to compile: Failed to get `cgroupid` for path: "/sys/fs/cgroup/x": No such file or directory']);
  });

  it('usym() and macaddr() compile, load and run', () => {
    expect(check('BEGIN { @u[usym(1)] = 1; $m = macaddr(1); @m = macaddr(0); exit(); }', false, [])).toBeNull();
  });

  it('strncmp() with a huge length compares no further than the shorter operand', () => {
    expect(check('BEGIN { printf("%d %d\\n", strncmp("hello", "help", 4294967295), strncmp(comm, "bpftrace", 100000)); exit(); }', false, [])).toBeNull();
    const l = load(compileSource('BEGIN { @a = strncmp("hello", "help", 4294967295); @b = strncmp("abc", "abc", 4294967295); }'));
    l.run(0);
    expect([...l.entries('@a').values()].map((v) => Buffer.from(v).readBigUInt64LE(0))).toEqual([1n]);
    expect([...l.entries('@b').values()].map((v) => Buffer.from(v).readBigUInt64LE(0))).toEqual([0n]);
  });

  it('a frame past 512 bytes, however large, is the stack limit error, not an exception', () => {
    expect(errors('struct bx { unsigned char raw[4294967295]; } BEGIN { @k[((struct bx *)0)->raw] = 1; }')).toEqual([
      'Failed to compile: Looks like the BPF stack limit of 512 bytes is exceeded. Please move large on stack variables into BPF per-cpu array map.',
    ]);
  });

  it('what 0.17 too cannot load passes: a map value of no bytes, a pointer stored in a map on 5.0, a stack deeper than perf_event_max_stack', () => {
    expect(check('struct Foo { int a; char b[4]; }\nBEGIN { print(sizeof(struct Foo)); @s = bpftrace; }', false, [])).toBeNull();
    expect(check('BEGIN { @s[kstack(perf, 255)] = count(); exit(); }', false, [])).toBeNull();
    expect(check('kretprobe:vfs_read { @f = (ctx)-1; exit(); }', false, [])).toBeNull();
  });

  it('clang rejects malformed C definitions with its own messages', () => {
    expect(errors('struct bx { int a b; } BEGIN { exit(); }')).toEqual(["definitions.h:2:18: error: expected ';' at end of declaration list"]);
  });
});
