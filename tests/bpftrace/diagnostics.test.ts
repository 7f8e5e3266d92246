// bpftrace's error layout (src/log.cpp), against stderr captured from the real bpftrace 0.17 in
// tests/golden/bpftrace/diagnostics/: the place, the source line with tabs as four spaces, the
// `~` underline, and a span over two lines printed as a line range alone.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Diagnostics, formatDiagnostic, formatDiagnostics } from '../../src/bpftrace/diagnostics.js';

const dir = new URL('../golden/bpftrace/diagnostics/', import.meta.url);
const golden = (name: string): string => readFileSync(new URL(name, dir), 'utf8');
const MISMATCH = "Type mismatch for @x: trying to assign value of type 'string[2]' when map already contains a value of type 'int64";

describe('formatDiagnostic', () => {
  it('expands a tab to four spaces in the excerpt and under it, counting it as one column', () => {
    const d = { type: 'ERROR' as const, message: MISMATCH, loc: { line: 1, col: 17, endLine: 1, endCol: 19 } };
    expect(formatDiagnostic(d, golden('tab.bt'), 'stdin')).toBe(golden('tab.err'));
  });

  it('names the file it was given and finds the line in a multi-line program', () => {
    const d = { type: 'ERROR' as const, message: MISMATCH, loc: { line: 3, col: 3, endLine: 3, endCol: 5 } };
    expect(formatDiagnostic(d, golden('file.bt'), 'file.bt')).toBe(golden('file.err'));
  });

  it('prints a span over lines as the line range without an excerpt', () => {
    const ds = new Diagnostics();
    ds.error('printf: %d specifier expects a value of type integer (string supplied)', { line: 1, col: 9, endLine: 2, endCol: 6 });
    expect(formatDiagnostics(ds, golden('multiline.bt'), 'stdin')).toBe(golden('multiline.err'));
    expect(ds.hasErrors).toBe(true);
  });

  it('prints a message without a place as TYPE: message', () => {
    expect(formatDiagnostic({ type: 'WARNING', message: 'no place\n' }, '', 'stdin')).toBe('WARNING: no place\n');
  });
});
