// Codegen end to end: typed ASTs compiled, loaded through BPF_PROG_LOAD (Linux 5.0's verifier),
// run with BPF_PROG_TEST_RUN, and the maps and perf records compared byte by byte with what
// bpftrace 0.17's programs leave in them.

import { describe, expect, test } from 'vitest';
import { BPF_MAP_TYPE } from '../../src/bpf/maps/map.js';
import type { Expr, Program } from '../../src/bpftrace/ast.js';
import { codegen } from '../../src/bpftrace/passes/codegen.js';
import { analyseResources } from '../../src/bpftrace/passes/resource_analyser.js';
import { tracepointArgs } from '../../src/bpftrace/tracepoint_format_parser.js';
import { CreateInt64, CreateNone, CreateString, type SizedType } from '../../src/bpftrace/types.js';
import {
  L, amap, avar, b, bin, call, cast, compile, ex, field, hex, i64At, if_, jump, load, m, n, pos, probe, s, tern, tup, u64, u64At,
  un, unroll, v, while_, type Loaded,
} from './codegen_harness.js';

/** The single entry (or the one under `key`) of a map, as a signed 64-bit integer per CPU summed. */
function val(l: Loaded, name: string, key = u64(0)): bigint | undefined {
  const e = l.entries(name).get(key);
  if (!e) return undefined;
  let sum = 0n;
  for (let off = 0; off < e.length; off += 8) sum += i64At(e, off);
  return BigInt.asIntN(64, sum);
}

/**
 * Perf pads each sample so that its u32 size and data fill a multiple of 8 bytes: compares each
 * record with the bytes bpftrace sends and checks the padding is zeroes.
 */
function records(l: Loaded): string[] {
  return l.records().map((r) => hex(r));
}
function expectRecords(l: Loaded, expected: string[]): void {
  const got = records(l);
  expect(got.length).toBe(expected.length);
  got.forEach((g, i) => {
    const want = expected[i]!;
    const padded = ((want.length / 2 + 4 + 7) & ~7) - 4;
    expect(g).toBe(want.padEnd(padded * 2, '0'));
  });
}

const run1 = (stmts: Parameters<typeof probe>[1], params: string[] = []): Loaded => {
  const l = load(compile([probe('BEGIN', stmts)], params));
  l.run(0);
  return l;
};

describe('integers and operators, with 0.17 semantics', () => {
  test('arithmetic, unsigned / and %, logical >>, casts', () => {
    const l = run1([
      amap(m('@add'), bin('+', n(1), bin('*', n(2), n(3)))),
      amap(m('@div'), bin('/', cast('uint64', n(-7)), n(2))),
      amap(m('@mod'), bin('%', n(-7), n(3))),
      amap(m('@shr'), bin('>>', n(-16), n(2))),
      amap(m('@shl'), bin('<<', n(1), n(40))),
      amap(m('@bits'), bin('^', bin('|', n(0xf0), n(0x0f)), bin('&', n(0xff), n(0x3c)))),
      avar(v('$s'), cast('int8', n(-1))),
      amap(m('@c'), cast('uint32', v('$s'))),
      amap(m('@d'), cast('int64', cast('uint32', n(-1)))),
      amap(m('@neg'), un('-', n(5))),
      amap(m('@not'), un('~', n(0))),
      amap(m('@lnot'), un('!', n(7))),
    ]);
    expect(val(l, '@add')).toBe(7n);
    expect(BigInt.asUintN(64, val(l, '@div')!)).toBe(9223372036854775804n);
    expect(val(l, '@mod')).toBe(0n);
    expect(val(l, '@shr')).toBe(4611686018427387900n);
    expect(val(l, '@shl')).toBe(1n << 40n);
    expect(val(l, '@bits')).toBe(0xffn ^ 0x3cn);
    expect(val(l, '@c')).toBe(255n);
    expect(val(l, '@d')).toBe(-1n);
    expect(val(l, '@neg')).toBe(-5n);
    expect(val(l, '@not')).toBe(-1n);
    expect(val(l, '@lnot')).toBe(0n);
  });

  test('comparisons are signed only when both sides are, and && || short-circuit', () => {
    const l = run1([
      amap(m('@slt'), bin('<', n(-1), n(1))),
      amap(m('@ult'), bin('<', cast('uint64', n(-1)), n(1))),
      amap(m('@eq'), bin('==', n(3), bin('+', n(1), n(2)))),
      amap(m('@and'), bin('&&', n(1), n(0))),
      amap(m('@or'), bin('||', n(0), n(2))),
      // The right side of a false && never runs: @never stays unset.
      ex(bin('&&', n(0), un('++', m('@never'), true))),
      ex(bin('||', n(1), un('++', m('@never2'), true))),
    ]);
    expect([val(l, '@slt'), val(l, '@ult'), val(l, '@eq'), val(l, '@and'), val(l, '@or')]).toEqual([1n, 0n, 1n, 0n, 1n]);
    expect(val(l, '@never')).toBeUndefined();
    expect(val(l, '@never2')).toBeUndefined();
  });

  test('variables, ++ and --, compound forms', () => {
    const l = run1([
      avar(v('$i'), n(10)),
      amap(m('@post'), un('++', v('$i'), true)),
      amap(m('@pre'), un('++', v('$i'))),
      amap(m('@dec'), un('--', v('$i'))),
      amap(m('@i'), v('$i')),
      ex(un('++', m('@cnt'))),
      ex(un('++', m('@cnt'))),
      amap(m('@mpost'), un('--', m('@cnt'), true)),
    ]);
    expect([val(l, '@post'), val(l, '@pre'), val(l, '@dec'), val(l, '@i')]).toEqual([10n, 12n, 11n, 11n]);
    expect([val(l, '@cnt'), val(l, '@mpost')]).toEqual([1n, 2n]);
  });
});

