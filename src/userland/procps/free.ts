// free, as procps-ng 3.3.15 prints it: RAM and swap from /proc/meminfo in KiB (default), bytes
// (-b), KiB/MiB/GiB (-k/-m/-g, or --kilo/--mega/--giga with --si's powers of 1000), or scaled
// to fit four or five cells (-h); -w splits buffers from cache, -t adds a total, -l the low and
// high lines. "used" is total less free, buffers and cache, where cache counts reclaimable slab.

import { getopt } from '../coreutils/getopt.js';
import type { UtilIo } from '../coreutils/io.js';
import { readMeminfo } from './proc.js';

const LONG = [
  { name: 'bytes', key: 'b', arg: false }, { name: 'kilo', key: 'kilo', arg: false }, { name: 'mega', key: 'mega', arg: false },
  { name: 'giga', key: 'giga', arg: false }, { name: 'tera', key: 'tera', arg: false }, { name: 'peta', key: 'peta', arg: false },
  { name: 'kibi', key: 'k', arg: false }, { name: 'mebi', key: 'm', arg: false }, { name: 'gibi', key: 'g', arg: false },
  { name: 'tebi', key: 'tebi', arg: false }, { name: 'pebi', key: 'pebi', arg: false }, { name: 'human', key: 'h', arg: false },
  { name: 'si', key: 'si', arg: false }, { name: 'lohi', key: 'l', arg: false }, { name: 'total', key: 't', arg: false },
  { name: 'wide', key: 'w', arg: false }, { name: 'help', key: 'help', arg: false }, { name: 'version', key: 'V', arg: false },
] as const;

const EXPONENT: Record<string, [number, boolean]> = {
  b: [1, false], k: [2, false], m: [3, false], g: [4, false], tebi: [5, false], pebi: [6, false],
  kilo: [2, true], mega: [3, true], giga: [4, true], tera: [5, true], peta: [6, true],
};

const USAGE =
  '\nUsage:\n free [options]\n\nOptions:\n' +
  ' -b, --bytes         show output in bytes\n' +
  '     --kilo          show output in kilobytes\n' +
  '     --mega          show output in megabytes\n' +
  '     --giga          show output in gigabytes\n' +
  '     --tera          show output in terabytes\n' +
  '     --peta          show output in petabytes\n' +
  ' -k, --kibi          show output in kibibytes\n' +
  ' -m, --mebi          show output in mebibytes\n' +
  ' -g, --gibi          show output in gibibytes\n' +
  '     --tebi          show output in tebibytes\n' +
  '     --pebi          show output in pebibytes\n' +
  ' -h, --human         show human-readable output\n' +
  '     --si            use powers of 1000 not 1024\n' +
  ' -l, --lohi          show detailed low and high memory statistics\n' +
  ' -t, --total         show total for RAM + swap\n' +
  ' -s N, --seconds N   repeat printing every N seconds\n' +
  ' -c N, --count N     repeat printing N times, then exit\n' +
  ' -w, --wide          wide output\n' +
  '\n     --help     display this help and exit\n' +
  ' -V, --version  output version information and exit\n' +
  '\nFor more details see free(1).\n';

/** printf's %.1f of a float: the nearest tenth, an exact tie to the even digit. */
function fixed1(x: number): string {
  const f = Math.fround(x);
  const scaled = f * 10;
  let n = Math.floor(scaled);
  const frac = scaled - n;
  if (frac > 0.5 || (frac === 0.5 && n % 2 === 1)) n++;
  return `${Math.floor(n / 10)}.${n % 10}`;
}

interface Scale {
  exponent: number;
  human: boolean;
  si: boolean;
}

/** scale_size. */
function scaleSize(size: number, s: Scale): string {
  const base = s.si ? 1000 : 1024;
  if (s.exponent === 0 && !s.human) return String(size);
  if (!s.human) {
    if (s.exponent === 1) return String(size * 1024);
    return String(Math.floor((size * 1024) / base ** (s.exponent - 1)));
  }
  const units = 'BKMGTP';
  let buf = `${size * 1024}B`;
  if (buf.length <= 4) return buf;
  for (let i = 2; i <= 6; i++) {
    // 3.3.15 drops the KiB below a MiB before scaling.
    const v = Math.fround(Math.floor(size / 1024) * base) / base ** (i - 2);
    const unit = units[i - 1]! + (s.si ? '' : 'i');
    const room = s.si ? 4 : 5;
    buf = `${fixed1(v)}${unit}`;
    if (buf.length <= room) return buf;
    buf = `${Math.trunc(v)}${unit}`;
    if (buf.length <= room) return buf;
  }
  return buf;
}

export function free(argv: string[], io: UtilIo): number {
  const parsed = getopt('free', argv.slice(1), 'bkmghltwV', LONG);
  if ('error' in parsed) {
    io.stderr(`${parsed.error}\n${USAGE}`);
    return 1;
  }
  const scale: Scale = { exponent: 0, human: false, si: false };
  let wide = false;
  let total = false;
  let lohi = false;
  for (const { key } of parsed.options) {
    const e = EXPONENT[key];
    if (e) {
      scale.exponent = e[0];
      if (e[1]) scale.si = true;
    } else if (key === 'h') scale.human = true;
    else if (key === 'si') scale.si = true;
    else if (key === 'w') wide = true;
    else if (key === 't') total = true;
    else if (key === 'l') lohi = true;
    else if (key === 'help') {
      io.stdout(USAGE);
      return 0;
    } else if (key === 'V') {
      io.stdout('free from procps-ng 3.3.15\n');
      return 0;
    }
  }
  if (parsed.operands.length > 0) {
    io.stderr(USAGE);
    return 1;
  }
  const m = readMeminfo(io);
  if (!m) {
    io.stderr('Error: /proc must be mounted\n  To mount /proc at boot you need an /etc/fstab line like:\n      proc   /proc   proc    defaults\n  In the meantime, run "mount proc /proc -t proc"\n');
    return 1;
  }
  const get = (k: string): number => m.get(k) ?? 0;
  const mainTotal = get('MemTotal');
  const mainFree = get('MemFree');
  const buffers = get('Buffers');
  const cached = get('Cached') + get('SReclaimable');
  let available = get('MemAvailable');
  if (available > mainTotal) available = mainFree;
  let used = mainTotal - mainFree - cached - buffers;
  if (used < 0) used = mainTotal - mainFree;
  const swapTotal = get('SwapTotal');
  const swapFree = get('SwapFree');
  const cell = (n: number): string => ` ${scaleSize(n, scale).padStart(11)}`;
  const row = (label: string, ...vals: number[]): string => `${label.padEnd(7)}${vals.map(cell).join('')}\n`;
  let out = wide
    ? '              total        used        free      shared     buffers       cache   available\n'
    : '              total        used        free      shared  buff/cache   available\n';
  out += wide
    ? row('Mem:', mainTotal, used, mainFree, get('Shmem'), buffers, cached, available)
    : row('Mem:', mainTotal, used, mainFree, get('Shmem'), buffers + cached, available);
  if (lohi) {
    // Without HIGHMEM, low memory is all of it (meminfo() copies main into low).
    out += row('Low:', mainTotal, mainTotal - mainFree, mainFree);
    out += row('High:', 0, 0, 0);
  }
  out += row('Swap:', swapTotal, swapTotal - swapFree, swapFree);
  if (total) out += row('Total:', mainTotal + swapTotal, used + swapTotal - swapFree, mainFree + swapFree);
  io.stdout(out);
  return 0;
}
