// Random workloads typed at the emulated shell, with the memory manager's invariants checked
// every few milliseconds of virtual time while they run: frames conserved and in exactly one
// state, free blocks aligned and merged, the LRU lists equal to their counters, page tables
// and slab pages equal to theirs, and /proc/slabinfo equal to a recount of the live slabs.
// `npm run soak:kernel` runs the same property for longer.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { soakCase, soakScript, soakRun } from '../support/soak.js';

describe('kernel soak: random shell workloads', () => {
  it('keeps every memory-manager invariant while they run, and leaves no process or address space behind', () => {
    fc.assert(
      fc.property(soakCase(3), (c) => {
        const r = soakRun(c);
        expect(r.status, `${soakScript(c)}\n${r.stderr}`).toBeLessThan(126);
        expect(r.leftover).toEqual([]);
      }),
      { numRuns: 6, seed: 20261126 },
    );
  });

  it('an OOM kill mid-workload leaves the accounting whole', () => {
    const r = soakRun({
      memMb: 256,
      swapMb: 0,
      cpus: 4,
      seed: 7,
      groups: [
        { background: [{ kind: 'memhog', mb: 150, hold: 5 }, { kind: 'forkstorm', n: 40, hold: 1 }, { kind: 'pagecache', piped: true }], sleepTenths: 3, kill: false },
        { background: [{ kind: 'python', stepMb: 32, maxMb: 600 }, { kind: 'tmpfs', lines: 2000 }], sleepTenths: 2, kill: false },
      ],
    });
    expect(r.oomKills).toBeGreaterThan(0);
    expect(r.checks).toBeGreaterThan(20);
    expect(r.leftover).toEqual([]);
  });
});