describe('map keys and values', () => {
  test('multi-key with a string part: the parts back to back, no padding', () => {
    const c = compile([probe('BEGIN', [amap(m('@a', n(1), s('x')), n(2)), amap(m('@k', s('hello')), n(3))])]);
    const a = c.maps.find((mp) => mp.name === '@a')!;
    expect([a.keySize, a.valueSize]).toEqual([8 + 2, 8]);
    const l = load(c);
    l.run(0);
    expect([...l.entries('@a').keys()]).toEqual([u64(1) + '7800']);
    expect([...l.entries('@k').keys()]).toEqual([Buffer.from('hello\0').toString('hex')]);
    expect(val(l, '@a', u64(1) + '7800')).toBe(2n);
  });

  test('string and tuple values, tuples laid out with alignment', () => {
    const c = compile([probe('BEGIN', [amap(m('@str'), s('hey')), amap(m('@t'), tup(n(1), s('ab'), n(-3)))])]);
    const t = c.maps.find((mp) => mp.name === '@t')!;
    expect(t.valueSize).toBe(24);
    const l = load(c);
    l.run(0);
    expect(hex(l.entries('@str').get(u64(0))!)).toBe(Buffer.from('hey\0').toString('hex'));
    expect(hex(l.entries('@t').get(u64(0))!)).toBe(u64(1) + '6162000000000000' + u64(-3));
  });

  test('a map read of an absent key is 0; delete removes the entry', () => {
    const l = run1([
      amap(m('@r'), bin('+', m('@absent', n(5)), n(1))),
      if_(n(0), [amap(m('@absent', n(5)), n(1))]),
      amap(m('@gone', n(1)), n(1)),
      amap(m('@gone', n(2)), n(2)),
      ex(call('delete', m('@gone', n(1)))),
    ]);
    expect(val(l, '@r')).toBe(1n);
    expect([...l.entries('@gone').keys()]).toEqual([u64(2)]);
  });
});

