// files_struct and fs_struct: a process's descriptor table and working directory. fork copies
// both (dup_fd, copy_fs_struct); descriptors share their open file description, as on Linux.

import type { Kernel } from '../machine.js';
import type { File } from './inode.js';

/** RLIMIT_NOFILE's soft limit on Ubuntu (`ulimit -n`). */
export const NR_OPEN_DEFAULT = 1024;

export class FilesStruct {
  readonly fd: (File | null)[] = [];

  /** The lowest free descriptor at or above `min` (get_unused_fd_flags), or -EMFILE. */
  alloc(file: File, min = 0): number {
    for (let i = min; i < NR_OPEN_DEFAULT; i++) {
      if (!this.fd[i]) {
        this.fd[i] = file;
        return i;
      }
    }
    return -24;
  }

  get(n: number): File | null {
    return this.fd[n] ?? null;
  }

  /** dup_fd: the child's table points at the same open files. */
  dup(): FilesStruct {
    const f = new FilesStruct();
    this.fd.forEach((file, i) => {
      if (file) {
        file.refs++;
        f.fd[i] = file;
      }
    });
    return f;
  }
}

export class FsStruct {
  constructor(public cwd: string) {}
}

/** fput: the last reference closes the file. */
export function fput(k: Kernel, file: File): void {
  if (--file.refs === 0) file.fop.release?.(k, file);
}

/** put_files_struct at exit: every descriptor is closed. */
export function closeFiles(k: Kernel, files: FilesStruct): void {
  for (let i = 0; i < files.fd.length; i++) {
    const f = files.fd[i];
    if (f) {
      files.fd[i] = null;
      fput(k, f);
    }
  }
}
