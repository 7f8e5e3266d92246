// `python`: the lecture's memory hog was a Python script that kept growing a list; this program
// does what it did to the kernel, under the name the lecture's traces show (`python-27626`).
// It grows by STEP every INTERVAL until it holds MAX (default: until the OOM killer stops it).
//   python [--step SIZE] [--every SECONDS] [--max SIZE]

import type { Proc } from '../../kernel/process.js';
import { parseDuration } from './sleep.js';
import { writeErr } from './stdio.js';
import { parseSize } from '../../kernel/config.js';

const USAGE = 'usage: python [--step SIZE] [--every SECONDS] [--max SIZE]\n';

export function* python(p: Proc, argv: readonly string[]): Generator<number, number, void> {
  let step = 64 * 1024 * 1024;
  let every = 100_000_000;
  let max = Infinity;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[++i] ?? '';
    const n = a === '--every' ? parseDuration(v) : parseSize(v);
    if (n === null || n === 0 || !['--step', '--every', '--max'].includes(a)) {
      yield* writeErr(p, `python: can't open file '${a}': [Errno 2] No such file or directory\n${USAGE}`);
      return 2;
    }
    if (a === '--step') step = n;
    else if (a === '--every') every = n;
    else max = n;
  }
  let held = 0;
  while (held < max) {
    const len = Math.min(step, max - held);
    const addr = p.mmap(len);
    if (addr < 0) {
      yield* writeErr(p, 'MemoryError\n');
      return 1;
    }
    if (!(yield* p.touch(addr, len, true))) return 1;
    held += len;
    yield* p.sleep(every);
  }
  return 0;
}