describe('aggregations', () => {
  test('count/sum keyless and keyed: per-CPU array vs per-CPU hash', () => {
    const c = compile([probe('BEGIN', [
      amap(m('@c'), call('count')), amap(m('@c'), call('count')),
      amap(m('@k', n(7)), call('count')),
      amap(m('@s'), call('sum', n(5))), amap(m('@s'), call('sum', n(-2))),
    ])]);
    const cm = c.maps.find((mp) => mp.name === '@c')!;
    expect([cm.mapType, cm.keySize, cm.maxEntries]).toEqual([BPF_MAP_TYPE.percpu_array, 4, 1]);
    expect(c.maps.find((mp) => mp.name === '@k')!.mapType).toBe(BPF_MAP_TYPE.percpu_hash);
    const l = load(c, '5.0', 2);
    l.host.currentCpu = 1;
    l.run(0);
    const e = l.entries('@c').get('00000000')!;
    expect([i64At(e, 0), i64At(e, 8)]).toEqual([0n, 2n]);
    expect(val(l, '@k', u64(7))).toBe(1n);
    expect(val(l, '@s')).toBe(3n);
  });

  test('min stores 0xffffffff - v; max treats an absent entry as 0', () => {
    const l = run1([
      amap(m('@mn'), call('min', n(10))), amap(m('@mn'), call('min', n(3))), amap(m('@mn'), call('min', n(8))),
      amap(m('@mx'), call('max', n(4))), amap(m('@mx'), call('max', n(9))), amap(m('@mx'), call('max', n(2))),
      amap(m('@neg'), call('max', n(-5))),
      amap(m('@big'), call('min', n(5000000000))),
    ]);
    expect(val(l, '@mn')).toBe(0xffffffffn - 3n);
    expect(val(l, '@mx')).toBe(9n);
    expect(val(l, '@neg')).toBeUndefined();
    expect(val(l, '@big')).toBeUndefined();
  });

  test('avg and stats keep count at bucket 0 and total at bucket 1', () => {
    const c = compile([probe('BEGIN', [amap(m('@a'), call('avg', n(10))), amap(m('@a'), call('avg', n(-4))), amap(m('@st', s('k')), call('stats', n(6)))])]);
    expect(c.maps.find((mp) => mp.name === '@st')!.keySize).toBe(2 + 8);
    const l = load(c);
    l.run(0);
    expect(val(l, '@a', u64(0))).toBe(2n);
    expect(val(l, '@a', u64(1))).toBe(6n);
    expect(val(l, '@st', '6b00' + u64(0))).toBe(1n);
    expect(val(l, '@st', '6b00' + u64(1))).toBe(6n);
  });

  test('hist buckets: negatives, 0, 1, powers of two, and the 0.17 cap at 2^31', () => {
    const values = [-3, 0, 1, 2, 3, 4, 1023, 1024, 2 ** 31, 2 ** 40];
    const l = run1(values.map((x) => amap(m('@h'), call('hist', n(x)))));
    const buckets = [...l.entries('@h')].map(([k, e]) => [Number(Buffer.from(k, 'hex').readBigUInt64LE(0)), Number(i64At(e, 0))]).sort((x, y) => x[0]! - y[0]!);
    expect(buckets).toEqual([[0, 1], [1, 1], [2, 1], [3, 2], [4, 1], [11, 1], [12, 1], [33, 2]]);
  });

  test('lhist buckets: below min, steps, v == max and beyond go to the last bucket', () => {
    const values = [-1, 0, 9, 10, 29, 30, 100];
    const l = run1(values.map((x) => amap(m('@l'), call('lhist', n(x), n(0), n(30), n(10)))));
    const buckets = [...l.entries('@l')].map(([k, e]) => [Number(Buffer.from(k, 'hex').readBigUInt64LE(0)), Number(i64At(e, 0))]).sort((x, y) => x[0]! - y[0]!);
    expect(buckets).toEqual([[0, 1], [1, 2], [2, 1], [3, 1], [4, 2]]);
  });
});

describe('perf records', () => {
  test('printf: u64 id, then each argument at its LLVM struct offset', () => {
    const c = compile([probe('BEGIN', [
      ex(call('printf', s('a\n'))),
      ex(call('printf', s('%s %d %s\n'), s('hi'), n(-5), s('xyz'))),
    ])]);
    expect(c.printfArgs.map((f) => [f.fmt, f.size, f.args.map((a) => a.offset)])).toEqual([
      ['a\n', 8, []],
      ['%s %d %s\n', 32, [8, 16, 24]],
    ]);
    const l = load(c);
    l.run(0);
    expectRecords(l, [u64(0), u64(1) + '6869000000000000' + u64(-5) + '78797a0000000000']);
  });

  test('exit() sends 30000 and ends the action at once', () => {
    const l = run1([ex(call('exit')), amap(m('@after'), n(1))]);
    expectRecords(l, [u64(30000)]);
    expect(val(l, '@after')).toBeUndefined();
  });

  test('print, clear, zero and time records carry the map id and ids', () => {
    const c = compile([probe('BEGIN', [
      amap(m('@a'), n(1)), amap(m('@b'), n(2)),
      ex(call('print', m('@b'), n(3), n(4))),
      ex(call('clear', m('@a'))),
      ex(call('zero', m('@b'))),
      ex(call('time')),
      ex(call('print', n(42))),
      ex(call('print', s('str'))),
    ])]);
    expect(c.maps.map((mp) => mp.name)).toEqual(['@a', '@b', 'printf']);
    expect(c.nonMapPrintArgs.map((t) => t.size)).toEqual([8, 4]);
    const l = load(c);
    l.run(0);
    expectRecords(l, [
      u64(30001) + '01000000' + '03000000' + '04000000',
      u64(30002) + '00000000',
      u64(30003) + '01000000',
      u64(30004) + '00000000',
      u64(30007) + u64(0) + u64(42),
      u64(30007) + u64(1) + '73747200',
    ]);
  });

  test('comm, pid and a positional string in a printf', () => {
    const c = compile([probe('BEGIN', [ex(call('printf', s('%s %d %s\n'), b('comm'), b('pid'), call('str', pos(1, true))))])], ['arg1']);
    const l = load(c);
    l.run(0);
    const r = l.records()[0]!;
    expect(u64At(r, 0)).toBe(0n);
    expect(Buffer.from(r.subarray(8, 24)).toString('latin1')).toBe('bpfbox\0\0\0\0\0\0\0\0\0\0');
    expect(u64At(r, 24)).toBe(1n);
    expect(Buffer.from(r.subarray(32, 37)).toString('latin1')).toBe('arg1\0');
  });
});

