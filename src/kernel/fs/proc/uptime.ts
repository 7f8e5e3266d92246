// /proc/uptime (fs/proc/uptime.c): seconds since boot and the CPUs' summed idle time, to 1/100 s.

import type { Kernel } from '../../machine.js';

const NSEC_PER_SEC = 1e9;

const centis = (ns: number): string => `${Math.floor(ns / NSEC_PER_SEC)}.${String(Math.floor((ns % NSEC_PER_SEC) / 1e7)).padStart(2, '0')}`;

export function uptime(k: Kernel): string {
  let idle = 0;
  for (const c of k.cpus) idle += c.idle.stime;
  return `${centis(k.now)} ${centis(idle)}\n`;
}
