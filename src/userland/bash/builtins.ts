// bash's builtins that change the shell itself or that bash never forks for: cd, exit, export,
// kill, wait, jobs, ulimit, echo, printf, pwd, true/false and `:`. Messages as bash 5.0 prints them
// (printf's as dash does when the shell runs as sh).

import type { Shell } from './shell.js';
import { ShellExit } from './shell.js';
import { echoText } from '../coreutils/echo.js';
import { bashPrintf, dashPrintf } from './printf.js';
import { strerror } from '../coreutils/io.js';
import { failure } from '../util_program.js';
import { signalNumber } from '../signals.js';

export type Builtin = (sh: Shell, argv: string[]) => Generator<number, number, void>;

function* cd(sh: Shell, argv: string[]): Generator<number, number, void> {
  if (argv.length > 2) {
    yield* sh.err('cd: too many arguments');
    return 1;
  }
  let dir: string | undefined = argv[1];
  if (dir === undefined) {
    dir = sh.vars.get('HOME');
    if (dir === undefined) {
      yield* sh.err('cd: HOME not set');
      return 1;
    }
  } else if (dir === '-') {
    dir = sh.vars.get('OLDPWD');
    if (dir === undefined) {
      yield* sh.err('cd: OLDPWD not set');
      return 1;
    }
    yield* sh.p.write(1, `${dir}\n`);
  }
  const old = sh.p.task.fs?.cwd ?? '/';
  const r = sh.p.chdir(dir);
  if (r < 0) {
    yield* sh.err(`cd: ${dir}: ${strerror(failure(r).errno)}`);
    return 1;
  }
  sh.vars.set('OLDPWD', old);
  sh.vars.set('PWD', sh.p.task.fs!.cwd);
  return 0;
}

function* pwd(sh: Shell): Generator<number, number, void> {
  yield* sh.p.write(1, `${sh.p.task.fs?.cwd ?? '/'}\n`);
  return 0;
}

function* echo(sh: Shell, argv: string[]): Generator<number, number, void> {
  const r = yield* sh.p.write(1, echoText(argv));
  if (r < 0 && !sh.p.task.killed) {
    yield* sh.err(`echo: write error: ${strerror(failure(r).errno)}`);
    return 1;
  }
  return 0;
}

function* printf(sh: Shell, argv: string[]): Generator<number, number, void> {
  const r = sh.flavour === 'sh' ? dashPrintf(argv, sh.errPrefix) : bashPrintf(argv, sh.errPrefix, { now: sh.p.realtime().sec, shellStart: sh.startTime });
  for (const [name, value] of r.assigns) sh.vars.set(name, value);
  // Complaints go out as they happen; the output is buffered until the builtin is done.
  if (r.stderr) yield* sh.p.write(2, r.stderr);
  const w = yield* sh.p.write(1, r.stdout);
  if (w < 0 && !sh.p.task.killed) {
    yield* sh.err(`printf: write error: ${strerror(failure(w).errno)}`);
    return 1;
  }
  return r.status;
}

function* exit(sh: Shell, argv: string[]): Generator<number, number, void> {
  if (sh.interactive) yield* sh.p.write(2, 'exit\n');
  const a = argv[1];
  if (a !== undefined && !/^[+-]?[0-9]+$/.test(a)) {
    yield* sh.err(`exit: ${a}: numeric argument required`);
    throw new ShellExit(2);
  }
  throw new ShellExit(a === undefined ? sh.status : Number(a) & 0xff);
}

function* exportB(sh: Shell, argv: string[]): Generator<number, number, void> {
  let status = 0;
  for (const a of argv.slice(1)) {
    if (a === '-p' || a === '-n') continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/s.exec(a);
    if (!m) {
      yield* sh.err(`export: \`${a}': not a valid identifier`);
      status = 1;
      continue;
    }
    if (m[2] !== undefined) sh.vars.set(m[1]!, m[2]);
    sh.vars.exported.add(m[1]!);
  }
  if (argv.length === 1 || argv[1] === '-p') {
    let out = '';
    for (const name of [...sh.vars.exported].sort()) {
      const v = sh.vars.get(name);
      out += v === undefined ? `declare -x ${name}\n` : `declare -x ${name}="${v.replace(/(["\\$`])/g, '\\$1')}"\n`;
    }
    yield* sh.p.write(1, out);
  }
  return status;
}

function* unset(sh: Shell, argv: string[]): Generator<number, number, void> {
  for (const a of argv.slice(1)) {
    if (a.startsWith('-')) continue;
    sh.vars.values.delete(a);
    sh.vars.exported.delete(a);
  }
  return 0;
}

const KILL_USAGE = 'kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n';