describe('control flow', () => {
  test('if/else, ternary on ints and strings, string ==', () => {
    const l = run1([
      if_(bin('>', n(2), n(1)), [amap(m('@if'), n(1))], [amap(m('@if'), n(2))]),
      if_(bin('<', n(2), n(1)), [amap(m('@else'), n(1))], [amap(m('@else'), n(2))]),
      amap(m('@tern'), tern(bin('==', n(1), n(1)), n(10), n(20))),
      amap(m('@ts'), tern(n(0), s('yes'), s('no'))),
      amap(m('@streq'), bin('==', b('comm'), s('bpfbox'))),
      amap(m('@strne'), bin('!=', b('comm'), s('bpfbo'))),
    ]);
    expect([val(l, '@if'), val(l, '@else'), val(l, '@tern'), val(l, '@streq'), val(l, '@strne')]).toEqual([1n, 2n, 10n, 1n, 1n]);
    expect(hex(l.entries('@ts').get(u64(0))!).slice(0, 6)).toBe('6e6f00');
  });

  test('unroll repeats the body, printf ids stay those of the source', () => {
    const c = compile([probe('BEGIN', [avar(v('$i'), n(0)), unroll(3, [ex(un('++', v('$i'))), ex(call('printf', s('%d\n'), v('$i')))]), amap(m('@i'), v('$i'))])]);
    expect(c.printfArgs.length).toBe(1);
    const l = load(c);
    l.run(0);
    expectRecords(l, [1, 2, 3].map((i) => u64(0) + u64(i)));
    expect(val(l, '@i')).toBe(3n);
  });

  test('while with break and continue: rejected by 5.0 (back-edge), run on 6.x', () => {
    const c = compile([probe('BEGIN', [
      avar(v('$i'), n(0)),
      avar(v('$sum'), n(0)),
      while_(bin('<', v('$i'), n(10)), [
        ex(un('++', v('$i'))),
        if_(bin('==', v('$i'), n(3)), [jump('continue')]),
        if_(bin('==', v('$i'), n(6)), [jump('break')]),
        avar(v('$sum'), bin('+', v('$sum'), v('$i'))),
      ]),
      amap(m('@sum'), v('$sum')),
    ])]);
    expect(() => load(c, '5.0')).toThrow(/back-edge/);
    const l = load(c, '6.x');
    l.run(0);
    expect(val(l, '@sum')).toBe(1n + 2n + 4n + 5n);
  });

  test('return ends the probe; a false predicate skips it', () => {
    const c = compile([
      probe('BEGIN', [amap(m('@a'), n(1)), jump('return'), amap(m('@b'), n(1))]),
      probe('END', [amap(m('@c'), n(1))], bin('==', n(1), n(0))),
    ]);
    const l = load(c);
    l.run(0);
    l.run(1);
    expect([val(l, '@a'), val(l, '@b'), val(l, '@c')]).toEqual([1n, undefined, undefined]);
  });
});

