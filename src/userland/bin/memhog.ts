// memhog SIZE [--hold SECONDS]: maps SIZE bytes of anonymous memory, writes every page (each
// first write faults a zeroed page in), holds it, and exits. The lecture's memory pressure, as a
// program: what happens to the zones is the kernel's doing.

import type { Proc } from '../../kernel/process.js';
import { parseDuration } from './sleep.js';
import { writeErr } from './stdio.js';
import { parseSize } from '../../kernel/config.js';

const USAGE = 'usage: memhog SIZE[K|M|G] [--hold SECONDS]\n';

export function* memhog(p: Proc, argv: readonly string[]): Generator<number, number, void> {
  let size: number | null = null;
  let holdNs = 0;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--hold') {
      const d = parseDuration(argv[++i] ?? '');
      if (d === null) {
        yield* writeErr(p, `memhog: invalid hold time '${argv[i] ?? ''}'\n${USAGE}`);
        return 2;
      }
      holdNs = d;
    } else if (size === null && (size = parseSize(a)) !== null) continue;
    else {
      yield* writeErr(p, `memhog: invalid size '${a}'\n${USAGE}`);
      return 2;
    }
  }
  if (size === null || size === 0) {
    yield* writeErr(p, USAGE);
    return 2;
  }
  const addr = p.mmap(size);
  if (addr < 0) {
    yield* writeErr(p, 'memhog: mmap: Cannot allocate memory\n');
    return 1;
  }
  if (!(yield* p.touch(addr, size, true))) return 1;
  if (holdNs) yield* p.sleep(holdNs);
  return 0;
}
