// bpftrace's AttachPointParser (src/ast/attachpoint_parser.cpp): splits each attach point's raw text
// at unquoted `:` into provider, target, function and rate, resolving aliases (`k:`, `t:`, `i:`,
// ...) and positional parameters, with bpftrace's messages for malformed ones. Whether a function,
// tracepoint or rate exists is for the semantic analyser.

import type { AttachPoint, Program } from './ast.js';
import type { Diagnostics } from './diagnostics.js';
import { toUint } from './lexer.js';

type ProbeType =
  | 'kprobe' | 'kretprobe' | 'uprobe' | 'uretprobe' | 'usdt' | 'special' | 'tracepoint' | 'profile' | 'interval'
  | 'software' | 'hardware' | 'watchpoint' | 'asyncwatchpoint' | 'kfunc' | 'kretfunc' | 'iter';

/** PROBE_LIST (src/types.h): name, abbreviation, type. */
const PROBE_LIST: [name: string, abbr: string, type: ProbeType][] = [
  ['kprobe', 'k', 'kprobe'],
  ['kretprobe', 'kr', 'kretprobe'],
  ['uprobe', 'u', 'uprobe'],
  ['uretprobe', 'ur', 'uretprobe'],
  ['usdt', 'U', 'usdt'],
  ['BEGIN', 'BEGIN', 'special'],
  ['END', 'END', 'special'],
  ['tracepoint', 't', 'tracepoint'],
  ['profile', 'p', 'profile'],
  ['interval', 'i', 'interval'],
  ['software', 's', 'software'],
  ['hardware', 'h', 'hardware'],
  ['watchpoint', 'w', 'watchpoint'],
  ['asyncwatchpoint', 'aw', 'asyncwatchpoint'],
  ['kfunc', 'f', 'kfunc'],
  ['kretfunc', 'fr', 'kretfunc'],
  ['iter', 'it', 'iter'],
];

const probeItem = (name: string) => PROBE_LIST.find(([n, a]) => n === name || a === name);

const hasWildcard = (s: string): boolean => s.includes('*') || (s.includes('[') && s.includes(']'));

