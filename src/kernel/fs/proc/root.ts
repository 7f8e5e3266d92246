// procfs (fs/proc/root.c, base.c, generic.c): the /proc tree. Files are seq_files: their text is
// generated from the live kernel when a reader first reads, and that reader goes on through the
// same text; the next open sees the state of its own moment. Per-process directories exist for
// exactly the tasks that exist, looked up on every walk. Files without a write handler fail a
// write with EIO, as proc_reg_write does; permission bits (slabinfo is 0400) are checked at open.

import type { Kernel } from '../../machine.js';
import type { Task } from '../../sched/task.js';
import { EINVAL, EIO, EISDIR, Inode, S_IFDIR, S_IFLNK, S_IFREG, type FileOperations, type InodeOperations, type SuperBlock } from '../inode.js';

/** What a file shows, for the task whose directory it is in (or the reader, for top-level files). */
export type Show = (k: Kernel, task: Task, reader: Task) => string;
/** A write handler: bytes accepted or -errno. */
export type Store = (k: Kernel, task: Task, data: string) => number;

export interface ProcEntry {
  readonly mode: number;
  readonly show?: Show;
  readonly store?: Store;
  /** A directory's entries. */
  readonly dir?: Readonly<Record<string, ProcEntry>>;
  /** A symbolic link's target, computed per reader (/proc/self). */
  readonly link?: (reader: Task) => string;
}

export const procFile = (mode: number, show: Show, store?: Store): ProcEntry => ({ mode: S_IFREG | mode, show, store });
export const procDir = (dir: Record<string, ProcEntry>): ProcEntry => ({ mode: S_IFDIR | 0o555, dir });

const PROC_ROOT_INO = 1;
/** proc_pid_make_inode numbers inodes per lookup; the emulation keeps one per (task, entry). */
class ProcSuperBlock implements SuperBlock {
  readonly type = 'proc';
  private last = 4026531840;
  nextIno(): number {
    return ++this.last;
  }
}

interface ProcInodeInfo {
  entry: ProcEntry;
  /** The task a /proc/PID subtree belongs to; null at the top. */
  task: Task | null;
}

function info(inode: Inode): ProcInodeInfo {
  return inode.private as ProcInodeInfo;
}

const seqFileOps: FileOperations = {
  open(k, file) {
    const { task } = info(file.inode);
    // A process that exited between lookup and open: its files are gone (ESRCH reads as ENOENT).
    if (task && !k.tasks.has(task.pid)) return -3;
    return 0;
  },
  read(k, file, count) {
    const { entry, task } = info(file.inode);
    if (!entry.show) return EINVAL;
    if (typeof file.private !== 'string') file.private = entry.show(k, task ?? k.current, k.current);
    const text = file.private as string;
    const out = text.slice(file.pos, file.pos + count);
    file.pos += out.length;
    return out;
  },
  write(k, file, data) {
    const { entry, task } = info(file.inode);
    if (!entry.store) return EIO;
    return entry.store(k, task ?? k.current, data);
  },
};

const dirFileOps: FileOperations = { read: () => EISDIR };

export class Procfs {
  readonly sb = new ProcSuperBlock();
  readonly root: Inode;
  /**
   * Inodes handed out, so a path walks to the same inode twice (and stat's st_ino is stable):
   * the top level's, and each task's own, which go when the task does.
   */
  private readonly cache = new Map<string, Inode>();
  private readonly taskCache = new WeakMap<Task, Map<string, Inode>>();

  constructor(
    readonly top: Record<string, ProcEntry>,
    /** The files of every /proc/PID directory. */
    readonly perPid: Record<string, ProcEntry>,
  ) {
    this.root = this.makeInode('/', procDir(top), null, PROC_ROOT_INO);
  }

  private makeInode(key: string, entry: ProcEntry, task: Task | null, ino?: number): Inode {
    let cache = this.cache;
    if (task) {
      let c = this.taskCache.get(task);
      if (!c) this.taskCache.set(task, (c = new Map()));
      cache = c;
    }
    const cached = cache.get(key);
    if (cached) return cached;
    const inode = new Inode(this.sb, ino ?? this.sb.nextIno(), entry.mode, task?.uid ?? 0, task?.gid ?? 0);
    inode.private = { entry, task } satisfies ProcInodeInfo;
    if (entry.dir) {
      inode.iop = this.dirOps;
      inode.fop = dirFileOps;
    } else if (entry.link) {
      inode.mode = S_IFLNK | 0o777;
    } else {
      inode.fop = seqFileOps;
    }
    cache.set(key, inode);
    return inode;
  }

  private readonly dirOps: InodeOperations = {
    lookup: (k, dir, name, reader) => {
      const { entry, task } = info(dir);
      if (dir === this.root && /^[1-9][0-9]*$/.test(name)) {
        const t = k.tasks.get(Number(name));
        if (!t || t.pid === 0) return null;
        const d = this.makeInode(`${t.pid}`, procDir(this.perPid), t);
        d.parent = this.root;
        return d;
      }
      const child = entry.dir?.[name];
      if (!child) return null;
      const inode = this.makeInode(`${dir.uid0}/${name}`, child, task);
      inode.parent = dir;
      if (child.link) inode.link = child.link(reader);
      return inode;
    },
    readdir: (k, dir) => {
      const { entry } = info(dir);
      const names = Object.keys(entry.dir ?? {});
      if (dir !== this.root) return names;
      // proc_root_readdir: the fixed entries, then one directory per process in pid order.
      const pids = [...k.tasks.keys()].filter((p) => p > 0).sort((a, b) => a - b).map(String);
      return [...names, ...pids];
    },
  };
}

