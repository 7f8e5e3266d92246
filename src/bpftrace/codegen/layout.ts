// How LLVM's BPF data layout places bpftrace's types (IRBuilderBPF::GetType): integers and
// pointers are i8..i64 aligned to their size, byte arrays (strings, buffers, inet, usym) and
// records are [N x i8] aligned to 1, tuples are structs aligned to their widest member. printf's
// record (a u64 id, then the arguments) is such a struct, not packed.

import type { FormatCall } from '../async_action.js';
import type { FormatArgs } from '../passes/resource_analyser.js';
import type { SizedType } from '../types.js';

export function alignOf(t: SizedType): number {
  switch (t.type) {
    case 'tuple':
      return Math.max(1, ...(t.fields ?? []).map((f) => alignOf(f.type)));
    case 'array':
      return t.element ? alignOf(t.element) : 1;
    case 'string':
    case 'buffer':
    case 'inet':
    case 'usym':
    case 'mac_address':
    case 'record':
      return 1;
    case 'timestamp':
    case 'cgroup_path':
      return 8;
    default:
      return Math.min(8, Math.max(1, t.size));
  }
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/** The struct { u64 id; args... } of a printf/system/cat call, with each argument's offset. */
export function layoutFormat(call: FormatArgs): FormatCall {
  let off = 8;
  let align = 8;
  const args = call.args.map((type) => {
    const a = alignOf(type);
    align = Math.max(align, a);
    off = alignUp(off, a);
    const f = { type, offset: off };
    off += type.size;
    return f;
  });
  return { fmt: call.fmt, args, size: alignUp(off, align) };
}

/**
 * SizedType's "on the stack already" (codegen_helper.h's shouldBeOnStackAlready): values codegen
 * holds as a pointer to a stack buffer rather than in a register.
 */
export const onStack = (t: SizedType): boolean =>
  t.type === 'string' || t.type === 'buffer' || t.type === 'inet' || t.type === 'usym' || t.type === 'tuple' ||
  t.type === 'timestamp' || t.type === 'mac_address' || t.type === 'cgroup_path';
