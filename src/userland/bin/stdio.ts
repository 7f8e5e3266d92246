// The few stdio calls the programs here make: whole strings to descriptors 1 and 2.

import type { Proc } from '../../kernel/process.js';

export function* writeOut(p: Proc, s: string): Generator<number, void, void> {
  if (s) yield* p.write(1, s);
}

export function* writeErr(p: Proc, s: string): Generator<number, void, void> {
  if (s) yield* p.write(2, s);
}
