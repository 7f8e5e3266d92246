// bpftrace's ProbeMatcher (src/probe_matcher.cpp) with the part of its AttachPointParser
// (src/ast/attachpoint_parser.cpp) that `-l` needs: attach points with `*` are expanded against
// the emulated kernel's catalogue, where bpftrace reads tracefs. kprobe candidates are the kernel's
// traceable functions (bpftrace: available_filter_functions), tracepoints are `CATEGORY:EVENT`
// (bpftrace: available_events). Everything is static, so listing boots no machine.

// The kernel declares each function and tracepoint in the module that implements it. boot.js
// reaches most of them; the syscall and fault paths are only reached through the userland.
import '../kernel/boot.js';
import '../kernel/arch/fault.js';
import '../kernel/exec.js';
import '../kernel/fs/open.js';
import '../kernel/fs/pipe.js';
import '../kernel/process.js';
import { layoutText, type KernelFunction } from '../kernel/symbols.js';
import { allTracepoints, lookupTracepoint, type Tracepoint } from '../kernel/trace/tracepoint.js';
import type { AttachPoint, Location } from './ast.js';
import { Diagnostics, formatDiagnostics } from './diagnostics.js';
import { tracepointParams } from './tracepoint_format_parser.js';

export type ProbeType =
  | 'invalid'
  | 'special'
  | 'kprobe'
  | 'kretprobe'
  | 'uprobe'
  | 'uretprobe'
  | 'usdt'
  | 'tracepoint'
  | 'profile'
  | 'interval'
  | 'software'
  | 'hardware'
  | 'watchpoint'
  | 'asyncwatchpoint'
  | 'kfunc'
  | 'kretfunc'
  | 'iter';

/** PROBE_LIST (src/types.h): every provider with its abbreviation, in bpftrace's order. */
export const PROBE_LIST: readonly { name: string; abbr: string; type: ProbeType }[] = [
  { name: 'kprobe', abbr: 'k', type: 'kprobe' },
  { name: 'kretprobe', abbr: 'kr', type: 'kretprobe' },
  { name: 'uprobe', abbr: 'u', type: 'uprobe' },
  { name: 'uretprobe', abbr: 'ur', type: 'uretprobe' },
  { name: 'usdt', abbr: 'U', type: 'usdt' },
  { name: 'BEGIN', abbr: 'BEGIN', type: 'special' },
  { name: 'END', abbr: 'END', type: 'special' },
  { name: 'tracepoint', abbr: 't', type: 'tracepoint' },
  { name: 'profile', abbr: 'p', type: 'profile' },
  { name: 'interval', abbr: 'i', type: 'interval' },
  { name: 'software', abbr: 's', type: 'software' },
  { name: 'hardware', abbr: 'h', type: 'hardware' },
  { name: 'watchpoint', abbr: 'w', type: 'watchpoint' },
  { name: 'asyncwatchpoint', abbr: 'aw', type: 'asyncwatchpoint' },
  { name: 'kfunc', abbr: 'f', type: 'kfunc' },
  { name: 'kretfunc', abbr: 'fr', type: 'kretfunc' },
  { name: 'iter', abbr: 'it', type: 'iter' },
];

/** SW_PROBE_LIST and HW_PROBE_LIST (src/probe_matcher.h): perf events by name, alias and default period. */
export interface ProbeListItem {
  path: string;
  alias: string;
  defaultp: number;
}

export const SW_PROBE_LIST: readonly ProbeListItem[] = [
  { path: 'alignment-faults', alias: '', defaultp: 1 },
  { path: 'bpf-output', alias: '', defaultp: 1 },
  { path: 'context-switches', alias: 'cs', defaultp: 1000 },
  { path: 'cpu-clock', alias: 'cpu', defaultp: 1000000 },
  { path: 'cpu-migrations', alias: '', defaultp: 1 },
  { path: 'dummy', alias: '', defaultp: 1 },
  { path: 'emulation-faults', alias: '', defaultp: 1 },
  { path: 'major-faults', alias: '', defaultp: 1 },
  { path: 'minor-faults', alias: '', defaultp: 100 },
  { path: 'page-faults', alias: 'faults', defaultp: 100 },
  { path: 'task-clock', alias: '', defaultp: 1 },
];

