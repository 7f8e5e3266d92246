// Dev script: bpfbox's 6.x verifier log for one corpus program next to the log Linux printed for
// it (captured by scripts/capture-verifier-corpus.ts), as a unified diff.
// Run: npx tsx scripts/verifier-log-diff.ts NAME [1|2]

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCorpus, normalizeLog, readKernelLog, stripLivenessDebug } from '../tests/support/corpus.js';
import { verify } from '../tests/support/verify.js';

const [name, levelArg] = process.argv.slice(2);
const level = levelArg === '2' ? 2 : 1;
const p = loadCorpus().find((x) => x.name === name);
if (!p) {
  console.error(`no corpus program named ${name}`);
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'bpfbox-log-'));
const show = (log: string): string => stripLivenessDebug(normalizeLog(log));
writeFileSync(join(dir, 'linux'), show(readKernelLog(p.name, level)));
writeFileSync(join(dir, 'bpfbox'), show(verify(p.insns, { type: p.type, maps: p.maps, kernel: '6.x', logLevel: level }).log));
const r = spawnSync('diff', ['-u', join(dir, 'linux'), join(dir, 'bpfbox')], { stdio: 'inherit' });
process.exitCode = r.status ?? 1;
