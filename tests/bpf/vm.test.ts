// Properties of the two engines: whatever the bytes, nothing throws and no run outlives its
// budget; on every program the structural check accepts, the translated code and the reference
// interpreter agree on status, r0, instruction count, memory and fault text.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAULT_BUDGET, VM_OK } from '../../src/bpf/fault.js';
import { decodeInsns, encodeInsns } from '../../src/bpf/isa.js';
import { loadProgram, LoadedProgram } from '../../src/bpf/program.js';
import { runnableProgram } from '../support/gen.js';
import { runOnce } from '../support/run.js';

const BUDGET = 5000;

describe('random bytecode', () => {
  it('never throws a host exception and never runs past its budget', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 400 }).map((b) => b.subarray(0, b.length & ~7)), fc.uint8Array({ maxLength: 64 }), (bytes, mem) => {
        const prog = loadProgram(decodeInsns(bytes));
        if (!(prog instanceof LoadedProgram)) return;
        for (const engine of ['interp', 'jit'] as const) {
          const r = runOnce(prog, mem, engine, BUDGET);
          expect(r.executed).toBeLessThanOrEqual(BUDGET);
          if (r.status === FAULT_BUDGET) expect(r.executed).toBe(BUDGET);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('mutated programs', () => {
  it('load or are refused, and run without host exceptions, on both engines alike', () => {
    fc.assert(
      fc.property(runnableProgram, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (insns, flips) => {
        const bytes = encodeInsns(insns);
        for (const [at, v] of flips) bytes[at % bytes.length] = v;
        const prog = loadProgram(decodeInsns(bytes));
        if (!(prog instanceof LoadedProgram)) return;
        const a = runOnce(prog, new Uint8Array(32), 'interp', BUDGET);
        const b = runOnce(prog, new Uint8Array(32), 'jit', BUDGET);
        expect(b).toEqual(a);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('translated code against the interpreter', () => {
  it('agree on every observable of random valid programs', () => {
    const statuses = new Set<number>();
    fc.assert(
      fc.property(runnableProgram, fc.uint8Array({ minLength: 0, maxLength: 96 }), (insns, mem) => {
        const prog = loadProgram(insns);
        expect(prog).toBeInstanceOf(LoadedProgram);
        const p = prog as LoadedProgram;
        const a = runOnce(p, mem, 'interp', BUDGET);
        const b = runOnce(p, mem, 'jit', BUDGET);
        statuses.add(a.status);
        expect({ ...b, mem: Buffer.from(b.mem).toString('hex') }).toEqual({ ...a, mem: Buffer.from(a.mem).toString('hex') });
      }),
      { numRuns: 3000 },
    );
    // The generator reaches clean exits, faults and budget overruns alike.
    expect(statuses.has(VM_OK)).toBe(true);
    expect(statuses.size).toBeGreaterThan(3);
  });
});
