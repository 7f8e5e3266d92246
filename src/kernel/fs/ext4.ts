// The root filesystem: an ext4 volume on the machine's disk, mounted read-only (as a live image
// is), whose files are read through the page cache. A read of pages not in memory waits for the
// disk (filemap.ts does the IO); a second read finds them cached until reclaim drops them.

import type { Kernel } from '../machine.js';
import { AddressSpace, filemapCached, filemapRead } from '../mm/filemap.js';
import { EAGAIN, EISDIR, EROFS, Inode, readText, S_IFREG, type FileOperations, type InodeOperations } from './inode.js';
import { addEntry, newDir, SimpleSuperBlock } from './libfs.js';

/** ext4's root directory inode is 2; files created at install time number on from 11. */
export class Ext4SuperBlock extends SimpleSuperBlock {
  readonly rdonly = true;

  constructor() {
    super('ext4', 11);
  }
}

function mappingOf(inode: Inode): AddressSpace {
  if (inode.private instanceof AddressSpace) return inode.private;
  const m = new AddressSpace(inode.ino, 'disk');
  // i_size bounds readahead; the installed files never change size.
  m.isize = inode.size;
  inode.private = m;
  return m;
}

const ext4FileOps: FileOperations = {
  open: (_k, file) => (file.writable ? EROFS : 0),
  read(k, file, count) {
    const inode = file.inode;
    const len = Math.min(count, inode.text.length - file.pos);
    if (len > 0 && !filemapCached(k, mappingOf(inode), file.pos, len)) return EAGAIN;
    return readText(inode.text, file, count);
  },
  *prepareRead(k, file, count) {
    const inode = file.inode;
    const len = Math.min(count, inode.text.length - file.pos);
    return len > 0 ? yield* filemapRead(k, mappingOf(inode), file.pos, len) : 0;
  },
};

const ext4DirFileOps: FileOperations = {
  read: () => EISDIR,
};

const readOnlyDirOps: InodeOperations = {
  lookup: (_k, dir, name) => dir.entries?.get(name) ?? null,
  readdir: (_k, dir) => [...dir.entries!.keys()],
  create: () => EROFS,
  unlink: () => EROFS,
};

/** The root directory of a fresh volume. */
export function ext4Root(): Inode {
  const sb = new Ext4SuperBlock();
  const root = new Inode(sb, 2, 0o040755);
  root.iop = readOnlyDirOps;
  root.fop = ext4DirFileOps;
  root.nlink = 2;
  return root;
}

/** mkdir -p at install time: the directory at `names` under `root`, created as needed. */
export function ext4Mkdirs(k: Kernel, root: Inode, path: string, perm = 0o755, uid = 0, gid = 0): Inode {
  let d = root;
  for (const name of path.split('/').filter(Boolean)) {
    let next = d.entries!.get(name);
    if (!next) {
      next = newDir(k, d.sb, perm, uid, gid);
      next.iop = readOnlyDirOps;
      next.fop = ext4DirFileOps;
      addEntry(d, name, next);
    }
    d = next;
  }
  return d;
}

/** A file of the installed system, with its content. */
export function ext4AddFile(k: Kernel, dir: Inode, name: string, text: string, perm = 0o644): Inode {
  const f = new Inode(dir.sb, dir.sb.nextIno(), S_IFREG | perm);
  f.text = text;
  f.fop = ext4FileOps;
  f.mtime = k.now;
  return addEntry(dir, name, f);
}

/** A symbolic link (/bin → usr/bin as on a merged-/usr Ubuntu). */
export function ext4AddLink(dir: Inode, name: string, target: string): Inode {
  const l = new Inode(dir.sb, dir.sb.nextIno(), 0o120777);
  l.link = target;
  return addEntry(dir, name, l);
}
