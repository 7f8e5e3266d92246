// ps, as procps-ng 3.3.15 (Ubuntu 19.04) prints: the default `PID TTY TIME CMD`, -e/-A (every
// process), -f (full format), and BSD-style a, x and u (`ps aux`). Columns are laid out as
// show_one_proc does: each column has a width, a value wider than its column pushes the rest of
// the line right until later padding absorbs it, and the last column takes what is left of the
// screen (unlimited when standard output is not a terminal, or COLUMNS wide).

import type { UtilIo } from '../coreutils/io.js';
import { bootTime, HERTZ, readMeminfo, readProcs, uptimeSeconds, type ProcT } from './proc.js';

/** OUTBUF_SIZE: the widest line ps builds. */
const OUTBUF_SIZE = 2 * 64 * 1024;

type Just = 'right' | 'left' | 'user' | 'unlimited';

interface Ctx {
  readonly now: number;
  readonly btime: number;
  readonly uptime: number;
  readonly memTotalKb: number;
  readonly users: Map<number, string>;
}

interface Column {
  readonly header: string;
  readonly width: number;
  readonly just: Just;
  /** The cell's text; `room` is max_rightward, the cells it may take. */
  readonly pr: (p: ProcT, c: Ctx, room: number) => string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** The machine has no time zone set: localtime is UTC. */
function tm(t: number): Date {
  return new Date(t * 1000);
}

const dayOfYear = (d: Date): number => Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000);

/** escape_str in the C locale: what a terminal cannot show becomes '?'; at most `room` cells. */
function escapeStr(s: string, room: number): string {
  return s.replace(/[\x00-\x1f\x7f-\uffff]/g, '?').slice(0, Math.max(0, room));
}

/** escape_command with ESC_DEFUNCT (and ESC_BRACKETS for a process without a command line). */
function escapeCommand(p: ProcT, room: number, brackets: boolean): string {
  const defunct = p.state === 'Z';
  const overhead = (brackets ? 2 : 0) + (defunct ? 10 : 0);
  if (overhead + 1 >= room) return escapeStr(p.cmd, 1).slice(0, 1);
  const name = escapeStr(p.cmd, room - overhead);
  return (brackets ? `[${name}]` : name) + (defunct ? ' <defunct>' : '');
}

/** The args column: the command line, or `[comm]` when there is none (fill_cmdline_cvt). */
const args = (p: ProcT, _c: Ctx, room: number): string => (p.cmdline !== null ? escapeStr(p.cmdline, room) : escapeCommand(p, room, true));

/** dev_to_tty, abbreviated: no terminal is `?`. */
function ttyName(tty: number): string {
  if (tty === 0) return '?';
  const major = (tty >> 8) & 0xfff;
  const minor = (tty & 0xff) | ((tty >> 12) & 0xfff00);
  if (major >= 136 && major <= 143) return `pts/${minor + (major - 136) * 256}`;
  if (major === 4 && minor < 64) return `tty${minor}`;
  if (major === 4) return `ttyS${minor - 64}`;
  return '?';
}

/** seconds of process life (cook_etime). */
const etime = (p: ProcT, c: Ctx): number => Math.max(0, Math.floor(c.uptime) - Math.floor(p.startTime / HERTZ));
const cputime = (p: ProcT): number => Math.floor((p.utime + p.stime) / HERTZ);

/** do_pr_name: a user name that does not fit ends in '+'. */
function userCell(p: ProcT, c: Ctx, room: number): string {
  const name = c.users.get(p.euid);
  if (name === undefined) return String(p.euid);
  const e = escapeStr(name, OUTBUF_SIZE);
  if (e.length <= room) return e;
  return room >= 1 ? e.slice(0, room - 1) + '+' : String(p.euid);
}

/** pr_stime: the start as HH:MM today, MonDD this year, else the year. */
function startTime(p: ProcT, c: Ctx): string {
  const now = tm(c.now);
  const t = tm(c.btime + Math.floor(p.startTime / HERTZ));
  if (now.getUTCFullYear() !== t.getUTCFullYear()) return String(t.getUTCFullYear());
  if (dayOfYear(now) !== dayOfYear(t)) return `${MONTHS[t.getUTCMonth()]}${two(t.getUTCDate())}`;
  return `${two(t.getUTCHours())}:${two(t.getUTCMinutes())}`;
}

