// Replays tests/golden/bpftrace/output/NAME.bt: for each program, the records and map snapshots it
// produces (written out by hand from what the program does) go through bpfbox's text and JSON
// writers, and the bytes must equal what real bpftrace 0.17 printed (NAME.out, NAME.json.out,
// captured by scripts/capture-bpftrace-output.ts).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOutput, type OutputFormat } from '../../src/bpftrace/output/index.js';
import type { Output } from '../../src/bpftrace/output/output.js';
import { EXIT_SEPARATOR, printMap, printMaps } from '../../src/bpftrace/output/print_map.js';
import { FormatString, printfArg } from '../../src/bpftrace/output/printf.js';
import { brokenDownTime, resolveTimestamp, strftime } from '../../src/bpftrace/output/time.js';
import type { MapSnapshot, Value } from '../../src/bpftrace/output/value.js';
import { toBytes } from '../../src/bpftrace/output/value.js';
import type { SizedType } from '../../src/bpftrace/types.js';
import {
  L,
  averaged,
  avg,
  b,
  buffer,
  count,
  counted,
  hist,
  histOf,
  i64,
  info,
  int,
  lhist,
  lhistOf,
  max,
  maxWord,
  min,
  minWord,
  plain,
  probe,
  snap,
  stats,
  stored,
  str,
  sum,
  summed,
  times,
  tuple,
  u64,
} from './output-fixtures.js';

const DIR = 'tests/golden/bpftrace/output';

type Event =
  | { printf: string; args?: [SizedType, Value][] }
  | { print: MapSnapshot; top?: number; div?: number }
  | { value: SizedType; v: Value }
  | { time: string };

interface Case {
  probes?: number;
  events?: Event[];
  /** The maps at exit (after END). */
  exit: MapSnapshot[];
}

function run(out: Output, c: Case): string {
  let s = out.attachedProbes(c.probes ?? 1);
  for (const e of c.events ?? []) {
    if ('printf' in e) {
      const args = (e.args ?? []).map(([t, v]) => printfArg(t, v));
      s += out.message('printf', new FormatString(b(e.printf)).format(args), false);
    } else if ('print' in e) {
      s += printMap(out, e.print, e.top, e.div);
    } else if ('value' in e) {
      s += out.value(e.value, e.v);
    } else {
      const text = strftime(e.time, brokenDownTime(0n));
      if (text !== null) s += out.message('time', text, false);
    }
  }
  return s + EXIT_SEPARATOR + printMaps(out, c.exit);
}

const n = (v: number | bigint): bigint => BigInt(v);
const count1 = (name: string, v: number): MapSnapshot => snap(info(name, [], count), [[[], counted(v)]]);
const lh = (name: string, a: ReturnType<typeof L>, key: SizedType[] = []) => info(name, key, lhist, a);

