// A process's io over a golden's files: readFile, readdir (the names under a directory, from the
// file paths), /proc/self standing for pid 1 (which the captures ran as), root's ids. The files are
// a snapshot: changing them fails as on a read-only filesystem.

import type { Failure, Stat, UtilIo } from '../../src/userland/coreutils/io.js';

export interface Golden {
  files: Record<string, string>;
  cases: { argv: string[]; stdout: string; stderr: string; status: number }[];
}

export interface Out {
  stdout: string;
  stderr: string;
}

export function fakeIo(files: Record<string, string>, out: Out, ids = { uid: 0, gid: 0 }, environ: readonly string[] = ['LC_ALL=C']): UtilIo {
  const resolve = (path: string): string => path.replace(/^\/proc\/self\//, '/proc/1/');
  const isDir = (path: string): boolean => Object.keys(files).some((p) => p.startsWith(path.endsWith('/') ? path : `${path}/`));
  return {
    stdin: () => '',
    stdout: (s) => void (out.stdout += s),
    stderr: (s) => void (out.stderr += s),
    readFile: (path): string | Failure => files[resolve(path)] ?? { errno: isDir(path) ? 'EISDIR' : 'ENOENT' },
    readdir: (path): string[] | Failure => {
      const prefix = path.endsWith('/') ? path : `${path}/`;
      const names = new Set<string>();
      for (const p of Object.keys(files)) if (p.startsWith(prefix)) names.add(p.slice(prefix.length).split('/')[0]!);
      return names.size ? [...names] : { errno: 'ENOENT' };
    },
    stat: (path): Stat | Failure => (path !== null && files[path] !== undefined ? { type: 'file', size: 0 } : { errno: 'ENOENT' }),
    unlink: () => ({ errno: 'EROFS' }),
    rmdir: () => ({ errno: 'EROFS' }),
    mkdir: () => ({ errno: 'EROFS' }),
    create: () => ({ errno: 'EROFS' }),
    uid: ids.uid,
    gid: ids.gid,
    cwd: '/',
    environ,
    exec: () => ({ errno: 'ENOENT' }),
  };
}
