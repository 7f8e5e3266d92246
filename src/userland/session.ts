// A login session on the machine's terminal, as login or sshd would start one: a process of the
// user's, descriptors 0, 1 and 2 on /dev/pts/0, the home directory as working directory, the
// login environment, and the user's shell (or a command) exec'd in it.

import type { Kernel } from '../kernel/machine.js';
import { Proc } from '../kernel/process.js';
import { FilesStruct, FsStruct } from '../kernel/fs/fdtable.js';
import { openConsole } from '../kernel/fs/devtmpfs.js';
import { DEFAULT_PATH } from './path.js';

export interface Login {
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

export const ROOT: Login = { user: 'root', uid: 0, gid: 0, home: '/root' };
export const REALLINUX: Login = { user: 'reallinux', uid: 1000, gid: 1000, home: '/home/reallinux' };

/** Forks a session leader from init and execs ARGV (e.g. `bash -c CMD`); returns its pid. */
export function startSession(k: Kernel, argv: readonly string[], login: Login = ROOT, columns = 80): number {
  const init = k.tasks.get(1)!;
  const saved = k.current;
  k.current = init;
  const initProc = new Proc(k, init);
  const env = [`HOME=${login.home}`, `USER=${login.user}`, `LOGNAME=${login.user}`, 'SHELL=/bin/bash', `PATH=${DEFAULT_PATH}`, 'TERM=xterm-256color', `COLUMNS=${columns}`];
  const pid = initProc.fork(function* (p) {
    const files = new FilesStruct();
    files.alloc(openConsole(k, 0));
    files.alloc(openConsole(k, 1));
    files.alloc(openConsole(k, 2));
    p.task.files = files;
    p.task.fs = new FsStruct(login.home);
    p.task.uid = p.task.ruid = login.uid;
    // setsid, and the terminal's foreground group is the session's.
    p.task.pgid = p.task.pid;
    p.tcsetpgrp(p.task.pid);
    p.task.gid = login.gid;
    return yield* p.exec('/bin/bash', argv, env);
  });
  k.current = saved;
  return pid;
}