const COLUMNS: Record<string, Column> = {
  pid: { header: 'PID', width: 5, just: 'right', pr: (p) => String(p.tgid) },
  ppid: { header: 'PPID', width: 5, just: 'right', pr: (p) => String(p.ppid) },
  tname: { header: 'TTY', width: 8, just: 'left', pr: (p) => ttyName(p.tty) },
  time: {
    header: 'TIME',
    width: 8,
    just: 'right',
    pr: (p) => {
      let t = cputime(p);
      const ss = t % 60;
      t = Math.floor(t / 60);
      const mm = t % 60;
      t = Math.floor(t / 60);
      const hh = t % 24;
      const dd = Math.floor(t / 24);
      return `${dd ? `${dd}-` : ''}${two(hh)}:${two(mm)}:${two(ss)}`;
    },
  },
  ucmd: { header: 'CMD', width: 15, just: 'unlimited', pr: (p, _c, room) => escapeCommand(p, room, false) },
  cmd: { header: 'CMD', width: 27, just: 'unlimited', pr: args },
  args: { header: 'COMMAND', width: 27, just: 'unlimited', pr: args },
  uid_hack: { header: 'UID', width: 8, just: 'user', pr: userCell },
  user: { header: 'USER', width: 8, just: 'user', pr: userCell },
  c: {
    header: 'C',
    width: 2,
    just: 'right',
    pr: (p, c) => {
      const s = etime(p, c);
      const pcpu = s ? Math.floor(Math.floor(((p.utime + p.stime) * 100) / HERTZ) / s) : 0;
      return String(Math.min(pcpu, 99)).padStart(2);
    },
  },
  stime: { header: 'STIME', width: 5, just: 'right', pr: startTime },
  start_time: { header: 'START', width: 5, just: 'right', pr: startTime },
  pcpu: {
    header: '%CPU',
    width: 4,
    just: 'right',
    pr: (p, c) => {
      const s = etime(p, c);
      const pcpu = s ? Math.floor(Math.floor(((p.utime + p.stime) * 1000) / HERTZ) / s) : 0;
      return pcpu > 999 ? String(Math.floor(pcpu / 10)) : `${Math.floor(pcpu / 10)}.${pcpu % 10}`;
    },
  },
  pmem: {
    header: '%MEM',
    width: 4,
    just: 'right',
    pr: (p, c) => {
      const pmem = Math.min(999, c.memTotalKb ? Math.floor((p.vmRss * 1000) / c.memTotalKb) : 0);
      return `${String(Math.floor(pmem / 10)).padStart(2)}.${pmem % 10}`;
    },
  },
  vsz: { header: 'VSZ', width: 6, just: 'right', pr: (p) => String(p.vmSize) },
  rss: { header: 'RSS', width: 5, just: 'right', pr: (p) => String(p.vmRss) },
  stat: {
    header: 'STAT',
    width: 4,
    just: 'left',
    pr: (p) =>
      p.state +
      (p.nice < 0 ? '<' : p.nice > 0 ? 'N' : '') +
      (p.vmLock ? 'L' : '') +
      (p.session === p.tgid ? 's' : '') +
      (p.nlwp > 1 ? 'l' : '') +
      (p.pgrp === p.tpgid ? '+' : ''),
  },
  bsdtime: {
    header: 'TIME',
    width: 6,
    just: 'right',
    pr: (p) => {
      const u = cputime(p);
      return `${String(Math.floor(u / 60)).padStart(3)}:${two(u % 60)}`;
    },
  },
};

const FORMATS = {
  default: ['pid', 'tname', 'time', 'ucmd'],
  f: ['uid_hack', 'pid', 'ppid', 'c', 'stime', 'tname', 'time', 'cmd'],
  u: ['user', 'pid', 'pcpu', 'pmem', 'vsz', 'rss', 'tname', 'stat', 'start_time', 'bsdtime', 'args'],
  x: ['pid', 'tname', 'stat', 'bsdtime', 'args'],
} as const;

