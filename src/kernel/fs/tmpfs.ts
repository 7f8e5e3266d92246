// tmpfs (mm/shmem.c's filesystem side): a writable tree in memory whose file pages are shmem
// pages, allocated as they are written and freed on truncate or when the last link and opener go.

import type { Kernel } from '../machine.js';
import { AddressSpace, truncateInodePages } from '../mm/filemap.js';
import { shmemWrite } from '../mm/shmem.js';
import {
  EEXIST, EISDIR, ENOTEMPTY, Inode, O_APPEND, O_TRUNC, readText, S_IFDIR, S_IFMT, S_IFREG,
  type Cred, type FileOperations, type InodeOperations,
} from './inode.js';
import { addEntry, newDir, SimpleSuperBlock } from './libfs.js';

function mappingOf(inode: Inode): AddressSpace {
  if (inode.private instanceof AddressSpace) return inode.private;
  const m = new AddressSpace(inode.ino, 'shmem');
  inode.private = m;
  return m;
}

/** The file's pages go once nothing names or holds it. */
function maybeEvict(k: Kernel, inode: Inode, openers: number): void {
  if (inode.nlink === 0 && openers === 0 && inode.private instanceof AddressSpace) truncateInodePages(k, inode.private, 0);
}

const openCount = new WeakMap<Inode, number>();

const tmpfsFileOps: FileOperations = {
  open(k, file) {
    const inode = file.inode;
    openCount.set(inode, (openCount.get(inode) ?? 0) + 1);
    if (file.flags & O_TRUNC && file.writable) {
      truncateInodePages(k, mappingOf(inode), 0);
      inode.text = '';
      inode.mtime = k.now;
    }
    return 0;
  },
  read: (_k, file, count) => readText(file.inode.text, file, count),
  write(k, file, data) {
    const inode = file.inode;
    if (file.flags & O_APPEND) file.pos = inode.text.length;
    const r = shmemWrite(k, mappingOf(inode), Buffer.byteLength(inode.text.slice(0, file.pos)), Buffer.byteLength(data));
    if (r < 0) return r;
    inode.text = inode.text.slice(0, file.pos).padEnd(file.pos, '\0') + data + inode.text.slice(file.pos + data.length);
    file.pos += data.length;
    inode.mtime = k.now;
    return Buffer.byteLength(data);
  },
  release(k, file) {
    const n = (openCount.get(file.inode) ?? 1) - 1;
    openCount.set(file.inode, n);
    maybeEvict(k, file.inode, n);
  },
};

const tmpfsDirFileOps: FileOperations = {
  read: () => EISDIR,
};

const tmpfsDirOps: InodeOperations = {
  lookup: (_k, dir, name) => dir.entries?.get(name) ?? null,
  readdir: (_k, dir) => [...dir.entries!.keys()],
  create(k, dir, name, mode, cred: Cred) {
    if (dir.entries!.has(name)) return EEXIST;
    if ((mode & S_IFMT) === S_IFDIR) return addEntry(dir, name, tmpfsDir(k, dir, mode & 0o7777, cred.uid, cred.gid));
    const f = new Inode(dir.sb, dir.sb.nextIno(), S_IFREG | (mode & 0o7777), cred.uid, cred.gid);
    f.fop = tmpfsFileOps;
    f.mtime = k.now;
    dir.mtime = k.now;
    return addEntry(dir, name, f);
  },
  unlink(k, dir, name) {
    const child = dir.entries!.get(name);
    if (!child) return -2;
    dir.entries!.delete(name);
    child.nlink = 0;
    maybeEvict(k, child, openCount.get(child) ?? 0);
    return 0;
  },
  // shmem_rmdir (simple_rmdir): only an empty directory goes; it takes its `..` link from the parent.
  rmdir(k, dir, name) {
    const child = dir.entries!.get(name)!;
    if (child.entries!.size) return ENOTEMPTY;
    dir.entries!.delete(name);
    dir.nlink--;
    child.nlink = 0;
    dir.mtime = k.now;
    return 0;
  },
};

function tmpfsDir(k: Kernel, like: Inode, perm: number, uid: number, gid: number): Inode {
  const d = newDir(k, like.sb, perm, uid, gid);
  d.iop = tmpfsDirOps;
  d.fop = tmpfsDirFileOps;
  return d;
}

/** mount -t tmpfs: a new instance's root directory. */
export function tmpfsRoot(k: Kernel, perm: number, uid = 0, gid = 0): Inode {
  const d = newDir(k, new SimpleSuperBlock('tmpfs', 1), perm, uid, gid);
  d.iop = tmpfsDirOps;
  d.fop = tmpfsDirFileOps;
  return d;
}