export const HW_PROBE_LIST: readonly ProbeListItem[] = [
  { path: 'backend-stalls', alias: '', defaultp: 1000000 },
  { path: 'branch-instructions', alias: 'branches', defaultp: 100000 },
  { path: 'branch-misses', alias: '', defaultp: 100000 },
  { path: 'bus-cycles', alias: '', defaultp: 100000 },
  { path: 'cache-misses', alias: '', defaultp: 1000000 },
  { path: 'cache-references', alias: '', defaultp: 1000000 },
  { path: 'cpu-cycles', alias: 'cycles', defaultp: 1000000 },
  { path: 'frontend-stalls', alias: '', defaultp: 1000000 },
  { path: 'instructions', alias: '', defaultp: 1000000 },
  { path: 'ref-cycles', alias: '', defaultp: 1000000 },
];

/** The iterators bpftrace 0.17 knows (ProbeMatcher::get_iter_symbols), listed whatever the kernel. */
const ITER_SYMBOLS = ['task', 'task_file'];

/** probetype(): the provider named by its full name or abbreviation, or 'invalid'. */
export function probetype(name: string): ProbeType {
  return PROBE_LIST.find((p) => p.name === name || p.abbr === name)?.type ?? 'invalid';
}

/** probetypeName(string): the full provider name for an abbreviation; anything else unchanged. */
export function probetypeName(name: string): string {
  return PROBE_LIST.find((p) => p.name === name || p.abbr === name)?.name ?? name;
}

/** has_wildcard (src/utils.cpp): `*`, or a `[...]` (which the matcher then takes literally). */
export function hasWildcard(s: string): boolean {
  return s.includes('*') || (s.includes('[') && s.includes(']'));
}

/**
 * wildcard_match with get_wildcard_tokens: `*` is the only wildcard, and each literal piece is
 * taken at its first occurrence with no backtracking, as 0.17 does, so `*a` does not match `aba`.
 * `?` and `{a,b}` are not wildcards in 0.17 (its lexer rejects them in attach points).
 */
export function wildcardMatch(str: string, pattern: string): boolean {
  if (pattern === '') return str === '';
  const startWildcard = pattern.startsWith('*');
  const endWildcard = pattern.endsWith('*');
  const tokens = pattern.split('*').filter((t) => t !== '');
  let next = 0;
  if (!startWildcard && tokens.length && !str.startsWith(tokens[0]!)) return false;
  for (const token of tokens) {
    const found = str.indexOf(token, next);
    if (found < 0) return false;
    next = found + token.length;
  }
  return endWildcard || str.length === next;
}

/** A std::set<std::string>'s order: bytewise. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

let traceable: readonly KernelFunction[] | undefined;

/**
 * The kernel's traceable functions, as available_filter_functions lists them: every emulated
 * function except the assembly entry code (`.S` files are built without the fentry call ftrace
 * patches, so Linux never lists them).
 */
export function traceableFunctions(): readonly KernelFunction[] {
  traceable ??= layoutText().filter((f) => !f.file.endsWith('.S'));
  return traceable;
}

/** BPFtrace::is_traceable_func. */
export function isTraceableFunc(name: string): boolean {
  return traceableFunctions().some((f) => f.name === name);
}

/** get_matches_in_stream: the candidates matching `pattern`, sorted and unique, `.part.N` clones skipped. */
function matchesIn(candidates: Iterable<string>, pattern: string): string[] {
  const out = new Set<string>();
  for (const c of candidates) if (wildcardMatch(c, pattern) && !c.includes('.part.')) out.add(c);
  return [...out].sort(byteOrder);
}

/** ProbeMatcher::get_matches_for_probetype: where each provider's candidates come from. */
function matchesForProbetype(type: ProbeType, search: string): string[] {
  switch (type) {
    case 'kprobe':
    case 'kretprobe':
      return matchesIn(
        traceableFunctions().map((f) => f.name),
        search,
      );
    case 'tracepoint':
      return matchesIn(
        allTracepoints().map((t) => `${t.system}:${t.name}`),
        search,
      );
    case 'software':
      return matchesIn(
        SW_PROBE_LIST.map((p) => `${p.path}:`),
        search,
      );
    case 'hardware':
      return matchesIn(
        HW_PROBE_LIST.map((p) => `${p.path}:`),
        search,
      );
    case 'iter':
      return matchesIn(ITER_SYMBOLS, search);
    default:
      return [];
  }
}

