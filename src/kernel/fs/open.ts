// fs/open.c, fs/read_write.c, fs/readdir.c, fs/stat.c and fs/namei.c's system calls, as the
// non-blocking halves the Proc layer (process.ts) wraps: each returns at once with a result,
// -errno, or EAGAIN when the caller should sleep on the file's wait queue (or wait for its IO)
// and call again. rmdir(2) comes whole, syscall entry and all (sys_rmdir), as execve does: Proc
// has no wrapper for it.

import type { Kernel } from '../machine.js';
import type { Task } from '../sched/task.js';
import { ArgKind, kfunc } from '../symbols.js';
import { syscallEnter, syscallLeave } from '../arch/entry.js';
import {
  EBADF, EBUSY, EEXIST, EINVAL, EISDIR, ENOENT, ENOTDIR, ENOTEMPTY, EACCES, EPERM, EROFS, File, Inode, O_ACCMODE,
  O_CREAT, O_DIRECTORY, O_RDONLY, O_TRUNC, permission, S_IFDIR, S_IFREG, S_ISVTX, type Cred,
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
export const F_vfs_rmdir = kfunc('vfs_rmdir', { file: 'fs/namei.c', size: 0x150, global: true, args: [ArgKind.Vmalloc, ArgKind.Vmalloc] });
export const F_do_rmdir = kfunc('do_rmdir', { file: 'fs/namei.c', size: 0x1c0, global: true, args: [ArgKind.Int, ArgKind.User] });
export const F___x64_sys_rmdir = kfunc('__x64_sys_rmdir', { file: 'fs/namei.c', size: 0x20, global: true, args: [ArgKind.Vmalloc] });

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
  // do_last: a name to create that ends in a slash is refused once the directory it is in is found.
  if (flags & O_CREAT && path.endsWith('/')) {
    const p = lookupParent(k, task, path);
    return typeof p === 'number' ? p : EISDIR;
  }
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
  // mnt_want_write comes before the lookup: a read-only filesystem refuses even a missing name.
  if (p.dir.sb.rdonly) return EROFS;
  const child = p.dir.iop?.lookup(k, p.dir, p.name, task);
  if (!child) return ENOENT;
  // do_unlinkat's `slashes`: a name with a trailing slash is never a file to unlink.
  if (path.endsWith('/')) return child.isDir ? EISDIR : ENOTDIR;
  const denied = mayDelete(credOf(task), p.dir, child, false);
  if (denied) return denied;
  return p.dir.iop?.unlink ? p.dir.iop.unlink(k, p.dir, p.name) : EPERM;
}

/** rmdir(2): the syscall entry around do_rmdir. */
export function sys_rmdir(k: Kernel, task: Task, path: string): number {
  syscallEnter(k, 84, F___x64_sys_rmdir, -1);
  return syscallLeave(k, F___x64_sys_rmdir, do_rmdir(k, task, path));
}

/** do_rmdir: removes the empty directory `path`, or -errno. */
function do_rmdir(k: Kernel, task: Task, path: string): number {
  k.enter(F_do_rmdir, -100, 0);
  return k.leave(F_do_rmdir, rmdirPath(k, task, path));
}

function rmdirPath(k: Kernel, task: Task, path: string): number {
  if (path === '') return ENOENT;
  // filename_parentat walks to the parent and classifies the last component: `/` (LAST_ROOT),
  // `.` and `..` are refused once the parent is known to be there.
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return EBUSY;
  const slash = trimmed.lastIndexOf('/');
  const last = trimmed.slice(slash + 1);
  if (last === '.' || last === '..') {
    const parent = lookupPath(k, task, slash < 0 ? '.' : trimmed.slice(0, slash + 1));
    if (typeof parent === 'number') return parent;
    return last === '.' ? EINVAL : ENOTEMPTY;
  }
  const p = lookupParent(k, task, trimmed);
  if (typeof p === 'number') return p;
  // mnt_want_write comes before the lookup: a read-only filesystem refuses even a missing name.
  if (p.dir.sb.rdonly) return EROFS;
  const child = p.dir.iop?.lookup(k, p.dir, p.name, task);
  if (!child) return ENOENT;
  return vfs_rmdir(k, credOf(task), p.dir, p.name, child);
}

/** vfs_rmdir: may_delete's checks, then the filesystem's rmdir. */
function vfs_rmdir(k: Kernel, cred: Cred, dir: Inode, name: string, victim: Inode): number {
  k.enter(F_vfs_rmdir, -1, -1);
  // (A mount point would be EBUSY after may_delete, but every one is on the read-only root, refused before.)
  const r = mayDelete(cred, dir, victim, true) || (dir.iop?.rmdir ? dir.iop.rmdir(k, dir, name) : EPERM);
  return k.leave(F_vfs_rmdir, r);
}

/** may_delete: whether CRED may remove VICTIM from DIR, as a directory (rmdir) or not (unlink); 0 or -errno. */
function mayDelete(cred: Cred, dir: Inode, victim: Inode, isDir: boolean): number {
  if (!permission(dir, cred, 3)) return EACCES;
  // check_sticky: in a sticky directory (/tmp) only the owner of the entry or of the directory may remove it.
  if (dir.mode & S_ISVTX && cred.uid !== 0 && cred.uid !== victim.uid && cred.uid !== dir.uid) return EPERM;
  if (isDir && !victim.isDir) return ENOTDIR;
  if (!isDir && victim.isDir) return EISDIR;
  return 0;
}
