// The filesystem tree a booted machine has once init has mounted its filesystems: the ext4 root,
// proc on /proc, devtmpfs on /dev, tmpfs on /tmp, /run and /dev/shm. (vfs_caches_init and
// mnt_init make the root; systemd mounts the rest; the emulation does both at boot.)

import type { Kernel } from '../machine.js';
import { Vfs } from './namei.js';
import { ext4AddFile, ext4AddLink, ext4Mkdirs, ext4Root } from './ext4.js';
import { devtmpfsRoot } from './devtmpfs.js';
import { tmpfsRoot } from './tmpfs.js';
import { Procfs } from './proc/root.js';
import { procEntries, procPidEntries } from './proc/entries.js';
import type { Inode } from './inode.js';

export function mountRootfs(k: Kernel): void {
  const root = ext4Root();
  const vfs = new Vfs(root);
  k.vfs = vfs;
  for (const d of ['bin', 'sbin', 'lib', 'lib64']) ext4AddLink(root, d, `usr/${d}`);
  for (const d of ['usr/bin', 'usr/sbin', 'usr/lib', 'usr/lib64', 'usr/share', 'etc', 'var/log', 'home', 'mnt', 'opt', 'srv', 'sys', 'boot']) ext4Mkdirs(k, root, d);
  mountAt(k, ext4Mkdirs(k, root, 'proc', 0o555), new Procfs(procEntries, procPidEntries).root);
  mountAt(k, ext4Mkdirs(k, root, 'dev'), devtmpfsRoot(k, vfs.console));
  mountAt(k, ext4Mkdirs(k, root, 'tmp', 0o1777), tmpfsRoot(k, 0o1777));
  mountAt(k, ext4Mkdirs(k, root, 'run'), tmpfsRoot(k, 0o755));
  mountAt(k, ext4Mkdirs(k, root, 'root', 0o700), tmpfsRoot(k, 0o700));
}

function mountAt(k: Kernel, at: Inode, fsRoot: Inode): void {
  k.vfs.mount(at, fsRoot);
}

/** Puts a file of the installed system in the root filesystem (install time, before users). */
export function installFile(k: Kernel, path: string, text: string, perm = 0o644): Inode {
  const slash = path.lastIndexOf('/');
  const dir = ext4Mkdirs(k, k.vfs.root, path.slice(0, slash));
  return ext4AddFile(k, dir, path.slice(slash + 1), text, perm);
}

/** Mounts a fresh tmpfs at `path` (a directory of the root filesystem, made if missing). */
export function mountTmpfs(k: Kernel, path: string, perm: number, uid = 0, gid = 0): void {
  mountAt(k, ext4Mkdirs(k, k.vfs.root, path, perm, uid, gid), tmpfsRoot(k, perm, uid, gid));
}
