// bash's executor over the emulated system calls: lists, and-or lists, pipelines of processes
// joined by pipes, redirections, subshells, background jobs, builtins, and the messages bash
// prints when a command cannot run or dies of a signal. The parser and word expansion are
// src/shell's; this file decides what runs where, as execute_cmd.c and jobs.c do.

import type { Proc } from '../../kernel/process.js';
import { O_APPEND, O_CREAT, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY } from '../../kernel/fs/inode.js';
import { Parser, ShellSyntaxError, type AndOr, type Command, type CompleteCommand, type List, type Pipeline, type SimpleCommand, type Redirect, type HereDoc } from '../../shell/parse.js';
import { expandAssignment, expandRedirect, expandWords, ShellExpansionError, type ResolvedRedirect, type ShellParams, type ShellVars } from '../../shell/expand.js';
import { strerror } from '../coreutils/io.js';
import { failure } from '../util_program.js';
import { resolveCommand } from '../path.js';
import { BUILTINS } from './builtins.js';

/** `bash` (bash's messages: `bash: foo: command not found`) or `sh` (dash's: `sh: 1: foo: not found`). */
export type Flavour = 'bash' | 'sh';

export interface Job {
  readonly id: number;
  readonly pids: number[];
  readonly text: string;
  /** Wait statuses of the pids that have exited, by pid. */
  readonly done: Map<number, number>;
}

/** The shell's variables with their export marks. */
export class Variables implements ShellVars {
  readonly values = new Map<string, string>();
  readonly exported = new Set<string>();

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  set(name: string, value: string): void {
    this.values.set(name, value);
  }

  clone(): Variables {
    const v = new Variables();
    for (const [k, x] of this.values) v.values.set(k, x);
    for (const e of this.exported) v.exported.add(e);
    return v;
  }

  /** The environment a command gets: exported variables, then its own assignments. */
  environ(extra: readonly [string, string][] = []): string[] {
    const env = new Map<string, string>();
    for (const name of this.exported) {
      const v = this.values.get(name);
      if (v !== undefined) env.set(name, v);
    }
    for (const [k, v] of extra) env.set(k, v);
    return [...env].map(([k, v]) => `${k}=${v}`);
  }
}

/** Thrown by `exit` and fatal errors: the shell stops with this status. */
export class ShellExit {
  constructor(readonly status: number) {}
}

const SIGNAL_TEXT: Record<number, string> = {
  1: 'Hangup', 2: '', 3: 'Quit', 4: 'Illegal instruction', 6: 'Aborted', 8: 'Floating point exception',
  9: 'Killed', 11: 'Segmentation fault', 13: '', 14: 'Alarm clock', 15: 'Terminated', 10: 'User defined signal 1', 12: 'User defined signal 2',
};

export class Shell implements ShellParams {
  vars = new Variables();
  positional: string[] = [];
  arg0: string;
  status = 0;
  lastBackgroundPid: number | null = null;
  flags: string;
  jobs: Job[] = [];
  private nextJob = 1;
  /** The line of the command being run, for `sh: 1:` messages. */
  line = 1;
  private source = '';
  /** /etc/passwd, read at start for `~user`. */
  passwd = '';
  /** When the shell started, in seconds since the epoch (printf's %(fmt)T of -2); subshells keep it. */
  startTime: number;

  constructor(
    public p: Proc,
    readonly interactive: boolean,
    readonly flavour: Flavour = 'bash',
  ) {
    this.arg0 = flavour;
    this.flags = interactive ? 'himBHs' : 'hBc';
    this.startTime = p.realtime().sec;
  }

  get pid(): number {
    return this.p.task.tgid;
  }

