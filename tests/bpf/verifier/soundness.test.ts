// Soundness: whatever the verifier accepts runs in the VM without a fault or a budget overrun.
// Programs come from tests/support/soundgen.ts; the VM's stack, context and map value are exactly
// the sizes the verifier reasons about, so an access it should have refused faults. CI runs 10,000
// cases in each dialect; `npm run soak:verifier` runs a million.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSoundness, soundProgram } from '../../support/soundgen.js';

const RUNS = Number(process.env.SOUNDNESS_RUNS ?? 10_000);

describe('verifier soundness', () => {
  for (const kernel of ['5.0', '6.x'] as const) {
    it(`${kernel}: accepted programs never fault (${RUNS} cases)`, () => {
      let accepted = 0;
      fc.assert(
        fc.property(soundProgram, fc.integer({ min: 1, max: 0x7fffffff }), (p, seed) => {
          const r = checkSoundness(p, kernel, seed);
          if (r.accepted) accepted++;
          expect(r.failure, p.source).toBeNull();
        }),
        { numRuns: RUNS },
      );
      // The generator must reach the interesting side: a share of its programs pass.
      expect(accepted).toBeGreaterThan(RUNS / 20);
    });
  }
});
