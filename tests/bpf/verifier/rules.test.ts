// The verifier's rules, each with an accepted and a rejected program, in both dialects.

import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/bpf/asm.js';
import type { Dialect } from '../../../src/bpf/verifier/options.js';
import { parseCorpusProgram } from '../../support/corpus.js';
import { OK, RULES, type RuleCase, type Want } from '../../support/verifier-rules.js';
import { verify } from '../../support/verify.js';

function verdict(c: Omit<RuleCase, '5.0' | '6.x'>, kernel: Dialect): Want {
  const r = verify(parseCorpusProgram('rule', c.src).insns, { type: c.type, maps: c.maps, kernel, privileged: c.privileged ?? true, gplCompatible: c.gpl ?? true });
  if (c.logs) expect(r.log.split('\n')).toContain(c.logs);
  return r.ok ? OK : r.message;
}

for (const [name, cases] of Object.entries(RULES)) {
  describe(name, () => {
    for (const [what, c] of Object.entries(cases)) {
      for (const kernel of ['5.0', '6.x'] as const) {
        it(`${what} (${kernel})`, () => expect(verdict(c, kernel)).toBe(c[kernel]));
      }
    }
  });
}

// kernel-verify.py patches only map-fd loads (src 1), so these are from the sources, not the oracle.
describe('direct map-value loads (ld_imm64 src 2)', () => {
  const src = 'r1 = map[id:1][0]+8\nr0 = *(u64 *)(r1 +0)\nexit';
  it('5.0 does not know them', () => {
    expect(verdict({ src, maps: ['array:4:16:1'] }, '5.0')).toBe('unrecognized bpf_ld_imm64 insn');
  });
  it('6.x points into the value of a one-element array', () => {
    expect(verdict({ src, maps: ['array:4:16:1'] }, '6.x')).toBe(OK);
    expect(verdict({ src, maps: ['array:4:8:1'] }, '6.x')).toBe('invalid access to map value pointer, value_size=8 off=8');
    expect(verdict({ src, maps: ['array:4:16:2'] }, '6.x')).toBe('invalid access to map value pointer, value_size=16 off=8');
    expect(verdict({ src, maps: ['hash:4:16:1'] }, '6.x')).toBe('no direct value access support for this map type');
  });
});

describe('program size', () => {
  const straight = (n: number): string => 'r0 = 0\n'.repeat(n - 1) + 'exit';
  it('4096 instructions unprivileged, in both dialects', () => {
    for (const kernel of ['5.0', '6.x'] as const) {
      expect(verify(assemble(straight(4096)), { type: 'socket_filter', kernel, privileged: false }).ok).toBe(true);
      const r = verify(assemble(straight(4097)), { type: 'socket_filter', kernel, privileged: false });
      expect(r.errno).toBe(7);
    }
  });
  it('5.0 holds privileged loads to 4096 too; 6.x to a million', () => {
    expect(verify(assemble(straight(5000)), { kernel: '5.0' }).errno).toBe(7);
    expect(verify(assemble(straight(5000)), { kernel: '6.x' }).ok).toBe(true);
  });
});