function* kill(sh: Shell, argv: string[]): Generator<number, number, void> {
  let sig = 15;
  let i = 1;
  const a = argv[1];
  if (a === '-l' || a === '-L') {
    yield* sh.p.write(1, ' 1) SIGHUP\t 2) SIGINT\t 3) SIGQUIT\t 4) SIGILL\t 5) SIGTRAP\n 6) SIGABRT\t 7) SIGBUS\t 8) SIGFPE\t 9) SIGKILL\t10) SIGUSR1\n11) SIGSEGV\t12) SIGUSR2\t13) SIGPIPE\t14) SIGALRM\t15) SIGTERM\n');
    return 0;
  }
  if (a === '-s' || a === '-n') {
    const n = signalNumber(argv[2] ?? '');
    if (n === null) {
      yield* sh.err(`kill: ${argv[2] ?? ''}: invalid signal specification`);
      return 1;
    }
    sig = n;
    i = 3;
  } else if (a !== undefined && a.startsWith('-') && a !== '-' && a !== '--') {
    const n = signalNumber(a.slice(1));
    if (n === null) {
      yield* sh.err(`kill: ${a.slice(1)}: invalid signal specification`);
      return 1;
    }
    sig = n;
    i = 2;
  } else if (a === '--') i = 2;
  const targets = argv.slice(i);
  if (targets.length === 0) {
    yield* sh.p.write(2, KILL_USAGE);
    return 2;
  }
  let status = 0;
  for (const t of targets) {
    let pids: number[];
    if (t.startsWith('%')) {
      const job = sh.jobs.find((j) => String(j.id) === t.slice(1) || (t === '%' || t === '%+' || t === '%%' ? j === sh.jobs[sh.jobs.length - 1] : false));
      if (!job) {
        yield* sh.err(`kill: ${t}: no such job`);
        status = 1;
        continue;
      }
      pids = job.pids;
    } else if (/^-?[0-9]+$/.test(t)) pids = [Number(t)];
    else {
      yield* sh.err(`kill: ${t}: arguments must be process or job IDs`);
      status = 1;
      continue;
    }
    for (const pid of pids) {
      const r = sh.p.kill(pid, sig);
      if (r < 0) {
        yield* sh.err(`kill: (${pid}) - ${strerror(failure(r).errno)}`);
        status = 1;
      }
    }
  }
  return status;
}

function* wait(sh: Shell, argv: string[]): Generator<number, number, void> {
  if (argv.length === 1) return yield* sh.waitAll();
  let status = 0;
  for (const a of argv.slice(1)) {
    const pid = Number(a);
    const job = sh.jobs.find((j) => j.pids.includes(pid));
    if (!job || !/^[0-9]+$/.test(a)) {
      yield* sh.err(`wait: pid ${a} is not a child of this shell`);
      status = 127;
      continue;
    }
    let ws = job.done.get(pid);
    if (ws === undefined) {
      ws = yield* sh.p.wait(pid);
      job.done.set(pid, ws);
    }
    status = ws & 0x7f ? 128 + (ws & 0x7f) : (ws >> 8) & 0xff;
  }
  yield* sh.reapJobs();
  return status;
}

function* jobs(sh: Shell): Generator<number, number, void> {
  yield* sh.reapJobs();
  let out = '';
  sh.jobs.forEach((j, i) => {
    const mark = i === sh.jobs.length - 1 ? '+' : i === sh.jobs.length - 2 ? '-' : ' ';
    out += `[${j.id}]${mark}  ${'Running'.padEnd(24)}${j.text} &\n`;
  });
  yield* sh.p.write(1, out);
  return 0;
}

/** `ulimit -a` in bash 5.0's layout, the one the lecture shows. */
function* ulimit(sh: Shell, argv: string[]): Generator<number, number, void> {
  const p = sh.p;
  const kb = (b: number): string => String(Math.floor(b / 1024));
  const rows: [string, string, string][] = [
    ['c', 'core file size          (blocks, -c)', '0'],
    ['d', 'data seg size           (kbytes, -d)', 'unlimited'],
    ['e', 'scheduling priority             (-e)', '0'],
    ['f', 'file size               (blocks, -f)', 'unlimited'],
    ['i', 'pending signals                 (-i)', String(p.rlimit('sigpending'))],
    ['l', 'max locked memory       (kbytes, -l)', kb(p.rlimit('memlock'))],
    ['m', 'max memory size         (kbytes, -m)', 'unlimited'],
    ['n', 'open files                      (-n)', String(p.rlimit('nofile'))],
    ['p', 'pipe size            (512 bytes, -p)', '8'],
    ['q', 'POSIX message queues     (bytes, -q)', String(p.rlimit('msgqueue'))],
    ['r', 'real-time priority              (-r)', '0'],
    ['s', 'stack size              (kbytes, -s)', kb(p.rlimit('stack'))],
    ['t', 'cpu time               (seconds, -t)', 'unlimited'],
    ['u', 'max user processes              (-u)', String(p.rlimit('nproc'))],
    ['v', 'virtual memory          (kbytes, -v)', 'unlimited'],
    ['x', 'file locks                      (-x)', 'unlimited'],
  ];
  const opts = argv.slice(1).filter((a) => a !== '-S' && a !== '-H');
  if (opts.length === 0) opts.push('-f');
  if (opts.includes('-a')) {
    yield* p.write(1, rows.map(([, label, v]) => `${label} ${v}\n`).join(''));
    return 0;
  }
  let out = '';
  const picked = opts.flatMap((o) => (o.startsWith('-') ? [...o.slice(1)] : []));
  for (const c of picked) {
    const row = rows.find((r) => r[0] === c);
    if (!row) {
      yield* sh.err(`ulimit: -${c}: invalid option`);
      yield* p.write(2, 'ulimit: usage: ulimit [-SHabcdefiklmnpqrstuvxPT] [limit]\n');
      return 2;
    }
    out += picked.length > 1 ? `${row[1]} ${row[2]}\n` : `${row[2]}\n`;
  }
  yield* p.write(1, out);
  return 0;
}

function* trueB(): Generator<number, number, void> {
  return 0;
}

function* falseB(): Generator<number, number, void> {
  return 1;
}

export const BUILTINS: Readonly<Record<string, Builtin>> = {
  cd, pwd, echo, printf, exit, export: exportB, unset, kill, wait, jobs, ulimit, true: trueB, false: falseB, ':': trueB,
};
