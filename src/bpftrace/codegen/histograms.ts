// The bucket functions bpftrace inlines into every hist() and lhist() (createLog2Function and
// createLinearFunction in codegen_llvm.cpp), with their 0.17 behaviour kept: log2 compares
// signed and shifts by at most 16+8+4+2+1 bits, so every value from 2^31 up lands in bucket 33
// ([2G, 4G)); lhist divides unsigned.

import { BPF_ADD, BPF_DIV, BPF_JEQ, BPF_JSGT, BPF_JSLT, BPF_RSH, BPF_SUB } from '../../bpf/isa.js';
import type { Emitter } from './emitter.js';
import type { LhistArgs } from '../types.js';

/** r0 = log2 bucket of r0: 0 for negatives, 1 for 0, 2 + floor(log2(n)) (capped) otherwise. Clobbers r1, r2. */
export function emitLog2(em: Emitter): void {
  const done = em.newLabel();
  em.mov(1, 0);
  em.movImm(0, 0);
  em.jccImm(BPF_JSLT, 1, 0, done);
  em.movImm(0, 1);
  em.jccImm(BPF_JEQ, 1, 0, done);
  em.movImm(0, 2);
  for (let i = 4; i >= 0; i--) {
    const small = em.newLabel();
    // shift = (n >= 1 << (1 << i)) << i
    em.movImm(2, 0);
    em.jccImm(BPF_JSLT, 1, 1 << (1 << i), small);
    em.movImm(2, 1 << i);
    em.bind(small);
    em.alu(BPF_RSH, 1, 2);
    em.alu(BPF_ADD, 0, 2);
  }
  em.bind(done);
}

/**
 * r0 = lhist bucket of r0 for fixed min, max and step: 0 below min, 1 + (max - min) / step above
 * max, else 1 + (v - min) / step. Clobbers r1, r2.
 */
export function emitLinear(em: Emitter, a: LhistArgs): void {
  const done = em.newLabel();
  const aboveMax = em.newLabel();
  em.mov(1, 0);
  em.movImm(0, 0);
  em.loadConst(2, a.min);
  em.jcc(BPF_JSLT, 1, 2, done);
  em.loadConst(2, a.max);
  em.jcc(BPF_JSGT, 1, 2, aboveMax);
  em.loadConst(2, a.min);
  em.alu(BPF_SUB, 1, 2);
  em.loadConst(2, a.step);
  em.alu(BPF_DIV, 1, 2);
  em.mov(0, 1);
  em.aluImm(BPF_ADD, 0, 1);
  em.ja(done);
  em.bind(aboveMax);
  em.loadConst(0, a.max);
  em.loadConst(2, a.min);
  em.alu(BPF_SUB, 0, 2);
  em.loadConst(2, a.step);
  em.alu(BPF_DIV, 0, 2);
  em.aluImm(BPF_ADD, 0, 1);
  em.bind(done);
}
