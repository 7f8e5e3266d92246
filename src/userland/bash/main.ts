// The bash program: `bash -c 'COMMANDS' [ARG0 [ARGS]]`, `bash FILE [ARGS]`, or, with the terminal
// on standard input, an interactive shell printing Ubuntu's prompt (`root@ubuntu:~# `) and running
// each line typed. Run as `sh`, it takes dash's place and speaks dash's messages.

import type { Proc } from '../../kernel/process.js';
import { S_IFCHR, S_IFMT } from '../../kernel/fs/inode.js';
import { Shell, ShellExit } from './shell.js';
import { Parser, ShellSyntaxError } from '../../shell/parse.js';

function* readFileText(p: Proc, path: string): Generator<number, string | number, void> {
  const fd = p.open(path);
  if (fd < 0) return fd;
  const r = yield* p.readAll(fd);
  p.close(fd);
  return r;
}

/** PS1 of Ubuntu's root and user .bashrc: `\u@\h:\w\$ `. */
function prompt(sh: Shell): string {
  const user = sh.vars.get('USER') ?? 'root';
  const home = sh.vars.get('HOME');
  let cwd = sh.p.task.fs?.cwd ?? '/';
  if (home && home !== '/' && (cwd === home || cwd.startsWith(home + '/'))) cwd = '~' + cwd.slice(home.length);
  return `${user}@${sh.p.k.config.hostname}:${cwd}${sh.p.task.uid === 0 ? '#' : '$'} `;
}

export function* bash(p: Proc, argv: readonly string[]): Generator<number, number, void> {
  const name = argv[0]!.slice(argv[0]!.lastIndexOf('/') + 1);
  const flavour = name === 'sh' ? 'sh' : 'bash';
  let i = 1;
  let command: string | null = null;
  for (; i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '-'; i++) {
    const a = argv[i]!;
    if (a === '-c') command = '';
    else if (a === '--') {
      i++;
      break;
    } else if (!/^-[ilsx]+$/.test(a) && a !== '--login' && a !== '--norc' && a !== '--noprofile') {
      yield* p.write(2, `${name}: ${a}: invalid option\n`);
      return 2;
    }
  }
  let script: string | null = null;
  if (command !== null) {
    command = argv[i++] ?? null;
    if (command === null) {
      yield* p.write(2, `${name}: -c: option requires an argument\n`);
      return 2;
    }
  } else if (i < argv.length) script = argv[i++]!;
  const stdin = p.task.files?.get(0);
  const interactive = command === null && script === null && !!stdin && (stdin.inode.mode & S_IFMT) === S_IFCHR;
  const sh = new Shell(p, interactive, flavour);
  for (const e of p.environ) {
    const eq = e.indexOf('=');
    if (eq > 0) {
      sh.vars.set(e.slice(0, eq), e.slice(eq + 1));
      sh.vars.exported.add(e.slice(0, eq));
    }
  }
  sh.vars.set('PWD', p.task.fs?.cwd ?? '/');
  const passwd = yield* readFileText(p, '/etc/passwd');
  sh.passwd = typeof passwd === 'string' ? passwd : '';
  if (command !== null) {
    sh.arg0 = argv[i] ?? name;
    sh.positional = argv.slice(i + 1);
    return yield* run(sh, command, `${name}: -c: `);
  }
  if (script !== null) {
    const text = yield* readFileText(p, script);
    if (typeof text === 'number') {
      yield* p.write(2, `${name}: ${script}: No such file or directory\n`);
      return 127;
    }
    sh.arg0 = script;
    sh.positional = argv.slice(i);
    return yield* run(sh, text, `${script}: `);
  }
  if (!interactive) {
    const text = yield* p.readAll(0);
    return yield* run(sh, typeof text === 'string' ? text : '', `${name}: `);
  }
  return yield* interact(sh);
}

function* run(sh: Shell, source: string, syntaxPrefix: string): Generator<number, number, void> {
  try {
    yield* sh.runSource(source, syntaxPrefix);
    yield* sh.reapJobs();
    return sh.status;
  } catch (e) {
    if (e instanceof ShellExit) return e.status;
    throw e;
  }
}

/** The prompt loop: a line at a time from the terminal; an incomplete command asks for more with `> `. */
function* interact(sh: Shell): Generator<number, number, void> {
  const p = sh.p;
  let buffered = '';
  let pending = '';
  for (;;) {
    yield* sh.reapJobs();
    yield* p.write(2, pending ? '> ' : prompt(sh));
    let nl = buffered.indexOf('\n');
    while (nl < 0) {
      const r = yield* p.read(0);
      if (typeof r !== 'string' || r === '') {
        yield* p.write(2, 'exit\n');
        return sh.status;
      }
      buffered += r;
      nl = buffered.indexOf('\n');
    }
    const line = buffered.slice(0, nl + 1);
    buffered = buffered.slice(nl + 1);
    const source = pending + line;
    try {
      new Parser(source).next();
    } catch (e) {
      if (e instanceof ShellSyntaxError && e.incomplete) {
        pending = source;
        continue;
      }
    }
    pending = '';
    try {
      yield* sh.runSource(source, 'bash: ');
    } catch (e) {
      if (e instanceof ShellExit) return e.status;
      throw e;
    }
  }
}
