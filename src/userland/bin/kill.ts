// procps kill (/bin/kill): `kill [-SIGNAL | -s SIGNAL] PID...`, `kill -l`.

import type { Proc } from '../../kernel/process.js';
import { signalNumber } from '../signals.js';
import { writeErr, writeOut } from './stdio.js';

const USAGE = `
Usage:
 kill [options] <pid> [...]

Options:
 <pid> [...]            send signal to every <pid> listed
 -<signal>, -s, --signal <signal>
                        specify the <signal> to be sent
 -q, --queue <value>    integer value to be sent with the signal
 -l, --list=[<signal>]  list all signal names, or convert one to a name
 -L, --table            list all signal names in a nice table

 -h, --help     display this help and exit
 -V, --version  output version information and exit

For more details see kill(1).
`;

const ESRCH = -3;

export function* kill(p: Proc, argv: readonly string[]): Generator<number, number, void> {
  let sig = 15;
  let i = 1;
  const a = argv[1];
  if (a === '-l' || a === '--list') {
    yield* writeOut(p, 'HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT\nCHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH POLL PWR SYS\n');
    return 0;
  }
  if (a === '-s' || a === '--signal') {
    const n = signalNumber(argv[2] ?? '');
    if (n === null) {
      yield* writeErr(p, `kill: unknown signal: ${argv[2] ?? ''}\n`);
      return 1;
    }
    sig = n;
    i = 3;
  } else if (a && /^-[A-Za-z0-9]+$/.test(a)) {
    const n = signalNumber(a.slice(1));
    if (n === null) {
      yield* writeErr(p, `kill: unknown signal: ${a.slice(1)}\n`);
      return 1;
    }
    sig = n;
    i = 2;
  }
  const pids = argv.slice(i);
  if (pids.length === 0) {
    yield* writeErr(p, USAGE);
    return 1;
  }
  let status = 0;
  for (const s of pids) {
    if (!/^-?[0-9]+$/.test(s)) {
      yield* writeErr(p, `kill: failed to parse argument: '${s}'\n`);
      status = 1;
      continue;
    }
    const r = p.kill(Number(s), sig);
    if (r < 0) {
      yield* writeErr(p, `kill: (${s}): ${r === ESRCH ? 'No such process' : 'Operation not permitted'}\n`);
      status = 1;
    }
  }
  return status;
}
