// /proc/PID/status against `cat /proc/self/status` on this machine's Linux 6.18, less the lines
// added after 5.0, and the task_mem arithmetic and bitmaps on their own.

import { describe, expect, it } from 'vitest';
import {
  bitmapListString,
  bitmapString,
  formatPidStatus,
  type PidStatusSnapshot,
} from '../../../src/kernel/fs/proc/format/pid_status.js';
import { golden, snapshot } from './golden.js';

/** Lines 6.18 prints that proc_pid_status in 5.0 does not. */
const ONLY_6_18 = ['Kthread', 'untag_mask', 'Seccomp_filters', 'SpeculationIndirectBranch', 'x86_Thread_features'];

describe('/proc/PID/status', () => {
  const snap = snapshot<PidStatusSnapshot>('pid_status-6.18.json');

  it('prints every 6.18 line that 5.0 has, identically and in order', () => {
    const cap = golden('pid_status-6.18.txt')
      .split('\n')
      .filter((l) => !ONLY_6_18.some((k) => l.startsWith(`${k}:`)));
    expect(formatPidStatus(snap).split('\n')).toEqual(cap);
  });

  it('splits VmExe and VmLib at the text segment, and rounds VmPTE down to KiB', () => {
    const lines = formatPidStatus({
      ...snap,
      mm: { ...snap.mm!, startCode: 0x400123n, endCode: 0x402001n, execVm: 2, pgtablesBytes: 5000 },
    }).split('\n');
    // The text spans 3 pages but only 2 are executable: all 8 KiB are text, none library.
    expect(lines).toContain('VmExe:\t       8 kB');
    expect(lines).toContain('VmLib:\t       0 kB');
    expect(lines).toContain('VmPTE:\t       4 kB');
  });

  it('takes peaks from the hiwater marks only when they exceed the current values', () => {
    const lines = formatPidStatus({ ...snap, mm: { ...snap.mm!, hiwaterVm: 1000, hiwaterRss: 10 } }).split('\n');
    expect(lines).toContain('VmPeak:\t    4000 kB');
    expect(lines).toContain('VmHWM:\t    1764 kB');
  });

  it('leaves out the mm lines for a kernel thread and Umask without an fs_struct', () => {
    const out = formatPidStatus({ ...snap, comm: 'kswapd0', state: 'S', umask: null, mm: null });
    expect(out).not.toMatch(/^(Umask|Vm|Rss|HugetlbPages|CoreDumping|THP_enabled)/m);
    expect(out).toContain('NSsid:\t1748\nThreads:\t1\n');
  });

  it('escapes newline and backslash in the name, and pads the umask to four octal digits', () => {
    const out = formatPidStatus({ ...snap, comm: 'a\\b\nc d', umask: 0 });
    expect(out.startsWith('Name:\ta\\\\b\\nc d\nUmask:\t0000\nState:\tR (running)\n')).toBe(true);
    expect(formatPidStatus({ ...snap, umask: 0o777 })).toContain('Umask:\t0777\n');
  });

  it('keeps the trailing space after the groups', () => {
    expect(formatPidStatus({ ...snap, groups: [4, 24, 27] })).toContain('\nGroups:\t4 24 27 \nNStgid:');
  });

  it('prints every state, CoreDumping, THP_enabled, and an infinite RLIMIT_SIGPENDING', () => {
    const out = formatPidStatus({
      ...snap,
      state: 'I',
      mm: { ...snap.mm!, coreDumping: true, thpDisabled: true },
      sigQueueLimit: 0xffffffffffffffffn,
      sigBlocked: 1n << 16n,
      nsPid: [3954, 1],
    });
    expect(out).toContain('State:\tI (idle)\n');
    expect(out).toContain('CoreDumping:\t1\nTHP_enabled:\t0\n');
    expect(out).toContain('SigQ:\t0/18446744073709551615\n');
    expect(out).toContain('SigBlk:\t0000000000010000\n');
    expect(out).toContain('NSpid:\t3954\t1\n');
  });

  it('formats %*pb and %*pbl as bitmap_string and bitmap_list_string do', () => {
    expect(bitmapString([0, 1], 2)).toBe('3');
    expect(bitmapString([0, 1, 2, 3, 8, 10, 11, 39], 40)).toBe('80,00000d0f');
    expect(bitmapString([], 64)).toBe('00000000,00000000');
    expect(bitmapString([0], 1024).split(',')).toHaveLength(32);
    expect(bitmapListString([0, 1, 2, 3, 8, 10, 11, 39], 40)).toBe('0-3,8,10-11,39');
    expect(bitmapListString([], 40)).toBe('');
  });
});
