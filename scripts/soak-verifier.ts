// npm run soak:verifier [N]: the soundness property at scale. N random programs (default a
// million) are verified in each dialect; every accepted one runs in the VM with exact-size
// regions, and any fault is a verifier bug, printed with its program. Prints the counts.

import fc from 'fast-check';
import { checkSoundness, soundProgram } from '../tests/support/soundgen.js';

const N = Number(process.argv[2] ?? 1_000_000);
const BATCH = 10_000;
let failures = 0;
const t0 = Date.now();
for (const kernel of ['5.0', '6.x'] as const) {
  let accepted = 0;
  for (let done = 0; done < N; done += BATCH) {
    const seed = (Date.now() ^ (done * 2654435761)) | 0;
    const progs = fc.sample(soundProgram, { numRuns: Math.min(BATCH, N - done), seed });
    progs.forEach((p, i) => {
      const r = checkSoundness(p, kernel, seed + i);
      if (r.accepted) accepted++;
      if (r.failure) {
        failures++;
        if (failures <= 5) console.log(`UNSOUND (${kernel}): ${r.failure}\n${p.source}\n`);
      }
    });
  }
  console.log(`${kernel}: ${N} programs, ${accepted} accepted, ${failures} faults in accepted programs`);
}
console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.exitCode = failures ? 1 : 0;
