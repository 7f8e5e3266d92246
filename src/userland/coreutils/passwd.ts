// The user and group databases as glibc's files backend reads them: /etc/passwd and /etc/group.

import type { UtilIo } from './io.js';

export interface Passwd {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export interface Group {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

function lines(io: UtilIo, path: string): string[][] {
  const t = io.readFile(path);
  if (typeof t !== 'string') return [];
  return t.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(':'));
}

const isId = (s: string | undefined): boolean => s !== undefined && /^\d+$/.test(s);

export function passwdEntries(io: UtilIo): Passwd[] {
  return lines(io, '/etc/passwd')
    .filter((f) => f.length >= 4 && isId(f[2]) && isId(f[3]))
    .map((f) => ({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]) }));
}

export function groupEntries(io: UtilIo): Group[] {
  return lines(io, '/etc/group')
    .filter((f) => f.length >= 3 && isId(f[2]))
    .map((f) => ({ name: f[0]!, gid: Number(f[2]), members: (f[3] ?? '').split(',').filter((m) => m !== '') }));
}

export const getpwuid = (io: UtilIo, uid: number): Passwd | undefined => passwdEntries(io).find((p) => p.uid === uid);
export const getpwnam = (io: UtilIo, name: string): Passwd | undefined => passwdEntries(io).find((p) => p.name === name);
export const getgrgid = (io: UtilIo, gid: number): Group | undefined => groupEntries(io).find((g) => g.gid === gid);

/** getgrouplist: GID first, then every group that lists USER, in /etc/group order. */
export function getgrouplist(io: UtilIo, user: string, gid: number): number[] {
  const out = [gid];
  for (const g of groupEntries(io)) if (g.members.includes(user) && !out.includes(g.gid)) out.push(g.gid);
  return out;
}