/**
 * ProbeMatcher::get_matches_for_ap: the expansions of one parsed attach point, sorted. A kprobe
 * gives function names, a tracepoint `CATEGORY:EVENT`; BEGIN/END, software and hardware give
 * `TARGET:` unexpanded (0.17 matches those against `TARGET:FUNC` and FUNC is always empty);
 * interval and profile give a single ''.
 */
export function getMatchesForAp(ap: Pick<AttachPoint, 'provider' | 'target' | 'func'>): string[] {
  const type = probetype(ap.provider);
  switch (type) {
    case 'kprobe':
    case 'kretprobe':
    case 'iter':
      return matchesForProbetype(type, ap.func);
    case 'special':
    case 'tracepoint':
    case 'hardware':
    case 'software':
      if (ap.func === '') return [`${ap.target}:`];
      return matchesForProbetype(type, `${ap.target}:${ap.func}`);
    case 'profile':
    case 'interval':
      return [''];
    default:
      return [];
  }
}

/** One concrete probe an attach point resolves to. */
export interface ResolvedProbe {
  /** bpftrace's probe name: `kprobe:vmalloc`, `tracepoint:kmem:mm_page_alloc`, `interval:s:1`, `BEGIN`. */
  name: string;
  provider: string;
  target: string;
  func: string;
  /** The kernel function of a kprobe/kretprobe; absent when the kernel has none of that name. */
  kfunc?: KernelFunction;
  /** The tracepoint of a tracepoint probe. */
  tracepoint?: Tracepoint;
}

/**
 * Resolves one attach point, as the semantic analyser, TracepointFormatParser and
 * BPFtrace::add_probe do between them. Wildcards expand in bytewise order. Reports as 0.17 does:
 *
 * - kprobe/kretprobe without a wildcard on a function the kernel cannot trace: a WARNING
 *   (`F is not traceable (...)`), and the probe is still returned without `kfunc`, so attaching
 *   fails later (`ERROR: Error attaching probe: 'kprobe:F'`, the runtime's message);
 * - a wildcard kprobe that matches nothing: no probes and no message (bpftrace then prints
 *   `No probes to attach` if the whole program is left without any);
 * - a tracepoint wildcard that matches nothing: ERROR `tracepoints not found: CAT:EVENT`;
 * - a missing tracepoint: `tracepoint not found: CAT:EVENT`, an ERROR when it is the probe's only
 *   attach point, else a WARNING and nothing returned;
 * - category `syscall` in either case adds `Did you mean syscalls:EVENT?`.
 *
 * `attachPointCount` is the number of attach points of the probe `ap` belongs to. The compiler
 * passes `warnUntraceable` false: 0.17 gives that warning from the semantic analyser's last pass.
 */
export function resolveAttachPoint(ap: AttachPoint, attachPointCount: number, diags: Diagnostics, warnUntraceable = true): ResolvedProbe[] {
  const provider = probetypeName(ap.provider);
  const type = probetype(provider);
  switch (type) {
    case 'special':
      return [{ name: provider, provider, target: '', func: '' }];
    case 'interval':
    case 'profile':
      return [{ name: `${provider}:${ap.target}:${ap.freq}`, provider, target: ap.target, func: '' }];
    case 'kprobe':
    case 'kretprobe': {
      const kprobe = (func: string): ResolvedProbe => {
        const fn = traceableFunctions().find((f) => f.name === func);
        const name = ap.funcOffset ? `${provider}:${func}+${ap.funcOffset}` : `${provider}:${func}`;
        return { name, provider, target: '', func, ...(fn ? { kfunc: fn } : {}) };
      };
      if (hasWildcard(ap.func)) return getMatchesForAp({ provider, target: ap.target, func: ap.func }).map(kprobe);
      if (warnUntraceable && !isTraceableFunc(ap.func)) {
        diags.warning(`${ap.func} is not traceable (either non-existing, inlined, or marked as "notrace"); attaching to it will likely fail`, ap.loc);
      }
      return [kprobe(ap.func)];
    }
    case 'tracepoint': {
      const tp = (id: string): ResolvedProbe => {
        const [category, event] = splitPrefix(id);
        const t = lookupTracepoint(category, event);
        return { name: `tracepoint:${category}:${event}`, provider, target: category, func: event, ...(t ? { tracepoint: t } : {}) };
      };
      const what = `${ap.target}:${ap.func}`;
      if (hasWildcard(ap.target) || hasWildcard(ap.func)) {
        const matches = getMatchesForAp({ provider, target: ap.target, func: ap.func });
        if (!matches.length) {
          diags.error(`tracepoints not found: ${what}`, ap.loc);
          if (ap.target === 'syscall') diags.error(`Did you mean syscalls:${ap.func}?`, ap.loc);
        }
        return matches.map(tp);
      }
      if (!lookupTracepoint(ap.target, ap.func)) {
        const fail = attachPointCount === 1;
        if (fail) diags.error(`tracepoint not found: ${what}`, ap.loc);
        else diags.warning(`tracepoint not found: ${what}`, ap.loc);
        if (ap.target === 'syscall') diags.warning(`Did you mean syscalls:${ap.func}?`, ap.loc);
        return [];
      }
      return [tp(what)];
    }
    default:
      return [];
  }
}

