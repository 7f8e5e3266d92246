// Output-layer behaviour the golden programs cannot pin down: stacks (their addresses change on
// every run), symbol values, format-string checks, join(). Expected text is as bpftrace 0.17
// printed it on the development machine (`@[kstack(3)] = count(); @k = kstack(2);
// @p[kstack(perf, 2)] = count(); print(kstack(2))` in BEGIN).

import { describe, expect, it } from 'vitest';
import { JsonOutput, jsonEscape } from '../../src/bpftrace/output/json.js';
import { joinToStr } from '../../src/bpftrace/output/join.js';
import { printMap } from '../../src/bpftrace/output/print_map.js';
import { FormatString, formatSpecifiers, printfArg, validateFormatString } from '../../src/bpftrace/output/printf.js';
import { brokenDownTime, resolveTimestamp, strftime, TIME_DEFAULT_FORMAT } from '../../src/bpftrace/output/time.js';
import { sortMapsByName } from '../../src/bpftrace/output/sort.js';
import { TextOutput } from '../../src/bpftrace/output/text.js';
import type { SizedType } from '../../src/bpftrace/types.js';
import type { StackValue } from '../../src/bpftrace/output/value.js';
import { count, counted, i64, info, plain, snap, str } from './output-fixtures.js';

const kstack = (mode: 'bpftrace' | 'perf', limit: number): SizedType => ({ type: 'kstack', size: 8, isSigned: false, stack: { mode, limit } });
const stack = (id: bigint, ...frames: [bigint, string][]): StackValue => ({
  kind: 'stack',
  id,
  frames: frames.map(([addr, sym]) => ({ addr, sym })),
});

const text = new TextOutput();
const json = new JsonOutput();

describe('stacks', () => {
  const s3 = stack(1n, [0xffffffffc0025adbn, '_einittext+1015206619'], [0xffffffff81f0602an, '__bpf_prog_test_run_raw_tp+106'], [0xffffffff81f06a07n, 'bpf_prog_test_run_raw_tp+279']);
  it('prints a stack key with frames indented 4', () => {
    const m = snap(info('@', [kstack('bpftrace', 3)], count), [[[s3], counted(1)]]);
    expect(printMap(text, m)).toBe('@[\n    _einittext+1015206619\n    __bpf_prog_test_run_raw_tp+106\n    bpf_prog_test_run_raw_tp+279\n]: 1\n');
  });

  it('prints a stack value with frames indented 8 and no delimiter of its own', () => {
    const v = stack(2n, [0xffffffffc0025b5an, '_einittext+1015206746'], [0xffffffff81f0602an, '__bpf_prog_test_run_raw_tp+106']);
    expect(printMap(text, plain('@k', [], kstack('bpftrace', 2), [[[], v]]))).toBe(
      '@k: \n        _einittext+1015206746\n        __bpf_prog_test_run_raw_tp+106\n\n',
    );
    expect(text.value(kstack('bpftrace', 2), v)).toBe('\n        _einittext+1015206746\n        __bpf_prog_test_run_raw_tp+106\n\n');
  });

  it('prints perf-mode frames as tab, hex address, symbol', () => {
    const v = stack(3n, [0xffffffffc0025ca5n, '_einittext+1015206805'], [0xffffffff81f0602an, '__bpf_prog_test_run_raw_tp+106']);
    const m = snap(info('@p', [kstack('perf', 2)], count), [[[v], counted(1)]]);
    expect(printMap(text, m)).toBe('@p[\n\tffffffffc0025ca5 _einittext+1015206805\n\tffffffff81f0602a __bpf_prog_test_run_raw_tp+106\n]: 1\n');
  });

  it('prints nothing for a stack id the stack map does not hold', () => {
    const m = snap(info('@', [kstack('bpftrace', 3)], count), [[[{ kind: 'stack', id: -14n, frames: null }], counted(2)]]);
    expect(printMap(text, m)).toBe('@[]: 2\n');
  });

  it('quotes and escapes stacks in JSON', () => {
    const m = snap(info('@', [kstack('bpftrace', 3)], count), [[[s3], counted(1)]]);
    expect(printMap(json, m)).toBe(
      '{"type": "map", "data": {"@": {"\\n    _einittext+1015206619\\n    __bpf_prog_test_run_raw_tp+106\\n    bpf_prog_test_run_raw_tp+279\\n": 1}}}\n',
    );
  });
});

