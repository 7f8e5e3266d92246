// bpftrace's JsonOutput (`-f json`): one `{"type": T, "data": D}` object per line, spaced as 0.17
// spaces them (`": "` and `", "` in records, none inside tuples). Empty maps print nothing.

import type { MapInfo, SizedType } from '../types.js';
import { cIntOf, cShl1, histPrepare, lhistPrepare } from './hist.js';
import { argumentValue, Output, type HistRow, type MapRow, type MessageType, type StatsRow } from './output.js';
import type { MapValue, Value } from './value.js';

/**
 * bpftrace's json_escape. It tests `c <= '\x1f'` on a signed char, so every byte from 0x80 up
 * is escaped too, as `\u` and the sign-extended int in hex: `é` (c3 a9) is `\uffffffc3\uffffffa9`.
 */
export function jsonEscape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) & 0xff;
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c <= 0x1f || c >= 0x80) out += '\\u' + ((c << 24) >> 24 >>> 0).toString(16).padStart(4, '0');
    else out += ch;
  }
  return out;
}

/** Types whose JSON is a string (JsonOutput's is_quoted_type). */
function isQuotedType(ty: SizedType): boolean {
  return ['kstack', 'ustack', 'ksym', 'usym', 'inet', 'username', 'string', 'buffer', 'probe'].includes(ty.type);
}

export class JsonOutput extends Output {
  attachedProbes(numProbes: number): string {
    return this.fieldMessage('attached_probes', 'probes', BigInt(numProbes));
  }

  lostEvents(lost: bigint): string {
    return this.fieldMessage('lost_events', 'events', lost);
  }

  message(type: MessageType, msg: string): string {
    return `{"type": "${type}", "data": "${jsonEscape(msg)}"}\n`;
  }

  value(ty: SizedType, v: Value): string {
    return `{"type": "value", "data": ${this.valueToStr(ty, v, 1)}}\n`;
  }

  map(info: MapInfo, top: number, div: number, rows: MapRow[]): string {
    return rows.length === 0 ? '' : this.record('map', info, this.mapToStr(info, top, div, rows));
  }

  mapHist(info: MapInfo, top: number, div: number, rows: HistRow[]): string {
    return rows.length === 0 ? '' : this.record('hist', info, this.mapHistToStr(info, top, div, rows));
  }

  mapStats(info: MapInfo, top: number, div: number, rows: StatsRow[]): string {
    return rows.length === 0 ? '' : this.record('stats', info, this.mapStatsToStr(info, top, div, rows));
  }

  override valueToStr(ty: SizedType, v: MapValue, div: number): string {
    const s = super.valueToStr(ty, v, div);
    return isQuotedType(ty) ? `"${jsonEscape(s)}"` : s;
  }

  protected tupleToStr(elems: string[]): string {
    return `[${elems.join(',')}]`;
  }

  protected fieldToStr(name: string, value: string): string {
    return `"${name}": ${value}`;
  }

  /** Key parts joined by `,` into one JSON string; no key at all for a keyless map. */
  protected mapKeyToStr(info: MapInfo, key: Value[]): string {
    if (info.key.length === 0) return '';
    return `"${jsonEscape(info.key.map((t, i) => argumentValue(t, key[i]!)).join(','))}"`;
  }

  protected mapKeyvalToStr(_info: MapInfo, key: string, val: string): string {
    return key === '' ? val : `${key}: ${val}`;
  }

  protected mapElemDelimToStr(): string {
    return ', ';
  }

  protected keyValuePairsToStr(pairs: [string, bigint][]): string {
    return `{${pairs.map(([k, v]) => `"${k}": ${v}`).join(', ')}}`;
  }

  /** Bucket bounds come from `1 << n` on C ints: the [2G, 4G) bucket reads min -2147483648, max 0. */
  protected histToStr(counts: bigint[], div: number): string {
    const { minIndex, maxIndex } = histPrepare(counts);
    if (maxIndex === -1) return '[]';
    const items: string[] = [];
    for (let i = minIndex; i <= maxIndex; i++) {
      let bounds: string;
      if (i === 0) bounds = '"max": -1, ';
      else if (i === 1) bounds = '"min": 0, "max": 0, ';
      else if (i === 2) bounds = '"min": 1, "max": 1, ';
      else bounds = `"min": ${cShl1(i - 2)}, "max": ${cIntOf(cShl1(i - 2 + 1) - 1)}, `;
      items.push(`{${bounds}"count": ${counts[i]! / BigInt(div)}}`);
    }
    return `[${items.join(', ')}]`;
  }

  protected lhistToStr(counts: bigint[], min: number, max: number, step: number): string {
    const r = lhistPrepare(counts, min, max, step);
    if (r.maxIndex === -1) return '[]';
    const items: string[] = [];
    for (let i = r.startValue; i <= r.endValue; i++) {
      let bounds: string;
      if (i === 0) bounds = `"max": ${cIntOf(min - 1)}, `;
      else if (i === r.buckets + 1) bounds = `"min": ${max}, `;
      else bounds = `"min": ${cIntOf((i - 1) * step + min)}, "max": ${cIntOf(i * step + min - 1)}, `;
      items.push(`{${bounds}"count": ${counts[i]!}}`);
    }
    return `[${items.join(', ')}]`;
  }

  private record(type: MessageType, info: MapInfo, body: string): string {
    const keyed = info.key.length > 0;
    return `{"type": "${type}", "data": {"${jsonEscape(info.name)}": ${keyed ? '{' : ''}${body}${keyed ? '}' : ''}}}\n`;
  }

  private fieldMessage(type: MessageType, field: string, value: bigint): string {
    return `{"type": "${type}", "data": {"${field}": ${value}}}\n`;
  }
}
