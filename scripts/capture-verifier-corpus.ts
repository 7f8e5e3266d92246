// Dev script (root, a kernel with BPF): loads every program of tests/golden/verifier/corpus into
// this machine's kernel with ../shared/tools/kernel-verify.py and stores the kernel's verdict,
// its rejection message and its processed-instruction count beside it as NAME.kernel, and the
// kernel's whole log at levels 1 and 2 as NAME.log1 and NAME.log2; and the statistics line of
// the verifier benchmark's programs as tests/golden/verifier/bench.kernel.
// Run: npx tsx scripts/capture-verifier-corpus.ts

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../src/bpf/asm.js';
import { encodeInsns } from '../src/bpf/isa.js';
import { branchy, straightLine } from '../src/bench/verifier.js';
import { CORPUS_DIR, loadCorpus, normalizeLog } from '../tests/support/corpus.js';

const tool = process.env.KERNEL_VERIFY ?? '../shared/tools/kernel-verify.py';
const kernel = spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim();
let accepted = 0;
const programs = loadCorpus();
for (const p of programs) {
  const hex = Buffer.from(encodeInsns(p.insns)).toString('hex');
  const load = (level: string) => {
    const args = [tool, '--hex', hex, '--type', p.type, '--log-level', level, ...p.maps.flatMap((m) => ['--map', m])];
    const r = spawnSync('python3', args, { encoding: 'utf8' });
    if (r.status !== 0 && r.status !== 1) throw new Error(`${p.name}: kernel-verify failed: ${r.stderr}`);
    // Map pointers differ from load to load; stored as MAP, the captures stay stable.
    writeFileSync(join(CORPUS_DIR, `${p.name}.log${level}`), normalizeLog(r.stdout));
    return r;
  };
  load('2');
  const r = load('1');
  const processed = /processed (\d+) insns/.exec(r.stdout)?.[1] ?? '0';
  const verdict = r.status === 0 ? 'accept' : 'reject';
  if (verdict === 'accept') accepted++;
  const message = verdict === 'reject' ? r.stderr.trim().split('\n').at(-1)! : '';
  writeFileSync(join(CORPUS_DIR, `${p.name}.kernel`), `# Linux ${kernel}, verifier log level 1, privileged\nverdict: ${verdict}\nmessage: ${message}\nprocessed: ${processed}\n`);
}
console.log(`${programs.length} programs: ${accepted} accepted, ${programs.length - accepted} rejected`);

// The benchmark's two programs (src/bench/verifier.ts): the kernel's statistics line for each.
const benchLines: string[] = [];
for (const [name, src, maps] of [['straight', straightLine(), []], ['branchy', branchy(), ['hash:4:8:64']]] as const) {
  const hex = Buffer.from(encodeInsns(assemble(src))).toString('hex');
  const r = spawnSync('python3', [tool, '--hex', hex, '--type', 'kprobe', '--log-level', '1', ...maps.flatMap((m) => ['--map', m])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench program ${name} rejected: ${r.stderr}`);
  benchLines.push(`${name}: ${r.stdout.trim().split('\n').at(-1)}`);
}
writeFileSync(join(CORPUS_DIR, '..', 'bench.kernel'), `# Linux ${kernel}, verifier log level 1, privileged\n${benchLines.join('\n')}\n`);
