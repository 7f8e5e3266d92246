// Bytes from BPF maps and perf records back into the values output prints, by the SizedType the
// semantic analyser gave them: what bpftrace's userspace does in print_map and the async-event
// handlers (resolving stack ids, kernel symbols, probe ids, user names and timestamps on the way).

import type { SizedType } from '../types.js';
import { RecordValue, type StackFrame, type Value } from '../output/value.js';
import type { Struct } from '../passes/struct.js';

/** What decoding needs from the runtime: the lookups userspace does while printing. */
export interface Resolver {
  /** The frames of stack `stackid` of a kstack/ustack type, or null when the stack map has none. */
  stack(type: SizedType, stackid: number): StackFrame[] | null;
  /** resolve_ksym: the symbol at or below `addr`, with `+off` when `withOffset`. */
  ksym(addr: bigint, withOffset: boolean): string;
  /** The probe name behind a `probe` builtin's id. */
  probe(id: number): string;
  /** The user name of a uid, or the uid as text. */
  username(uid: number): string;
  /** strftime(fmt, nsecs)'s value as text (the runtime knows the boot time and time zone). */
  timestamp(strftimeId: number, nsecs: bigint): string;
  /** A struct or union by name (`struct task_struct`), with its fields. */
  record(name: string): Struct | undefined;
}

export function readU64(b: Uint8Array, off: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i]!);
  return v;
}

/** An integer of `size` bytes, little-endian, sign-extended when `signed`. */
export function readInt(b: Uint8Array, off: number, size: number, signed: boolean): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i]!);
  return signed ? BigInt.asIntN(size * 8, v) : v;
}

/** A NUL-terminated string of at most `size` bytes, as a byte string. */
export function readCString(b: Uint8Array, off: number, size: number): string {
  let s = '';
  for (let i = 0; i < size; i++) {
    const c = b[off + i]!;
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** inet_ntop of bpftrace's `{ i64 af; u8 addr[16] }`. */
function inet(b: Uint8Array, off: number): string {
  const af = Number(readInt(b, off, 8, true));
  const a = b.subarray(off + 8, off + 24);
  if (af === 2) return `${a[0]}.${a[1]}.${a[2]}.${a[3]}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((a[i]! << 8) | a[i + 1]!);
  // RFC 5952: the longest run of two or more zero words becomes '::'.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(':');
  if (best < 0) return hex(words);
  return `${hex(words.slice(0, best))}::${hex(words.slice(best + bestLen))}`;
}

/** One value of type `t` at `off` in `b`. */
export function decodeValue(b: Uint8Array, off: number, t: SizedType, r: Resolver): Value {
  switch (t.type) {
    case 'integer':
      return readInt(b, off, t.size, t.isSigned);
    case 'pointer':
    case 'none':
      return readInt(b, off, Math.min(t.size || 8, 8), false);
    case 'string':
    case 'cgroup_path':
    case 'strerror':
      return readCString(b, off, t.size);
    case 'buffer': {
      // bpftrace's buffer: { u8 length; u8 content[] }.
      const len = Math.min(b[off]!, t.size - 1);
      return b.slice(off + 1, off + 1 + len);
    }
    case 'kstack':
    case 'ustack': {
      const word = readU64(b, off);
      return { kind: 'stack', id: word, frames: r.stack(t, Number(word & 0xffffffffn)) };
    }
    case 'ksym':
      return r.ksym(readU64(b, off), false);
    case 'probe':
      return r.probe(Number(readU64(b, off)));
    case 'username':
      return r.username(Number(readU64(b, off) & 0xffffffffn));
    case 'inet':
      return inet(b, off);
    case 'usym': {
      // { u64 addr; u64 pid }: the machine's processes have no symbol tables, so resolve_usym
      // prints the address as an ostream prints a void *.
      const addr = readU64(b, off);
      return addr === 0n ? '0' : `0x${addr.toString(16)}`;
    }
    case 'mac_address': {
      const bytes: string[] = [];
      for (let i = 0; i < 6; i++) bytes.push(b[off + i]!.toString(16).toUpperCase().padStart(2, '0'));
      return bytes.join(':');
    }
    case 'timestamp':
      return r.timestamp(Number(readU64(b, off)), readU64(b, off + 8));
    case 'tuple':
      return (t.fields ?? []).map((f) => decodeValue(b, off + f.offset, f.type, r));
    case 'array': {
      const el = t.element!;
      const n = el.size ? Math.floor(t.size / el.size) : 0;
      const out: Value[] = [];
      for (let i = 0; i < n; i++) out.push(decodeValue(b, off + i * el.size, el, r));
      return out;
    }
    case 'record': {
      // Each field from its own bytes by its type, a bitfield's whole unit as 0.17 prints it.
      const fields = [...(r.record(t.name ?? '')?.fields ?? [])];
      return new RecordValue(fields.map(([name, f]) => ({ name, type: f.type, offset: f.offset, value: decodeValue(b, off + f.offset, f.type, r) })));
    }
    default:
      throw new TypeError(`cannot decode a value of type ${t.type}`);
  }
}