const CASES: Record<string, Case> = {
  count_keyless: { exit: [count1('@c', 3)] },
  count_keyed: {
    exit: [snap(info('@', [i64], count), [[[1n], counted(5)], [[2n], counted(2)], [[3n], counted(3)]])],
  },
  count_never_run: { exit: [count1('@c', 0), snap(info('@k', [i64], count), [])] },
  sum_signed: { exit: [snap(info('@s', [], sum), [[[], summed(5n, -12n)]])] },
  sum_keyed_neg: {
    exit: [
      snap(info('@s', [str()], sum), [
        [['a'], summed(-5n)],
        [['b'], summed(10n)],
        [['c'], summed(-20n)],
        [['d'], summed(3n)],
      ]),
    ],
  },
  sum_large: {
    exit: [
      snap(info('@s', [], sum), [[[], summed(9223372036854775807n, 1n)]]),
      snap(info('@t', [], sum), [[[], summed(4000000000n, 4000000000n)]]),
    ],
  },
  min_basic: {
    exit: [
      snap(info('@k', [str()], min), [
        [['x'], minWord(100n)!],
        [['y'], minWord(7n)!],
        [['z'], minWord(50n)!],
      ]),
      snap(info('@m', [], min), [[[], minWord(5n, 3n, 9n)!]]),
    ],
  },
  min_neg: {
    exit: [
      snap(info('@m', [], min), stored([[[], minWord(-5n)]])),
      snap(info('@n', [], min), stored([[[], minWord(4294967295n)]])),
      snap(info('@o', [], min), stored([[[], minWord(5000000000n)]])),
    ],
  },
  max_basic: {
    exit: [
      snap(info('@m', [i64], max), [
        [[1n], maxWord(10n, 7n)!],
        [[2n], maxWord(3n)!],
        [[3n], maxWord(1000000n)!],
      ]),
    ],
  },
  max_neg: {
    exit: [
      snap(info('@m', [], max), stored([[[], maxWord(-5n)]])),
      snap(info('@n', [], max), stored([[[], maxWord(-1n, 2n)]])),
    ],
  },
  avg_basic: { exit: [snap(info('@a', [], avg), [[[], averaged(10n, 20n, 33n)]])] },
  avg_neg: {
    exit: [
      snap(info('@a', [], avg), [[[], averaged(-7n, -2n)]]),
      snap(info('@b', [str()], avg), [
        [['p'], averaged(-100n)],
        [['q'], averaged(50n)],
        [['r'], averaged(3n)],
      ]),
    ],
  },
  stats_basic: { exit: [snap(info('@s', [], stats), [[[], averaged(3n, 10n, 50n)]])] },
  stats_keyed: {
    exit: [
      snap(info('@s', [str()], stats), [
        [['x'], averaged(5n)],
        [['y'], averaged(100n, 200n)],
        [['z'], averaged(-40n)],
      ]),
    ],
  },
  hist_basic: { exit: [snap(info('@h', [], hist), [[[], histOf(0n, 1n, 5n, 5n, 100n)]])] },
  hist_neg: { exit: [snap(info('@h', [], hist), [[[], histOf(-1n, -100n, 0n, 1n, 4n)]])] },
  hist_large: { exit: [snap(info('@h', [], hist), [[[], histOf(1024n, 1048576n, 1048577n, 1073741824n)]])] },
  hist_top: { exit: [snap(info('@h', [], hist), [[[], histOf(3000000000n, 1099511627776n, 2147483647n)]])] },
  hist_uint_top_bit: { exit: [snap(info('@h', [], hist), [[[], histOf((1n << 64n) - 1n, 8n)]])] },
  hist_keyed: {
    exit: [
      snap(info('@h', [i64], hist), [
        [[1n], histOf(2n)],
        [[2n], histOf(3n, 700n)],
        [[3n], histOf(16n, 17n, 40n)],
      ]),
    ],
  },
  hist_bars: {
    exit: [snap(info('@h', [], hist), [[[], histOf(...times(73, 8n), 64n, 2n, 2n, ...times(30, 300n))]])],
  },
  hist_string_key: {
    exit: [
      snap(info('@h', [str()], hist), [
        [['b'], histOf(10n)],
        [['a'], histOf(10n, 20n)],
      ]),
    ],
  },
  lhist_basic: {
    exit: [snap(lh('@l', L(0n, 100n, 10n)), [[[], lhistOf(L(0n, 100n, 10n), 5n, 15n, 17n, 55n)]])],
  },
  lhist_edges: {
    exit: [
      snap(lh('@l', L(0n, 30n, 10n)), [[[], lhistOf(L(0n, 30n, 10n), -1n, 0n, 30n, 1000n)]]),
      snap(lh('@p', L(0n, 10n, 3n)), [[[], lhistOf(L(0n, 10n, 3n), 9n, 1n)]]),
    ],
  },
  lhist_kilo: {
    exit: [
      snap(lh('@k', L(0n, 8192n, 1024n)), [[[], lhistOf(L(0n, 8192n, 1024n), 2048n, 5000n)]]),
      snap(lh('@m', L(0n, 8388608n, 1048576n)), [[[], lhistOf(L(0n, 8388608n, 1048576n), 4194304n, 9000000n)]]),
      snap(lh('@n', L(1000n, 4000n, 500n)), [[[], lhistOf(L(1000n, 4000n, 500n), 1600n)]]),
    ],
  },
  lhist_min: {
    exit: [snap(lh('@l', L(20n, 60n, 5n)), [[[], lhistOf(L(20n, 60n, 5n), 25n, 3n, 44n)]])],
  },
  lhist_keyed: {
    exit: [
      snap(lh('@l', L(0n, 10n, 1n), [str()]), [
        [['x'], lhistOf(L(0n, 10n, 1n), 5n)],
        [['y'], lhistOf(L(0n, 10n, 1n), 7n, 8n)],
      ]),
    ],
  },
  int_values: {
    exit: [
      plain('@x', [], i64, [[[], 42n]]),
      plain('@y', [], i64, [[[], -1n]]),
      plain('@u', [], u64, [[[], (1n << 64n) - 1n]]),
      plain('@z', [], i64, [[[], 0n]]),
    ],
  },
  int_widths: {
    exit: [
      plain('@a', [], int(8, true), [[[], -1n]]),
      plain('@b', [], int(8, false), [[[], 300n]]),
      plain('@c', [], int(16, true), [[[], -2n]]),
      plain('@d', [], int(16, false), [[[], -1n]]),
      plain('@e', [], int(32, true), [[[], -3n]]),
      plain('@f', [], int(32, false), [[[], -1n]]),
    ],
  },
  int_keyed_sort: {
    exit: [
      plain('@m', [i64], i64, [
        [[1n], 30n],
        [[2n], -5n],
        [[3n], 10n],
        [[4n], -100n],
      ]),
    ],
  },
  uint_keyed_sort: {
    exit: [
      plain('@m', [i64], u64, [
        [[1n], (1n << 64n) - 1n],
        [[2n], 5n],
        [[3n], 1000n],
      ]),
    ],
  },
  int_key_neg: {
    exit: [
      plain('@k', [i64], str(), [
        [[-1n], 'neg'],
        [[5n], 'five'],
        [[0n], 'zero'],
        [[3n], 'three'],
      ]),
    ],
  },
  string_values: {
    exit: [
      plain('@s', [i64], str(), [
        [[2n], 'two'],
        [[1n], 'one'],
        [[10n], 'ten'],
      ]),
    ],
  },
  string_keys: {
    exit: [
      plain('@s', [str()], str(), [
        [['b'], 'x'],
        [['a'], 'y'],
        [['B'], 'z'],
        [['ab'], 'w'],
      ]),
    ],
  },
  string_key_count: {
    exit: [snap(info('@c', [str()], count), [[['hello'], counted(1)], [['world'], counted(2)]])],
  },
  multi_key: {
    exit: [
      plain('@m', [i64, str()], i64, [
        [[1n, 'x'], 2n],
        [[2n, 'y'], 3n],
        [[3n, 'z'], 1n],
      ]),
    ],
  },
  multi_key_str: {
    exit: [
      plain('@m', [i64, str()], str(), [
        [[2n, 'a'], 'p'],
        [[1n, 'b'], 'q'],
        [[1n, 'a'], 'r'],
        [[0n, 'c'], 's'],
      ]),
    ],
  },
  tuple_values: {
    exit: [
      plain('@t', [], tuple(i64, str(4)), [[[], [1n, 'one']]]),
      plain('@n', [], tuple(i64, str(5), tuple(i64, i64)), [[[], [3n, 'four', [1n, 2n]]]]),
      plain('@neg', [], tuple(i64, int(8, false)), [[[], [-1n, 255n]]]),
    ],
  },
  tuple_keyed: {
    exit: [
      plain('@t', [i64], tuple(i64, str(2)), [
        [[2n], [1n, 'x']],
        [[1n], [2n, 'y']],
        [[3n], [-3n, 'z']],
      ]),
    ],
  },
  print_value: {
    events: [
      { value: i64, v: 5n },
      { value: str(4), v: 'str' },
      { value: tuple(i64, str(2), tuple(i64, i64)), v: [1n, 'a', [2n, 3n]] },
      { value: i64, v: -3n },
      { value: int(8, false), v: 200n },
    ],
    exit: [],
  },
  ...(() => {
    const m = plain('@m', [i64], i64, [
      [[1n], 10n],
      [[2n], 30n],
      [[3n], 20n],
      [[4n], 5n],
    ]);
    return { print_map_top: { events: [{ print: m, top: 2 }], exit: [m] } };
  })(),
  ...(() => {
    const s = snap(info('@s', [str()], sum), [
      [['a'], summed(100n)],
      [['b'], summed(-55n)],
      [['c'], summed(7n)],
    ]);
    return { print_map_div: { events: [{ print: s, div: 10 }], exit: [s] } };
  })(),
  ...(() => {
    const h = snap(info('@h', [], hist), [[[], histOf(5n, 5n, 5n, 9n, 1n)]]);
    return { print_hist_div: { events: [{ print: h, div: 2 }], exit: [h] } };
  })(),
  ...(() => {
    const l = snap(lh('@l', L(0n, 10n, 2n)), [[[], lhistOf(L(0n, 10n, 2n), 5n, 5n, 7n)]]);
    return { print_lhist_div: { events: [{ print: l, div: 2 }], exit: [l] } };
  })(),
  ...(() => {
    const a = snap(info('@a', [i64], avg), [
      [[1n], averaged(100n)],
      [[2n], averaged(300n)],
      [[3n], averaged(200n)],
    ]);
    return { print_avg_top_div: { events: [{ print: a, top: 2, div: 10 }], exit: [a] } };
  })(),
  ...(() => {
    const s = snap(info('@s', [i64], stats), [
      [[1n], averaged(100n)],
      [[2n], averaged(300n)],
      [[3n], averaged(200n)],
    ]);
    return { print_stats_top: { events: [{ print: s, top: 1, div: 10 }], exit: [s] } };
  })(),
  ...(() => {
    const h = snap(info('@h', [i64], hist), [
      [[1n], histOf(4n)],
      [[2n], histOf(4n, 4n)],
      [[3n], histOf(4n, 4n, 4n)],
    ]);
    return { print_hist_top: { events: [{ print: h, top: 1 }], exit: [h] } };
  })(),
  print_plain: {
    events: [
      { print: plain('@x', [], i64, [[[], 7n]]) },
      { print: plain('@s', [], str(3), [[[], 'hi']]) },
      { print: count1('@c', 1) },
    ],
    exit: [plain('@x', [], i64, [[[], 7n]]), plain('@s', [], str(3), [[[], 'hi']]), count1('@c', 1)],
  },
  clear_map: {
    exit: [snap(info('@c', [i64], count), []), count1('@k', 0), plain('@v', [], i64, [[[], 5n]])],
  },
  delete_map: {
    exit: [
      plain('@m', [i64], i64, [
        [[1n], 1n],
        [[3n], 3n],
      ]),
    ],
  },
  zero_map: {
    exit: [
      snap(info('@h', [], hist), [[[], { buckets: new Map([[5, [0n]]]) }]]),
      snap(info('@c', [i64], count), [[[1n], counted(0)]]),
      snap(info('@s', [], stats), [[[], { count: [0n], total: [0n] }]]),
    ],
  },
  empty_maps: {
    exit: [
      plain('@a', [], i64, []),
      snap(info('@h', [], hist), []),
      snap(info('@s', [], stats), []),
      snap(info('@v', [], avg), []),
      snap(lh('@l', L(0n, 10n, 1n)), []),
      plain('@t', [], tuple(i64, str(2)), []),
      plain('@str', [str()], str(), []),
    ],
  },
  map_order: {
    exit: [
      plain('@z', [], i64, [[[], 1n]]),
      plain('@B', [], i64, [[[], 2n]]),
      plain('@_x', [], i64, [[[], 3n]]),
      plain('@a', [], i64, [[[], 4n]]),
      plain('@', [], i64, [[[], 5n]]),
      plain('@a1', [], i64, [[[], 6n]]),
    ],
  },
  printf_int: {
    events: [
      {
        printf: '%d %ld %lld %u %lu\n',
        args: [
          [i64, 5000000000n],
          [i64, 5000000000n],
          [i64, -5000000000n],
          [i64, -1n],
          [i64, -1n],
        ],
      },
      {
        printf: '%x %X %lx %lX %o %lo\n',
        args: [
          [i64, 255n],
          [i64, 48879n],
          [i64, 5000000000n],
          [i64, -1n],
          [i64, 8n],
          [i64, -1n],
        ],
      },
    ],
    exit: [],
  },
  printf_width: {
    events: [
      {
        printf: '[%5d][%-5d][%05d][%.3d][%8.3d][%-8.3d][%0d]\n',
        args: [42n, 42n, 42n, 7n, -7n, 7n, 3n].map((v): [SizedType, Value] => [i64, v]),
      },
      {
        printf: '[%10ld][%-12lx][%020lu]\n',
        args: [-5000000000n, 3735928559n, 18n].map((v): [SizedType, Value] => [i64, v]),
      },
    ],
    exit: [],
  },
  printf_str: {
    events: [
      {
        printf: '[%s][%10s][%-10s][%.2s][%10.2s][%-6.3s]\n',
        args: ['abc', 'abc', 'abc', 'abc', 'abc', 'abcdef'].map((v): [SizedType, Value] => [str(), v]),
      },
    ],
    exit: [],
  },
  printf_char: {
    events: [{ printf: '[%c][%c][%5c][%-3c]\n', args: [65n, 321n, 66n, 67n].map((v): [SizedType, Value] => [i64, v]) }],
    exit: [],
  },
  printf_ptr: {
    events: [
      {
        printf: '[%p][%p][%20p][%-20p][%lp]\n',
        args: [255n, 0n, 4096n, 4096n, 65535n].map((v): [SizedType, Value] => [i64, v]),
      },
    ],
    exit: [],
  },
  printf_percent: {
    events: [
      { printf: '%d%%\n', args: [[i64, 50n]] },
      { printf: '%% %d\n', args: [[i64, 7n]] },
      { printf: '100%%\n' },
      { printf: 'a %% b %d %% c\n', args: [[i64, 1n]] },
    ],
    exit: [],
  },
  printf_short: {
    events: [
      {
        printf: '%hhd %hd %hhu %hu %hx %hhx\n',
        args: [300n, 70000n, -1n, -1n, -1n, 511n].map((v): [SizedType, Value] => [i64, v]),
      },
    ],
    exit: [],
  },
  printf_signed_args: {
    events: [
      {
        printf: '%d %ld %u %lu|%d %ld|%d %lu\n',
        args: [
          [int(32, true), -5n],
          [int(32, true), -5n],
          [int(32, true), -5n],
          [int(32, true), -5n],
          [int(32, false), 4000000000n],
          [int(32, false), 4000000000n],
          [int(8, true), -2n],
          [int(8, true), -2n],
        ],
      },
    ],
    exit: [],
  },
  printf_escapes: {
    events: [{ printf: 'tab\there "quoted" back\\slash\n' }, { printf: 'ctrl:\x01\x1f end\n' }, { printf: 'nl\r\n' }],
    exit: [],
  },
  printf_utf8: {
    events: [{ printf: 'é %s\n', args: [[str(), b('ü')]] }],
    exit: [plain('@s', [str()], i64, [[[b('é')], 1n]])],
  },
  printf_multi: {
    events: [
      {
        printf: 'pid-like %d, name %s, hex 0x%08x, tail\n',
        args: [
          [i64, 1234n],
          [str(), 'bash'],
          [i64, 3054n],
        ],
      },
      {
        printf: '%s%s%s',
        args: [
          [str(), 'a'],
          [str(), 'b'],
          [str(), 'c'],
        ],
      },
      { printf: '\n' },
    ],
    exit: [],
  },
  printf_buf: {
    events: [
      {
        printf: '%r|%rx|%rh|%s\n',
        args: [
          [buffer(4), new Uint8Array([0x61, 0x62, 0x01])],
          [buffer(4), new Uint8Array([0x61, 0x62, 0x02])],
          [buffer(4), new Uint8Array([0x61, 0x02, 0x7a])],
          [str(), 'end'],
        ],
      },
    ],
    exit: [],
  },
  printf_probe: {
    events: [
      {
        printf: '%s %10s|\n',
        args: [
          [probe, 'BEGIN'],
          [probe, 'BEGIN'],
        ],
      },
    ],
    exit: [snap(info('@p', [probe], count), [[['BEGIN'], counted(1)]])],
  },
  printf_nul_char: {
    events: [
      { printf: 'a%cb\n', args: [[i64, 0n]] },
      { printf: 'x%cy\n', args: [[i64, 256n]] },
    ],
    exit: [],
  },
  time_literal: { events: [{ time: 'hello\n' }, { time: 'x%%y\n' }], exit: [] },
  strftime_literal: {
    events: [
      {
        printf: '[%s]\n',
        args: [[{ type: 'timestamp', size: 16, isSigned: false }, resolveTimestamp('fixed', { sec: 1_700_000_000n, nsec: 5n }, 123_456_789n, (s) => brokenDownTime(s))]],
      },
    ],
    exit: [],
  },
  json_key_escape: {
    exit: [
      plain('@', [str()], i64, [
        [['a"b'], 1n],
        [['c\\d'], 2n],
        [['tab\tx'], 3n],
      ]),
    ],
  },
  print_json_strings: {
    events: [{ value: str(), v: 'q"uote' }],
    exit: [plain('@s', [i64, str()], str(), [[[1n, 'k'], 'v"w']]), plain('@t', [], tuple(str(4), i64), [[[], ['x\ty', 1n]]])],
  },
  avg_keyed_int: {
    exit: [
      snap(info('@a', [i64], avg), [
        [[10n], averaged(5n)],
        [[20n], averaged(15n, 25n)],
        [[30n], averaged(1n)],
      ]),
    ],
  },
  count_many: {
    exit: [snap(info('@c', [i64], count), Array.from({ length: 20 }, (_, i) => [[n(i)], counted(i + 1)]))],
  },
  hist_many_keys: {
    exit: [
      snap(
        info('@h', [i64], hist),
        Array.from({ length: 18 }, (_, i) => [[n(i)], histOf(...Array.from({ length: i + 1 }, (_, j) => n(j)))]),
      ),
    ],
  },
  stats_ties: {
    exit: [
      snap(info('@s', [i64], stats), [
        [[3n], averaged(10n)],
        [[1n], averaged(10n)],
        [[2n], averaged(10n)],
        [[258n], averaged(10n)],
      ]),
    ],
  },
  hist_ties: {
    exit: [
      snap(info('@h', [i64], hist), [
        [[3n], histOf(10n)],
        [[1n], histOf(10n)],
        [[2n], histOf(10n)],
        [[256n], histOf(10n)],
        [[7n], histOf(1n)],
      ]),
    ],
  },
  end_probe: {
    probes: 2,
    events: [{ printf: 'end %d\n', args: [[i64, 1n]] }],
    exit: [plain('@x', [], i64, [[[], 1n]]), plain('@y', [], i64, [[[], 2n]])],
  },
};

const golden = readdirSync(DIR)
  .filter((f) => f.endsWith('.bt'))
  .map((f) => f.slice(0, -3))
  .sort();

describe('bpftrace 0.17 output goldens', () => {
  it('has a snapshot for every captured program, and a program for every snapshot', () => {
    expect(Object.keys(CASES).sort()).toEqual(golden);
    expect(golden.length).toBeGreaterThanOrEqual(60);
  });

  for (const name of golden) {
    for (const format of ['text', 'json'] as OutputFormat[]) {
      it(`${name} (${format})`, () => {
        const c = CASES[name];
        expect(c, `no snapshot for ${name}`).toBeDefined();
        const expected = readFileSync(join(DIR, format === 'json' ? `${name}.json.out` : `${name}.out`));
        const actual = toBytes(run(createOutput(format), c!));
        expect(actual.toString('latin1')).toEqual(expected.toString('latin1'));
      });
    }
  }
});
