// Runs a utility (a pure function of argv and a UtilIo, src/userland/coreutils) as a program on
// the emulated machine. The utility's io calls become the process's system calls: a file it reads
// is opened, read and closed; its output is written to descriptors 1 and 2 when it finishes.
//
// A utility cannot sleep, but a read can have to wait (a pipe's writer is still running, a
// file's pages are on disk). Then the read is finished here, in the process, sleeping as long
// as it takes, and the utility runs again from the start with what it has read so far remembered,
// so each file is read once and its system calls happen once, like a restarted system call. The
// calls that change the filesystem (unlink, mkdir...) are remembered in the order they were made,
// so a rerun gets their first results instead of making them again.

import type { Proc } from '../kernel/process.js';
import type { Program } from '../kernel/exec.js';
import { EAGAIN, O_CREAT, O_WRONLY, S_IFDIR, S_IFMT, S_IFREG } from '../kernel/fs/inode.js';
import { statInode, sys_rmdir, type KStat } from '../kernel/fs/open.js';
import type { Errno, Failure, Stat, Util, UtilIo } from './coreutils/io.js';
import { resolveCommand } from './path.js';

const ERRNO: Record<number, Errno> = {
  1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 5: 'EIO', 8: 'ENOEXEC', 12: 'ENOMEM', 13: 'EACCES', 16: 'EBUSY', 17: 'EEXIST', 20: 'ENOTDIR',
  21: 'EISDIR', 22: 'EINVAL', 28: 'ENOSPC', 30: 'EROFS', 36: 'ENAMETOOLONG', 39: 'ENOTEMPTY', 40: 'ELOOP',
};

/** -errno as the utilities' Failure. */
export function failure(e: number): Failure {
  return { errno: ERRNO[-e] ?? 'EIO' };
}

export function toStat(st: KStat): Stat {
  const fmt = st.mode & S_IFMT;
  return {
    type: fmt === S_IFREG ? 'file' : fmt === S_IFDIR ? 'dir' : 'other',
    size: st.size, mode: st.mode, nlink: st.nlink, uid: st.uid, gid: st.gid, ino: st.ino,
    mtime: Math.floor(st.mtime / 1e9),
  };
}

/** A read that has to sleep: the descriptor, what came before it blocked, and where the result goes. */
class BlockedRead {
  constructor(
    readonly key: string,
    readonly fd: number,
    readonly soFar: string,
    readonly close: boolean,
  ) {}
}

/** The utility asked to become another program (env's execvp). */
class ExecRequest {
  constructor(
    readonly argv: readonly string[],
    readonly environ: readonly string[],
  ) {}
}

const STDIN_KEY = '\0stdin';

export function utilProgram(util: Util): Program {
  return function* (p: Proc, argv: readonly string[]) {
    const reads = new Map<string, string | Failure>();
    const execs = new Map<string, Failure>();
    const changes: (Failure | null)[] = [];
    for (;;) {
      const out: { fd: number; text: string }[] = [];
      const emit = (fd: number, text: string): void => {
        if (!text) return;
        const last = out[out.length - 1];
        if (last && last.fd === fd) last.text += text;
        else out.push({ fd, text });
      };
      const io = processIo(p, reads, execs, changes, emit);
      let status: number;
      try {
        status = util([...argv], io);
      } catch (e) {
        if (e instanceof BlockedRead) {
          const rest = yield* p.readAll(e.fd);
          if (e.close) p.close(e.fd);
          reads.set(e.key, typeof rest === 'number' ? failure(rest) : e.soFar + rest);
          if (p.task.killed) return 1;
          continue;
        }
        if (e instanceof ExecRequest) {
          yield* flush(p, out);
          const path = resolveCommand(p, e.argv[0]!, e.environ);
          const r = typeof path === 'number' ? path : (p.environ = [...e.environ], yield* p.exec(path, e.argv));
          execs.set(e.argv.join('\0'), failure(r));
          continue;
        }
        throw e;
      }
      yield* flush(p, out);
      return status;
    }
  };
}

function* flush(p: Proc, out: { fd: number; text: string }[]): Generator<number, void, void> {
  for (const { fd, text } of out.splice(0)) {
    const r = yield* p.write(fd, text);
    if (r < 0) return;
  }
}

function processIo(p: Proc, reads: Map<string, string | Failure>, execs: Map<string, Failure>, changes: (Failure | null)[], emit: (fd: number, text: string) => void): UtilIo {
  let made = 0;
  /** A call that changes the filesystem: made once; a rerun of the utility gets the result it had. */
  const change = (call: () => number): Failure | null => {
    if (made === changes.length) {
      const r = call();
      changes.push(r < 0 ? failure(r) : null);
    }
    return changes[made++]!;
  };
  const readFd = (key: string, fd: number, close: boolean): string | Failure => {
    let text = '';
    for (;;) {
      const r = p.readNow(fd);
      if (r === EAGAIN) throw new BlockedRead(key, fd, text, close);
      if (typeof r === 'number' || r === '') {
        if (close) p.close(fd);
        const result = typeof r === 'number' ? failure(r) : text;
        reads.set(key, result);
        return result;
      }
      text += r;
    }
  };
  let stdinTaken = false;
  return {
    stdin() {
      // Standard input is read once per run; a rerun reads it again from what was remembered.
      if (stdinTaken) return '';
      stdinTaken = true;
      const r = reads.get(STDIN_KEY) ?? readFd(STDIN_KEY, 0, false);
      return typeof r === 'string' ? r : '';
    },
    stdout: (s) => emit(1, s),
    stderr: (s) => emit(2, s),
    readFile(path) {
      const had = reads.get(path);
      if (had !== undefined) return had;
      const fd = p.open(path);
      if (fd < 0) {
        reads.set(path, failure(fd));
        return failure(fd);
      }
      return readFd(path, fd, true);
    },
    stat(path) {
      if (path === null) {
        const f = p.task.files?.get(0);
        return f ? toStat(statInode(f.inode)) : failure(-9);
      }
      const st = p.stat(path);
      return typeof st === 'number' ? failure(st) : toStat(st);
    },
    lstat(path) {
      const st = p.stat(path, false);
      return typeof st === 'number' ? failure(st) : toStat(st);
    },
    readdir(path) {
      const r = p.readdir(path);
      return typeof r === 'number' ? failure(r) : r.filter((n) => n !== '.' && n !== '..');
    },
    unlink: (path) => change(() => p.unlink(path)),
    rmdir: (path) => change(() => sys_rmdir(p.k, p.task, path)),
    mkdir: (path) => change(() => p.mkdir(path)),
    create: (path) =>
      change(() => {
        const fd = p.open(path, O_WRONLY | O_CREAT, 0o666);
        return fd < 0 ? fd : p.close(fd);
      }),
    isatty(fd) {
      const f = p.task.files?.get(fd);
      return !!f && (f.inode.mode & S_IFMT) === 0o020000 && /^\/dev\/(pts\/|tty)/.test(f.path);
    },
    get cwd() {
      return p.task.fs?.cwd ?? '/';
    },
    get environ() {
      return p.environ;
    },
    uid: p.task.uid,
    gid: p.task.gid,
    exec(argv, environ) {
      const failed = execs.get(argv.join('\0'));
      if (failed) return failed;
      throw new ExecRequest(argv, environ);
    },
  };
}
