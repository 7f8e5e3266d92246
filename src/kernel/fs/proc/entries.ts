// What /proc holds: the memory manager's files, the kernel's identity, /proc/sys's tunables, and
// the per-process files. Each entry names the function that renders it from live state.

import type { Kernel } from '../../machine.js';
import type { Task } from '../../sched/task.js';
import { EINVAL } from '../inode.js';
import { setupPerZoneWmarks } from '../../mm/init.js';
import { buddyinfo, zoneinfo } from './vmstat.js';
import { meminfo } from './meminfo.js';
import { slabinfo } from './slabinfo.js';
import { kallsyms } from './kallsyms.js';
import { vmallocinfo } from './vmallocinfo.js';
import { uptime } from './uptime.js';
import { loadavg } from './loadavg.js';
import { version } from './version.js';
import { stat } from './stat.js';
import { domainname, hostname, kernelVersion, osrelease, ostype, pidMax } from './sysctl.js';
import { pidCmdline, pidComm, pidMaps, pidStat, pidStatm, pidStatus } from './pid.js';
import { procDir, procFile, type ProcEntry } from './root.js';

/** A /proc/sys integer: `show` reads it, a root write parses and applies it (proc_dointvec_minmax). */
function sysctlInt(get: (k: Kernel) => number, set: (k: Kernel, v: number) => void, min = 0, max = Number.MAX_SAFE_INTEGER): ProcEntry {
  return procFile(0o644, (k) => `${get(k)}\n`, (k, _t, data) => {
    const m = /^\s*(-?[0-9]+)\s*$/.exec(data);
    if (!m) return EINVAL;
    const v = Number(m[1]);
    if (v < min || v > max) return EINVAL;
    set(k, v);
    return Buffer.byteLength(data);
  });
}

export const procEntries: Record<string, ProcEntry> = {
  buddyinfo: procFile(0o444, (k) => buddyinfo(k)),
  zoneinfo: procFile(0o444, (k) => zoneinfo(k)),
  meminfo: procFile(0o444, (k) => meminfo(k)),
  slabinfo: procFile(0o400, (k) => slabinfo(k)),
  vmallocinfo: procFile(0o400, (k) => vmallocinfo(k)),
  // kptr_restrict=1: readers without CAP_SYSLOG see zero addresses.
  kallsyms: procFile(0o444, (k, _t, reader) => kallsyms(k, reader.uid === 0)),
  uptime: procFile(0o444, (k) => uptime(k)),
  loadavg: procFile(0o444, (k) => loadavg(k)),
  version: procFile(0o444, (k) => version(k)),
  stat: procFile(0o444, (k) => stat(k)),
  self: { mode: 0o120777, link: (reader: Task) => String(reader.tgid) },
  sys: procDir({
    kernel: procDir({
      ostype: procFile(0o444, ostype),
      osrelease: procFile(0o444, osrelease),
      version: procFile(0o444, kernelVersion),
      hostname: procFile(0o644, hostname),
      domainname: procFile(0o644, domainname),
      pid_max: procFile(0o644, pidMax),
    }),
    vm: procDir({
      min_free_kbytes: sysctlInt((k) => k.sysctl.minFreeKbytes, (k, v) => {
        k.sysctl.minFreeKbytes = v;
        setupPerZoneWmarks(k);
      }),
      swappiness: sysctlInt((k) => k.sysctl.swappiness, (k, v) => (k.sysctl.swappiness = v), 0, 100),
      watermark_scale_factor: sysctlInt((k) => k.sysctl.watermarkScaleFactor, (k, v) => {
        k.sysctl.watermarkScaleFactor = v;
        setupPerZoneWmarks(k);
      }, 1, 1000),
      watermark_boost_factor: sysctlInt((k) => k.sysctl.watermarkBoostFactor, (k, v) => (k.sysctl.watermarkBoostFactor = v)),
      overcommit_memory: sysctlInt((k) => k.sysctl.overcommitMemory, (k, v) => (k.sysctl.overcommitMemory = v), 0, 2),
      overcommit_ratio: sysctlInt((k) => k.sysctl.overcommitRatio, (k, v) => (k.sysctl.overcommitRatio = v)),
      panic_on_oom: sysctlInt((k) => k.sysctl.panicOnOom, (k, v) => (k.sysctl.panicOnOom = v), 0, 2),
      oom_kill_allocating_task: sysctlInt((k) => k.sysctl.oomKillAllocatingTask, (k, v) => (k.sysctl.oomKillAllocatingTask = v)),
    }),
  }),
};

export const procPidEntries: Record<string, ProcEntry> = {
  cmdline: procFile(0o444, (k, t) => pidCmdline(k, t)),
  comm: procFile(0o644, (k, t) => pidComm(k, t)),
  maps: procFile(0o444, (k, t) => pidMaps(k, t)),
  stat: procFile(0o444, (k, t) => pidStat(k, t)),
  statm: procFile(0o444, (k, t) => pidStatm(k, t)),
  status: procFile(0o444, (k, t) => pidStatus(k, t)),
};
