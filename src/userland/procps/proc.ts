// What procps' readproc takes from /proc: each process's stat, status and cmdline, and the
// system files the tools read (/proc/uptime, /proc/meminfo, /proc/stat's btime), through the
// process's io. Parsing follows readproc.c (the comm is between the first '(' and the last ')').

import type { UtilIo } from '../coreutils/io.js';

export interface ProcT {
  tgid: number;
  /** The comm from stat. */
  cmd: string;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  tty: number;
  tpgid: number;
  /** Clock ticks (USER_HZ). */
  utime: number;
  stime: number;
  nice: number;
  startTime: number;
  euid: number;
  nlwp: number;
  /** kB, from status (0 for kernel threads, which print no Vm lines). */
  vmSize: number;
  vmRss: number;
  vmLock: number;
  /** cmdline with NULs and newlines as spaces, or null when empty (kernel threads). */
  cmdline: string | null;
}

/** USER_HZ, what /proc/PID/stat counts in. */
export const HERTZ = 100;

function parseStat(text: string): Omit<ProcT, 'euid' | 'nlwp' | 'vmSize' | 'vmRss' | 'vmLock' | 'cmdline'> | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const f = text.slice(close + 2).trim().split(' ');
  const n = (i: number): number => Number(f[i]);
  return {
    tgid: Number(text.slice(0, open).trim()),
    cmd: text.slice(open + 1, close),
    state: f[0]!,
    ppid: n(1),
    pgrp: n(2),
    session: n(3),
    tty: n(4),
    tpgid: n(5),
    utime: n(11),
    stime: n(12),
    nice: n(16),
    startTime: n(19),
  };
}

function statusField(status: string, name: string): string | null {
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status);
  return m ? m[1]! : null;
}

/** read_unvectored: trailing NULs dropped, the rest of the NULs and newlines become spaces. */
function unvector(raw: string): string | null {
  const s = raw.replace(/\0+$/, '').replace(/[\0\n]/g, ' ');
  return s === '' ? null : s;
}

/** One process, or null if it went away while being read. */
export function readProc(io: UtilIo, pid: string): ProcT | null {
  const stat = io.readFile(`/proc/${pid}/stat`);
  const status = io.readFile(`/proc/${pid}/status`);
  if (typeof stat !== 'string' || typeof status !== 'string') return null;
  const s = parseStat(stat);
  if (!s) return null;
  const cmdline = io.readFile(`/proc/${pid}/cmdline`);
  const kb = (name: string): number => Number.parseInt(statusField(status, name) ?? '0', 10);
  return {
    ...s,
    euid: Number((statusField(status, 'Uid') ?? '0 0').split(/\s+/)[1]),
    nlwp: Number(statusField(status, 'Threads') ?? '1'),
    vmSize: kb('VmSize'),
    vmRss: kb('VmRSS'),
    vmLock: kb('VmLck'),
    cmdline: typeof cmdline === 'string' ? unvector(cmdline) : null,
  };
}

/** The processes in /proc, in pid order (the order procfs lists them). */
export function readProcs(io: UtilIo): ProcT[] | null {
  const names = io.readdir('/proc');
  if (!Array.isArray(names)) return null;
  const pids = names.filter((n) => /^[1-9][0-9]*$/.test(n)).sort((a, b) => Number(a) - Number(b));
  const out: ProcT[] = [];
  for (const pid of pids) {
    const p = readProc(io, pid);
    if (p) out.push(p);
  }
  return out;
}

/** The first number of /proc/uptime, or null when it cannot be read. */
export function uptimeSeconds(io: UtilIo): number | null {
  const t = io.readFile('/proc/uptime');
  if (typeof t !== 'string') return null;
  const v = Number.parseFloat(t);
  return Number.isFinite(v) ? v : null;
}

/** getbtime: the btime line of /proc/stat. */
export function bootTime(io: UtilIo): number {
  const t = io.readFile('/proc/stat');
  if (typeof t !== 'string') return 0;
  const m = /^btime (\d+)$/m.exec(t);
  return m ? Number(m[1]) : 0;
}

/** /proc/meminfo as name → kB. */
export function readMeminfo(io: UtilIo): Map<string, number> | null {
  const t = io.readFile('/proc/meminfo');
  if (typeof t !== 'string') return null;
  const m = new Map<string, number>();
  for (const line of t.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) m.set(line.slice(0, i), Number.parseInt(line.slice(i + 1).trim(), 10));
  }
  return m;
}
