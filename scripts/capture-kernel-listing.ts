// Dev script (needs root and a Linux kernel with BPF): loads each tests/golden/kernel-listing/*.s
// into this machine's kernel with ../shared/tools/kernel-verify.py at log level 2 and stores the
// kernel's own listing of the program (the verifier's "Live regs before insn" section, which
// prints every instruction) beside it as NAME.kernel.txt. Run: npx tsx scripts/capture-kernel-listing.ts

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../src/bpf/asm.js';
import { encodeInsns } from '../src/bpf/isa.js';

const dir = 'tests/golden/kernel-listing';
const tool = process.env.KERNEL_VERIFY ?? '../shared/tools/kernel-verify.py';
const kernel = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();

for (const f of readdirSync(dir).filter((n) => n.endsWith('.s'))) {
  const bytes = encodeInsns(assemble(readFileSync(join(dir, f), 'utf8')));
  const hex = Buffer.from(bytes).toString('hex');
  let log: string;
  try {
    log = execFileSync('python3', [tool, '--hex', hex, '--type', 'socket_filter', '--log-level', '2', '--map', 'hash:4:8:16'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    log = String((e as { stdout?: string }).stdout ?? '');
  }
  const lines = log.split('\n');
  const start = lines.indexOf('Live regs before insn:');
  if (start < 0) throw new Error(`${f}: the kernel printed no listing:\n${log}`);
  const listing: string[] = [];
  for (const l of lines.slice(start + 1)) {
    const m = /^\s*(?:\d+\s+)?(\d+): [.0-9]{10} (.*)$/.exec(l);
    if (!m) break;
    listing.push(`${m[1]}: ${m[2]}`);
  }
  const out = `# The listing Linux ${kernel} printed for ${f} (verifier log level 2), captured by scripts/capture-kernel-listing.ts.\n${listing.join('\n')}\n`;
  writeFileSync(join(dir, f.replace(/\.s$/, '.kernel.txt')), out);
  console.log(`${f}: ${listing.length} instructions`);
}
