// /proc/PID/status, Linux 5.0 fs/proc/array.c proc_pid_status: the name, task_state, task_mem
// (fs/proc/task_mmu.c) with hugetlb_report_usage, task_core_dumping and task_thp_status for tasks
// with an mm, then task_sig, task_cap, task_seccomp, task_cpus_allowed,
// cpuset_task_status_allowed and task_context_switch_counts. 5.0 has THP_enabled but none of
// Kthread, untag_mask, Seccomp_filters, SpeculationIndirectBranch or x86_Thread_features.

/** Letters of task_state_array[], the states task_state_index() reports. */
export type TaskStateLetter = 'R' | 'S' | 'D' | 'T' | 't' | 'X' | 'Z' | 'P' | 'I';

const TASK_STATE_ARRAY: Readonly<Record<TaskStateLetter, string>> = {
  R: 'R (running)',
  S: 'S (sleeping)',
  D: 'D (disk sleep)',
  T: 'T (stopped)',
  t: 't (tracing stop)',
  X: 'X (dead)',
  Z: 'Z (zombie)',
  P: 'P (parked)',
  I: 'I (idle)',
};

/** task_seccomp's wording for each arch_prctl_spec_ctrl_get(p, PR_SPEC_STORE_BYPASS) answer. */
export type SpeculationStoreBypass =
  | 'unknown'
  | 'not vulnerable'
  | 'thread force mitigated'
  | 'thread mitigated'
  | 'thread vulnerable'
  | 'globally mitigated'
  | 'vulnerable';

/** MAX_NUMNODES = 1 << CONFIG_NODES_SHIFT (10 on Ubuntu); nodemask_pr_args prints all of it. */
const MAX_NUMNODES = 1024;

export interface PidStatusMm {
  /** mm->total_vm, hiwater_vm, locked_vm, pinned_vm and hiwater_rss, in pages. */
  readonly totalVm: number;
  readonly hiwaterVm: number;
  readonly lockedVm: number;
  readonly pinnedVm: number;
  readonly hiwaterRss: number;
  /** get_mm_counter: MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES, MM_SWAPENTS. */
  readonly anonPages: number;
  readonly filePages: number;
  readonly shmemPages: number;
  readonly swapEnts: number;
  /** mm->data_vm, stack_vm and exec_vm, in pages. */
  readonly dataVm: number;
  readonly stackVm: number;
  readonly execVm: number;
  readonly startCode: bigint;
  readonly endCode: bigint;
  /** mm_pgtables_bytes(mm). */
  readonly pgtablesBytes: number;
  /** mm->hugetlb_usage, in pages. */
  readonly hugetlbUsage: number;
  /** mm->core_state is set. */
  readonly coreDumping: boolean;
  /** MMF_DISABLE_THP (prctl PR_SET_THP_DISABLE). */
  readonly thpDisabled: boolean;
}