describe('symbols', () => {
  const ksym: SizedType = { type: 'ksym', size: 8, isSigned: false };
  it('runs ksym values together, as 0.17 puts no delimiter after them', () => {
    const m = plain('@s', [i64], ksym, [
      [[1n], 'vfs_read'],
      [[2n], 'vfs_write'],
    ]);
    expect(printMap(text, m)).toBe('@s[1]: vfs_read@s[2]: vfs_write\n');
    expect(printMap(json, m)).toBe('{"type": "map", "data": {"@s": {"1": "vfs_read", "2": "vfs_write"}}}\n');
  });

  it('prints pointer keys in hex', () => {
    const ptr: SizedType = { type: 'pointer', size: 8, isSigned: false, element: i64 };
    expect(printMap(text, plain('@p', [ptr], i64, [[[0xffff8880001234n], 1n]]))).toBe('@p[0xffff8880001234]: 1\n');
  });
});

describe('format strings', () => {
  it('recognises bpftrace conversions only', () => {
    expect(formatSpecifiers('%d %-5.2s %lld %rx %hhu %+d %f %% %i').map((s) => s.text)).toEqual(['%d', '%-5.2s', '%lld', '%rx', '%hhu']);
    expect(formatSpecifiers('%s %r %p').map((s) => s.kind)).toEqual(['string', 'buffer', 'integer']);
  });

  it('checks arguments as validate_format_string does', () => {
    expect(validateFormatString('%+d\n', [i64], 'printf')).toBe('printf: Too many arguments for format string (1 supplied, 0 expected)\n');
    expect(validateFormatString('%d %d\n', [i64], 'printf')).toBe('printf: Not enough arguments for format string (1 supplied, 2 expected)\n');
    expect(validateFormatString('%d\n', [str()], 'printf')).toBe('printf: %d specifier expects a value of type integer (string supplied)\n');
    expect(validateFormatString('%s\n', [{ type: 'ksym', size: 8, isSigned: false }], 'printf')).toBe('');
    expect(validateFormatString('%x\n', [{ type: 'pointer', size: 8, isSigned: false }], 'printf')).toBe('');
    expect(validateFormatString('%X\n', [i64], 'debugf')).toBe('debugf: Unknown format string token: %X\n');
    expect(validateFormatString('%d%d%d%d', [i64, i64, i64, i64], 'debugf')).toBe('debugf: Cannot use more than 3 conversion specifiers\n');
  });

  it('formats stacks as strings in printf', () => {
    const f = new FormatString('%s|\n');
    const v = stack(1n, [1n, 'a+1'], [2n, 'b+2']);
    expect(f.format([printfArg(kstack('bpftrace', 2), v)])).toBe('\n        a+1\n        b+2\n|\n');
  });
});

describe('join and map order', () => {
  it('joins up to the first empty slot', () => {
    expect(joinToStr(['/bin/ls', '-l', '', 'stale'], ' ', 16)).toBe('/bin/ls -l');
    expect(text.message('join', '/bin/ls -l')).toBe('/bin/ls -l\n');
    expect(json.message('join', '/bin/ls -l')).toBe('{"type": "join", "data": "/bin/ls -l"}\n');
  });

  it('sorts map names bytewise', () => {
    expect(sortMapsByName(['@z', '@B', '@_x', '@a', '@', '@a1'].map((name) => ({ name }))).map((m) => m.name)).toEqual([
      '@',
      '@B',
      '@_x',
      '@a',
      '@a1',
      '@z',
    ]);
  });

  it('escapes JSON as 0.17 does, high bytes as sign-extended chars', () => {
    expect(jsonEscape('a"\\\n\r\t\x01\x7f\xc3')).toBe('a\\"\\\\\\n\\r\\t\\u0001\x7f\\uffffffc3');
  });

  it("formats time()'s default as HH:MM:SS and a newline, resolving strftime()'s %f first", () => {
    expect(strftime(TIME_DEFAULT_FORMAT, brokenDownTime(1_700_000_000n))).toBe('22:13:20\n');
    const boot = { sec: 1_700_000_000n, nsec: 900_000_000n };
    expect(resolveTimestamp('%H:%M:%S.%f', boot, 1_234_567_000n, (s) => brokenDownTime(s))).toBe('22:13:22.134567');
    expect(resolveTimestamp('', boot, 0n, (s) => brokenDownTime(s))).toBe('(?)');
  });

  it('reports lost events', () => {
    expect(text.lostEvents(3n)).toBe('Lost 3 events\n');
    expect(json.lostEvents(3n)).toBe('{"type": "lost_events", "data": {"events": 3}}\n');
  });
});
