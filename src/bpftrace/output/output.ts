// bpftrace's Output (src/output.cpp): one writer per format, sharing how a value, a map entry, a
// hist or a stats row becomes text, and differing in the small pieces each format spells its own
// way (tuples, keys, delimiters, quoting). Every method returns the bytes to write (a byte
// string; see value.ts) instead of writing them, so the runtime decides where they go (stdout,
// `-o FILE`, the TUI).
//
// print_map.ts orders a map's entries and hands the rows here, as BPFtrace::print_map hands them
// to out_->map().

import type { MapInfo, SizedType, StackMode } from '../types.js';
import {
  asAvg,
  asBigint,
  asBytes,
  asList,
  asPerCpu,
  asRecord,
  asStack,
  asString,
  averageOf,
  hexFormatBuffer,
  lhistInts,
  maxValue,
  minValue,
  reduceI64,
  reduceU64,
  type MapValue,
  type StackValue,
  type Value,
} from './value.js';

/** The `type` of a JSON record (bpftrace's MessageType). */
export type MessageType =
  | 'map'
  | 'value'
  | 'hist'
  | 'stats'
  | 'printf'
  | 'time'
  | 'cat'
  | 'join'
  | 'syscall'
  | 'attached_probes'
  | 'lost_events';

/** One entry of a plain map, in print order. */
export interface MapRow {
  key: Value[];
  value: MapValue;
}

/** One key of a hist/lhist map: its bucket counts reduced over CPUs, in print order. */
export interface HistRow {
  key: Value[];
  counts: bigint[];
}

/** One key of an avg/stats map, reduced over CPUs, in print order. */
export interface StatsRow {
  key: Value[];
  count: bigint;
  total: bigint;
}

/** A C `/` of two values already cut to their C types. */
function cdiv(a: bigint, b: bigint): bigint {
  return a / b;
}

/**
 * bpftrace's get_stack: a newline, then one line per frame, `indent` spaces before `sym+off`
 * (or perf's tab, hex address and symbol); nothing at all when the stack id was not found.
 */
export function stackToStr(stack: StackValue, mode: StackMode, indent: number): string {
  if (stack.frames === null) return '';
  if (mode === 'raw') throw new TypeError('bpftrace 0.17 has no raw stack mode');
  const pad = ' '.repeat(indent);
  let s = '\n';
  for (const f of stack.frames) {
    s += mode === 'perf' ? `\t${BigInt.asUintN(64, f.addr).toString(16)} ${f.sym}\n` : `${pad}${f.sym}\n`;
  }
  return s;
}

/** A string value's bytes up to the first NUL, within the type's size (strnlen). */
export function cString(s: string, size: number): string {
  const nul = s.indexOf('\0');
  const end = Math.min(nul === -1 ? s.length : nul, size);
  return s.slice(0, end);
}

function stackMode(ty: SizedType): StackMode {
  return ty.stack?.mode ?? 'bpftrace';
}

/**
 * bpftrace's MapKey::argument_value: one key part as both formats print it. Integer keys print
 * signed whatever their type; pointers in hex.
 */
export function argumentValue(ty: SizedType, v: Value): string {
  const what = `key of type ${ty.type}`;
  switch (ty.type) {
    case 'integer':
      return BigInt.asIntN(ty.size * 8, asBigint(v, what)).toString();
    case 'kstack':
    case 'ustack':
      return stackToStr(asStack(v, what), stackMode(ty), 4);
    case 'timestamp':
    case 'ksym':
    case 'usym':
    case 'inet':
    case 'username':
    case 'probe':
    case 'mac_address':
      return asString(v, what);
    case 'string':
      return cString(asString(v, what), ty.size);
    case 'buffer':
      return hexFormatBuffer(asBytes(v, what));
    case 'pointer':
      return '0x' + BigInt.asUintN(64, asBigint(v, what)).toString(16);
    case 'array': {
      const el = ty.element!;
      return '[' + asList(v, what).map((e) => argumentValue(el, e)).join(',') + ']';
    }
    case 'record':
      return '{' + asRecord(v, what).fields.map((f) => `.${f.name}=${argumentValue(f.type, f.value)}`).join(',') + '}';
    default:
      throw new TypeError(`invalid mapkey argument type: ${ty.type}`);
  }
}

export abstract class Output {
  abstract attachedProbes(numProbes: number): string;
  abstract lostEvents(lost: bigint): string;
  /** printf, time, join, cat and system output. `nl` only matters in text (join ends its line). */
  abstract message(type: MessageType, msg: string, nl?: boolean): string;
  /** print() of a non-map value. */
  abstract value(ty: SizedType, v: Value): string;
  abstract map(info: MapInfo, top: number, div: number, rows: MapRow[]): string;
  abstract mapHist(info: MapInfo, top: number, div: number, rows: HistRow[]): string;
  abstract mapStats(info: MapInfo, top: number, div: number, rows: StatsRow[]): string;

