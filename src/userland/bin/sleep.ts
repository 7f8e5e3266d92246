// GNU sleep: the sum of its operands, each a number with an optional s/m/h/d suffix.

import type { Proc } from '../../kernel/process.js';
import { writeErr } from './stdio.js';

const UNIT: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** A duration as sleep and timeout read it, in ns, or null. */
export function parseDuration(s: string): number | null {
  const m = /^([0-9]*\.?[0-9]+|[0-9]+\.)([smhd]?)$/.exec(s);
  if (!m) return null;
  return Math.round(Number(m[1]) * UNIT[m[2]!]! * 1e9);
}

export function* sleep(p: Proc, argv: readonly string[]): Generator<number, number, void> {
  const args = argv.slice(1);
  if (args.length === 0) {
    yield* writeErr(p, "sleep: missing operand\nTry 'sleep --help' for more information.\n");
    return 1;
  }
  let ns = 0;
  for (const a of args) {
    const d = parseDuration(a);
    if (d === null) {
      yield* writeErr(p, `sleep: invalid time interval '${a}'\nTry 'sleep --help' for more information.\n`);
      return 1;
    }
    ns += d;
  }
  yield* p.sleep(ns);
  return 0;
}