export interface PidStatusSnapshot {
  /** The comm, or wq_worker_comm's name for a workqueue worker. */
  readonly comm: string;
  /** p->fs->umask, or null once the task has no fs_struct. */
  readonly umask: number | null;
  readonly state: TaskStateLetter;
  /** Numbers as seen from the reader's pid namespace. */
  readonly tgid: number;
  readonly ngid: number;
  readonly pid: number;
  readonly ppid: number;
  readonly tracerPid: number;
  /** uid, euid, suid, fsuid and gid, egid, sgid, fsgid, mapped into the reader's user namespace. */
  readonly uids: readonly [number, number, number, number];
  readonly gids: readonly [number, number, number, number];
  /** files_fdtable(p->files)->max_fds, 0 without files. */
  readonly fdSize: number;
  readonly groups: readonly number[];
  /** The task's numbers in each pid namespace from the reader's down to the task's own. */
  readonly nsTgid: readonly number[];
  readonly nsPid: readonly number[];
  readonly nsPgid: readonly number[];
  readonly nsSid: readonly number[];
  /** Null for kernel threads, which print no Vm* lines. */
  readonly mm: PidStatusMm | null;
  readonly threads: number;
  /** The user's queued signals and RLIMIT_SIGPENDING (RLIM_INFINITY needs a bigint). */
  readonly sigQueued: number;
  readonly sigQueueLimit: number | bigint;
  /** Signal sets: bit n-1 stands for signal n. */
  readonly sigPending: bigint;
  readonly sharedPending: bigint;
  readonly sigBlocked: bigint;
  readonly sigIgnored: bigint;
  readonly sigCaught: bigint;
  /** Capability sets: bit n stands for capability n. */
  readonly capInheritable: bigint;
  readonly capPermitted: bigint;
  readonly capEffective: bigint;
  readonly capBounding: bigint;
  readonly capAmbient: bigint;
  readonly noNewPrivs: boolean;
  /** p->seccomp.mode. */
  readonly seccompMode: number;
  readonly speculationStoreBypass: SpeculationStoreBypass;
  /** nr_cpu_ids, and the CPUs and memory nodes the task may use. */
  readonly nrCpuIds: number;
  readonly cpusAllowed: readonly number[];
  readonly memsAllowed: readonly number[];
  /** p->nvcsw and p->nivcsw. */
  readonly voluntaryCtxtSwitches: number;
  readonly nonvoluntaryCtxtSwitches: number;
}

/** proc_task_name: string_escape_str(ESCAPE_SPACE | ESCAPE_SPECIAL, only "\n\\"). */
const escapeComm = (comm: string): string => comm.replace(/[\n\\]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));

/** %*pb (bitmap_string): 32-bit chunks, most significant first, the first only as wide as it needs. */
export function bitmapString(bits: readonly number[], nrBits: number): string {
  const chunks: string[] = [];
  const top = Math.ceil(nrBits / 32) * 32 - 32;
  for (let lo = top; lo >= 0; lo -= 32) {
    const size = lo === top && nrBits % 32 ? nrBits % 32 : 32;
    let val = 0;
    for (const b of bits) if (b >= lo && b < lo + size) val += 2 ** (b - lo);
    chunks.push(val.toString(16).padStart(Math.ceil(size / 4), '0'));
  }
  return chunks.join(',');
}

/** %*pbl (bitmap_list_string): ranges of consecutive set bits as a-b, joined by commas. */
export function bitmapListString(bits: readonly number[], nrBits: number): string {
  const set = [...new Set(bits.filter((b) => b < nrBits))].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < set.length; ) {
    let j = i;
    while (j + 1 < set.length && set[j + 1] === set[j] + 1) j++;
    ranges.push(i === j ? `${set[i]}` : `${set[i]}-${set[j]}`);
    i = j + 1;
  }
  return ranges.join(',');
}

const hex16 = (v: bigint): string => v.toString(16).padStart(16, '0');
const kb = (label: string, value: number): string => `${label}:\t${String(value).padStart(8)} kB\n`;

/** task_mem: the PAGE_SIZE arithmetic on the mm's counters. */
function taskMem(mm: PidStatusMm): string {
  const pages = (label: string, n: number): string => kb(label, n * 4);
  const totalRss = mm.anonPages + mm.filePages + mm.shmemPages;
  const pageMask = ~0xfffn;
  const textBytes = Number(((mm.endCode + 0xfffn) & pageMask) - (mm.startCode & pageMask));
  const text = Math.min(textBytes, mm.execVm * 4096);
  const lib = mm.execVm * 4096 - text;
  return (
    pages('VmPeak', Math.max(mm.totalVm, mm.hiwaterVm)) +
    pages('VmSize', mm.totalVm) +
    pages('VmLck', mm.lockedVm) +
    pages('VmPin', mm.pinnedVm) +
    pages('VmHWM', Math.max(totalRss, mm.hiwaterRss)) +
    pages('VmRSS', totalRss) +
    pages('RssAnon', mm.anonPages) +
    pages('RssFile', mm.filePages) +
    pages('RssShmem', mm.shmemPages) +
    pages('VmData', mm.dataVm) +
    pages('VmStk', mm.stackVm) +
    kb('VmExe', Math.floor(text / 1024)) +
    kb('VmLib', Math.floor(lib / 1024)) +
    kb('VmPTE', Math.floor(mm.pgtablesBytes / 1024)) +
    pages('VmSwap', mm.swapEnts) +
    // hugetlb_report_usage
    pages('HugetlbPages', mm.hugetlbUsage) +
    `CoreDumping:\t${mm.coreDumping ? 1 : 0}\n` +
    `THP_enabled:\t${mm.thpDisabled ? 0 : 1}\n`
  );
}

