// fs/namei.c: path walking. Paths resolve from the root or the task's working directory, cross
// into mounted filesystems, follow symbolic links (/proc/self), and check search permission on
// every directory passed, so a walk fails with the errno Linux gives (ENOENT, ENOTDIR, EACCES).

import type { Kernel } from '../machine.js';
import type { Task } from '../sched/task.js';
import { Tty } from './devtmpfs.js';
import { EACCES, ENOENT, ENOTDIR, Inode, permission, type Cred } from './inode.js';

const ELOOP = -40;
const MAXSYMLINKS = 40;

/** The mount table: the root filesystem and what is mounted on its directories. */
export class Vfs {
  private readonly mounts = new Map<Inode, Inode>();
  /** The machine's terminal (/dev/pts/0), whose other end is the bpfbox command line. */
  readonly console = new Tty();

  constructor(readonly root: Inode) {}

  /** Mounts the filesystem whose root is `fsRoot` on the directory `at`. */
  mount(at: Inode, fsRoot: Inode): void {
    fsRoot.parent = at.parent;
    this.mounts.set(at, fsRoot);
  }

  /** What a walk sees at `dir`: the root of the filesystem mounted there, or `dir` itself. */
  follow(dir: Inode): Inode {
    let d = dir;
    for (let m = this.mounts.get(d); m; m = this.mounts.get(d)) d = m;
    return d;
  }
}

export interface Walked {
  readonly inode: Inode;
  /** The absolute, normalised path of what was found. */
  readonly path: string;
}

/** `path` made absolute against `cwd`, with `.`, `..` and repeated slashes resolved textually. */
export function absolutePath(cwd: string, path: string): string {
  const parts: string[] = [];
  for (const c of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') parts.pop();
    else parts.push(c);
  }
  return '/' + parts.join('/');
}

export function credOf(task: Task): Cred {
  return { uid: task.uid, gid: task.gid };
}

/**
 * path_lookupat: the inode at `path`, or -errno. `followLast` is false for lstat-like walks;
 * a trailing slash requires a directory.
 */
export function lookupPath(k: Kernel, task: Task, path: string, followLast = true): Walked | number {
  if (path === '') return ENOENT;
  const cwd = task.fs?.cwd ?? '/';
  return walk(k, task, absolutePath(cwd, path), followLast, path.endsWith('/'), 0);
}

function walk(k: Kernel, task: Task, abs: string, followLast: boolean, mustBeDir: boolean, depth: number): Walked | number {
  const vfs = k.vfs;
  const cred = credOf(task);
  const names = abs.split('/').filter((c) => c !== '');
  let cur = vfs.follow(vfs.root);
  const done: string[] = [];
  for (let i = 0; i < names.length; i++) {
    if (!cur.isDir || !cur.iop) return ENOTDIR;
    if (!permission(cur, cred, 1)) return EACCES;
    const next = cur.iop.lookup(k, cur, names[i]!, task);
    if (!next) return ENOENT;
    const last = i === names.length - 1;
    if (next.link && (!last || followLast)) {
      if (depth >= MAXSYMLINKS) return ELOOP;
      const target = absolutePath('/' + done.join('/'), next.link);
      const rest = names.slice(i + 1).join('/');
      return walk(k, task, rest ? `${target}/${rest}` : target, followLast, mustBeDir, depth + 1);
    }
    cur = vfs.follow(next);
    done.push(names[i]!);
  }
  if (mustBeDir && !cur.isDir) return ENOTDIR;
  return { inode: cur, path: '/' + done.join('/') };
}

/** The directory that would hold `path`'s last component, and that name (for create and unlink). */
export function lookupParent(k: Kernel, task: Task, path: string): { dir: Inode; name: string; path: string } | number {
  const abs = absolutePath(task.fs?.cwd ?? '/', path);
  if (abs === '/') return { dir: k.vfs.root, name: '', path: abs };
  const slash = abs.lastIndexOf('/');
  const parent = walk(k, task, abs.slice(0, slash) || '/', true, true, 0);
  if (typeof parent === 'number') return parent;
  return { dir: parent.inode, name: abs.slice(slash + 1), path: abs };
}
