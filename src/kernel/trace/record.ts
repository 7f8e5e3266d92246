// trace_event_raw_event_<class>: the bytes of one event record, laid out as the event's format file
// describes it (struct trace_entry, then TP_STRUCT__entry), as a BPF tracepoint program and the
// ftrace ring buffer receive it. Call sites pass values in the kernel's own terms (a kfunc id for
// a call site, a physical address for a slab object); the record holds what Linux would store:
// kernel-text and direct-map addresses.

import type { Kernel, TraceArg } from '../machine.js';
import { callSiteOffset } from '../machine.js';
import type { Tracepoint } from './tracepoint.js';

/** PAGE_OFFSET (the direct map) by halves: 0xffff888000000000. */
const DIRECT_MAP_HI = 0xffff8880;
/** Below this a pointer is NULL or ZERO_SIZE_PTR-like and is stored as is. */
const SMALL_POINTER = 4096;

function putInt(out: Uint8Array, off: number, size: number, v: bigint): void {
  for (let i = 0; i < size; i++) {
    out[off + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** What a call site's argument means, by the field it fills. */
function fieldValue(k: Kernel, type: string, name: string, v: number): bigint {
  if (name === 'call_site') {
    // The caller's return address inside the function whose id the call site passed.
    const fn = k.functions[v];
    return fn ? k.symbolAddress(fn) + BigInt(callSiteOffset(fn, -1)) : 0n;
  }
  if (type.endsWith('*') && v >= SMALL_POINTER) {
    return (BigInt(DIRECT_MAP_HI) << 32n) + BigInt(v);
  }
  return BigInt(Math.trunc(v));
}

/**
 * Writes the record of `tp` with `args` (in field order) into `out`, which must hold
 * `recordBytes(tp, args)` bytes; returns the record's length. `__data_loc` strings follow the
 * fixed part, each located by `(length << 16) | offset` as the kernel stores it.
 */
export function buildTraceRecord(k: Kernel, tp: Tracepoint, args: readonly TraceArg[], out: Uint8Array): number {
  out.fill(0, 0, tp.recordSize);
  putInt(out, 0, 2, BigInt(tp.id));
  putInt(out, 4, 4, BigInt(k.current.pid));
  let tail = tp.fields.length ? tp.fields[tp.fields.length - 1]!.offset + tp.fields[tp.fields.length - 1]!.size : 8;
  tp.fields.forEach((f, i) => {
    const v = args[i] ?? 0;
    if (f.type.startsWith('__data_loc')) {
      const bytes = Buffer.from(`${String(v)}\0`, 'utf8');
      out.set(bytes, tail);
      putInt(out, f.offset, 4, BigInt((bytes.length << 16) | tail));
      tail += bytes.length;
    } else if (f.count) {
      const bytes = Buffer.from(String(v), 'utf8').subarray(0, f.size - 1);
      out.set(bytes, f.offset);
    } else {
      putInt(out, f.offset, f.size, fieldValue(k, f.type, f.name, typeof v === 'number' ? v : Number(v)));
    }
  });
  return Math.max(tail, tp.recordSize);
}

/** The bytes buildTraceRecord needs for these arguments. */
export function recordBytes(tp: Tracepoint, args: readonly TraceArg[]): number {
  let n = tp.recordSize;
  tp.fields.forEach((f, i) => {
    if (f.type.startsWith('__data_loc')) n += Buffer.byteLength(String(args[i] ?? ''), 'utf8') + 1;
  });
  return n + 8;
}