export function formatPidStatus(s: PidStatusSnapshot): string {
  const ns = (label: string, ids: readonly number[]): string => `${label}:${ids.map((id) => `\t${id}`).join('')}\n`;
  return (
    `Name:\t${escapeComm(s.comm)}\n` +
    // %#04o: umask never exceeds 0777, so this is always 0 and three octal digits.
    (s.umask === null ? '' : `Umask:\t${s.umask.toString(8).padStart(4, '0')}\n`) +
    `State:\t${TASK_STATE_ARRAY[s.state]}\n` +
    `Tgid:\t${s.tgid}\n` +
    `Ngid:\t${s.ngid}\n` +
    `Pid:\t${s.pid}\n` +
    `PPid:\t${s.ppid}\n` +
    `TracerPid:\t${s.tracerPid}\n` +
    `Uid:\t${s.uids.join('\t')}\n` +
    `Gid:\t${s.gids.join('\t')}\n` +
    `FDSize:\t${s.fdSize}\n` +
    // task_state: "Trailing space shouldn't have been added in the first place."
    `Groups:\t${s.groups.join(' ')} \n` +
    ns('NStgid', s.nsTgid) +
    ns('NSpid', s.nsPid) +
    ns('NSpgid', s.nsPgid) +
    ns('NSsid', s.nsSid) +
    (s.mm === null ? '' : taskMem(s.mm)) +
    `Threads:\t${s.threads}\n` +
    `SigQ:\t${s.sigQueued}/${s.sigQueueLimit}\n` +
    // render_sigset_t: _NSIG = 64 signals, 16 nibbles.
    `SigPnd:\t${hex16(s.sigPending)}\n` +
    `ShdPnd:\t${hex16(s.sharedPending)}\n` +
    `SigBlk:\t${hex16(s.sigBlocked)}\n` +
    `SigIgn:\t${hex16(s.sigIgnored)}\n` +
    `SigCgt:\t${hex16(s.sigCaught)}\n` +
    // render_cap_t: two u32 words, high first, %08x each.
    `CapInh:\t${hex16(s.capInheritable)}\n` +
    `CapPrm:\t${hex16(s.capPermitted)}\n` +
    `CapEff:\t${hex16(s.capEffective)}\n` +
    `CapBnd:\t${hex16(s.capBounding)}\n` +
    `CapAmb:\t${hex16(s.capAmbient)}\n` +
    `NoNewPrivs:\t${s.noNewPrivs ? 1 : 0}\n` +
    `Seccomp:\t${s.seccompMode}\n` +
    `Speculation_Store_Bypass:\t${s.speculationStoreBypass}\n` +
    `Cpus_allowed:\t${bitmapString(s.cpusAllowed, s.nrCpuIds)}\n` +
    `Cpus_allowed_list:\t${bitmapListString(s.cpusAllowed, s.nrCpuIds)}\n` +
    `Mems_allowed:\t${bitmapString(s.memsAllowed, MAX_NUMNODES)}\n` +
    `Mems_allowed_list:\t${bitmapListString(s.memsAllowed, MAX_NUMNODES)}\n` +
    `voluntary_ctxt_switches:\t${s.voluntaryCtxtSwitches}\n` +
    `nonvoluntary_ctxt_switches:\t${s.nonvoluntaryCtxtSwitches}\n`
  );
}
