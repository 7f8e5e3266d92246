// procps watch: runs `sh -c COMMAND` every INTERVAL (-n, default 2 s, at least 0.1 s) and redraws
// the screen with a header line, `Every 1.0s: COMMAND` on the left and `HOST: DATE` on the right,
// as wide as the terminal ($COLUMNS, else 80). The screen is cleared with ANSI sequences rather
// than curses. It runs until killed: bound it with timeout.

import type { Proc } from '../../kernel/process.js';
import { writeErr, writeOut } from './stdio.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** ctime(3)'s `Tue Dec  7 08:32:05 2021`, in UTC (the machine's timezone). */
export function ctime(sec: number): string {
  const d = new Date(sec * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

const USAGE = '\nUsage:\n watch [options] command\n';

export function* watch(p: Proc, argv: readonly string[]): Generator<number, number, void> {
  let interval = 2;
  let header = true;
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-t' || a === '--no-title') header = false;
    else if (a === '-n' || a === '--interval') {
      const v = Number(argv[++i]?.replace(',', '.'));
      if (!Number.isFinite(v)) {
        yield* writeErr(p, `watch: failed to parse argument: '${argv[i] ?? ''}'\n`);
        return 1;
      }
      interval = Math.max(0.1, v);
    } else if (/^-n[0-9.]+$/.test(a)) interval = Math.max(0.1, Number(a.slice(2)));
    else if (a === '--') {
      i++;
      break;
    } else break;
  }
  const command = argv.slice(i).join(' ');
  if (!command) {
    yield* writeErr(p, USAGE);
    return 1;
  }
  const columns = Number(p.environ.find((e) => e.startsWith('COLUMNS='))?.slice(8)) || 80;
  const host = p.k.config.hostname;
  for (;;) {
    const started = p.k.now;
    const pipe = p.pipe();
    if (typeof pipe === 'number') return 1;
    const [r, w] = pipe;
    const pid = p.fork(function* (c) {
      c.dup2(w, 1);
      c.dup2(w, 2);
      c.close(w);
      c.close(r);
      return yield* c.exec('/bin/sh', ['sh', '-c', command]);
    });
    p.close(w);
    const out = yield* p.readAll(r);
    p.close(r);
    if (pid > 0) yield* p.wait(pid);
    if (p.task.killed) return 1;
    let screen = '\x1b[H\x1b[2J';
    if (header) {
      const left = `Every ${interval.toFixed(1)}s: ${command}`;
      const right = `${host}: ${ctime(p.realtime().sec)}`;
      screen += `${left}${' '.repeat(Math.max(1, columns - left.length - right.length))}${right}\n\n`;
    }
    screen += typeof out === 'string' ? out : '';
    yield* writeOut(p, screen);
    const next = started + interval * 1e9;
    if (next > p.k.now) yield* p.sleep(next - p.k.now);
  }
}
