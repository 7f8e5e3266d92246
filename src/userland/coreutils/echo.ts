// echo, as bash's builtin (which is what runs when a user types it): -n, -e, -E, and only when
// they lead the arguments, alone or combined (`-ne`); anything else, `--` included, is printed.

import type { UtilIo } from './io.js';

export function echo(argv: string[], io: UtilIo): number {
  io.stdout(echoText(argv));
  return 0;
}

/** What echo ARGV prints (bash's builtin writes it itself). */
export function echoText(argv: readonly string[]): string {
  let newline = true;
  let escapes = false;
  let i = 1;
  for (; i < argv.length && /^-[neE]+$/.test(argv[i]!); i++) {
    for (const c of argv[i]!.slice(1)) {
      if (c === 'n') newline = false;
      else escapes = c === 'e';
    }
  }
  const words = argv.slice(i);
  if (!escapes) return words.join(' ') + (newline ? '\n' : '');
  let out = '';
  for (const [k, word] of words.entries()) {
    const [text, stop] = unescape(word);
    out += (k > 0 ? ' ' : '') + text;
    if (stop) return out;
  }
  return out + (newline ? '\n' : '');
}

const SIMPLE: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** echo -e's escapes in S, and whether `\c` asked for the output to stop there. */
function unescape(s: string): [string, boolean] {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const next = s[i + 1];
    if (c !== '\\' || next === undefined) {
      out += c;
      continue;
    }
    i++;
    if (next === 'c') return [out, true];
    if (SIMPLE[next] !== undefined) {
      out += SIMPLE[next];
      continue;
    }
    // \0nnn (up to three octal digits after the 0), \xHH, \uHHHH, \UHHHHHHHH.
    const [re, max] = next === '0' ? [/[0-7]/, 3] : next === 'x' ? [/[0-9a-fA-F]/, 2] : next === 'u' ? [/[0-9a-fA-F]/, 4] : next === 'U' ? [/[0-9a-fA-F]/, 8] : [null, 0];
    if (re === null) {
      out += '\\' + next;
      continue;
    }
    let digits = '';
    while (digits.length < max && s[i + 1] !== undefined && re.test(s[i + 1]!)) digits += s[++i];
    if (next === '0') out += String.fromCharCode(parseInt(digits || '0', 8) & 0xff);
    else if (digits === '') out += '\\' + next;
    else {
      const code = parseInt(digits, 16);
      out += code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
  }
  return [out, false];
}
