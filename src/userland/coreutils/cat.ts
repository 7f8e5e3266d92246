// cat: files and standard input (`-`, or no operand) to standard output; -n/-b number lines,
// -s squeezes blank lines, -E marks line ends, -T shows tabs, -v shows control and high bytes
// (-A is -vET, -e is -vE, -t is -vT). The line state runs on from one file into the next, as GNU's does.

import { getopt, usageError } from './getopt.js';
import { quote, readOperand, splitLines, strerror, type UtilIo } from './io.js';

const LONG = [
  { name: 'show-all', key: 'A', arg: false }, { name: 'number-nonblank', key: 'b', arg: false },
  { name: 'show-ends', key: 'E', arg: false }, { name: 'number', key: 'n', arg: false },
  { name: 'squeeze-blank', key: 's', arg: false }, { name: 'show-tabs', key: 'T', arg: false },
  { name: 'show-nonprinting', key: 'v', arg: false },
];

export function cat(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  const parsed = getopt(prog, argv.slice(1), 'AbeEnstTuv', LONG);
  if ('error' in parsed) {
    io.stderr(usageError(prog, parsed.error));
    return 1;
  }
  const f = { number: false, nonblank: false, ends: false, squeeze: false, tabs: false, nonprinting: false };
  for (const { key } of parsed.options) {
    if (key === 'A' || key === 'e' || key === 't' || key === 'v') f.nonprinting = true;
    if (key === 'A' || key === 'e' || key === 'E') f.ends = true;
    if (key === 'A' || key === 't' || key === 'T') f.tabs = true;
    if (key === 'n') f.number = true;
    if (key === 'b') f.nonblank = true;
    if (key === 's') f.squeeze = true;
  }
  const plain = !f.number && !f.nonblank && !f.ends && !f.squeeze && !f.tabs && !f.nonprinting;
  const state = { line: 0, atStart: true, blanks: 0 };
  let status = 0;
  for (const name of parsed.operands.length > 0 ? parsed.operands : ['-']) {
    const text = readOperand(name, io);
    if (typeof text !== 'string') {
      io.stderr(`${prog}: ${quote(name, false)}: ${strerror(text.errno)}\n`);
      status = 1;
      continue;
    }
    if (plain) {
      io.stdout(text);
      continue;
    }
    let out = '';
    for (const seg of splitLines(text)) {
      const full = seg.endsWith('\n');
      const body = full ? seg.slice(0, -1) : seg;
      if (state.atStart) {
        const blank = full && body === '';
        state.blanks = blank ? state.blanks + 1 : 0;
        if (f.squeeze && state.blanks > 1) continue;
        if (f.nonblank ? !blank : f.number) out += `${String(++state.line).padStart(6)}\t`;
      }
      out += show(body, f.tabs, f.nonprinting) + (full && f.ends ? '$' : '') + (full ? '\n' : '');
      state.atStart = full;
    }
    io.stdout(out);
  }
  return status;
}

const encoder = new TextEncoder();

/** -T's `^I` and -v's `^X`, `^?` and `M-` notation (byte by byte, as cat sees UTF-8 text). */
function show(s: string, tabs: boolean, nonprinting: boolean): string {
  if (!nonprinting) return tabs ? s.replace(/\t/g, '^I') : s;
  let out = '';
  for (const b of encoder.encode(s)) {
    if (b === 9) out += tabs ? '^I' : '\t';
    else out += control(b);
  }
  return out;
}

function control(b: number): string {
  if (b >= 128) return 'M-' + control(b - 128);
  if (b < 32) return '^' + String.fromCharCode(b + 64);
  if (b === 127) return '^?';
  return String.fromCharCode(b);
}
