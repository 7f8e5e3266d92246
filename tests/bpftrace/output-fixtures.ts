// Builders for the snapshots the runtime hands the output layer: SizedTypes, map entries and
// aggregation words as bpftrace 0.17's codegen leaves them in the BPF maps (one CPU).

import type { LhistArgs, MapInfo, SizedType, TypeTag } from '../../src/bpftrace/types.js';
import { CreateInt64, CreateInteger, CreateString, CreateUInt64 } from '../../src/bpftrace/types.js';
import type { AvgValue, HistValue, MapEntry, MapSnapshot, PerCpuValue, Value } from '../../src/bpftrace/output/value.js';
import { byteString } from '../../src/bpftrace/output/value.js';

export const i64 = CreateInt64();
export const u64 = CreateUInt64();
export const int = (bits: number, signed: boolean): SizedType => CreateInteger(bits, signed);
export const str = (size = 64): SizedType => CreateString(size);
export const agg = (type: TypeTag, isSigned = false): SizedType => ({ type, size: 8, isSigned });
export const count = agg('count');
export const sum = agg('sum', true);
export const usum = agg('sum', false);
export const min = agg('min', true);
export const max = agg('max', true);
export const avg = agg('avg', true);
export const stats = agg('stats', true);
export const hist = agg('hist');
export const lhist = agg('lhist');
export const probe: SizedType = { type: 'probe', size: 8, isSigned: false };
export const buffer = (size: number): SizedType => ({ type: 'buffer', size, isSigned: false });

/** A tuple type with bpftrace's layout: each field at its own alignment. */
export function tuple(...types: SizedType[]): SizedType {
  let offset = 0;
  const fields = types.map((t) => {
    const align = t.type === 'integer' ? t.size : t.type === 'tuple' ? 8 : 1;
    offset = Math.ceil(offset / align) * align;
    const f = { type: t, offset };
    offset += t.size;
    return f;
  });
  return { type: 'tuple', size: Math.ceil(offset / 8) * 8, isSigned: false, fields };
}

export function info(name: string, key: SizedType[], value: SizedType, lhistArgs?: LhistArgs): MapInfo {
  return lhistArgs ? { name, key, value, lhist: lhistArgs } : { name, key, value };
}

export function snap(mapInfo: MapInfo, entries: [Value[], MapEntry['value']][]): MapSnapshot {
  return { info: mapInfo, entries: entries.map(([key, value]) => ({ key, value })) };
}

/** A plain map `@name[key] = value` for each row. */
export function plain(name: string, key: SizedType[], value: SizedType, rows: [Value[], Value][]): MapSnapshot {
  return snap(info(name, key, value), rows);
}

export const pc = (v: bigint): PerCpuValue => ({ perCpu: [v] });

export function counted(n: number): PerCpuValue {
  return pc(BigInt(n));
}

export function summed(...vs: bigint[]): PerCpuValue {
  return pc(BigInt.asUintN(64, vs.reduce((a, b) => a + b, 0n)));
}

/** min(): codegen keeps `0xffffffff - v`, storing when that is at least the word (absent: 0). */
export function minWord(...vs: bigint[]): PerCpuValue | undefined {
  let cur = 0n;
  let stored = false;
  for (const v of vs) {
    const cand = BigInt.asIntN(64, 0xffffffffn - v);
    if (cand >= cur) {
      cur = cand;
      stored = true;
    }
  }
  return stored ? pc(BigInt.asUintN(64, cur)) : undefined;
}

/** max(): stores v when it is at least the word (absent: 0). */
export function maxWord(...vs: bigint[]): PerCpuValue | undefined {
  let cur = 0n;
  let stored = false;
  for (const v of vs) {
    if (v >= cur) {
      cur = v;
      stored = true;
    }
  }
  return stored ? pc(BigInt.asUintN(64, cur)) : undefined;
}

export function averaged(...vs: bigint[]): AvgValue {
  return { count: [BigInt(vs.length)], total: [BigInt.asUintN(64, vs.reduce((a, b) => a + b, 0n))] };
}

/** 0.17's hist bucket: 0 for negatives (and uint64 with the top bit), 1 for 0, 2 + log2(v) up to [2G, 4G). */
export function histIndex(v: bigint): number {
  const s = BigInt.asIntN(64, v);
  if (s < 0n) return 0;
  if (s === 0n) return 1;
  if (s >= 1n << 31n) return 33;
  return 2 + s.toString(2).length - 1;
}

function bucketsOf(indexes: number[]): HistValue {
  const buckets = new Map<number, bigint[]>();
  for (const i of indexes) buckets.set(i, [(buckets.get(i)?.[0] ?? 0n) + 1n]);
  return { buckets };
}

export function histOf(...vs: bigint[]): HistValue {
  return bucketsOf(vs.map(histIndex));
}

export function lhistIndex(v: bigint, a: LhistArgs): number {
  const buckets = (a.max - a.min) / a.step;
  if (v < a.min) return 0;
  if (v > a.max) return Number(buckets) + 1;
  return Number(1n + (v - a.min) / a.step);
}

export function lhistOf(a: LhistArgs, ...vs: bigint[]): HistValue {
  return bucketsOf(vs.map((v) => lhistIndex(v, a)));
}

export const L = (min: bigint, max: bigint, step: bigint): LhistArgs => ({ min, max, step });

/** Source text as bpftrace's byte strings. */
export const b = byteString;

/** `n` repeats of `v`. */
export function times(n: number, v: bigint): bigint[] {
  return new Array<bigint>(n).fill(v);
}

/** Drops the entries of aggregations that never stored (min/max quirks). */
export function stored(rows: [Value[], MapEntry['value'] | undefined][]): [Value[], MapEntry['value']][] {
  return rows.filter((r): r is [Value[], MapEntry['value']] => r[1] !== undefined);
}