/** erase_prefix: `a:b:c` → [`a`, `b:c`]. */
function splitPrefix(s: string): [string, string] {
  const i = s.indexOf(':');
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

// ---- bpftrace -l -------------------------------------------------------------------------------

/**
 * ProbeMatcher::kernel_probe_list: the providers a wildcard provider expands to. Return probes,
 * userspace probes, interval, profile, watchpoints and BEGIN/END are left out; kfunc needs
 * kernel 5.5 and the emulated kernel is 5.0, so it is left out too (0.17 asks the kernel).
 */
function kernelProbeList(): string[] {
  return PROBE_LIST.filter(
    (p) =>
      !p.name.includes('ret') &&
      !['uprobe', 'usdt', 'interval', 'profile', 'watchpoint', 'asyncwatchpoint', 'special', 'kfunc'].includes(p.type),
  ).map((p) => p.name);
}

/** An attach point of a listing query, as AttachPointParser leaves it. */
interface ListedAttachPoint {
  loc: Location;
  raw: string;
  ignoreInvalid: boolean;
  provider: string;
  target: string;
  func: string;
  freq: number;
}

/** `-l`'s output: what goes to stdout and stderr, and the exit status. */
export interface ListResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Where bison reports a listing query's problem: the query is one line, one probe. */
function queryLoc(col: number, endCol: number): Location {
  return { line: 1, col, endLine: 1, endCol };
}

/**
 * Characters 0.17's lexer accepts inside an attach point: its `path` class, `:`, and the `+ [ ]`
 * tokens the attach point grammar concatenates.
 */
const ATTACH_POINT_CHAR = /^[_\-./a-zA-Z0-9#*:+[\]]$/;

/**
 * Splits a listing query into attach points as 0.17's lexer and grammar see it: blanks are
 * skipped (so `a b` reads as `ab`), commas separate attach points, and an empty attach point is
 * dropped. Returns null after reporting a character the grammar has no place for.
 */
function readQuery(search: string, diags: Diagnostics): ListedAttachPoint[] | null {
  const aps: ListedAttachPoint[] = [];
  let raw = '';
  // The lexer steps its location only over blanks, so a token's span starts after the last blank.
  let spanStart = 1;
  // An attach point's span starts where the previous token ended: after its comma, blanks included.
  let apStart = 1;
  let apEnd = 1;
  const flush = (next: number): void => {
    if (raw !== '') aps.push({ loc: queryLoc(apStart, apEnd), raw, ignoreInvalid: false, provider: '', target: '', func: '', freq: 0 });
    raw = '';
    apStart = next;
  };
  for (let i = 0; i < search.length; i++) {
    const ch = search[i]!;
    const col = i + 1;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      spanStart = col + 1;
      continue;
    }
    if (ch === ',') {
      flush(col + 1);
      continue;
    }
    if (ch === '"') {
      // A string token: kept with its quotes for lexAttachPoint, as the grammar hands it on.
      let j = i + 1;
      while (j < search.length && search[j] !== '"') j += search[j] === '\\' ? 2 : 1;
      if (j >= search.length) {
        diags.error('unterminated string', queryLoc(spanStart, search.length + 1));
        return null;
      }
      raw += search.slice(i, j + 1);
      i = j;
      apEnd = j + 2;
      continue;
    }
    const param = /^\$[0-9]+/.exec(search.slice(i));
    if (param) {
      // A positional parameter; a listing has none, so it reads as ''.
      i += param[0].length - 1;
      apEnd = i + 2;
      continue;
    }
    if (!ATTACH_POINT_CHAR.test(ch)) {
      // Whatever else the lexer makes a token of ends the attach points where a block must start.
      const map = /^@[_a-zA-Z0-9]*/.exec(search.slice(i));
      const end = map ? col + map[0].length : col + 1;
      diags.error(`syntax error, unexpected ${map ? 'map' : ch}, expecting {`, queryLoc(spanStart, end));
      return null;
    }
    raw += ch;
    apEnd = col + 1;
  }
  flush(search.length + 1);
  return aps;
}

/** std::stoull's reading of a number: digits in `base` (0: C's prefixes), or its exception's text. */
function stoull(s: string, base: 0 | 10): { value: bigint; idx: number } | string {
  const m = base === 0 ? /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s) : /^[0-9]+/.exec(s);
  if (!m) return 'stoull';
  const t = m[0];
  const value = t.length > 1 && t[0] === '0' && base === 0 ? (/^0[xX]/.test(t) ? BigInt(t) : BigInt(`0o${t.slice(1)}`)) : BigInt(t);
  if (value > 0xffffffffffffffffn) return 'stoull';
  return { value, idx: t.length };
}

