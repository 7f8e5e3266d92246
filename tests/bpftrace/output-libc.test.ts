// Replays tests/golden/bpftrace/output/libc.tsv: what libstdc++'s std::sort, glibc's snprintf and
// glibc's strftime did on this machine's bpftrace build, against bpfbox's replacements.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { snprintf } from '../../src/bpftrace/output/snprintf.js';
import { stdSort } from '../../src/bpftrace/output/sort.js';
import { brokenDownTime, strftime } from '../../src/bpftrace/output/time.js';

const lines = readFileSync('tests/golden/bpftrace/output/libc.tsv', 'latin1')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => l.split('\t'));

const unhex = (h: string): string => Buffer.from(h, 'hex').toString('latin1');

function cases(kind: string): string[][] {
  const c = lines.filter((l) => l[0] === kind).map((l) => l.slice(1));
  expect(c.length).toBeGreaterThan(50);
  return c;
}

describe('libc behaviour bpftrace relies on', () => {
  it('std::sort leaves ties where libstdc++ leaves them', () => {
    for (const [keys, perm] of cases('sort')) {
      const items = keys!.split(',').map((k, i) => ({ k: Number(k), i }));
      stdSort(items, (a, b) => a.k < b.k);
      expect(items.map((x) => x.i).join(',')).toBe(perm);
    }
  });

  it('snprintf of one piece with one argument', () => {
    for (const [fmt, arg, out] of cases('snprintf')) {
      const a = arg!.startsWith('s:') ? arg!.slice(2) : BigInt(arg!.slice(2));
      expect(snprintf(fmt!, a), `${fmt} ${arg}`).toBe(unhex(out!));
    }
  });

  it('strftime in the C locale (gmtime), every conversion but %z', () => {
    for (const [epoch, fmt, out] of cases('strftime')) {
      expect(strftime(fmt!, brokenDownTime(BigInt(epoch!), 0, 'GMT')), `${epoch} ${fmt}`).toBe(out === '-' ? null : unhex(out!));
    }
  });
});
