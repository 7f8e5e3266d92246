// su and sudo (both set-user-ID root): become USER (root by default) and run a shell or COMMAND.
// root needs no password; anyone else would be asked for one, and with no terminal input to give
// it, su fails as it does after a wrong password. sudo lets members of the sudo group through
// (Ubuntu's first user is one), as if its password had been typed.

import type { Proc } from '../../kernel/process.js';
import { writeErr } from './stdio.js';
import { resolveCommand } from '../path.js';

interface User {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

function* readText(p: Proc, path: string): Generator<number, string, void> {
  const fd = p.open(path);
  if (fd < 0) return '';
  const r = yield* p.readAll(fd);
  p.close(fd);
  return typeof r === 'string' ? r : '';
}

function* users(p: Proc): Generator<number, User[], void> {
  const text = yield* readText(p, '/etc/passwd');
  return text.split('\n').filter(Boolean).map((l) => {
    const f = l.split(':');
    return { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]!, shell: f[6]! };
  });
}

function* becomeAndRun(p: Proc, u: User, login: boolean, argv: string[]): Generator<number, number, void> {
  p.setuid(u.uid, u.gid);
  const env = p.environ.filter((e) => !/^(HOME|USER|LOGNAME|SHELL)=/.test(e));
  env.push(`HOME=${u.home}`, `USER=${u.name}`, `LOGNAME=${u.name}`, `SHELL=${u.shell}`);
  if (login) p.chdir(u.home);
  const path = resolveCommand(p, argv[0]!, env);
  if (typeof path === 'number') {
    yield* writeErr(p, `${argv[0]}: command not found\n`);
    return 127;
  }
  return yield* p.exec(path, argv, env);
}

export function* su(p: Proc, argv: readonly string[]): Generator<number, number, void> {
  let login = false;
  let command: string | null = null;
  let name = 'root';
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-' || a === '-l' || a === '--login') login = true;
    else if (a === '-c' || a === '--command') command = argv[++i] ?? '';
    else name = a;
  }
  const u = (yield* users(p)).find((x) => x.name === name);
  if (!u) {
    yield* writeErr(p, `su: user ${name} does not exist\n`);
    return 1;
  }
  if (p.task.ruid !== 0) {
    yield* writeErr(p, 'Password: \nsu: Authentication failure\n');
    return 1;
  }
  return yield* becomeAndRun(p, u, login, command === null ? [u.shell] : [u.shell, '-c', command]);
}

export function* sudo(p: Proc, argv: readonly string[]): Generator<number, number, void> {
  const args = argv.slice(1);
  if (args.length === 0) {
    yield* writeErr(p, 'usage: sudo -h | -K | -k | -V\nusage: sudo -v [-AknS] [-g group] [-h host] [-p prompt] [-u user]\nusage: sudo -l [-AknS] [-g group] [-h host] [-p prompt] [-U user] [-u user] [command]\nusage: sudo [-AbEHknPS] [-C num] [-g group] [-h host] [-p prompt] [-T timeout] [-u user] [VAR=value] [-i|-s] [<command>]\nusage: sudo -e [-AknS] [-C num] [-g group] [-h host] [-p prompt] [-T timeout] [-u user] file ...\n');
    return 1;
  }
  const all = yield* users(p);
  const me = all.find((x) => x.uid === p.task.ruid);
  const group = yield* readText(p, '/etc/group');
  const sudoers = group.split('\n').find((l) => l.startsWith('sudo:'))?.split(':')[3]?.split(',') ?? [];
  if (p.task.ruid !== 0 && !(me && sudoers.includes(me.name))) {
    yield* writeErr(p, `${me?.name ?? p.task.ruid} is not in the sudoers file.  This incident will be reported.\n`);
    return 1;
  }
  const root = all.find((x) => x.uid === 0)!;
  const path = resolveCommand(p, args[0]!, p.environ);
  if (typeof path === 'number') {
    yield* writeErr(p, `sudo: ${args[0]}: command not found\n`);
    return 1;
  }
  p.setuid(0, 0);
  return yield* p.exec(path, args, p.environ.filter((e) => !/^(HOME|USER|LOGNAME)=/.test(e)).concat(`HOME=${root.home}`, 'USER=root', 'LOGNAME=root'));
}