  protected abstract tupleToStr(elems: string[]): string;
  /** A struct field in a printed struct value (`.name = value` in text). */
  protected abstract fieldToStr(name: string, value: string): string;
  protected abstract mapKeyToStr(info: MapInfo, key: Value[]): string;
  protected abstract mapKeyvalToStr(info: MapInfo, key: string, val: string): string;
  protected abstract mapElemDelimToStr(info: MapInfo): string;
  protected abstract keyValuePairsToStr(pairs: [string, bigint][]): string;
  protected abstract histToStr(counts: bigint[], div: number): string;
  protected abstract lhistToStr(counts: bigint[], min: number, max: number, step: number): string;

  /** bpftrace's Output::value_to_str: a value of `ty`, aggregations reduced over CPUs and divided by `div`. */
  valueToStr(ty: SizedType, v: MapValue, div: number): string {
    const what = `value of type ${ty.type}`;
    const d = BigInt(div);
    switch (ty.type) {
      case 'kstack':
      case 'ustack':
        return stackToStr(asStack(v, what), stackMode(ty), 8);
      case 'ksym':
      case 'usym':
      case 'inet':
      case 'username':
      case 'probe':
      case 'timestamp':
      case 'mac_address':
      case 'cgroup_path':
      case 'strerror':
        return asString(v, what);
      case 'buffer':
        return hexFormatBuffer(asBytes(v, what));
      case 'string':
        return cString(asString(v, what), ty.size);
      case 'array': {
        const el = ty.element!;
        return '[' + asList(v, what).map((e) => this.valueToStr(el, e, div)).join(',') + ']';
      }
      case 'tuple': {
        const list = asList(v, what);
        return this.tupleToStr((ty.fields ?? []).map((f, i) => this.valueToStr(f.type, list[i]!, div)));
      }
      case 'count':
        return cdiv(reduceU64(asPerCpu(v, what)), d).toString();
      case 'integer': {
        const bits = ty.size * 8;
        const n = asBigint(v, what);
        // C divides int8..int32 after promoting both sides of `(intN_t)div` to int.
        return ty.isSigned
          ? cdiv(BigInt.asIntN(bits, n), BigInt.asIntN(bits, d)).toString()
          : cdiv(BigInt.asUintN(bits, n), d).toString();
      }
      case 'sum': {
        const perCpu = asPerCpu(v, what);
        return (ty.isSigned ? cdiv(reduceI64(perCpu), d) : cdiv(reduceU64(perCpu), d)).toString();
      }
      case 'min':
        return cdiv(minValue(asPerCpu(v, what)), d).toString();
      case 'max':
        return cdiv(maxValue(asPerCpu(v, what)), d).toString();
      case 'record':
        return `{ ${asRecord(v, what).fields.map((f) => this.fieldToStr(f.name, this.valueToStr(f.type, f.value, div))).join(', ')} }`;
      default:
        return cdiv(BigInt.asIntN(64, asBigint(v, what)), d).toString();
    }
  }

  /** bpftrace's Output::map_to_str: the last `top` rows (all when 0), each `key: value`. */
  protected mapToStr(info: MapInfo, top: number, div: number, rows: MapRow[]): string {
    return this.keepTop(rows, top)
      .map((r) => this.mapKeyvalToStr(info, this.mapKeyToStr(info, r.key), this.valueToStr(info.value, r.value, div)))
      .join(this.mapElemDelimToStr(info));
  }

  protected mapHistToStr(info: MapInfo, top: number, div: number, rows: HistRow[]): string {
    return this.keepTop(rows, top)
      .map((r) => {
        let val: string;
        if (info.value.type === 'hist') val = this.histToStr(r.counts, div);
        else {
          const { min, max, step } = lhistInts(info.lhist);
          val = this.lhistToStr(r.counts, min, max, step);
        }
        return this.mapKeyvalToStr(info, this.mapKeyToStr(info, r.key), val);
      })
      .join(this.mapElemDelimToStr(info));
  }

  /** avg honours `top` and `div`; stats ignores both. */
  protected mapStatsToStr(info: MapInfo, top: number, div: number, rows: StatsRow[]): string {
    const isAvg = info.value.type === 'avg';
    return (isAvg ? this.keepTop(rows, top) : rows)
      .map((r) => {
        const average = averageOf(r.count, r.total);
        const val = isAvg
          ? cdiv(average, BigInt(div)).toString()
          : this.keyValuePairsToStr([
              ['count', r.count],
              ['average', average],
              ['total', r.total],
            ]);
        return this.mapKeyvalToStr(info, this.mapKeyToStr(info, r.key), val);
      })
      .join(this.mapElemDelimToStr(info));
  }

  private keepTop<T>(rows: T[], top: number): T[] {
    return top > 0 && rows.length > top ? rows.slice(rows.length - top) : rows;
  }
}

/** The avg/stats row of one key, reduced the way print_map_stats reduces it. */
export function statsRow(key: Value[], v: MapValue): StatsRow {
  const a = asAvg(v, 'avg/stats value');
  return { key, count: reduceI64(a.count), total: reduceI64(a.total) };
}
