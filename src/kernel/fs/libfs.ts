// fs/libfs.c: what simple filesystems share. A superblock hands out inode numbers; directories
// keep their entries in a map; new inodes start with the times and owner of their creator.

import type { Kernel } from '../machine.js';
import { Inode, S_IFDIR, simpleDirOps, type SuperBlock } from './inode.js';

export class SimpleSuperBlock implements SuperBlock {
  private last: number;

  constructor(
    readonly type: string,
    firstIno: number,
  ) {
    this.last = firstIno - 1;
  }

  nextIno(): number {
    return ++this.last;
  }
}

/** A directory keeping its own entries. */
export function newDir(k: Kernel, sb: SuperBlock, perm: number, uid = 0, gid = 0): Inode {
  const d = new Inode(sb, sb.nextIno(), S_IFDIR | perm, uid, gid);
  d.iop = simpleDirOps;
  d.nlink = 2;
  d.mtime = k.now;
  return d;
}

/** d_add: links `child` into `dir` as `name`. */
export function addEntry(dir: Inode, name: string, child: Inode): Inode {
  dir.entries!.set(name, child);
  child.parent = dir;
  if (child.isDir) dir.nlink++;
  return child;
}
