// BPFtrace::print_map, print_map_hist and print_map_stats: the order a map's entries print in,
// then the writer. Used by print(@m, top, div) and at exit.
//
// At exit, bpftrace runs END, writes "\n\n" to stdout (always stdout, also with `-f json` and
// `-o FILE`), then prints every user map in byte order of its name with top = 0 and div = 0:
//
//   stdout.write(EXIT_SEPARATOR); out.write(printMaps(output, snapshots));

import type { SizedType } from '../types.js';
import type { HistRow, MapRow, Output, StatsRow } from './output.js';
import { statsRow } from './output.js';
import { compareByteStrings, compareBytes, sortMapsByName, stdSort } from './sort.js';
import {
  asBigint,
  asHist,
  asPerCpu,
  asString,
  averageOf,
  encodeKey,
  histCounts,
  histLength,
  maxValue,
  minValue,
  reduceI64,
  reduceU64,
  type MapEntry,
  type MapSnapshot,
} from './value.js';

/** What bpftrace writes to stdout between the end of tracing (after END) and the map dump. */
export const EXIT_SEPARATOR = '\n\n';

/** Every map of `maps` as at exit, in byte order of their names. */
export function printMaps(out: Output, maps: MapSnapshot[]): string {
  return sortMapsByName(maps.map((m) => ({ name: m.info.name, m })))
    .map(({ m }) => printMap(out, m, 0, 0))
    .join('');
}

/** print(@m, top, div): `top` 0 prints every entry, `div` 0 divides by 1. */
export function printMap(out: Output, map: MapSnapshot, top = 0, div = 0): string {
  const ty = map.info.value.type;
  if (ty === 'hist' || ty === 'lhist') return printMapHist(out, map, top, div);
  if (ty === 'avg' || ty === 'stats') return printMapStats(out, map, top, div);

  const rows: MapRow[] = map.entries.map((e) => ({ key: e.key, value: e.value }));
  const value = map.info.value;
  const what = `@${map.info.name} value`;
  if (value.type === 'count' || value.type === 'sum' || value.type === 'integer') {
    const word = (r: MapRow): bigint => {
      const raw = value.type === 'integer' ? [asBigint(r.value, what)] : asPerCpu(r.value, what);
      return value.isSigned ? reduceI64(raw) : reduceU64(raw);
    };
    stdSort(rows, (a, b) => word(a) < word(b));
  } else if (value.type === 'min') {
    stdSort(rows, (a, b) => minValue(asPerCpu(a.value, what)) < minValue(asPerCpu(b.value, what)));
  } else if (value.type === 'max') {
    stdSort(rows, (a, b) => maxValue(asPerCpu(a.value, what)) < maxValue(asPerCpu(b.value, what)));
  } else {
    sortByKey(map.info.key, rows);
  }
  return out.map(map.info, top, div || 1, rows);
}

/**
 * BPFtrace::sort_by_key: by the first key part, then the second, ...; integers compare unsigned at
 * their width, strings bytewise; other parts (stacks, symbols) leave the order alone.
 */
function sortByKey(types: SizedType[], rows: MapRow[]): void {
  for (let i = types.length - 1; i >= 0; i--) {
    const t = types[i]!;
    if (t.type === 'integer') {
      const u = (r: MapRow): bigint => BigInt.asUintN(t.size * 8, asBigint(r.key[i]!, 'integer key'));
      rows.sort((a, b) => (u(a) < u(b) ? -1 : u(a) > u(b) ? 1 : 0));
    } else if (t.type === 'string') {
      const s = (r: MapRow): string => asString(r.key[i]!, 'string key');
      rows.sort((a, b) => compareByteStrings(s(a), s(b)));
    }
  }
}

/** hist/lhist/avg/stats keys as bpftrace's std::map holds them: in byte order of the raw key. */
function byRawKey(map: MapSnapshot): MapEntry[] {
  const raw = (e: MapEntry): Uint8Array => e.rawKey ?? encodeKey(map.info.key, e.key);
  return [...map.entries].sort((a, b) => compareBytes(raw(a), raw(b)));
}

/** Keys ordered by the sum of their buckets (ties in raw key order, as std::sort leaves them). */
function printMapHist(out: Output, map: MapSnapshot, top: number, div: number): string {
  const length = histLength(map.info.value);
  const rows: (HistRow & { sum: bigint })[] = byRawKey(map).map((e) => {
    const counts = histCounts(asHist(e.value, `@${map.info.name} value`), length);
    return { key: e.key, counts, sum: reduceU64(counts) };
  });
  stdSort(rows, (a, b) => a.sum < b.sum);
  return out.mapHist(map.info, top, div || 1, rows);
}

/** Keys ordered by their average (signed). */
function printMapStats(out: Output, map: MapSnapshot, top: number, div: number): string {
  const rows = byRawKey(map).map((e) => {
    const row: StatsRow = statsRow(e.key, e.value);
    return { ...row, average: averageOf(row.count, row.total) };
  });
  stdSort(rows, (a, b) => a.average < b.average);
  return out.mapStats(map.info, top, div || 1, rows);
}
