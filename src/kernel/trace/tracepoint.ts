// Static tracepoints, declared once with Linux 5.0's TP_STRUCT__entry and TP_printk. A call site
// reads `if (k.tpOn[tp.id] !== 0) k.traceEvent(tp, ...)`, so a tracepoint nobody listens to costs
// one typed-array load; the record is only built when someone listens.

export interface TraceField {
  readonly type: string;
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  readonly signed: boolean;
  /** Element count for arrays (char comm[16]); 0 for scalars. */
  readonly count: number;
}

/** The four fields every event record starts with (struct trace_entry). */
export const COMMON_FIELDS: readonly TraceField[] = [
  { type: 'unsigned short', name: 'common_type', offset: 0, size: 2, signed: false, count: 0 },
  { type: 'unsigned char', name: 'common_flags', offset: 2, size: 1, signed: false, count: 0 },
  { type: 'unsigned char', name: 'common_preempt_count', offset: 3, size: 1, signed: false, count: 0 },
  { type: 'int', name: 'common_pid', offset: 4, size: 4, signed: true, count: 0 },
];

const SCALARS: Record<string, [size: number, signed: boolean]> = {
  char: [1, true], // x86 char is signed in 5.0 (6.2+ builds with -funsigned-char)
  'unsigned char': [1, false],
  short: [2, true],
  'unsigned short': [2, false],
  int: [4, true],
  'unsigned int': [4, false],
  long: [8, true],
  'unsigned long': [8, false],
  'long long': [8, true],
  'unsigned long long': [8, false],
  bool: [1, false],
  u8: [1, false],
  u16: [2, false],
  u32: [4, false],
  u64: [8, false],
  s32: [4, true],
  s64: [8, true],
  gfp_t: [4, false],
  pid_t: [4, true],
  size_t: [8, false],
  dev_t: [4, false],
  sector_t: [8, false],
  'const void *': [8, false],
  'void *': [8, false],
  'struct page *': [8, false],
};

/**
 * Lays out `type name; type name[N]; ...` with C's natural alignment after the common header,
 * giving the offsets tracefs shows in each event's `format` file.
 */
export function layoutFields(spec: string, start = 8): TraceField[] {
  const out: TraceField[] = [];
  let at = start;
  for (const part of spec.split(';')) {
    const decl = part.trim();
    if (!decl) continue;
    if (decl.startsWith('__data_loc ')) {
      const m = /^__data_loc (.+?) ([A-Za-z_]\w*)$/.exec(decl);
      if (!m) throw new Error(`bad field ${decl}`);
      at = (at + 3) & ~3;
      out.push({ type: `__data_loc ${m[1]}`, name: m[2]!, offset: at, size: 4, signed: true, count: 0 });
      at += 4;
      continue;
    }
    const m = /^(.+?)\s*\b([A-Za-z_]\w*)(?:\[(\d+)\])?$/.exec(decl);
    if (!m) throw new Error(`bad field ${decl}`);
    const type = m[1]!.trim();
    const scalar = SCALARS[type];
    if (!scalar) throw new Error(`unknown field type ${type}`);
    const [size, signed] = scalar;
    const count = m[3] ? Number(m[3]) : 0;
    at = (at + size - 1) & ~(size - 1);
    out.push({ type, name: m[2]!, offset: at, size: count ? size * count : size, signed, count });
    at += count ? size * count : size;
  }
  return out;
}

export class Tracepoint {
  constructor(
    readonly id: number,
    readonly system: string,
    readonly name: string,
    /** The DECLARE_EVENT_CLASS name: stack traces start at trace_event_raw_event_<class>. */
    readonly eventClass: string,
    readonly fields: readonly TraceField[],
    /** TP_printk's format string, as the `print fmt:` line quotes it. */
    readonly printFmt: string,
    readonly recordSize: number,
  ) {}
}

const tracepoints: Tracepoint[] = [];
const byKey = new Map<string, Tracepoint>();

export function tracepoint(system: string, name: string, eventClass: string, fields: string, printFmt: string): Tracepoint {
  const key = `${system}:${name}`;
  if (byKey.has(key)) throw new Error(`tracepoint ${key} declared twice`);
  const laid = layoutFields(fields);
  const last = laid[laid.length - 1];
  const end = last ? last.offset + last.size : 8;
  const tp = new Tracepoint(tracepoints.length, system, name, eventClass, laid, printFmt, (end + 7) & ~7);
  tracepoints.push(tp);
  byKey.set(key, tp);
  return tp;
}

export function allTracepoints(): readonly Tracepoint[] {
  return tracepoints;
}

export function lookupTracepoint(system: string, name: string): Tracepoint | undefined {
  return byKey.get(`${system}:${name}`);
}
