// The verifier corpus against the real kernel: every program of tests/golden/verifier/corpus was
// loaded into Linux 6.18 (scripts/capture-verifier-corpus.ts); `--kernel 6.x` must reach the same
// verdict, and for every rejection print the kernel's own message.

import { describe, expect, it } from 'vitest';
import { loadCorpus, readKernelVerdict } from '../../support/corpus.js';
import { verify } from '../../support/verify.js';

const programs = loadCorpus();

describe('the corpus agrees with Linux 6.18', () => {
  it('holds at least 150 programs', () => {
    expect(programs.length).toBeGreaterThanOrEqual(150);
  });
  for (const p of programs) {
    it(p.name, () => {
      const want = readKernelVerdict(p.name);
      const got = verify(p.insns, { type: p.type, maps: p.maps, kernel: '6.x' });
      expect({ verdict: got.ok ? 'accept' : 'reject', message: got.message }).toEqual({ verdict: want.verdict, message: want.message });
    });
  }
});
