// The runtime values output prints: what userspace holds after reading a BPF map or a perf record
// and resolving what bpftrace resolves (stack ids to frames, addresses to symbols, probe ids to
// names). Which shape a value has is told by the SizedType the semantic analyser gave it, as in
// bpftrace's Output::value_to_str; nothing here guesses from the value itself.
//
// Strings are byte strings: one JS char per byte (char codes 0-255), as Buffer's 'latin1'
// encoding reads and writes them. bpftrace prints raw bytes and its JSON escaper treats bytes
// >= 0x80 as negative chars (`é` comes out as `\uffffffc3\uffffffa9`), so output must see bytes,
// not Unicode text. Everything output returns is a byte string too: write it with
// `Buffer.from(s, 'latin1')`.

import type { LhistArgs, MapInfo, SizedType } from '../types.js';

/** One frame of a resolved stack: its address and `sym+off` as bpftrace's resolve_ksym/usym give it. */
export interface StackFrame {
  addr: bigint;
  sym: string;
}

/**
 * A kstack or ustack value. `id` is the raw stackid|pid<<32 word the program stored (a map key's
 * bytes, hence its order); `frames` are the addresses up to the first zero, or null when the stack
 * map had no such id (bpftrace then prints nothing for it).
 */
export interface StackValue {
  kind: 'stack';
  id: bigint;
  frames: StackFrame[] | null;
}

/**
 * A plain value by its SizedType:
 * - integer, pointer, and the `none` fallback: bigint (any bits; output truncates to the type's width);
 * - string: byte string (up to the first NUL);
 * - ksym, usym, probe, username, inet, timestamp, mac_address, cgroup_path, strerror: the resolved
 *   byte string (the runtime resolves; see time.ts for timestamp);
 * - buffer: its bytes;
 * - kstack, ustack: StackValue;
 * - tuple: one Value per field; array: one Value per element.
 */
export type Value = bigint | string | Uint8Array | StackValue | RecordValue | Value[];

/** A struct or union's value: its fields by name, each with the type it prints as. */
export class RecordValue {
  constructor(readonly fields: readonly { name: string; type: SizedType; offset: number; value: Value }[]) {}
}

/**
 * Aggregation values exactly as a lookup in the per-CPU map returns them: one raw 64-bit word per
 * possible CPU (a single-element array when there is one CPU). Output reduces them the way
 * bpftrace does, which is where the min()/max() quirks live.
 */
export interface PerCpuValue {
  perCpu: bigint[];
}

/** avg() and stats(): bpftrace keeps the count in bucket 0 and the total in bucket 1, each per CPU. */
export interface AvgValue {
  count: bigint[];
  total: bigint[];
}

/**
 * hist() and lhist(): the map's entries for one key, by bucket index as codegen computes it (hist:
 * 0 negative, 1 zero, 2 one, 2+log2(v) above; lhist: 0 below min, 1..N, N+1 at or above max), each
 * with its per-CPU counts. Absent buckets count 0.
 */
export interface HistValue {
  buckets: Map<number, bigint[]>;
}

export type MapValue = Value | PerCpuValue | AvgValue | HistValue;

export interface MapEntry {
  /** One Value per MapInfo.key part; empty for a map without keys. */
  key: Value[];
  /**
   * The key's bytes as the BPF map holds them (without the hist/stats bucket word). hist, lhist,
   * avg and stats maps print ties in the byte order of their keys; when absent the bytes are
   * rebuilt from `key`, which is exact for integer, string and stack keys.
   */
  rawKey?: Uint8Array;
  value: MapValue;
}

/**
 * One map as userspace reads it for print(@m) or at exit: entries in the order bpf_get_next_key
 * walked them (int/count/sum/min/max ties keep that order, as in bpftrace).
 */
export interface MapSnapshot {
  info: MapInfo;
  entries: MapEntry[];
}

export const U64_MASK = (1n << 64n) - 1n;

/** bpftrace's reduce_value<uint64_t>: the per-CPU words summed, wrapping. */
export function reduceU64(perCpu: bigint[]): bigint {
  let sum = 0n;
  for (const v of perCpu) sum = (sum + v) & U64_MASK;
  return sum;
}

/** bpftrace's reduce_value<int64_t>. */
export function reduceI64(perCpu: bigint[]): bigint {
  return BigInt.asIntN(64, reduceU64(perCpu));
}

/**
 * bpftrace's min_value. Codegen stores `0xffffffff - v` so that one max-style update serves min();
 * printing takes the largest word per CPU (signed, from 0) and undoes the subtraction. A zeroed or
 * untouched entry prints 0.
 */
export function minValue(perCpu: bigint[]): bigint {
  let max = 0n;
  for (const w of perCpu) {
    const v = BigInt.asIntN(64, w);
    if (v > max) max = v;
  }
  // bpftrace's two branches (a "negative" and a "positive 32 bit value") compute the same thing.
  return max === 0n ? 0n : BigInt.asIntN(64, 0xffffffffn - max);
}

/** bpftrace's max_value: the largest word per CPU, unsigned, from 0. */
export function maxValue(perCpu: bigint[]): bigint {
  let max = 0n;
  for (const w of perCpu) {
    const v = BigInt.asUintN(64, w);
    if (v > max) max = v;
  }
  return max;
}

/** `total / count` in int64, truncating toward zero as C does; 0 when nothing was counted. */
export function averageOf(count: bigint, total: bigint): bigint {
  return count === 0n ? 0n : BigInt.asIntN(64, total / count);
}

