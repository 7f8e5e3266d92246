// The verifier log against Linux 6.18's, line for line: every corpus program's log at level 1
// (the failing path, or the statistics line) and at level 2 (every path, with states), map
// addresses aside, and without the trace of 6.18's stack-liveness analysis (see
// stripLivenessDebug).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/bpf/asm.js';
import { relocateMapRefs } from '../../../src/bpf/program.js';
import { branchy, straightLine } from '../../../src/bench/verifier.js';
import { StandaloneHost } from '../../../src/bpf/host.js';
import { BPF_MAP_TYPE } from '../../../src/bpf/maps/map.js';
import { BpfSubsystem } from '../../../src/bpf/syscall.js';
import { bpfCheck } from '../../../src/bpf/verifier/verifier.js';
import { CORPUS_DIR, loadCorpus, normalizeLog, readKernelLog, stripLivenessDebug } from '../../support/corpus.js';
import { verify } from '../../support/verify.js';

const programs = loadCorpus();

describe('the 6.x log is the log Linux 6.18 prints', () => {
  for (const level of [1, 2] as const) {
    for (const p of programs) {
      it(`${p.name} at level ${level}`, () => {
        const got = verify(p.insns, { type: p.type, maps: p.maps, kernel: '6.x', logLevel: level }).log;
        const show = (log: string): string => stripLivenessDebug(normalizeLog(log));
        expect(show(got)).toBe(show(readKernelLog(p.name, level)));
      });
    }
  }
});

describe('the benchmark programs verify as in Linux 6.18', () => {
  const kernel = readFileSync(join(CORPUS_DIR, '..', 'bench.kernel'), 'utf8');
  const bpf = new BpfSubsystem(new StandaloneHost({ nrCpus: 4 }));
  const fd = bpf.mapCreate({ mapType: BPF_MAP_TYPE.hash, keySize: 4, valueSize: 8, maxEntries: 64 });
  for (const [name, src] of [['straight', straightLine()], ['branchy', branchy()]] as const) {
    it(`${name}: the same statistics line`, () => {
      const insns = relocateMapRefs(assemble(src), [fd]);
      const r = bpfCheck(insns, { progType: 'kprobe', kernel: '6.x', logLevel: 1, resolveMap: (f) => bpf.mapInfo(f) });
      expect(`${name}: ${r.log.trim()}`).toBe(new RegExp(`^${name}: .*$`, 'm').exec(kernel)![0]);
    });
  }
});