describe('probes', () => {
  test('names, prog types and returns: BEGIN/interval as kprobe, tracepoints return 1', () => {
    const c = compile([
      probe('BEGIN', []),
      probe('interval:s:1', [ex(call('exit'))]),
      probe('tracepoint:kmem:mm_page_alloc', [amap(m('@o'), field(un('*', b('args')), 'order'))]),
    ]);
    expect(c.probes.map((p) => [p.name, p.progType])).toEqual([
      ['BEGIN', 'kprobe'],
      ['interval:s:1', 'kprobe'],
      ['tracepoint:kmem:mm_page_alloc', 'tracepoint'],
    ]);
    const l = load(c);
    const ctx = new Uint8Array(64);
    new DataView(ctx.buffer).setUint32(16, 3, true);
    expect(l.run(2, ctx)).toBe(1n);
    expect(val(l, '@o')).toBe(3n);
  });

  test('kstack asks for a stack-id map and keys by the stack id', () => {
    const c = compile([probe('BEGIN', [amap(m('@', b('kstack')), call('count'))])]);
    const st = c.maps.find((mp) => mp.kind === 'stack')!;
    expect([st.name, st.mapType, st.keySize, st.valueSize, st.maxEntries]).toEqual(['stack', BPF_MAP_TYPE.stack_trace, 4, 8 * 127, 131072]);
    const l = load(c);
    l.run(0);
    // StandaloneHost has no stack: bpf_get_stackid fails with -EFAULT, which becomes the key.
    expect([...l.entries('@').keys()]).toEqual([u64(-14)]);
  });

  test('args of kprobes read pt_regs; nsecs and cpu come from helpers', () => {
    const c = compile([probe('kprobe:vfs_read', [amap(m('@a1'), b('arg1')), amap(m('@t'), bin('>', b('nsecs'), n(0))), amap(m('@cpu'), b('cpu'))])]);
    const l = load(c);
    const ctx = new Uint8Array(168);
    new DataView(ctx.buffer).setBigUint64(104, 77n, true);
    l.run(0, ctx);
    expect([val(l, '@a1'), val(l, '@t'), val(l, '@cpu')]).toEqual([77n, 1n, 0n]);
  });
});

