// A booted machine with one user process that has mapped and written memory, for the /proc
// tests. The process is built by hand (its own mm, argv and comm) so the tests depend on the
// memory manager and the scheduler only, not on execve's filesystem.

import { boot } from '../../../src/kernel/boot.js';
import { mm_alloc } from '../../../src/kernel/fork.js';
import type { Kernel } from '../../../src/kernel/machine.js';
import { Proc } from '../../../src/kernel/process.js';
import type { Task } from '../../../src/kernel/sched/task.js';

export const MiB = 1024 * 1024;

export interface Machine {
  k: Kernel;
  hog: Task;
}

/** Boots, starts `memhog 64` (maps 64 MiB, writes it, sleeps 20 s) and runs `runNs`. */
export function machineWithHog(runNs = 6e9): Machine {
  const k = boot();
  const init = k.tasks.get(1)!;
  k.current = init;
  const pid = new Proc(k, init).fork(function* (c) {
    const mm = mm_alloc(k)!;
    mm.mmapBase = 0x7f00_0000_0000;
    c.task.mm = mm;
    c.task.argv = ['memhog', '64'];
    c.task.setComm('memhog');
    const addr = c.mmap(64 * MiB);
    yield* c.touch(addr, 64 * MiB);
    yield* c.sleep(20e9);
    return 0;
  });
  k.sched.run(runNs);
  return { k, hog: k.tasks.get(pid)! };
}

/** `Label:   N kB` lines as numbers. */
export function fields(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.trimEnd().split('\n')) {
    const [key, rest] = line.split(':');
    m.set(key!, Number(rest!.trim().split(/\s+/)[0]));
  }
  return m;
}
