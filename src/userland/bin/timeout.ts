// GNU timeout: runs a command and sends it SIGTERM (or -s SIGNAL) when DURATION passes; exits
// 124 if it had to, else with the command's status. (-k and --foreground are not taken.)

import type { Proc } from '../../kernel/process.js';
import { parseDuration } from './sleep.js';
import { writeErr } from './stdio.js';
import { resolveCommand } from '../path.js';
import { signalNumber } from '../signals.js';

/** The signals coreutils' timeout installs its cleanup handler for (SIGALRM is its own timer). */
const FORWARDED = [1, 2, 3, 15];
const EINTR = -4;

const USAGE = "Try 'timeout --help' for more information.\n";

export function* timeout(p: Proc, argv: readonly string[]): Generator<number, number, void> {
  let i = 1;
  let sig = 15;
  let preserve = false;
  for (; i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '-'; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '--preserve-status') preserve = true;
    else if (a === '-s' || a.startsWith('--signal')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      const n = v === undefined ? null : signalNumber(v);
      if (n === null) {
        yield* writeErr(p, `timeout: ${v ?? ''}: invalid signal\n${USAGE}`);
        return 125;
      }
      sig = n;
    } else {
      yield* writeErr(p, `timeout: invalid option -- '${a.replace(/^-+/, '')}'\n${USAGE}`);
      return 125;
    }
  }
  const dur = argv[i];
  const cmd = argv.slice(i + 1);
  if (dur === undefined || cmd.length === 0) {
    yield* writeErr(p, `timeout: missing operand\n${USAGE}`);
    return 125;
  }
  const ns = parseDuration(dur);
  if (ns === null) {
    yield* writeErr(p, `timeout: invalid time interval '${dur}'\n${USAGE}`);
    return 125;
  }
  const path = resolveCommand(p, cmd[0]!, p.environ);
  const pid = p.fork(function* (c) {
    if (typeof path === 'number') {
      yield* writeErr(c, `timeout: failed to run command '${cmd[0]}': No such file or directory\n`);
      return 127;
    }
    const r = yield* c.exec(path, cmd);
    if (r >= 0) return r;
    yield* writeErr(c, `timeout: failed to run command '${cmd[0]}': ${r === -13 ? 'Permission denied' : 'No such file or directory'}\n`);
    return r === -13 ? 126 : 127;
  });
  if (pid < 0) return 125;
  // As coreutils' cleanup(): a signal sent to timeout itself is passed on to the command.
  p.catchSignals(FORWARDED);
  const deadline = p.k.now + ns;
  let timedOut = false;
  let ws: number | null = null;
  while (ws === null) {
    ws = timedOut || ns === 0 ? yield* p.wait(pid) : yield* p.waitUntil(pid, deadline);
    if (ws === EINTR) ws = null;
    else if (ws !== null && ws < 0) return 125;
    const caught = p.takeSignal();
    if (caught) p.kill(pid, caught);
    else if (ws === null && !timedOut && p.k.now >= deadline) {
      timedOut = true;
      p.kill(pid, sig);
    }
  }
  if (timedOut && !preserve) return 124;
  const killedBy = ws & 0x7f;
  if (!killedBy) return (ws >> 8) & 0xff;
  if (!timedOut) {
    // The command died of a signal timeout did not send: timeout dies of the same one.
    p.catchSignals([]);
    p.kill(p.task.pid, killedBy);
    yield 0;
  }
  return 128 + killedBy;
}
