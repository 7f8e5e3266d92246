// npm run soak:kernel [N] [GROUPS]: N random shell workloads (default 200) of up to GROUPS groups
// of background jobs (default 8), each on a fresh machine with the memory manager's invariants
// checked every 20 ms of virtual time. Prints the first failures with their scripts.

import fc from 'fast-check';
import { soakCase, soakRun, soakScript } from '../tests/support/soak.js';

const N = Number(process.argv[2] ?? 200);
const GROUPS = Number(process.argv[3] ?? 8);
const seed = Date.now() | 0;
let failures = 0;
let checks = 0;
let ooms = 0;
const t0 = Date.now();
fc.sample(soakCase(GROUPS), { numRuns: N, seed }).forEach((c, i) => {
  try {
    const r = soakRun(c);
    checks += r.checks;
    ooms += r.oomKills;
    if (r.leftover.length) throw new Error(`left behind: ${r.leftover.join(', ')}`);
  } catch (e) {
    failures++;
    if (failures <= 5) console.log(`FAILED (seed ${seed}, case ${i}): ${(e as Error).message}\n${soakScript(c)}\n`);
  }
});
console.log(`${N} workloads, ${checks} invariant checks, ${ooms} OOM kills, ${failures} failures, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.exitCode = failures ? 1 : 0;
