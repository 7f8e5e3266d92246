// forkstorm N [--hold SECONDS]: forks N children that each live for a while and exit, then reaps
// them. Each fork allocates a task_struct, its kernel stack, an mm and the rest, so /proc/slabinfo
// counts rise while the children live and fall once they are gone.

import type { Proc } from '../../kernel/process.js';
import { parseDuration } from './sleep.js';
import { writeErr } from './stdio.js';

export function* forkstorm(p: Proc, argv: readonly string[]): Generator<number, number, void> {
  const n = Number(argv[1]);
  let holdNs = 1_000_000_000;
  if (argv[2] === '--hold') {
    const d = parseDuration(argv[3] ?? '');
    if (d === null) {
      yield* writeErr(p, 'usage: forkstorm N [--hold SECONDS]\n');
      return 2;
    }
    holdNs = d;
  }
  if (!Number.isInteger(n) || n < 1 || argv.length > 4 || (argv.length > 2 && argv[2] !== '--hold')) {
    yield* writeErr(p, 'usage: forkstorm N [--hold SECONDS]\n');
    return 2;
  }
  const pids: number[] = [];
  for (let i = 0; i < n; i++) {
    const pid = p.fork(function* (c) {
      yield* c.sleep(holdNs);
      return 0;
    });
    if (pid < 0) {
      yield* writeErr(p, 'forkstorm: fork: Resource temporarily unavailable\n');
      break;
    }
    pids.push(pid);
    yield 20_000;
  }
  for (const pid of pids) yield* p.wait(pid);
  return 0;
}
