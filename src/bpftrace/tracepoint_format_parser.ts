// bpftrace's TracepointFormatParser (src/tracepoint_format_parser.cpp): the `args` of a tracepoint
// probe is a struct built from the event's format, one member per `field:` line, common fields
// first. bpftrace reads /sys/kernel/tracing/events/CAT/EVENT/format; bpfbox reads the same fields
// from the emulated kernel's tracepoint catalogue, where each event is declared once with Linux
// 5.0's TP_STRUCT__entry (src/kernel/trace/tracepoint.ts), so no machine needs to boot.

// The kernel declares each tracepoint in the module that fires it; boot.js reaches every one.
import '../kernel/boot.js';
import { COMMON_FIELDS, lookupTracepoint, type TraceField } from '../kernel/trace/tracepoint.js';

/** One member of `struct _tracepoint_CAT_EVENT`, the type of `args`. */
export interface TracepointArg {
  name: string;
  /**
   * The field as the format file declares it and `bpftrace -lv` prints it: `unsigned long pfn`,
   * `char comm[16]`, `__data_loc char[] name`, `const void * ptr`.
   */
  cType: string;
  /**
   * The member's C type in the struct bpftrace generates, without the name: the element type for
   * arrays (`char`), `int` for a __data_loc field (as bpftrace declares it before rewriting it to a
   * u64), and bpftrace's adjust_integer_types widening (an 8-byte `int` becomes `s64`).
   */
  typeName: string;
  /** Byte offset in the record (the common header is at 0..7). */
  offset: number;
  /** Bytes the field occupies; for an array, the whole array. */
  size: number;
  isSigned: boolean;
  /** `__data_loc`: a u32 whose low 16 bits are the data's offset in the record, high 16 its length. */
  isDataLoc?: boolean;
  /** Element count of an array field (`comm[16]` → 16). */
  arrayLen?: number;
}

/** `struct _tracepoint_CAT_EVENT`, as TracepointFormatParser::get_struct_name names it. */
export function tracepointStructName(category: string, event: string): string {
  return `struct _tracepoint_${category}_${event}`;
}

/**
 * The fields of tracepoint CATEGORY:EVENT (no wildcards), common_* fields included, in record
 * order; null when the kernel has no such tracepoint.
 */
export function tracepointArgs(category: string, event: string): TracepointArg[] | null {
  const tp = lookupTracepoint(category, event);
  if (!tp) return null;
  return [...COMMON_FIELDS, ...tp.fields].map(toArg);
}

/**
 * The fields `bpftrace -lv` lists for a tracepoint: the format file's lines after its first blank
 * line, which is to say without the common header (ProbeMatcher::get_tracepoints_params).
 */
export function tracepointParams(category: string, event: string): string[] | null {
  const tp = lookupTracepoint(category, event);
  if (!tp) return null;
  return tp.fields.map(formatFieldDecl);
}

/** `TYPE NAME` or `TYPE NAME[N]`, as the kernel's format file prints a field. */
function formatFieldDecl(f: TraceField): string {
  return f.count ? `${f.type} ${f.name}[${f.count}]` : `${f.type} ${f.name}`;
}

function toArg(f: TraceField): TracepointArg {
  const arg: TracepointArg = {
    name: f.name,
    cType: formatFieldDecl(f),
    typeName: f.type.startsWith('__data_loc') ? 'int' : f.count ? f.type : adjustIntegerTypes(f.type, f.size),
    offset: f.offset,
    size: f.size,
    isSigned: f.signed,
  };
  if (f.type.startsWith('__data_loc')) arg.isDataLoc = true;
  if (f.count) arg.arrayLen = f.count;
  return arg;
}

/**
 * TracepointFormatParser::adjust_integer_types: a field whose declared type is narrower than its
 * size (a 32-bit type in an 8-byte slot) is widened so the struct keeps the format's layout.
 */
function adjustIntegerTypes(type: string, size: number): string {
  if (size !== 8) return type;
  if (type === 'int') return 's64';
  if (['unsigned int', 'unsigned', 'u32', 'pid_t', 'uid_t', 'gid_t'].includes(type)) return 'u64';
  return type;
}
