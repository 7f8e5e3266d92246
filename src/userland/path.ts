// execvp's search: a name without a slash is looked for in each directory of PATH.

import type { Proc } from '../kernel/process.js';
import { S_IFMT, S_IFREG } from '../kernel/fs/inode.js';

/** Ubuntu's default PATH for root's login shell. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The file a command name runs, or -ENOENT. */
export function resolveCommand(p: Proc, name: string, environ: readonly string[]): string | number {
  if (name.includes('/')) return name;
  if (name === '') return -2;
  const path = environ.find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
  for (const dir of path.split(':')) {
    const candidate = `${dir || '.'}/${name}`;
    const st = p.stat(candidate);
    if (typeof st !== 'number' && (st.mode & S_IFMT) === S_IFREG && st.mode & 0o111) return candidate;
  }
  return -2;
}