/** ProbeMatcher's wildcard match: only `*` is special. */
function wildcardMatch(pattern: string, text: string): boolean {
  const re = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${re}$`).test(text);
}

/**
 * The probe types a wildcard probe type may stand for (ProbeMatcher's kernel_probe_list and
 * userspace_probe_list): no return probes, timers or BEGIN/END, and no kfunc, which needs a
 * kernel with BTF trampolines that 5.0 lacks.
 */
const KERNEL_WILDCARD_TYPES = ['kprobe', 'tracepoint', 'software', 'hardware', 'iter'];
const USERSPACE_WILDCARD_TYPES = ['uprobe', 'usdt'];

class ParseError extends Error {}

/** The parser's view of one attach point being split. */
interface Work {
  ap: AttachPoint;
  /** Attach points made by expanding a wildcard probe type skip, not fail, on the wrong arity. */
  ignoreInvalid: boolean;
}

type Outcome = 'ok' | 'skip' | { newRawInputs: string[] };

const numberArg = (text: string): bigint => {
  try {
    return toUint(text);
  } catch (e) {
    throw new ParseError((e as Error).message);
  }
};

/** lex_attachpoint: split at unquoted `:`, unquote, substitute `$N`. */
function lexAttachPoint(raw: string, positional: readonly string[]): string[] {
  const parts: string[] = [];
  let inQuotes = false;
  let arg = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === ':' && !inQuotes) {
      parts.push(arg);
      arg = '';
    } else if (c === '"') {
      inQuotes = !inQuotes;
    } else if (inQuotes && c === '\\' && i + 1 < raw.length) {
      arg += raw[++i];
    } else if (!inQuotes && c === '$') {
      let len = 0;
      while (i + 1 + len < raw.length && raw[i + 1 + len] !== '"' && raw[i + 1 + len] !== ':') len++;
      const idx = raw.slice(i + 1, i + 1 + len);
      const digits = /^[0-9]+/.exec(idx)![0];
      if (digits.length !== idx.length)
        throw new ParseError(`Found trailing text '${idx.slice(digits.length)}' in positional parameter index. Try quoting the trailing text.\n`);
      arg += positional[Number(digits) - 1] ?? '';
      i += len;
    } else {
      arg += c;
    }
  }
  parts.push(arg);
  return parts;
}

function parseAttachPoint(w: Work, positional: readonly string[], listing: boolean): Outcome {
  const ap = w.ap;
  const parts = lexAttachPoint(ap.rawInput, positional);
  if (parts[0] === '') {
    // An empty attach point, as after a trailing comma, is dropped.
    ap.provider = '';
    return 'ok';
  }
  let types: string[];
  if (hasWildcard(parts[0]!)) {
    const query = parts.length === 1 ? '*' : parts[0]!;
    const userspace = parts.length >= 2 && parts[1]!.includes('/');
    types = (userspace ? USERSPACE_WILDCARD_TYPES : KERNEL_WILDCARD_TYPES).filter((n) => wildcardMatch(query, n)).sort();
    if (types.length === 0) throw new ParseError(`No probe type matched for ${parts[0]}\n`);
    if (types.length > 1) {
      const rest = parts.length > 1 ? ap.rawInput.slice(ap.rawInput.indexOf(':') + 1) : ap.rawInput;
      return { newRawInputs: types.map((t) => `${t}:${rest}`) };
    }
  } else {
    types = [parts[0]!];
  }
  const item = probeItem(types[0]!);
  if (!item) throw new InvalidProbeType();
  ap.provider = item[0];
  const arity = (n: number, what: string): Outcome | null => {
    if (parts.length === n) return null;
    if (w.ignoreInvalid) return 'skip';
    throw new ParseError(`${ap.provider} probe type requires ${what}\n`);
  };
  const setWildcard = (): void => {
    if (ap.func.includes('*') || ap.target.includes('*')) ap.needExpansion = true;
  };
  switch (item[2]) {
    case 'special':
      if (parts.length === 2 && parts[1] === '*') parts.pop();
      if (parts.length !== 1) throw new ParseError(`${ap.provider} probe type requires 0 arguments\n`);
      return 'ok';
    case 'kprobe':
    case 'kretprobe': {
      const bad = arity(2, '1 argument');
      if (bad) return bad;
      const fn = parts[1]!;
      const plus = fn.split('+').length - 1;
      if (plus > 0) {
        if (item[2] === 'kretprobe') throw new ParseError('Offset not allowed\n');
        if (plus !== 1) throw new ParseError('Cannot take more than one offset\n');
        const [f, off] = fn.split('+') as [string, string];
        if (f === '' || off === '') throw new ParseError('Invalid offset\n');
        ap.func = f;
        ap.funcOffset = Number(BigInt.asIntN(64, numberArg(off)));
      } else {
        ap.func = fn;
      }
      if (ap.func.includes('*')) ap.needExpansion = true;
      return 'ok';
    }
    case 'uprobe':
    case 'uretprobe': {
      const bad = arity(3, '2 arguments');
      if (bad) return bad;
      ap.target = parts[1]!;
      ap.func = parts[2]!;
      setWildcard();
      return 'ok';
    }
    case 'usdt': {
      if (parts.length !== 2 && parts.length !== 3 && parts.length !== 4) {
        if (w.ignoreInvalid) return 'skip';
        throw new ParseError(`${ap.provider} probe type requires 2 or 3 arguments\n`);
      }
      ap.target = parts.length === 2 ? '' : parts[1]!;
      ap.func = parts[parts.length - 1]!;
      setWildcard();
      return 'ok';
    }
    case 'tracepoint': {
      // `tracepoint:*foo*` looks for the event in every category.
      if (parts.length === 2 && hasWildcard(parts[1]!)) parts.splice(1, 0, '*');
      const bad = arity(3, '2 arguments');
      if (bad) return bad;
      ap.target = parts[1]!;
      ap.func = parts[2]!;
      setWildcard();
      return 'ok';
    }
    case 'profile':
    case 'interval':
      if (parts.length !== 3) throw new ParseError(`${ap.provider} probe type requires 2 arguments\n`);
      ap.target = parts[1]!;
      ap.freq = Number(numberArg(parts[2]!));
      return 'ok';
    case 'software':
    case 'hardware':
      if (parts.length !== 2 && parts.length !== 3) {
        if (w.ignoreInvalid) return 'skip';
        throw new ParseError(`${ap.provider} probe type requires 1 or 2 arguments\n`);
      }
      ap.target = parts[1]!;
      if (parts.length === 3 && parts[2] !== '*') ap.freq = Number(numberArg(parts[2]!));
      return 'ok';
    case 'watchpoint':
    case 'asyncwatchpoint':
      // The AST has no address, length or mode: only the checks are made here.
      if (parts.length !== 4) throw new ParseError(`${ap.provider} probe type requires 3 arguments\n`);
      if (!parts[1]!.includes('+')) numberArg(parts[1]!);
      numberArg(parts[2]!);
      return 'ok';
    case 'kfunc':
    case 'kretfunc':
      if (parts.length !== 2 && parts.length !== 3) {
        if (w.ignoreInvalid) return 'skip';
        throw new ParseError(`${ap.provider} probe type requires 1 or 2 arguments\n`);
      }
      if (parts.length === 3) {
        ap.target = parts[1]!;
        ap.func = parts[2]!;
      } else {
        ap.func = parts[1]!;
        if (ap.func.includes('*')) ap.target = '*';
      }
      setWildcard();
      return 'ok';
    case 'iter':
      if (parts.length !== 2 && parts.length !== 3) {
        if (w.ignoreInvalid) return 'skip';
        throw new ParseError(`${ap.provider} probe type takes 2 arguments (1 optional)\n`);
      }
      if (parts[1]!.includes('*')) {
        if (listing) ap.needExpansion = true;
        else if (w.ignoreInvalid) return 'skip';
        else throw new ParseError(`${ap.provider} probe type does not support wildcards\n`);
      }
      ap.func = parts[1]!;
      return 'ok';
  }
}

/** A provider that is no probe type: bpftrace logs FATAL and aborts. */
class InvalidProbeType extends Error {}

/**
 * AttachPointParser::parse: fills provider, target, func, freq, funcOffset and needExpansion in
 * place, expands wildcard probe types into one attach point per type and drops empty ones.
 * `listing` is `bpftrace -l`'s mode, where iter probes may have wildcards. Returns false after
 * reporting errors. An unknown probe type is reported as bpftrace's FATAL
 * (bpftrace then aborts, exit status 134).
 */
export function parseAttachPoints(program: Program, diags: Diagnostics, positional: readonly string[], listing = false): boolean {
  let failed = 0;
  for (const probe of program.probes) {
    const works: Work[] = probe.attachPoints.map((ap) => ({ ap, ignoreInvalid: false }));
    for (let i = 0; i < works.length; i++) {
      const w = works[i]!;
      let outcome: Outcome;
      try {
        outcome = parseAttachPoint(w, positional, listing);
      } catch (e) {
        if (e instanceof InvalidProbeType) {
          diags.list.push({ type: 'FATAL', message: 'Invalid probe type made it to attachpoint parser' });
          return false;
        }
        if (!(e instanceof ParseError)) throw e;
        failed++;
        diags.error(e.message, w.ap.loc);
        continue;
      }
      if (outcome !== 'ok') {
        works.splice(i, 1);
        i--;
        if (outcome !== 'skip')
          for (const rawInput of outcome.newRawInputs)
            works.push({
              ap: { loc: { line: 1, col: 1, endLine: 1, endCol: 1 }, rawInput, provider: '', target: '', func: '', freq: 0, funcOffset: 0, needExpansion: false },
              ignoreInvalid: true,
            });
      }
    }
    probe.attachPoints = works.map((w) => w.ap).filter((ap) => ap.provider !== '');
    if (probe.attachPoints.length === 0) {
      diags.error('No attach points for probe', probe.loc);
      failed++;
    }
  }
  return failed === 0;
}