/** int_parser's _parse_int: a number, optionally followed by a C integer suffix. */
function parseInt(s: string, base: 0 | 10): bigint | string {
  const r = stoull(s, base);
  if (typeof r === 'string') return r;
  if (r.idx !== s.length && !/^(u|u?l?l)$/i.test(s.slice(r.idx))) return 'Found trailing non-numeric characters';
  return r.value;
}

/**
 * int_parser::to_uint, which reads the integers of attach points (`interval:s:N`): `_` separators,
 * C prefixes, and `CeE` scientific notation, with its messages for what it cannot read.
 */
export function toUint(num: string): bigint | string {
  const n = num.replace(/_/g, '');
  if (/^0[xX]/.test(n)) return parseInt(n, 0);
  const e = n.search(/[eE]/);
  if (e < 0) return parseInt(n, 0);
  const coeff = n.slice(0, e);
  const exp = n.slice(e + 1);
  const c = parseInt(coeff, 10);
  if (typeof c === 'string') return `Coefficient part of scientific literal is not a valid number: ${coeff}: ${c}`;
  const x = parseInt(exp, 10);
  if (typeof x === 'string') return `Exponent part of scientific literal is not a valid number: ${exp}: ${x}`;
  if (c > 9n) return `Coefficient part of scientific literal must be in range (0,9), got: ${coeff}`;
  if (x > 16n) return `Exponent will overflow integer range: ${exp}`;
  return c * 10n ** x;
}

/** AttachPointParser::lex_attachpoint: splits at colons outside double quotes, dropping the quotes. */
function lexAttachPoint(raw: string): string[] {
  const parts: string[] = [];
  let arg = '';
  let inQuotes = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === ':' && !inQuotes) {
      parts.push(arg);
      arg = '';
    } else if (ch === '"') inQuotes = !inQuotes;
    else if (inQuotes && ch === '\\' && i + 1 < raw.length) arg += raw[++i];
    else arg += ch;
  }
  parts.push(arg);
  return parts;
}

/** What AttachPointParser made of one attach point. */
type ParseState = 'ok' | 'invalid' | 'skip' | 'new_aps' | 'fatal';

/**
 * AttachPointParser::parse_attachpoint for an attach point of a listing query. A wildcard
 * provider matching several kernel providers fans out into one attach point per provider,
 * appended to `queue`.
 */
