// Dev script (root, a kernel with BPF): loads every program of tests/support/verifier-rules.ts
// into this machine's kernel and checks the 6.x verdict and message the table records. Privileged
// cases load as root; unprivileged ones as `nobody`, with kernel.unprivileged_bpf_disabled set to 0
// for the run and put back afterwards. kernel-verify.py always loads as GPL, so the non-GPL cases
// are reported as not checkable.
// Run: npx tsx scripts/check-verifier-rules.ts

import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { encodeInsns } from '../src/bpf/isa.js';
import { parseCorpusProgram } from '../tests/support/corpus.js';
import { OK, RULES } from '../tests/support/verifier-rules.js';

const tool = process.env.KERNEL_VERIFY ?? '../shared/tools/kernel-verify.py';
const SYSCTL = '/proc/sys/kernel/unprivileged_bpf_disabled';
// `nobody` may not be able to read the tool where it lives.
const unprivTool = '/tmp/bpfbox-kernel-verify.py';
copyFileSync(tool, unprivTool);

const before = readFileSync(SYSCTL, 'utf8').trim();
writeFileSync(SYSCTL, '0');
let checked = 0;
let skipped = 0;
const wrong: string[] = [];
try {
  for (const [rule, cases] of Object.entries(RULES)) {
    for (const [what, c] of Object.entries(cases)) {
      if (c.gpl === false) {
        skipped++;
        continue;
      }
      const hex = Buffer.from(encodeInsns(parseCorpusProgram(what, c.src).insns)).toString('hex');
      const args = ['--hex', hex, '--type', c.type ?? 'kprobe', '--log-level', '1', ...(c.maps ?? []).flatMap((m) => ['--map', m])];
      const r = c.privileged === false
        ? spawnSync('su', ['nobody', '-s', '/bin/sh', '-c', ['python3', unprivTool, ...args].join(' ')], { encoding: 'utf8' })
        : spawnSync('python3', [tool, ...args], { encoding: 'utf8' });
      if (r.status !== 0 && r.status !== 1) throw new Error(`${rule} / ${what}: kernel-verify failed: ${r.stderr}`);
      const got = r.status === 0 ? OK : r.stderr.trim().split('\n').at(-1)!;
      checked++;
      if (got !== c['6.x']) wrong.push(`${rule} / ${what}:\n  table:  ${c['6.x']}\n  kernel: ${got}`);
    }
  }
} finally {
  writeFileSync(SYSCTL, before);
}
console.log(`${checked} cases checked against Linux ${spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim()}, ${skipped} not checkable (non-GPL), ${wrong.length} disagree`);
for (const w of wrong) console.log(w);
process.exitCode = wrong.length ? 1 : 0;
