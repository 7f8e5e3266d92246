// The verifier corpus format: an assembly file whose header names the program type and maps,
// and whose `raw HHHHHHHHHHHHHHHH` lines give instruction bytes the assembler cannot write
// (reserved fields set, unknown opcodes).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../../src/bpf/asm.js';
import { decodeInsn, type Insn } from '../../src/bpf/isa.js';
import type { ProgTypeName } from '../../src/bpf/verifier/prog_types.js';

export const CORPUS_DIR = 'tests/golden/verifier/corpus';

export interface CorpusProgram {
  name: string;
  type: ProgTypeName;
  maps: string[];
  insns: Insn[];
}

export interface KernelVerdict {
  verdict: 'accept' | 'reject';
  message: string;
  processed: number;
}

export function parseCorpusProgram(name: string, text: string): CorpusProgram {
  const lines = text.split('\n');
  let type: ProgTypeName = 'kprobe';
  const maps: string[] = [];
  const insns: Insn[] = [];
  let chunk: string[] = [];
  const flush = (): void => {
    if (chunk.length) insns.push(...assemble(chunk.join('\n')));
    chunk = [];
  };
  for (const l of lines) {
    const t = /^# type: (\S+)/.exec(l);
    if (t) {
      type = t[1] as ProgTypeName;
      continue;
    }
    const m = /^# map: (\S+)/.exec(l);
    if (m) {
      maps.push(m[1]!);
      continue;
    }
    const raw = /^raw ([0-9a-f]{16})$/.exec(l.trim());
    if (raw) {
      flush();
      insns.push(decodeInsn(Buffer.from(raw[1]!, 'hex'), 0));
      continue;
    }
    chunk.push(l);
  }
  flush();
  return { name, type, maps, insns };
}

export function loadCorpus(): CorpusProgram[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.s'))
    .sort()
    .map((f) => parseCorpusProgram(f.replace(/\.s$/, ''), readFileSync(join(CORPUS_DIR, f), 'utf8')));
}

export function readKernelVerdict(name: string): KernelVerdict {
  const text = readFileSync(join(CORPUS_DIR, `${name}.kernel`), 'utf8');
  const field = (k: string): string => new RegExp(`^${k}: ?(.*)$`, 'm').exec(text)?.[1] ?? '';
  return { verdict: field('verdict') as 'accept' | 'reject', message: field('message'), processed: Number(field('processed')) };
}

/** The kernel's verifier log for a corpus program at level 1 or 2, as captured. */
export function readKernelLog(name: string, level: 1 | 2): string {
  return readFileSync(join(CORPUS_DIR, `${name}.log${level}`), 'utf8');
}

/**
 * A log with map addresses (kernel pointers in Linux, region addresses in bpfbox) replaced by
 * MAP, so the two can be compared line for line.
 */
export function normalizeLog(log: string): string {
  return log.replace(/0xffff[0-9a-f]{12}\b/g, 'MAP');
}

/**
 * Drops the trace Linux 6.18's level-2 log prints from its stack-slot liveness analysis (kernel/
 * bpf/liveness.c): "(0) frame 0 insn 6 +live -8" and "(0) live stack update done in 2
 * iterations". bpfbox tracks stack liveness along paths instead, as earlier kernels did, and does
 * not print those lines; everything else must match.
 */
export function stripLivenessDebug(log: string): string {
  return log
    .split('\n')
    .filter((l) => !/^\(\d+(,\d+)*\) (frame \d|live stack)/.test(l))
    .join('\n');
}