function parseListedAttachPoint(ap: ListedAttachPoint, diags: Diagnostics, queue: ListedAttachPoint[]): ParseState {
  const parts = lexAttachPoint(ap.raw);
  const invalid = (msg: string): ParseState => {
    diags.error(msg, ap.loc);
    return 'invalid';
  };
  const integer = (s: string): number | null => {
    const v = toUint(s);
    if (typeof v === 'string') {
      diags.error(v, ap.loc);
      return null;
    }
    return Number(v);
  };
  // An empty attach point (a trailing comma) is dropped.
  if (parts[0] === '') return 'ok';
  if (hasWildcard(parts[0]!)) {
    const query = parts.length === 1 ? '*' : parts[0]!;
    const types = matchesIn(kernelProbeList(), query);
    if (!types.length) return invalid(`No probe type matched for ${parts[0]}`);
    if (types.length > 1) {
      const rest = parts.length > 1 ? splitPrefix(ap.raw)[1] : ap.raw;
      // 0.17 builds these without a location, so their errors point at 1:1-1.
      for (const t of types) queue.push({ ...ap, loc: queryLoc(1, 1), raw: `${t}:${rest}`, ignoreInvalid: true });
      return 'new_aps';
    }
    parts[0] = types[0]!;
  }
  ap.provider = probetypeName(parts[0]!);
  const provider = ap.provider;
  const n = parts.length;
  const needs = (count: string): ParseState => (ap.ignoreInvalid ? 'skip' : invalid(`${provider} probe type requires ${count}`));
  switch (probetype(provider)) {
    case 'invalid':
      diags.list.push({ type: 'FATAL', message: 'Invalid probe type made it to attachpoint parser' });
      return 'fatal';
    case 'special':
      if (n === 2 && parts[1] === '*') parts.pop();
      if (parts.length !== 1) return invalid(`${provider} probe type requires 0 arguments`);
      return 'ok';
    case 'kprobe':
    case 'kretprobe': {
      if (n !== 2) return needs('1 argument');
      const plus = parts[1]!.split('+');
      if (plus.length > 1 && provider === 'kretprobe') return invalid('Offset not allowed');
      if (plus.length > 2) return invalid('Cannot take more than one offset');
      if (plus.length === 2 && integer(plus[1]!) === null) return 'invalid';
      ap.func = plus[0]!;
      return 'ok';
    }
    case 'tracepoint':
      // 0.17 reads `tracepoint:*foo*` as `tracepoint:*:*foo*`: the event is what people look for.
      if (n === 2 && hasWildcard(parts[1]!)) parts.splice(1, 0, '*');
      if (parts.length !== 3) return needs('2 arguments');
      ap.target = parts[1]!;
      ap.func = parts[2]!;
      return 'ok';
    case 'profile':
    case 'interval': {
      if (n !== 3) return invalid(`${provider} probe type requires 2 arguments`);
      ap.target = parts[1]!;
      const freq = integer(parts[2]!);
      if (freq === null) return 'invalid';
      ap.freq = freq;
      return 'ok';
    }
    case 'software':
    case 'hardware':
      if (n !== 2 && n !== 3) return needs('1 or 2 arguments');
      ap.target = parts[1]!;
      if (n === 3 && parts[2] !== '*') {
        const freq = integer(parts[2]!);
        if (freq === null) return 'invalid';
        ap.freq = freq;
      }
      return 'ok';
    case 'iter':
      if (n !== 2 && n !== 3) return ap.ignoreInvalid ? 'skip' : invalid(`${provider} probe type takes 2 arguments (1 optional)`);
      ap.func = parts[1]!;
      return 'ok';
    case 'kfunc':
    case 'kretfunc':
      if (n !== 2 && n !== 3) return needs('1 or 2 arguments');
      ap.func = parts[n - 1]!;
      return 'ok';
    default:
      // uprobe, uretprobe, usdt, watchpoints: 0.17 reads the binary's symbols; the emulated
      // machine's programs are not ELF binaries, so there is nothing to list.
      return invalid(`${provider} probes are not emulated by bpfbox`);
  }
}

