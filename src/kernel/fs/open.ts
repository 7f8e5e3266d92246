// fs/open.c, fs/read_write.c, fs/readdir.c, fs/stat.c and fs/namei.c's system calls, as the
// non-blocking halves the Proc layer (process.ts) wraps: each returns at once with a result,
// -errno, or EAGAIN when the caller should sleep on the file's wait queue (or wait for its IO)
// and call again.

import type { Kernel } from '../machine.js';
import type { Task } from '../sched/task.js';
import { ArgKind, kfunc } from '../symbols.js';
import {
  EBADF, EEXIST, EISDIR, ENOENT, ENOTDIR, EACCES, EPERM, File, Inode, O_ACCMODE, O_CREAT, O_DIRECTORY,
  O_RDONLY, O_TRUNC, permission, S_IFDIR, S_IFMT, S_IFREG,
} from './inode.js';
import { credOf, lookupParent, lookupPath } from './namei.js';
import { fput, FsStruct } from './fdtable.js';

export const F_do_sys_open = kfunc('do_sys_open', { file: 'fs/open.c', size: 0x1f0, global: true, args: [ArgKind.Int, ArgKind.User, ArgKind.Int, ArgKind.Int] });
export const F___x64_sys_openat = kfunc('__x64_sys_openat', { file: 'fs/open.c', size: 0x20, global: true, args: [ArgKind.Vmalloc] });
export const F___x64_sys_close = kfunc('__x64_sys_close', { file: 'fs/open.c', size: 0x30, global: true, args: [ArgKind.Vmalloc] });
export const F___x64_sys_chdir = kfunc('__x64_sys_chdir', { file: 'fs/open.c', size: 0xd0, global: true, args: [ArgKind.Vmalloc] });
export const F_vfs_read = kfunc('vfs_read', { file: 'fs/read_write.c', size: 0x150, global: true, args: [ArgKind.Vmalloc, ArgKind.User, ArgKind.Int, ArgKind.Vmalloc] });
export const F_vfs_write = kfunc('vfs_write', { file: 'fs/read_write.c', size: 0x1b0, global: true, args: [ArgKind.Vmalloc, ArgKind.User, ArgKind.Int, ArgKind.Vmalloc] });
export const F_ksys_read = kfunc('ksys_read', { file: 'fs/read_write.c', size: 0xd0, global: true, args: [ArgKind.Int, ArgKind.User, ArgKind.Int] });
export const F_ksys_write = kfunc('ksys_write', { file: 'fs/read_write.c', size: 0xd0, global: true, args: [ArgKind.Int, ArgKind.User, ArgKind.Int] });
export const F___x64_sys_read = kfunc('__x64_sys_read', { file: 'fs/read_write.c', size: 0x20, global: true, args: [ArgKind.Vmalloc] });
export const F___x64_sys_write = kfunc('__x64_sys_write', { file: 'fs/read_write.c', size: 0x20, global: true, args: [ArgKind.Vmalloc] });
export const F___x64_sys_getdents64 = kfunc('__x64_sys_getdents64', { file: 'fs/readdir.c', size: 0x120, global: true, args: [ArgKind.Vmalloc] });
export const F___x64_sys_newstat = kfunc('__x64_sys_newstat', { file: 'fs/stat.c', size: 0x40, global: true, args: [ArgKind.Vmalloc] });
export const F___x64_sys_unlink = kfunc('__x64_sys_unlink', { file: 'fs/namei.c', size: 0x20, global: true, args: [ArgKind.Vmalloc] });
export const F___x64_sys_mkdir = kfunc('__x64_sys_mkdir', { file: 'fs/namei.c', size: 0x20, global: true, args: [ArgKind.Vmalloc] });

/** Bytes a read(2) asks for at a time: coreutils' and bash's buffer size. */
export const IO_BUFSIZE = 131072;

/** do_sys_open: a new descriptor for `path`, or -errno. */
export function do_sys_open(k: Kernel, task: Task, path: string, flags: number, mode: number): number {
  k.enter(F_do_sys_open, -100, 0, flags, mode);
  return k.leave(F_do_sys_open, openFile(k, task, path, flags, mode));
}

