// dmesg (util-linux 2.33, Ubuntu 19.04), reading the kernel log from /dev/kmsg: each record
// `prefix,seq,usec,flags;text` (continuation lines starting with a space carry the record's
// dictionary and are not shown) printed as `[%5ld.%06ld] text`; -r keeps the <prefix>, -t drops
// the time, -x names facility and level, -l keeps the listed levels, -k the kernel's records.

import { getopt } from '../coreutils/getopt.js';
import { strerror, type UtilIo } from '../coreutils/io.js';

const LONG = [
  { name: 'raw', key: 'r', arg: false }, { name: 'notime', key: 't', arg: false }, { name: 'decode', key: 'x', arg: false },
  { name: 'level', key: 'l', arg: true }, { name: 'kernel', key: 'k', arg: false },
] as const;

const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];
const FACILITIES = ['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'res0', 'res1', 'res2', 'res3',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'];

interface Record {
  facility: number;
  level: number;
  usec: number;
  text: string;
}

/** unhexmangle: the \xNN escapes back to bytes. */
function unescape(s: string): string {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < s.length; ) {
    if (s[i] === '\\' && s[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
      bytes.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 4;
    } else {
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...enc.encode(ch));
      i += ch.length;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** parse_kmsg_record, for each record line. */
function parseKmsg(text: string): Record[] {
  const out: Record[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith(' ')) continue;
    const semi = line.indexOf(';');
    if (semi < 0) continue;
    const [prefix, , usec] = line.slice(0, semi).split(',');
    const p = Number(prefix);
    out.push({ facility: p >> 3, level: p & 7, usec: Number(usec), text: unescape(line.slice(semi + 1)) });
  }
  return out;
}

/** safe_fwrite: what the terminal cannot show goes out as \xNN again. */
const safe = (s: string): string => s.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

export function dmesg(argv: string[], io: UtilIo): number {
  const parsed = getopt('dmesg', argv.slice(1), 'rtxl:k', LONG);
  if ('error' in parsed) {
    io.stderr(`${parsed.error}\nTry 'dmesg --help' for more information.\n`);
    return 1;
  }
  let raw = false;
  let notime = false;
  let decode = false;
  let kernelOnly = false;
  let levels: Set<number> | null = null;
  for (const { key, value } of parsed.options) {
    if (key === 'r') raw = true;
    else if (key === 't') notime = true;
    else if (key === 'x') decode = true;
    else if (key === 'k') kernelOnly = true;
    else if (key === 'l') {
      levels ??= new Set();
      for (const name of value!.split(',')) {
        const i = LEVELS.indexOf(name);
        if (i < 0) {
          io.stderr(`dmesg: unknown level '${name}'\n`);
          return 1;
        }
        levels.add(i);
      }
    }
  }
  const text = io.readFile('/dev/kmsg');
  if (typeof text !== 'string') {
    io.stderr(`dmesg: read kernel buffer failed: ${strerror(text.errno)}\n`);
    return 1;
  }
  let out = '';
  for (const r of parseKmsg(text)) {
    if (levels && !levels.has(r.level)) continue;
    if (kernelOnly && r.facility !== 0) continue;
    const time = `[${String(Math.floor(r.usec / 1e6)).padStart(5)}.${String(r.usec % 1e6).padStart(6, '0')}] `;
    if (raw) out += `<${(r.facility << 3) | r.level}>`;
    else if (decode) out += `${`${FACILITIES[r.facility] ?? r.facility}`.padEnd(6)}:${LEVELS[r.level]!.padEnd(6)}: `;
    out += `${notime ? '' : time}${safe(r.text)}\n`;
  }
  io.stdout(out);
  return 0;
}