/** SemanticAnalyser::visit(AttachPoint) in listing mode: what it rejects before anything is listed. */
function checkListedAttachPoint(ap: ListedAttachPoint, diags: Diagnostics): void {
  const err = (msg: string): void => diags.error(msg, ap.loc);
  switch (probetype(ap.provider)) {
    case 'kprobe':
    case 'kretprobe':
      if (ap.func === '') err('kprobes should be attached to a function');
      break;
    case 'tracepoint':
      if (ap.target === '' || ap.func === '') err('tracepoint probe must have a target');
      break;
    case 'profile':
    case 'interval':
      if (ap.target === '') err(`${ap.provider} probe must have unit of time`);
      else if (!['hz', 'us', 'ms', 's'].includes(ap.target)) err(`${ap.target} is not an accepted unit of time`);
      else if (ap.provider === 'profile' && ap.freq <= 0) err('profile frequency should be a positive integer');
      break;
    case 'software':
    case 'hardware': {
      const list = ap.provider === 'software' ? SW_PROBE_LIST : HW_PROBE_LIST;
      if (ap.target === '') err(`${ap.provider} probe must have a ${ap.provider} event name`);
      else if (!hasWildcard(ap.target) && !ap.ignoreInvalid && !list.some((p) => p.path === ap.target || (p.alias !== '' && p.alias === ap.target))) {
        err(`${ap.target} is not a ${ap.provider} probe`);
      }
      break;
    }
    case 'kfunc':
    case 'kretfunc':
      err('kfunc/kretfunc not available for your kernel version.');
      break;
    case 'iter':
      // The 5.0 kernel has no BPF iterators; 0.17 lets only a listing wildcard through.
      if (ap.func === 'task' || ap.func === 'task_file') err(`iter ${ap.func} not available for your kernel version.`);
      break;
    default:
      break;
  }
}

/**
 * `bpftrace -l [SEARCH]` and `-lv`: the matching probes, one `provider:match` per line in 0.17's
 * order, with `-lv` adding a tracepoint's fields. As in 0.17 the query is read like a program
 * (attach points separated by commas), so its errors print like a program's, against `stdin`.
 */
export function listProbes(search: string | undefined, verbose: boolean): ListResult {
  let query = search ?? '*:*';
  if (query === '*') query = '*:*';
  // `-l 'struct task_struct'` lists BTF types; Ubuntu's 5.0 kernel has no BTF, so there are none.
  if (!query.includes(':') && /^(struct|union|enum)/.test(query)) return { stdout: '', stderr: '', exitCode: 0 };
  if (query === '') {
    // 0.17 reports an empty query before its log knows the source, with this line first.
    return { stdout: '', stderr: 'Log: cannot resolve location before calling set_source().\nERROR: No attach points for probe\n', exitCode: 1 };
  }

  const diags = new Diagnostics();
  const queue = readQuery(query, diags);
  if (!queue) return { stdout: '', stderr: formatDiagnostics(diags, query, 'stdin'), exitCode: 1 };
  const aps: ListedAttachPoint[] = [];
  let failed = false;
  // The queue grows while it is walked: fanned-out attach points are parsed after the others.
  for (const ap of queue) {
    const state = parseListedAttachPoint(ap, diags, queue);
    if (state === 'fatal') return { stdout: '', stderr: formatDiagnostics(diags, query, 'stdin'), exitCode: 134 };
    if (state === 'invalid') failed = true;
    // An attach point stays unless it was skipped or replaced, or never got a provider.
    if ((state === 'ok' || state === 'invalid') && ap.provider !== '') aps.push(ap);
  }
  if (!aps.length) {
    diags.error('No attach points for probe', queryLoc(1, 1));
    failed = true;
  }
  if (!failed) for (const ap of aps) checkListedAttachPoint(ap, diags);
  if (diags.hasErrors) return { stdout: '', stderr: formatDiagnostics(diags, query, 'stdin'), exitCode: 1 };

  let stdout = '';
  for (const ap of aps) {
    const type = probetype(ap.provider);
    for (const match of getMatchesForAp(ap)) {
      stdout += `${type}:${match}\n`;
      if (verbose) for (const param of listParams(type, match)) stdout += `    ${param}\n`;
    }
  }
  return { stdout, stderr: formatDiagnostics(diags, query, 'stdin'), exitCode: 0 };
}

/** What `-lv` prints under a match: a tracepoint's fields, an iterator's context. */
function listParams(type: ProbeType, match: string): string[] {
  if (type === 'tracepoint') {
    const [category, event] = splitPrefix(match);
    return tracepointParams(category, event) ?? [];
  }
  if (type === 'iter') {
    if (match === 'task') return ['struct task_struct * task'];
    if (match === 'task_file') return ['struct task_struct * task', 'int fd', 'struct file * file'];
  }
  return [];
}
