// What BPF programs tell user space through the `printf` perf event array (bpftrace's AsyncAction
// in src/types.h and the packed structs of src/ast/async_event_types.h). Every record starts with
// a little-endian u64: below 30000 it is a printf (0-9999), system (10000-19999) or cat
// (20000-29999) call with its format id added; from 30000 on it names an action whose record
// layout is given below. Codegen writes these records, the runtime decodes them.

import type { SizedType } from './types.js';

export const AsyncAction = {
  printf: 0,
  syscall: 10000,
  cat: 20000,
  exit: 30000,
  print: 30001,
  clear: 30002,
  zero: 30003,
  time: 30004,
  join: 30005,
  helper_error: 30006,
  print_non_map: 30007,
  strftime: 30008,
  watchpoint_attach: 30009,
  watchpoint_detach: 30010,
  skboutput: 30011,
} as const;

export type AsyncActionName = keyof typeof AsyncAction;

/**
 * The packed record layouts: byte offsets of each field and the record's size (what codegen
 * passes to bpf_perf_event_output; perf pads the sample to 8 bytes after it).
 */
export const AsyncEvent = {
  /** exit(): the action id alone. */
  Exit: { action_id: 0, size: 8 },
  /** print(@map, top, div). */
  Print: { action_id: 0, mapid: 8, top: 12, div: 16, size: 20 },
  /** print(value): `content` holds the value as its SizedType lays it out. */
  PrintNonMap: { action_id: 0, print_id: 8, content: 16, size: (contentSize: number): number => 16 + contentSize },
  /** clear(@map) and zero(@map). */
  MapEvent: { action_id: 0, mapid: 8, size: 12 },
  /** time(fmt). */
  Time: { action_id: 0, time_id: 8, size: 12 },
  /**
   * join(argv, delim): written in the per-CPU `join` map's value, not on the stack: the action id,
   * the join id, then join_argnum strings of join_argsize bytes each.
   */
  Join: { action_id: 0, join_id: 8, args: 16, size: (argnum: number, argsize: number): number => 16 + argnum * argsize },
  /** strftime(fmt, nsecs): not a record but the value a printf argument carries. */
  Strftime: { strftime_id: 0, nsecs: 8, size: 16 },
} as const;

/** bpftrace's join_argnum_ and join_argsize_: join() reads this many argv strings of this size. */
export const JOIN_ARGNUM = 16;
export const JOIN_ARGSIZE = 1024;

/** One printf/system/cat argument: its type (integers promoted to 8 bytes) and its record offset. */
export interface FormatField {
  type: SizedType;
  offset: number;
}

/**
 * One printf, system or cat call (an entry of bpftrace's printf_args and friends): its format
 * string and its arguments as laid out after the u64 id, in a struct of `size` bytes.
 */
export interface FormatCall {
  fmt: string;
  args: FormatField[];
  size: number;
}