/** An integer of `ty` as printed: truncated to its width, signed or not. */
export function intOfType(ty: SizedType, v: bigint): bigint {
  const bits = BigInt(ty.size * 8);
  return ty.isSigned ? BigInt.asIntN(Number(bits), v) : BigInt.asUintN(Number(bits), v);
}

/** bpftrace's hex_format_buffer: printable ASCII kept (when asked), the rest `\xNN` or `NN `. */
export function hexFormatBuffer(bytes: Uint8Array, keepAscii = true, escapeHex = true): string {
  let s = '';
  bytes.forEach((b, i) => {
    if (keepAscii && b >= 32 && b <= 126) s += String.fromCharCode(b);
    else if (escapeHex) s += '\\x' + b.toString(16).padStart(2, '0');
    else s += b.toString(16).padStart(2, '0') + (i === bytes.length - 1 ? '' : ' ');
  });
  return s;
}

/** Source or Unicode text as the byte string bpftrace would hold (UTF-8). */
export function byteString(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A byte string as the bytes to write. */
export function toBytes(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

export function asBigint(v: MapValue, what: string): bigint {
  if (typeof v !== 'bigint') throw new TypeError(`${what}: expected an integer value`);
  return v;
}

export function asString(v: MapValue, what: string): string {
  if (typeof v !== 'string') throw new TypeError(`${what}: expected a string value`);
  return v;
}

export function asBytes(v: MapValue, what: string): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new TypeError(`${what}: expected a buffer value`);
  return v;
}

export function asStack(v: MapValue, what: string): StackValue {
  if (typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array || !('kind' in v)) {
    throw new TypeError(`${what}: expected a stack value`);
  }
  return v;
}

export function asList(v: MapValue, what: string): Value[] {
  if (!Array.isArray(v)) throw new TypeError(`${what}: expected a tuple or array value`);
  return v;
}

export function asRecord(v: MapValue, what: string): RecordValue {
  if (!(v instanceof RecordValue)) throw new TypeError(`${what}: expected a struct value`);
  return v;
}

export function asPerCpu(v: MapValue, what: string): bigint[] {
  if (typeof v !== 'object' || !('perCpu' in v)) throw new TypeError(`${what}: expected per-CPU words`);
  return v.perCpu;
}

export function asAvg(v: MapValue, what: string): AvgValue {
  if (typeof v !== 'object' || !('count' in v) || !('total' in v)) {
    throw new TypeError(`${what}: expected avg/stats words`);
  }
  return v;
}

export function asHist(v: MapValue, what: string): HistValue {
  if (typeof v !== 'object' || !('buckets' in v)) throw new TypeError(`${what}: expected hist buckets`);
  return v;
}

/** The bucket counts of one hist/lhist key, reduced over CPUs, indexed 0..length-1. */
export function histCounts(v: HistValue, length: number): bigint[] {
  const counts = new Array<bigint>(length).fill(0n);
  for (const [i, perCpu] of v.buckets) {
    if (i < 0 || i >= length) throw new RangeError(`hist bucket ${i} outside 0..${length - 1}`);
    counts[i] = reduceU64(perCpu);
  }
  return counts;
}

/** Buckets bpftrace allocates per key when printing: 65 for hist, 1002 for lhist. */
export function histLength(ty: SizedType): number {
  return ty.type === 'hist' ? 65 : 1002;
}

/** lhist's constants as the C ints bpftrace's printer keeps them in. */
export function lhistInts(args: LhistArgs | undefined): { min: number; max: number; step: number } {
  if (!args) throw new TypeError('lhist map without lhist arguments');
  return { min: Number(BigInt.asIntN(32, args.min)), max: Number(BigInt.asIntN(32, args.max)), step: Number(BigInt.asIntN(32, args.step)) };
}

/**
 * A key's bytes as the BPF map would hold them, for ordering: integers little-endian at their
 * size, strings NUL-padded to their size, stacks as their id word, tuples at their field offsets.
 * Types whose bytes userspace no longer has (resolved symbols) fall back to their text.
 */
export function encodeKey(types: SizedType[], key: Value[]): Uint8Array {
  const size = types.reduce((n, t) => n + t.size, 0);
  const out = new Uint8Array(size);
  let offset = 0;
  types.forEach((t, i) => {
    encodeValue(t, key[i]!, out, offset);
    offset += t.size;
  });
  return out;
}

function encodeValue(ty: SizedType, v: Value, out: Uint8Array, offset: number): void {
  const put = (word: bigint, size: number): void => {
    let w = BigInt.asUintN(size * 8, word);
    for (let i = 0; i < size; i++) {
      out[offset + i] = Number(w & 0xffn);
      w >>= 8n;
    }
  };
  if (typeof v === 'bigint') put(v, Math.min(ty.size, 8));
  else if (typeof v === 'string') {
    for (let i = 0; i < v.length && i < ty.size; i++) out[offset + i] = v.charCodeAt(i) & 0xff;
  } else if (v instanceof Uint8Array) out.set(v.subarray(0, ty.size), offset);
  else if (Array.isArray(v)) {
    if (ty.type === 'tuple') {
      (ty.fields ?? []).forEach((f, i) => encodeValue(f.type, v[i]!, out, offset + f.offset));
    } else if (ty.element) {
      const el = ty.element;
      v.forEach((e, i) => encodeValue(el, e, out, offset + i * el.size));
    }
  } else if (v instanceof RecordValue) {
    for (const f of v.fields) encodeValue(f.type, f.value, out, offset + f.offset);
  } else put(v.id, 8);
}
