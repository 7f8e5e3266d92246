// The verifier log against Linux 6.18's, line for line: every corpus program's log at level 1
// (the failing path, or the statistics line) and at level 2 (every path, with states), map
// addresses aside, and without the trace of 6.18's stack-liveness analysis (see
// stripLivenessDebug).

import { describe, expect, it } from 'vitest';
import { loadCorpus, normalizeLog, readKernelLog, stripLivenessDebug } from '../../support/corpus.js';
import { verify } from '../../support/verify.js';

const programs = loadCorpus();

describe('the 6.x log is the log Linux 6.18 prints', () => {
  for (const level of [1, 2] as const) {
    for (const p of programs) {
      it(`${p.name} at level ${level}`, () => {
        const got = verify(p.insns, { type: p.type, maps: p.maps, kernel: '6.x', logLevel: level }).log;
        const show = (log: string): string => stripLivenessDebug(normalizeLog(log));
        expect(show(got)).toBe(show(readKernelLog(p.name, level)));
      });
    }
  }
});