  homeOf(user: string): string | null {
    const name = user || this.vars.get('USER') || '';
    if (user === '' && this.vars.get('HOME') !== undefined) return this.vars.get('HOME')!;
    for (const line of this.passwd.split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f.length >= 6) return f[5]!;
    }
    return null;
  }

  /** The prefix of bash's own error messages. */
  get errPrefix(): string {
    return this.flavour === 'sh' ? `sh: ${this.line}: ` : 'bash: ';
  }

  *err(text: string): Generator<number, void, void> {
    yield* this.p.write(2, `${this.errPrefix}${text}\n`);
  }

  /** A child process's copy of this shell (a subshell, or a pipeline element). */
  private forChild(cp: Proc): Shell {
    const s = new Shell(cp, false, this.flavour);
    s.vars = this.vars.clone();
    s.positional = [...this.positional];
    s.arg0 = this.arg0;
    s.status = this.status;
    s.lastBackgroundPid = this.lastBackgroundPid;
    s.passwd = this.passwd;
    s.startTime = this.startTime;
    s.line = this.line;
    s.source = this.source;
    return s;
  }

  /** Reads and runs SOURCE a complete command at a time (bash -c, or a line typed at the prompt). */
  *runSource(source: string, syntaxPrefix: string): Generator<number, number, void> {
    this.source = source;
    const parser = new Parser(source);
    for (;;) {
      let cmd: CompleteCommand | null;
      try {
        cmd = parser.next();
      } catch (e) {
        if (!(e instanceof ShellSyntaxError)) throw e;
        for (const w of e.warnings) yield* this.p.write(2, `${syntaxPrefix}line ${w.line}: ${w.message}\n`);
        yield* this.p.write(2, e.report(this.interactive ? 'bash: ' : `${syntaxPrefix}line ${e.line}: `));
        this.status = 2;
        if (!this.interactive) throw new ShellExit(2);
        return 2;
      }
      if (!cmd) return this.status;
      for (const w of cmd.warnings) yield* this.p.write(2, `${syntaxPrefix}line ${w.line}: ${w.message}\n`);
      this.line = cmd.line;
      yield* this.reapJobs();
      this.status = yield* this.list(cmd.list);
    }
  }

  *list(list: List): Generator<number, number, void> {
    let status = this.status;
    for (const item of list.items) {
      if (item.background) {
        status = yield* this.background(item.command);
        this.status = status;
      } else {
        status = yield* this.andOr(item.command);
        this.status = status;
      }
    }
    return status;
  }

  private *background(ao: AndOr): Generator<number, number, void> {
    const text = this.source.slice(ao.start, ao.end);
    // bash execs a lone asynchronous command in the child it forked, so `$!` is the command's pid.
    const only = ao.rest.length === 0 && !ao.first.negated && ao.first.commands.length === 1 ? ao.first.commands[0]! : null;
    const pid = this.p.fork((cp) => this.forChild(cp).runChild((s) => (only ? s.command(only, true) : s.andOr(ao))));
    if (pid < 0) return 1;
    if (this.interactive) this.p.setpgid(pid, pid);
    const job: Job = { id: this.nextJob++, pids: [pid], text, done: new Map() };
    this.jobs.push(job);
    this.lastBackgroundPid = pid;
    if (this.interactive) yield* this.p.write(2, `[${job.id}] ${pid}\n`);
    return 0;
  }

  /** A forked shell runs its part and ends with its status. */
  *runChild(body: (s: Shell) => Generator<number, number, void>): Generator<number, number, void> {
    try {
      return yield* body(this);
    } catch (e) {
      if (e instanceof ShellExit) return e.status;
      throw e;
    }
  }

  *andOr(ao: AndOr): Generator<number, number, void> {
    let status = yield* this.pipeline(ao.first);
    for (const { op, pipeline } of ao.rest) {
      if ((op === '&&') === (status === 0)) status = yield* this.pipeline(pipeline);
    }
    return status;
  }

  *pipeline(pl: Pipeline): Generator<number, number, void> {
    let status: number;
    if (pl.commands.length === 0) status = 0;
    else if (pl.commands.length === 1) status = yield* this.command(pl.commands[0]!, false);
    else status = yield* this.multi(pl.commands);
    this.status = status;
    return pl.negated ? (status === 0 ? 1 : 0) : status;
  }

  /** Each element in its own process, stdout to the next one's stdin. */
  private *multi(commands: Command[]): Generator<number, number, void> {
    const p = this.p;
    const pids: number[] = [];
    let prevRead = -1;
    for (let i = 0; i < commands.length; i++) {
      let pipe: [number, number] | null = null;
      if (i < commands.length - 1) {
        const r = p.pipe();
        if (typeof r === 'number') {
          yield* this.err(`pipe error: ${strerror(failure(r).errno)}`);
          break;
        }
        pipe = r;
      }
      const cmd = commands[i]!;
      const inFd = prevRead;
      const pid = p.fork((cp) =>
        this.forChild(cp).runChild(function* (s) {
          if (inFd >= 0) {
            cp.dup2(inFd, 0);
            cp.close(inFd);
          }
          if (pipe) {
            cp.dup2(pipe[1], 1);
            cp.close(pipe[1]);
            cp.close(pipe[0]);
          }
          return yield* s.command(cmd, true);
        }),
      );
      if (inFd >= 0) p.close(inFd);
      if (pipe) p.close(pipe[1]);
      prevRead = pipe ? pipe[0] : -1;
      if (pid > 0) {
        pids.push(pid);
        if (this.interactive) p.setpgid(pid, pids[0]!);
      }
    }
    if (prevRead >= 0) p.close(prevRead);
    if (this.interactive && pids.length) p.tcsetpgrp(pids[0]!);
    const statuses: number[] = [];
    for (const pid of pids) statuses.push(yield* p.wait(pid));
    if (this.interactive) p.tcsetpgrp(p.task.pgid);
    const last = statuses[statuses.length - 1];
    if (last === undefined || last < 0) return 127;
    // bash reports only the last element's signal; SIGKILL in a script lists the whole pipeline.
    if ((last & 0x7f) === 9 && !this.interactive && pids.length > 1) {
      let text = '';
      for (let i = 0; i < pids.length; i++) {
        const ws = statuses[i]!;
        const sig = ws & 0x7f;
        const what = sig ? SIGNAL_TEXT[sig] || `Signal ${sig}` : (ws >> 8) & 0xff ? `Exit ${(ws >> 8) & 0xff}` : 'Done';
        const src = this.source.slice(commands[i]!.start, commands[i]!.end);
        text += `${i ? '     ' : this.errPrefix}${String(pids[i]).padStart(5)} ${what.padEnd(24)}${i ? '| ' : ''}${src}\n`;
      }
      yield* p.write(2, text);
      return 137;
    }
    return yield* this.statusOf(pids[pids.length - 1]!, last, null);
  }

  /** wait4 on a foreground child; a death by signal is reported as bash reports it. */
  *waitFor(pid: number, text: string | null): Generator<number, number, void> {
    const ws = yield* this.p.wait(pid);
    if (ws < 0) return 127;
    return yield* this.statusOf(pid, ws, text);
  }

  *statusOf(pid: number, ws: number, text: string | null): Generator<number, number, void> {
    const sig = ws & 0x7f;
    if (!sig) return (ws >> 8) & 0xff;
    const desc = SIGNAL_TEXT[sig] ?? `Unknown signal ${sig}`;
    if (desc) {
      if (this.interactive || sig !== 9 || text === null) yield* this.p.write(2, `${desc}\n`);
      else yield* this.p.write(2, `${this.errPrefix}${String(pid).padStart(5)} ${desc.padEnd(24)}${text}\n`);
    }
    return 128 + sig;
  }

  *command(cmd: Command, inChild: boolean): Generator<number, number, void> {
    switch (cmd.type) {
      case 'SimpleCommand':
        return yield* this.simple(cmd, inChild);
      case 'BraceGroup':
        return yield* this.withRedirects(cmd.redirects, () => this.list(cmd.body));
      case 'Subshell': {
        if (inChild) return yield* this.withRedirects(cmd.redirects, () => this.list(cmd.body));
        const pid = this.p.fork((cp) => this.forChild(cp).runChild((s) => s.withRedirects(cmd.redirects, () => s.list(cmd.body))));
        return yield* this.foreground(pid, this.source.slice(cmd.start, cmd.end));
      }
    }
  }

  /** Expansion that bash refuses: the message, and a non-interactive shell gives up. */
  private *expansionFailed(e: ShellExpansionError): Generator<number, number, void> {
    yield* this.err(e.message);
    if (!this.interactive) throw new ShellExit(e.status);
    return e.status;
  }

  private *simple(cmd: SimpleCommand, inChild: boolean): Generator<number, number, void> {
    this.line = cmd.line;
    let fields: string[];
    const assigns: [string, string][] = [];
    try {
      fields = expandWords(cmd.words, this);
      for (const a of cmd.assignments) assigns.push([a.name, expandAssignment(a, this)]);
    } catch (e) {
      if (e instanceof ShellExpansionError) return yield* this.expansionFailed(e);
      throw e;
    }
    if (fields.length === 0) {
      for (const [k, v] of assigns) this.vars.set(k, v);
      return yield* this.withRedirects(cmd.redirects, function* () {
        return 0;
      });
    }
    const name = fields[0]!;
    const builtin = BUILTINS[name];
    if (builtin && !(this.flavour === 'sh' && name === 'ulimit')) {
      return yield* this.withRedirects(cmd.redirects, () => builtin(this, fields));
    }
    const text = this.source.slice(cmd.start, cmd.end);
    const env = this.vars.environ(assigns);
    if (inChild) return yield* this.execIn(this, cmd.redirects, fields, env);
    const pid = this.p.fork((cp) => {
      const s = this.forChild(cp);
      return s.runChild((c) => c.execIn(c, cmd.redirects, fields, env));
    });
    if (pid < 0) {
      yield* this.err(`fork: ${strerror(failure(pid).errno)}`);
      return 254;
    }
    return yield* this.foreground(pid, text);
  }

  /** Waits for a one-process foreground job; at a prompt it owns the terminal meanwhile. */
  private *foreground(pid: number, text: string): Generator<number, number, void> {
    if (!this.interactive || pid < 0) return yield* this.waitFor(pid, text);
    this.p.setpgid(pid, pid);
    this.p.tcsetpgrp(pid);
    const status = yield* this.waitFor(pid, text);
    this.p.tcsetpgrp(this.p.task.pgid);
    return status;
  }

  /** In the child: redirections, then execve; if that fails, bash's message and 126 or 127. */
  private *execIn(s: Shell, redirects: (Redirect | HereDoc)[], fields: string[], env: string[]): Generator<number, number, void> {
    if ((yield* s.applyRedirects(redirects, null)) !== 0) return 1;
    const name = fields[0]!;
    const path = resolveCommand(s.p, name, env);
    if (typeof path === 'number') {
      yield* s.p.write(2, s.flavour === 'sh' ? `sh: ${s.line}: ${name}: not found\n` : `bash: ${name}: command not found\n`);
      return 127;
    }
    const r = yield* s.p.exec(path, fields, env);
    if (r >= 0) return r;
    const st = s.p.stat(path);
    const isDir = typeof st !== 'number' && (st.mode & 0o170000) === 0o040000;
    if (isDir) {
      yield* s.err(`${name}: Is a directory`);
      return 126;
    }
    if (r === -8) {
      yield* s.err(`${name}: cannot execute binary file: Exec format error`);
      return 126;
    }
    yield* s.err(`${name}: ${strerror(failure(r).errno)}`);
    return r === -2 ? 127 : 126;
  }

  /** Runs BODY with REDIRECTS applied in this process, then puts the descriptors back. */
  *withRedirects(redirects: (Redirect | HereDoc)[], body: () => Generator<number, number, void>): Generator<number, number, void> {
    if (redirects.length === 0) return yield* body();
    const saved = new Map<number, number>();
    const r = yield* this.applyRedirects(redirects, saved);
    try {
      return r !== 0 ? 1 : yield* body();
    } finally {
      for (const [fd, copy] of saved) {
        if (copy >= 0) {
          this.p.dup2(copy, fd);
          this.p.close(copy);
        } else this.p.close(fd);
      }
    }
  }

  /** Applies redirections in order; SAVED (when given) records how to undo each. 0 or 1. */
  *applyRedirects(redirects: (Redirect | HereDoc)[], saved: Map<number, number> | null): Generator<number, number, void> {
    const p = this.p;
    for (const r of redirects) {
      let ops: ResolvedRedirect[];
      try {
        ops = expandRedirect(r, this);
      } catch (e) {
        if (e instanceof ShellExpansionError) {
          yield* this.err(e.message);
          return 1;
        }
        throw e;
      }
      for (const op of ops) {
        if (saved && !saved.has(op.fd)) saved.set(op.fd, p.task.files?.get(op.fd) ? this.saveFd(op.fd) : -1);
        if (op.kind === 'close') {
          p.close(op.fd);
          continue;
        }
        if (op.kind === 'dup') {
          if (!p.task.files?.get(op.from)) {
            yield* this.err(`${op.from}: Bad file descriptor`);
            return 1;
          }
          p.dup2(op.from, op.fd);
          continue;
        }
        let fd: number;
        if (op.kind === 'text') {
          const pipe = p.pipe();
          if (typeof pipe === 'number') return 1;
          yield* p.write(pipe[1], op.text);
          p.close(pipe[1]);
          fd = pipe[0];
        } else {
          const flags = op.mode === 'read' ? O_RDONLY : op.mode === 'write' ? O_WRONLY | O_CREAT | O_TRUNC : op.mode === 'append' ? O_WRONLY | O_CREAT | O_APPEND : O_RDWR | O_CREAT;
          fd = p.open(op.path, flags, 0o666);
          if (fd < 0) {
            yield* this.err(`${op.path}: ${strerror(failure(fd).errno)}`);
            return 1;
          }
        }
        if (fd !== op.fd) {
          p.dup2(fd, op.fd);
          p.close(fd);
        }
      }
    }
    return 0;
  }

  /** A copy of descriptor FD at 10 or above, as bash keeps the ones it will restore. */
  private saveFd(fd: number): number {
    const files = this.p.task.files!;
    const file = files.get(fd)!;
    file.refs++;
    return files.alloc(file, 10);
  }

  /** Background jobs that ended: reaped, and (at a prompt) reported as `[1]+  Done`. */
  *reapJobs(): Generator<number, void, void> {
    for (const job of [...this.jobs]) {
      for (const pid of job.pids) {
        if (job.done.has(pid)) continue;
        const ws = this.p.waitNohang(pid);
        if (ws !== null) job.done.set(pid, ws);
      }
      if (job.done.size < job.pids.length) continue;
      this.jobs.splice(this.jobs.indexOf(job), 1);
      const ws = job.done.get(job.pids[job.pids.length - 1]!)!;
      const sig = ws & 0x7f;
      if (this.interactive) {
        const what = sig ? SIGNAL_TEXT[sig] || `Signal ${sig}` : (ws >> 8) & 0xff ? `Exit ${(ws >> 8) & 0xff}` : 'Done';
        yield* this.p.write(2, `[${job.id}]+  ${what.padEnd(24)}${job.text}\n`);
      } else if (sig === 9) {
        yield* this.p.write(2, `${this.errPrefix}${String(job.pids[0]).padStart(5)} ${'Killed'.padEnd(24)}${job.text}\n`);
      }
    }
  }

  /** `wait` with no operand: every background job. */
  *waitAll(): Generator<number, number, void> {
    for (const job of [...this.jobs]) {
      for (const pid of job.pids) {
        if (job.done.has(pid)) continue;
        const ws = yield* this.p.wait(pid);
        if (ws >= 0) job.done.set(pid, ws);
      }
    }
    yield* this.reapJobs();
    return 0;
  }
}
