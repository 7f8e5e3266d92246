// bpftrace's TextOutput: what a terminal shows.

import type { MapInfo, SizedType } from '../types.js';
import { BAR_WIDTH, barWidth, cIntOf, histIndexLabel, histPrepare, lhistIndexLabel, lhistPrepare } from './hist.js';
import { argumentValue, Output, type HistRow, type MapRow, type MessageType, type StatsRow } from './output.js';
import type { Value } from './value.js';

/** One bucket line: label padded to 16, count right-aligned in 8, the bar padded to 52. */
function histLine(label: string, shown: bigint, bar: number): string {
  return `${label.padEnd(16)}${shown.toString().padStart(8)} |${'@'.repeat(bar).padEnd(BAR_WIDTH)}|\n`;
}

export class TextOutput extends Output {
  attachedProbes(numProbes: number): string {
    return numProbes === 1 ? `Attaching ${numProbes} probe...\n` : `Attaching ${numProbes} probes...\n`;
  }

  lostEvents(lost: bigint): string {
    return `Lost ${lost} events\n`;
  }

  message(_type: MessageType, msg: string, nl = true): string {
    return nl ? `${msg}\n` : msg;
  }

  value(ty: SizedType, v: Value): string {
    return `${this.valueToStr(ty, v, 1)}\n`;
  }

  /** Entries one per line and a newline after the last, so an empty map is one blank line. */
  map(info: MapInfo, top: number, div: number, rows: MapRow[]): string {
    return `${this.mapToStr(info, top, div, rows)}\n`;
  }

  mapHist(info: MapInfo, top: number, div: number, rows: HistRow[]): string {
    return `${this.mapHistToStr(info, top, div, rows)}\n`;
  }

  mapStats(info: MapInfo, top: number, div: number, rows: StatsRow[]): string {
    return `${this.mapStatsToStr(info, top, div, rows)}\n\n`;
  }

  protected tupleToStr(elems: string[]): string {
    return `(${elems.join(', ')})`;
  }

  protected fieldToStr(name: string, value: string): string {
    return `.${name} = ${value}`;
  }

  protected mapKeyToStr(info: MapInfo, key: Value[]): string {
    if (info.key.length === 0) return info.name;
    return `${info.name}[${info.key.map((t, i) => argumentValue(t, key[i]!)).join(', ')}]`;
  }

  protected mapKeyvalToStr(info: MapInfo, key: string, val: string): string {
    const isHist = info.value.type === 'hist' || info.value.type === 'lhist';
    return `${key}: ${isHist ? '\n' : ''}${val}`;
  }

  /** Stacks end in a newline of their own; symbols and addresses don't, and run on (as in 0.17). */
  protected mapElemDelimToStr(info: MapInfo): string {
    return ['kstack', 'ustack', 'ksym', 'usym', 'inet'].includes(info.value.type) ? '' : '\n';
  }

  protected keyValuePairsToStr(pairs: [string, bigint][]): string {
    return pairs.map(([k, v]) => `${k} ${v}`).join(', ');
  }

  /** Counts are divided by `div`; bars are drawn from the undivided counts. */
  protected histToStr(counts: bigint[], div: number): string {
    const { minIndex, maxIndex, maxValue } = histPrepare(counts);
    if (maxIndex === -1) return '';
    let res = '';
    for (let i = minIndex; i <= maxIndex; i++) {
      let label: string;
      if (i === 0) label = '(..., 0)';
      else if (i === 1) label = '[0]';
      else if (i === 2) label = '[1]';
      else label = `[${histIndexLabel(i - 2)}, ${histIndexLabel(i - 2 + 1)})`;
      res += histLine(label, counts[i]! / BigInt(div), barWidth(counts[i]!, maxValue));
    }
    return res;
  }

  protected lhistToStr(counts: bigint[], min: number, max: number, step: number): string {
    const r = lhistPrepare(counts, min, max, step);
    if (r.maxIndex === -1) return '';
    let res = '';
    for (let i = r.startValue; i <= r.endValue; i++) {
      let label: string;
      if (i === 0) label = `(..., ${lhistIndexLabel(min)})`;
      else if (i === r.buckets + 1) label = `[${lhistIndexLabel(max)}, ...)`;
      else label = `[${lhistIndexLabel(cIntOf((i - 1) * step + min))}, ${lhistIndexLabel(cIntOf(i * step + min))})`;
      res += histLine(label, counts[i]!, barWidth(counts[i]!, r.maxValue));
    }
    return res;
  }
}
