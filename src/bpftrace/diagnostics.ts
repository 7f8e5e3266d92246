// bpftrace's log (src/log.cpp): every pass reports through a Diagnostics list, and the CLI prints
// them as bpftrace does: `FILE:L:C1-C2: ERROR: message`, the source line (tabs as four spaces) and
// `~` under the span; a span over several lines prints `FILE:L1-L2: ERROR: message` alone.

import type { Location } from './ast.js';

export type LogType = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'FATAL' | 'BUG';

export interface Diagnostic {
  type: LogType;
  message: string;
  /** Absent for messages bpftrace prints without a place (`ERROR: message`). */
  loc?: Location;
  /** Another tool's lines, which bpftrace passes on as they are (clang's diagnostics). */
  verbatim?: true;
}

export class Diagnostics {
  readonly list: Diagnostic[] = [];

  error(message: string, loc?: Location): void {
    this.list.push({ type: 'ERROR', message, ...(loc ? { loc } : {}) });
  }

  warning(message: string, loc?: Location): void {
    this.list.push({ type: 'WARNING', message, ...(loc ? { loc } : {}) });
  }

  info(message: string): void {
    this.list.push({ type: 'INFO', message });
  }

  /** An error in another tool's words, printed without bpftrace's `ERROR: `. */
  verbatimError(message: string): void {
    this.list.push({ type: 'ERROR', message, verbatim: true });
  }

  get hasErrors(): boolean {
    return this.list.some((d) => d.type === 'ERROR' || d.type === 'FATAL');
  }
}

/** The Nth source line (1-based), as Log::get_source_line finds it; '' past the end. */
function sourceLine(source: string, n: number): string {
  const lines = source.split('\n');
  // getline on text ending in '\n' yields no empty last line.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines[n - 1] ?? '';
}

/** One diagnostic as bpftrace prints it, ending in a newline. `filename` is `stdin` for -e. */
export function formatDiagnostic(d: Diagnostic, source: string, filename: string): string {
  const msg = d.message.endsWith('\n') ? d.message.slice(0, -1) : d.message;
  const l = d.loc;
  if (d.verbatim) return `${msg}\n`;
  if (!l) return `${d.type}: ${msg}\n`;
  const file = filename ? `${filename}:` : '';
  if (l.line < l.endLine) return `${file}${l.line}-${l.endLine}: ${d.type}: ${msg}\n`;
  let out = `${file}${l.line}:${l.col}-${l.endCol}: ${d.type}: ${msg}\n`;
  const src = sourceLine(source, l.line);
  if (src === '') return out;
  out += `${src.replace(/\t/g, '    ')}\n`;
  let marks = '';
  for (let x = 0; x < src.length && x < l.endCol - 1; x++) {
    const m = x < l.col - 1 ? ' ' : '~';
    marks += src[x] === '\t' ? m.repeat(4) : m;
  }
  return `${out}${marks}\n`;
}

export function formatDiagnostics(ds: Diagnostics | readonly Diagnostic[], source: string, filename: string): string {
  const list = ds instanceof Diagnostics ? ds.list : ds;
  return list.map((d) => formatDiagnostic(d, source, filename)).join('');
}
