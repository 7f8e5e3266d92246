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

describe('a log buffer too small for the log', () => {
  const load = (kernel: '5.0' | '6.x', logSize: number): { fd: number; log: string } => {
    const bpf = new BpfSubsystem(new StandaloneHost(), kernel);
    const out = { log: '' };
    const fd = bpf.progLoad({ progType: 1, insns: assemble('r0 = 0\nr1 = 1\nr0 += r1\nexit'), license: 'GPL', logLevel: 1, logSize }, out);
    return { fd, log: out.log };
  };
  const full = (kernel: '5.0' | '6.x'): string => load(kernel, 1 << 20).log;

  it('fails the load with ENOSPC, keeping the start of the log in 5.0 and its end in 6.x', () => {
    for (const kernel of ['5.0', '6.x'] as const) {
      const log = full(kernel);
      expect(load(kernel, 1 << 20).fd).toBeGreaterThan(0);
      const small = load(kernel, 20);
      expect(small.fd).toBe(-28);
      expect(small.log).toBe(kernel === '5.0' ? log.slice(0, 19) : log.slice(-19));
    }
  });

  it('counts the buffer full one byte early in 5.0 (bpf_verifier_log_full), not in 6.x', () => {
    for (const kernel of ['5.0', '6.x'] as const) {
      const n = full(kernel).length;
      const fd = load(kernel, n + 1).fd;
      if (kernel === '5.0') expect(fd).toBe(-28);
      else expect(fd).toBeGreaterThan(0);
      expect(load(kernel, n + 2).fd).toBeGreaterThan(0);
    }
  });
});
