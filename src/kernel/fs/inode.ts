// The VFS's objects, as far as the emulation needs them: an inode per file, directories that can
// look names up and list them (a static tree for tmpfs and the root filesystem, generated on
// every lookup for procfs), and the operations an open file gets. File content lives here as
// text; the page frames that would hold it are the page cache's business (mm/filemap.ts).

import type { Kernel } from '../machine.js';
import type { Task } from '../sched/task.js';

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;
export const S_IFLNK = 0o120000;
/** The sticky bit: in such a directory only an entry's owner (or the directory's) may remove it. */
export const S_ISVTX = 0o1000;

export const ENOENT = -2;
export const EIO = -5;
export const EBADF = -9;
export const EAGAIN = -11;
export const EACCES = -13;
export const EBUSY = -16;
export const EEXIST = -17;
export const ENOTDIR = -20;
export const EISDIR = -21;
export const EINVAL = -22;
export const EROFS = -30;
export const EPIPE = -32;
export const ENOTEMPTY = -39;
export const EINTR = -4;
export const ENOMEM = -12;
export const EPERM = -1;

/** Who opens or looks up: root bypasses permission bits except where Linux says otherwise. */
export interface Cred {
  readonly uid: number;
  readonly gid: number;
}

export interface SuperBlock {
  /** The name /proc/mounts and `df` show (proc, tmpfs, ext4). */
  readonly type: string;
  /** SB_RDONLY: mounted read-only, so every change fails with EROFS. */
  readonly rdonly?: boolean;
  nextIno(): number;
}

/** What an open file can do; a missing operation fails as Linux's VFS fails it. */
export interface FileOperations {
  /** open(2)'s file-specific check; 0 or -errno. */
  open?(k: Kernel, file: File): number;
  /**
   * The whole readable text from `file.pos` on, up to `count` bytes (as characters); '' at end of
   * file; -errno; or EAGAIN when it would block (the caller sleeps on `waitQueue`).
   */
  read?(k: Kernel, file: File, count: number): string | number;
  /**
   * For files whose read can wait on IO rather than on an event: brings what `read` needs into
   * memory, sleeping as long as that takes; then `read` is tried again. 0 or -errno.
   */
  prepareRead?(k: Kernel, file: File, count: number): Generator<number, number, void>;
  /** Bytes written, -errno, or EAGAIN to sleep on `waitQueue` first. */
  write?(k: Kernel, file: File, data: string): number;
  release?(k: Kernel, file: File): void;
  /** Where a reader or writer that got EAGAIN waits. */
  waitQueue?(file: File): WaitQueue;
}

export interface InodeOperations {
  lookup(k: Kernel, dir: Inode, name: string, task: Task): Inode | null;
  /** Names in the directory, in the order getdents returns them (without . and ..). */
  readdir(k: Kernel, dir: Inode, task: Task): string[];
  /** Creates a regular file or directory, or -errno (EACCES/EROFS/ENOSPC). */
  create?(k: Kernel, dir: Inode, name: string, mode: number, cred: Cred): Inode | number;
  /** Removes a name that is not a directory; 0 or -errno. */
  unlink?(k: Kernel, dir: Inode, name: string): number;
  /** Removes the directory `name` once vfs_rmdir has checked it may (ENOTEMPTY if it is not empty). */
  rmdir?(k: Kernel, dir: Inode, name: string): number;
}

let inodeIds = 0;

export class Inode {
  /** A stable identity for the emulation's maps; `ino` is what stat shows. */
  readonly uid0 = ++inodeIds;
  nlink = 1;
  mtime = 0;
  /** A regular file's content (tmpfs, the root filesystem's files). */
  text = '';
  /** A directory's operations (static map or generated). */
  iop: InodeOperations | null = null;
  fop: FileOperations | null = null;
  /** A directory's entries when it keeps them (tmpfs, rootfs). */
  readonly entries: Map<string, Inode> | null;
  parent: Inode | null = null;
  /** A symbolic link's target. */
  link = '';
  /** What the page cache knows of this file (set by the filesystem that caches it). */
  private: unknown = null;

  constructor(
    readonly sb: SuperBlock,
    readonly ino: number,
    public mode: number,
    public uid = 0,
    public gid = 0,
  ) {
    this.entries = (mode & S_IFMT) === S_IFDIR ? new Map() : null;
  }

  get isDir(): boolean {
    return (this.mode & S_IFMT) === S_IFDIR;
  }

  get isReg(): boolean {
    return (this.mode & S_IFMT) === S_IFREG;
  }

  /** st_size: a regular file's bytes; procfs files say 0 as Linux's do. */
  get size(): number {
    return this.isReg ? Buffer.byteLength(this.text) : 0;
  }
}

/** An open file description: shared by dup'd and inherited descriptors. */
export class File {
  pos = 0;
  refs = 1;
  /** Per-open state a file's operations keep (the text a procfs read generated). */
  private: unknown = null;

  constructor(
    readonly inode: Inode,
    readonly flags: number,
    readonly path: string,
    readonly fop: FileOperations,
  ) {}

  get readable(): boolean {
    return (this.flags & O_ACCMODE) !== O_WRONLY;
  }

  get writable(): boolean {
    return (this.flags & O_ACCMODE) !== O_RDONLY;
  }
}

export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_ACCMODE = 3;
export const O_CREAT = 0o100;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_DIRECTORY = 0o200000;

/** A wait queue: tasks sleeping until something they wait for changes. */
export class WaitQueue {
  private readonly waiters: Task[] = [];

  add(task: Task): void {
    if (!this.waiters.includes(task)) this.waiters.push(task);
  }

  remove(task: Task): void {
    const i = this.waiters.indexOf(task);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** wake_up_interruptible_all. */
  wakeUp(k: Kernel): void {
    for (const t of this.waiters.splice(0)) k.sched.wakeUp(t);
  }
}

/** generic_permission: MAY_READ 4, MAY_WRITE 2, MAY_EXEC 1. Root passes except for exec of a file no one may execute. */
export function permission(inode: Inode, cred: Cred, mask: number): boolean {
  if (cred.uid === 0) {
    if (mask & 1 && !inode.isDir) return (inode.mode & 0o111) !== 0;
    return true;
  }
  let bits = inode.mode & 7;
  if (cred.uid === inode.uid) bits = (inode.mode >> 6) & 7;
  else if (cred.gid === inode.gid) bits = (inode.mode >> 3) & 7;
  return (bits & mask) === mask;
}

/** A directory whose entries are its own map: tmpfs, the root filesystem. */
export const simpleDirOps: InodeOperations = {
  lookup: (_k, dir, name) => dir.entries?.get(name) ?? null,
  readdir: (_k, dir) => [...dir.entries!.keys()],
};

/** Reads a regular file's text (rootfs, tmpfs) from its position. */
export function readText(text: string, file: File, count: number): string {
  const out = text.slice(file.pos, file.pos + count);
  file.pos += out.length;
  return out;
}
