// id: the process's user and groups (`uid=0(root) gid=0(root) groups=0(root)`), or a named
// user's from /etc/passwd and /etc/group; -u, -g, -G print ids alone, -n their names, -r the
// real ids (the same here: the emulation has no set-id programs).

import { getopt, usageError } from './getopt.js';
import { quote, type UtilIo } from './io.js';
import { getgrgid, getgrouplist, getpwnam, getpwuid } from './passwd.js';

const LONG = [
  { name: 'user', key: 'u', arg: false }, { name: 'group', key: 'g', arg: false }, { name: 'groups', key: 'G', arg: false },
  { name: 'name', key: 'n', arg: false }, { name: 'real', key: 'r', arg: false },
] as const;

export function id(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  const parsed = getopt(prog, argv.slice(1), 'ugGnr', LONG);
  if ('error' in parsed) {
    io.stderr(usageError(prog, parsed.error));
    return 1;
  }
  const keys = new Set(parsed.options.map((o) => o.key));
  const only = ['u', 'g', 'G'].filter((k) => keys.has(k));
  if (only.length > 1) {
    io.stderr(`${prog}: cannot print "only" of more than one choice\n`);
    return 1;
  }
  if (only.length === 0 && (keys.has('n') || keys.has('r'))) {
    io.stderr(`${prog}: cannot print only names or real IDs in default format\n`);
    return 1;
  }
  if (parsed.operands.length > 1) {
    io.stderr(usageError(prog, `${prog}: extra operand ${quote(parsed.operands[1]!)}`));
    return 1;
  }
  let uid = io.uid;
  let gid = io.gid;
  let user = getpwuid(io, uid)?.name;
  if (parsed.operands.length === 1) {
    const name = parsed.operands[0]!;
    const pw = getpwnam(io, name) ?? (/^\d+$/.test(name) ? getpwuid(io, Number(name)) : undefined);
    if (!pw) {
      io.stderr(`${prog}: ${quote(name)}: no such user\n`);
      return 1;
    }
    ({ uid, gid, name: user } = pw);
  }
  const groups = user !== undefined ? getgrouplist(io, user, gid) : [gid];
  const uname = (u: number): string | undefined => getpwuid(io, u)?.name;
  const gname = (g: number): string | undefined => getgrgid(io, g)?.name;
  const named = keys.has('n');
  let status = 0;
  const show = (n: number, name: string | undefined, kind: 'user' | 'group'): string => {
    if (!named) return String(n);
    if (name !== undefined) return name;
    io.stderr(`${prog}: cannot find name for ${kind} ID ${n}\n`);
    status = 1;
    return String(n);
  };
  if (keys.has('u')) io.stdout(`${show(uid, uname(uid), 'user')}\n`);
  else if (keys.has('g')) io.stdout(`${show(gid, gname(gid), 'group')}\n`);
  else if (keys.has('G')) io.stdout(`${groups.map((g) => show(g, gname(g), 'group')).join(' ')}\n`);
  else {
    const paren = (name: string | undefined): string => (name === undefined ? '' : `(${name})`);
    io.stdout(`uid=${uid}${paren(uname(uid))} gid=${gid}${paren(gname(gid))} groups=${groups.map((g) => `${g}${paren(gname(g))}`).join(',')}\n`);
  }
  return status;
}