function openFile(k: Kernel, task: Task, path: string, flags: number, mode: number): number {
  const files = task.files;
  if (!files) return EBADF;
  const cred = credOf(task);
  let found = lookupPath(k, task, path);
  let created = false;
  if (found === ENOENT && flags & O_CREAT) {
    const p = lookupParent(k, task, path);
    if (typeof p === 'number') return p;
    if (!p.name) return EISDIR;
    if (!permission(p.dir, cred, 2 | 1)) return EACCES;
    if (!p.dir.iop?.create) return EACCES;
    const made = p.dir.iop.create(k, p.dir, p.name, S_IFREG | (mode & 0o777 & ~0o022), cred);
    if (typeof made === 'number') return made;
    found = { inode: made, path: p.path };
    created = true;
  }
  if (typeof found === 'number') return found;
  const inode = found.inode;
  const acc = flags & O_ACCMODE;
  if (inode.isDir && acc !== O_RDONLY) return EISDIR;
  if (flags & O_DIRECTORY && !inode.isDir) return ENOTDIR;
  if (!created) {
    const mask = (acc !== 1 ? 4 : 0) | (acc !== O_RDONLY ? 2 : 0);
    if (!permission(inode, cred, mask)) return EACCES;
  }
  if (!inode.fop) return -6; // ENXIO: a device with no driver
  const file = new File(inode, flags & ~(created ? O_TRUNC : 0), found.path, inode.fop);
  const r = inode.fop.open?.(k, file) ?? 0;
  if (r < 0) return r;
  const fd = files.alloc(file);
  if (fd < 0) fput(k, file);
  return fd;
}

export function closeFd(k: Kernel, task: Task, fd: number): number {
  const file = task.files?.get(fd);
  if (!file) return EBADF;
  task.files!.fd[fd] = null;
  fput(k, file);
  return 0;
}

/** vfs_read, without the sleep: text, '' at end of file, -errno or EAGAIN. */
export function vfs_read(k: Kernel, file: File, count: number): string | number {
  k.enter(F_vfs_read, -1, 0, count, -1);
  const r = !file.readable ? EBADF : file.fop.read ? file.fop.read(k, file, count) : -22;
  k.leave(F_vfs_read, typeof r === 'string' ? Buffer.byteLength(r) : r);
  if (typeof r === 'string') k.charge(50 + r.length / 8);
  return r;
}

export function vfs_write(k: Kernel, file: File, data: string): number {
  k.enter(F_vfs_write, -1, 0, data.length, -1);
  const r = !file.writable ? EBADF : file.fop.write ? file.fop.write(k, file, data) : -22;
  if (r > 0) k.charge(50 + data.length / 8);
  return k.leave(F_vfs_write, r);
}

export interface KStat {
  readonly ino: number;
  readonly mode: number;
  readonly nlink: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtime: number;
  readonly fs: string;
}

export function statInode(inode: Inode): KStat {
  return { ino: inode.ino, mode: inode.mode, nlink: inode.nlink, uid: inode.uid, gid: inode.gid, size: inode.size, mtime: inode.mtime, fs: inode.sb.type };
}

/** stat (or lstat with `follow` false) of a path. */
export function vfs_stat(k: Kernel, task: Task, path: string, follow = true): KStat | number {
  const w = lookupPath(k, task, path, follow);
  return typeof w === 'number' ? w : statInode(w.inode);
}

/** getdents64 of a path, names only, in the directory's order, `.` and `..` first. */
export function readDir(k: Kernel, task: Task, path: string): string[] | number {
  const w = lookupPath(k, task, path);
  if (typeof w === 'number') return w;
  const d = w.inode;
  if (!d.isDir || !d.iop) return ENOTDIR;
  if (!permission(d, credOf(task), 4)) return EACCES;
  return ['.', '..', ...d.iop.readdir(k, d, task)];
}

export function chdir(k: Kernel, task: Task, path: string): number {
  const w = lookupPath(k, task, path);
  if (typeof w === 'number') return w;
  if (!w.inode.isDir) return ENOTDIR;
  if (!permission(w.inode, credOf(task), 1)) return EACCES;
  if (!task.fs) task.fs = new FsStruct(w.path);
  else task.fs.cwd = w.path;
  return 0;
}

export function mkdir(k: Kernel, task: Task, path: string, mode: number): number {
  const p = lookupParent(k, task, path);
  if (typeof p === 'number') return p;
  if (!p.name || p.dir.iop?.lookup(k, p.dir, p.name, task)) return EEXIST;
  if (!permission(p.dir, credOf(task), 3)) return EACCES;
  if (!p.dir.iop?.create) return EPERM;
  const r = p.dir.iop.create(k, p.dir, p.name, S_IFDIR | (mode & 0o777 & ~0o022), credOf(task));
  return typeof r === 'number' ? r : 0;
}

export function unlink(k: Kernel, task: Task, path: string): number {
  const p = lookupParent(k, task, path);
  if (typeof p === 'number') return p;
  const child = p.dir.iop?.lookup(k, p.dir, p.name, task);
  if (!child) return ENOENT;
  if ((child.mode & S_IFMT) === S_IFDIR) return EISDIR;
  if (!permission(p.dir, credOf(task), 3)) return EACCES;
  return p.dir.iop?.unlink ? p.dir.iop.unlink(k, p.dir, p.name) : EPERM;
}
