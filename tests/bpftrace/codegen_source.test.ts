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

describe("codegen from source: the program's C definitions", () => {
  const A = 0xffff888000010000n;
  const B = 0xffff888000020000n;
  const DEFS =
    'struct bx_in { short x; char tag[4]; }\n' +
    'struct bx_s { int a; unsigned int lo:3, mid:12; int neg:5; long big:40; struct bx_in in; int arr[3]; char name[6]; ' +
    'struct bx_s *next; u8 bytes[2]; short m[2][3]; struct bx_in ins[2]; }\n';

  /** A bx_s at A (its next pointing at a second one at B, whose next is 0), laid out as clang does. */
  function memory(l: Loaded & { host: { memory: Map<bigint, Uint8Array> } }): void {
    const a = new Uint8Array(80);
    const dv = new DataView(a.buffer);
    dv.setInt32(0, -7, true);
    // lo:3 at bit 32, mid:12 at bit 35, neg:5 at bit 47; big:40 at byte 8.
    dv.setUint32(4, 5 | (0xabc << 3) | (0x1f << 15), true);
    dv.setBigUint64(8, 0xff12345678abn, true);
    dv.setInt16(14, -300, true);
    a.set(Buffer.from('abc'), 16);
    [1, 2, -3].forEach((v, i) => dv.setInt32(20 + 4 * i, v, true));
    a.set(Buffer.from('hello'), 32);
    dv.setBigUint64(40, B, true);
    a.set([0x11, 0xf2], 48);
    dv.setInt16(50 + 2 * 5, -2, true);
    dv.setInt16(62 + 6, 777, true);
    a.set(Buffer.from('zz'), 62 + 8);
    const b = new Uint8Array(80);
    new DataView(b.buffer).setInt32(0, 99, true);
    [1, 2, -3].forEach((v, i) => new DataView(b.buffer).setInt32(20 + 4 * i, v, true));
    l.host.memory.set(A, a);
    l.host.memory.set(B, b);
  }

  for (const dialect of ['5.0', '6.x'] as const) {
    test(`fields, bitfields, nested records, arrays and pointer chains read through probe_read (${dialect})`, () => {
      const c = compileSource(
        `${DEFS}BEGIN { $p = (struct bx_s *)${A}; @a = $p->a; @lo = $p->lo; @mid = $p->mid; @neg = $p->neg; @big = $p->big; ` +
          '@x = $p->in.x; @arr2 = $p->arr[2]; @n = $p->next->a; @nn = $p->next->next->a; @b1 = $p->bytes[1]; @m12 = $p->m[1][2]; ' +
          '@insx = $p->ins[1].x; @name[$p->name] = 1; @tag[$p->ins[1].tag] = 1; @arr = $p->arr; $v = @arr; @v1 = $v[1]; ' +
          '@eq = $p->arr == $p->next->arr; @sz = sizeof(*$p); exit(); }',
      );
      const l = load(c, dialect);
      memory(l);
      l.run(0);
      const ints = Object.fromEntries(['@a', '@lo', '@mid', '@neg', '@big', '@x', '@arr2', '@n', '@nn', '@b1', '@m12', '@insx', '@v1', '@eq', '@sz'].map((n) => [n, val(l, n)]));
      // A signed bitfield is masked, not sign-extended, as 0.17 reads it.
      expect(ints).toEqual({
        '@a': -7n, '@lo': 5n, '@mid': 0xabcn, '@neg': 31n, '@big': 0x12345678abn, '@x': -300n, '@arr2': -3n, '@n': 99n, '@nn': 0n,
        '@b1': 0xf2n, '@m12': -2n, '@insx': 777n, '@v1': 2n, '@eq': 1n, '@sz': 80n,
      });
      expect([...l.entries('@name').keys()]).toEqual([Buffer.from('hello\0').toString('hex')]);
      expect([...l.entries('@tag').keys()]).toEqual([Buffer.from('zz\0\0').toString('hex')]);
      expect(hex(l.entries('@arr').get(u64(0))!)).toBe('0100000002000000fdffffff');
    });
  }

  test('enum constants are integers; a struct cast of ctx or of a tracepoint args reads through probe_read', () => {
    const c = compileSource('enum bx_e { BX_A = 3, BX_B } BEGIN { @ = BX_B * 10 + BX_A; exit(); }');
    const l = load(c);
    l.run(0);
    expect(val(l, '@')).toBe(43n);
    for (const src of [
      'struct bx_regs { long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di; } kprobe:vfs_read { $r = (struct bx_regs *)ctx; @[$r->si] = count(); }',
      'struct bx_tp { long common; unsigned long pfn; unsigned int order; } tracepoint:kmem:mm_page_alloc { @ = ((struct bx_tp *)args)->order; }',
    ]) {
      for (const dialect of ['5.0', '6.x'] as const) expect(load(compileSource(src), dialect).progFds).toHaveLength(1);
    }
  });

  test('print(), tuples and keys read an array from memory whole', () => {
    const c = compileSource(`${DEFS}BEGIN { $p = (struct bx_s *)${A}; print($p->arr); @t = (1, $p->arr); @k[$p->bytes] = 1; exit(); }`);
    const l = load(c);
    memory(l);
    l.run(0);
    expect(hex(l.records()[0]!.subarray(16, 28))).toBe('0100000002000000fdffffff');
    expect(hex(l.entries('@t').get(u64(0))!)).toBe(`${u64(1)}0100000002000000fdffffff00000000`);
    expect([...l.entries('@k').keys()]).toEqual(['11f2']);
  });
});