/** show_one_proc: one line, the header when `p` is null. */
function showOneProc(cols: readonly Column[], p: ProcT | null, c: Ctx, activeCols: number): string {
  let correct = 0;
  let actual = 0;
  let dospace = 0;
  let out = '';
  for (let i = 0; i < cols.length; i++) {
    const col = cols[i]!;
    const last = i === cols.length - 1;
    let maxRightward: number;
    let tmpspace = 0;
    if (!last) maxRightward = col.width;
    else {
      tmpspace = correct - actual;
      if (tmpspace < 1) {
        tmpspace = dospace;
        maxRightward = activeCols - actual - tmpspace;
      } else maxRightward = activeCols - Math.max(correct, actual);
    }
    maxRightward = Math.max(0, Math.min(maxRightward, OUTBUF_SIZE - 1));
    let text = p ? col.pr(p, c, maxRightward) : col.header;
    let leftpad = 0;
    if (col.just === 'right') leftpad = Math.max(0, col.width - text.length);
    else if (col.just === 'unlimited' && activeCols - actual - tmpspace < 1) text = text.slice(0, 1);
    let space = correct - actual + leftpad;
    if (space < 1) space = dospace;
    if (last) return `${out}${' '.repeat(space)}${text}\n`;
    out += ' '.repeat(space) + text;
    actual += space + text.length;
    correct += col.width + 1;
    dospace = 1;
  }
  return out;
}

const USAGE =
  '\nUsage:\n ps [options]\n\n' +
  " Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\n" +
  'For more details see ps(1).\n';

interface Selection {
  all: boolean;
  /** BSD a: processes with a terminal, any user. */
  bsdA: boolean;
  /** BSD x: without the terminal requirement. */
  bsdX: boolean;
  format: keyof typeof FORMATS;
}

function parseArgs(args: readonly string[]): Selection | string {
  const sel: Selection = { all: false, bsdA: false, bsdX: false, format: 'default' };
  let full = false;
  let bsdU = false;
  let bsd = false;
  for (const a of args) {
    if (a.startsWith('-')) {
      for (const ch of a.slice(1)) {
        if (ch === 'e' || ch === 'A') sel.all = true;
        else if (ch === 'f') full = true;
        else return 'unsupported SysV option';
      }
    } else {
      bsd = true;
      for (const ch of a) {
        if (ch === 'a') sel.bsdA = true;
        else if (ch === 'x') sel.bsdX = true;
        else if (ch === 'u') bsdU = true;
        else return 'unsupported option (BSD syntax)';
      }
    }
  }
  sel.format = bsdU ? 'u' : full ? 'f' : bsd ? 'x' : 'default';
  return sel;
}

function passwd(io: UtilIo): Map<number, string> {
  const m = new Map<number, string>();
  const t = io.readFile('/etc/passwd');
  if (typeof t !== 'string') return m;
  for (const line of t.split('\n')) {
    const f = line.split(':');
    if (f.length >= 4 && f[2] !== '' && !m.has(Number(f[2]))) m.set(Number(f[2]), f[0]!);
  }
  return m;
}

/** simple_select/want_this_proc for the selections supported here. */
function wanted(sel: Selection, p: ProcT, euid: number, tty: number): boolean {
  if (sel.all || (sel.bsdA && sel.bsdX)) return true;
  if (sel.bsdA) return p.tty !== 0;
  if (sel.bsdX) return p.euid === euid;
  return p.euid === euid && p.tty === tty;
}

export function ps(argv: string[], io: UtilIo): number {
  const sel = parseArgs(argv.slice(1));
  if (typeof sel === 'string') {
    io.stderr(`error: ${sel}\n${USAGE}`);
    return 1;
  }
  const procs = readProcs(io);
  const uptime = uptimeSeconds(io);
  if (procs === null || uptime === null) {
    io.stderr('Error, do this: mount -t proc proc /proc\n');
    return 1;
  }
  const btime = bootTime(io);
  const self = io.readFile('/proc/self/stat');
  const tty = typeof self === 'string' ? Number(self.slice(self.lastIndexOf(')') + 2).split(' ')[4]) : 0;
  const columnsEnv = io.environ.find((e) => e.startsWith('COLUMNS='))?.slice(8);
  const cols = columnsEnv !== undefined && /^[1-9]\d*$/.test(columnsEnv) && Number(columnsEnv) < OUTBUF_SIZE ? Number(columnsEnv) : OUTBUF_SIZE;
  const ctx: Ctx = {
    now: btime + Math.floor(uptime),
    btime,
    uptime,
    memTotalKb: readMeminfo(io)?.get('MemTotal') ?? 0,
    users: passwd(io),
  };
  const format = FORMATS[sel.format].map((n) => COLUMNS[n]!);
  let out = showOneProc(format, null, ctx, cols);
  let shown = 0;
  for (const p of procs) {
    if (!wanted(sel, p, io.uid, tty)) continue;
    out += showOneProc(format, p, ctx, cols);
    shown++;
  }
  io.stdout(out);
  return shown ? 0 : 1;
}
