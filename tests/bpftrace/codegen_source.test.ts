// Codegen from bpftrace source text: every program here goes through parse, the semantic and
// resource analysers and codegen, then must pass Linux 5.0's verifier; the BEGIN ones run.

import { describe, expect, test } from 'vitest';
import { compileSource, hex, i64At, load, u64, u64At, type Loaded } from './codegen_harness.js';

function val(l: Loaded, name: string, key = u64(0)): bigint | undefined {
  const e = l.entries(name).get(key);
  if (!e) return undefined;
  let sum = 0n;
  for (let off = 0; off < e.length; off += 8) sum += i64At(e, off);
  return BigInt.asIntN(64, sum);
}

/** One-liners of the kinds bpftrace's tools are made of: all must load on 5.0. */
const LOADS = [
  'BEGIN { printf("hello\\n"); exit(); }',
  'BEGIN { @x = 1; @y[1, "a"] = 2; @z["s"] = "str"; }',
  'BEGIN { @c = count(); @s = sum(5); @mn = min(3); @mx = max(4); @a = avg(6); @st = stats(7); @h = hist(8); @l = lhist(9, 0, 100, 10); }',
  'BEGIN { @k[comm, pid] = count(); @t = (1, "two", (3, "four")); print(@t); clear(@k); zero(@c); @c = count(); }',
  'BEGIN { $i = 0; unroll(5) { $i++; if ($i == 3) { printf("%d\\n", $i); } } }',
  'BEGIN { $x = nsecs % 2 ? "odd" : "even"; printf("%s %s %d %d %d\\n", $x, comm, pid, tid, cpu); }',
  'BEGIN { time("%H:%M:%S\\n"); printf("%s\\n", strftime("%H", nsecs)); print(5); print("x"); print((1, 2)); }',
  'BEGIN { @m[1] = 1; delete(@m[1]); @n = 1; delete(@n); print(@m, 10, 2); }',
  'BEGIN { if (comm == "bpftrace") { @a = 1 } else if (pid > 10) { @a = 2 } else { @a = 3 } }',
  'BEGIN { @ = (int8)-1; @u = (uint16)70000; @b = 1 << 40 >> 3; @r = rand; @g = gid; @uu = uid; @cg = cgroup; }',
  'END { printf("%d %s\\n", elapsed, "done"); }',
  'interval:s:1 { @ticks++; if (@ticks > 2) { exit(); } }',
  'profile:hz:99 { @[kstack] = count(); }',
  'kprobe:vfs_read { @bytes[comm] = sum(arg2); @start[tid] = nsecs; }',
  'kprobe:vfs_read { @start[tid] = nsecs; } kretprobe:vfs_read /@start[tid]/ { @lat = hist(nsecs - @start[tid]); delete(@start[tid]); @ret = lhist(retval, 0, 1000, 100); }',
  'kprobe:do_sys_open { printf("%s %s\\n", comm, str(arg1)); }',
  'kprobe:vfs_read { @[func, probe] = count(); @s[kstack(5)] = count(); }',
  'tracepoint:kmem:mm_page_alloc { @[args->order] = count(); @g = args->gfp_flags; }',
];

describe('codegen from source: the 5.0 verifier accepts', () => {
  for (const src of LOADS) {
    test(src, () => {
      const c = compileSource(src);
      const l = load(c);
      expect(l.progFds.length).toBe(c.probes.length);
    });
  }
});

describe('codegen from source: BEGIN runs', () => {
  test('printf with a computed string and integers', () => {
    const c = compileSource('BEGIN { $x = 3; printf("%s=%d %d\\n", $x > 2 ? "big" : "small", $x * 7, -1); exit(); }');
    // The ternary of two literals is a string[64], as 0.17 types it.
    expect(c.printfArgs[0]!.args.map((a) => [a.type.type, a.type.size, a.offset])).toEqual([['string', 64, 8], ['integer', 8, 72], ['integer', 8, 80]]);
    expect(c.printfArgs[0]!.size).toBe(88);
    const l = load(c);
    l.run(0);
    const [p, e] = l.records();
    expect(u64At(p!, 0)).toBe(0n);
    expect(hex(p!.subarray(8, 72))).toBe(Buffer.from('big').toString('hex').padEnd(128, '0'));
    expect([i64At(p!, 72), i64At(p!, 80)]).toEqual([21n, -1n]);
    expect(u64At(e!, 0)).toBe(30000n);
  });

  test('maps written by an unrolled loop and a positional parameter', () => {
    const l = load(compileSource('BEGIN { $i = 0; unroll(4) { @sq[$i] = $i * $i; $i++; } @p = $1 + 1; @n = $#; }', ['41']));
    l.run(0);
    expect([0, 1, 2, 3].map((i) => val(l, '@sq', u64(i)))).toEqual([0n, 1n, 4n, 9n]);
    expect([val(l, '@p'), val(l, '@n')]).toEqual([42n, 1n]);
  });

  test('@x[comm] = count() keys by the 16-byte comm', () => {
    const l = load(compileSource('BEGIN { @x[comm] = count(); @x[comm] = count(); }'));
    l.run(0);
    expect([...l.entries('@x').keys()]).toEqual([Buffer.from('bpfbox').toString('hex').padEnd(32, '0')]);
    expect(val(l, '@x', Buffer.from('bpfbox').toString('hex').padEnd(32, '0'))).toBe(2n);
  });

  test('a tracepoint reads args->field from its record and returns 1', () => {
    const c = compileSource('tracepoint:kmem:mm_page_alloc { @o[args->order] = count(); }');
    const l = load(c);
    const ctx = new Uint8Array(64);
    new DataView(ctx.buffer).setUint32(16, 2, true);
    expect(l.run(0, ctx)).toBe(1n);
    // 0.17 casts an integer key narrower than 64 bits to (u)int64.
    expect([...l.entries('@o').keys()]).toEqual([u64(2)]);
    expect(val(l, '@o', u64(2))).toBe(1n);
  });
});

describe('resource analyser', () => {
  test('ids in program order, one lhist bound per map', () => {
    const c = compileSource('BEGIN { printf("a\\n"); system("x %d", 1); cat("/f"); time(); join(0); print(1); } END { printf("b %s\\n", "s"); }');
    expect(c.printfArgs.map((p) => p.fmt)).toEqual(['a\n', 'b %s\n']);
    expect(c.systemArgs.map((p) => p.fmt)).toEqual(['x %d']);
    expect(c.catArgs.map((p) => p.fmt)).toEqual(['/f']);
    expect(c.timeArgs).toEqual(['%H:%M:%S\n']);
    expect(c.joinArgs).toEqual([' ']);
    expect(c.maps.map((mp) => mp.name)).toEqual(['join', 'printf']);
  });

  test('different lhist bounds in one map are an error', () => {
    expect(() => compileSource('BEGIN { @l = lhist(1, 0, 10, 1); @l = lhist(1, 0, 20, 1); }')).toThrow(/Different lhist bounds in a single map unsupported/);
  });
});