describe('strings, tuples and memory reads', () => {
  const ADDR = 0xffff888000001000n;
  const ctxWithArg0 = (addr: bigint): Uint8Array => {
    const ctx = new Uint8Array(168);
    new DataView(ctx.buffer).setBigUint64(112, addr, true);
    return ctx;
  };

  test('str(ptr) and str(ptr, n) read with bpf_probe_read_str into 64 zeroed bytes', () => {
    const c = compile([probe('kprobe:vfs_read', [amap(m('@s'), call('str', b('arg0'))), amap(m('@n'), call('str', b('arg0'), n(3)))])]);
    const l = load(c);
    l.host.memory.set(ADDR, new TextEncoder().encode('hello\0world'));
    l.run(0, ctxWithArg0(ADDR));
    expect(hex(l.entries('@s').get(u64(0))!)).toBe(Buffer.from('hello').toString('hex').padEnd(128, '0'));
    expect(hex(l.entries('@n').get(u64(0))!)).toBe(Buffer.from('hel').toString('hex').padEnd(128, '0'));
  });

  test('join(argv) fills the per-CPU join map and sends it whole', () => {
    const c = compile([probe('kprobe:do_execve', [ex(call('join', b('arg0')))])]);
    const j = c.maps.find((mp) => mp.kind === 'join')!;
    expect([j.mapType, j.keySize, j.valueSize, j.maxEntries]).toEqual([BPF_MAP_TYPE.percpu_array, 4, 16 + 16 * 1024, 1]);
    const l = load(c);
    const argv = new Uint8Array(24);
    const dv = new DataView(argv.buffer);
    dv.setBigUint64(0, ADDR + 0x100n, true);
    dv.setBigUint64(8, ADDR + 0x200n, true);
    l.host.memory.set(ADDR, argv);
    l.host.memory.set(ADDR + 0x100n, new TextEncoder().encode('ls\0'));
    l.host.memory.set(ADDR + 0x200n, new TextEncoder().encode('-l\0'));
    l.run(0, ctxWithArg0(ADDR));
    const [r] = l.records();
    expect(r!.length).toBeGreaterThanOrEqual(16 + 16 * 1024);
    expect([u64At(r!, 0), u64At(r!, 8)]).toEqual([30005n, 0n]);
    expect(Buffer.from(r!.subarray(16, 19)).toString('latin1')).toBe('ls\0');
    expect(Buffer.from(r!.subarray(16 + 1024, 16 + 1027)).toString('latin1')).toBe('-l\0');
    expect(r![16 + 2048]).toBe(0);
  });

  test('tuple fields, strncmp, bswap and sizeof', () => {
    const l = run1([
      avar(v('$t'), tup(n(1), s('ab'), n(-3))),
      amap(m('@f2'), field(v('$t'), '2', 2)),
      amap(m('@f1'), field(v('$t'), '1', 1)),
      amap(m('@cmp'), call('strncmp', b('comm'), s('bpfXX'), n(3))),
      amap(m('@cmp2'), call('strncmp', b('comm'), s('bpfXX'), n(4))),
      amap(m('@sw'), call('bswap', cast('uint32', n(1)))),
    ]);
    expect(val(l, '@f2')).toBe(-3n);
    expect(hex(l.entries('@f1').get(u64(0))!).slice(0, 6)).toBe('616200');
    expect([val(l, '@cmp'), val(l, '@cmp2')]).toEqual([0n, 1n]);
    expect(val(l, '@sw')).toBe(0x01000000n);
  });

  test('strftime gives printf a 16-byte { id, nsecs } argument; time() its own record', () => {
    const c = compile([probe('BEGIN', [ex(call('time', s('%H\n'))), ex(call('printf', s('%s\n'), call('strftime', s('%H'), n(1234))))])]);
    expect(c.timeArgs).toEqual(['%H\n']);
    expect(c.strftimeArgs).toEqual(['%H']);
    expect(c.printfArgs[0]!.args.map((a) => [a.type.type, a.offset, a.type.size])).toEqual([['timestamp', 8, 16]]);
    const l = load(c);
    l.run(0);
    expectRecords(l, [u64(30004) + '00000000', u64(0) + u64(0) + u64(1234)]);
  });

  test('elapsed subtracts the start time user space keeps in the elapsed map', () => {
    const c = compile([probe('BEGIN', [amap(m('@e'), b('elapsed'))])]);
    const e = c.maps.find((mp) => mp.kind === 'elapsed')!;
    expect([e.name, e.mapType, e.keySize, e.valueSize, e.maxEntries]).toEqual(['elapsed', BPF_MAP_TYPE.hash, 8, 8, 1]);
    const l = load(c);
    const start = new Uint8Array(8);
    new DataView(start.buffer).setBigUint64(0, 500n, true);
    l.bpf.mapUpdateElem(l.mapFds[e.id]!, new Uint8Array(8), start);
    l.run(0);
    // StandaloneHost's clock reads 1000 ns on its first read.
    expect(val(l, '@e')).toBe(500n);
  });
});

describe('tracepoint __data_loc fields', () => {
  test('str(args->cmd) reads at ctx + (loc & 0xffff)', () => {
    const rec: SizedType = { type: 'record', size: 24, isSigned: false, name: 'struct _tracepoint_block_block_rq_complete', isCtxAccess: true };
    const args: Expr = { kind: 'Builtin', loc: L, ident: 'args', type: { type: 'pointer', size: 8, isSigned: false, element: rec, isCtxAccess: true } };
    const deref: Expr = { kind: 'Unop', loc: L, op: '*', expr: args, isPostOp: false, type: rec };
    const fname: Expr = { kind: 'FieldAccess', loc: L, expr: deref, field: 'cmd', index: -1, type: CreateInt64() };
    const str: Expr = { kind: 'Call', loc: L, func: 'str', args: [fname], type: CreateString(64) };
    const fmt: Expr = { kind: 'String', loc: L, value: '%s\n', type: CreateString(4) };
    const program: Program = { cDefinitions: [], probes: [{ ...probe('tracepoint:block:block_rq_complete', []), stmts: [ex({ kind: 'Call', loc: L, func: 'printf', args: [fmt, str], type: CreateNone() })] }] };
    const res = analyseResources(program, new Map())!;
    const c = codegen(program, { maps: new Map() }, res);
    const l = load(c);
    const fields = tracepointArgs('block', 'block_rq_complete')!;
    const f = fields.find((x) => x.name === 'cmd')!;
    const ctx = new Uint8Array(64);
    const at = f.offset + 8;
    new DataView(ctx.buffer).setUint32(f.offset, (8 << 16) | at, true);
    ctx.set(new TextEncoder().encode('/bin/ls\0'), at);
    l.run(0, ctx);
    const [r] = l.records();
    expect(Buffer.from(r!.subarray(8, 16)).toString('latin1')).toBe('/bin/ls\0');
  });
});
