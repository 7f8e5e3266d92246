// /proc/PID/maps, Linux 5.0 fs/proc/task_mmu.c: show_map_vma for each VMA, then the gate VMA
// (x86_64's vsyscall page) that m_next appends after the last one.

export interface PidMapsFile {
  /** d_path of the mapped file; " (deleted)" is already part of it when unlinked. */
  readonly path: string;
  /** vma->vm_pgoff, in pages. */
  readonly pgoff: bigint;
  /** MAJOR() and MINOR() of the inode's superblock s_dev. */
  readonly major: number;
  readonly minor: number;
  readonly ino: number;
}

export interface PidMapsVma {
  readonly start: bigint;
  readonly end: bigint;
  /** VM_READ, VM_WRITE, VM_EXEC, VM_MAYSHARE. */
  readonly read: boolean;
  readonly write: boolean;
  readonly exec: boolean;
  readonly mayShare: boolean;
  readonly file: PidMapsFile | null;
  /**
   * What vm_ops->name answers: the vDSO's and vvar's special mappings, and the gate VMA
   * (whose gate_vma_ops name it [vsyscall]).
   */
  readonly special: 'vdso' | 'vvar' | 'vsyscall' | null;
}

export interface PidMapsSnapshot {
  /** mm->start_brk and mm->brk: an anonymous VMA overlapping [start_brk, brk] is [heap]. */
  readonly startBrk: bigint;
  readonly brk: bigint;
  /** mm->start_stack: the anonymous VMA containing it is [stack]. */
  readonly startStack: bigint;
  /** The VMAs in address order, the gate VMA last. */
  readonly vmas: readonly PidMapsVma[];
}

const SPECIAL_NAMES = { vdso: '[vdso]', vvar: '[vvar]', vsyscall: '[vsyscall]' } as const;

/** seq_setwidth(m, 25 + sizeof(void *) * 6 - 1): the name starts after column 72 and a space. */
const NAME_COLUMN = 25 + 8 * 6 - 1;

const hex = (v: bigint | number, width: number): string => v.toString(16).padStart(width, '0');

/** seq_file_path(m, file, "\n"): mangle_path writes each escaped character as \ooo. */
const escapePath = (path: string): string => path.replaceAll('\n', '\\012');

function vmaName(snap: PidMapsSnapshot, vma: PidMapsVma): string | null {
  if (vma.file) return escapePath(vma.file.path);
  if (vma.special) return SPECIAL_NAMES[vma.special];
  if (vma.start <= snap.brk && vma.end >= snap.startBrk) return '[heap]';
  // is_stack()
  if (vma.start <= snap.startStack && vma.end >= snap.startStack) return '[stack]';
  return null;
}

export function formatPidMaps(snap: PidMapsSnapshot): string {
  let out = '';
  for (const vma of snap.vmas) {
    const f = vma.file;
    // show_vma_header_prefix
    const prefix =
      `${hex(vma.start, 8)}-${hex(vma.end, 8)} ` +
      (vma.read ? 'r' : '-') +
      (vma.write ? 'w' : '-') +
      (vma.exec ? 'x' : '-') +
      (vma.mayShare ? 's' : 'p') +
      ` ${hex(f ? f.pgoff << 12n : 0, 8)} ${hex(f ? f.major : 0, 2)}:${hex(f ? f.minor : 0, 2)} ${f ? f.ino : 0} `;
    const name = vmaName(snap, vma);
    // seq_pad: spaces up to the column, then one more, only when a name follows.
    out += name === null ? `${prefix}\n` : `${prefix.padEnd(NAME_COLUMN)} ${name}\n`;
  }
  return out;
}
