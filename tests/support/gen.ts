// fast-check generators of eBPF instructions: every well-formed encoding RFC 9669 defines, and
// whole programs that the structural check accepts (in-range jumps, exits), for the property tests.

import fc from 'fast-check';
import { insn, type Insn } from '../../src/bpf/isa.js';

const reg = fc.integer({ min: 0, max: 10 });
const imm32 = fc.oneof(fc.integer({ min: -0x80000000, max: 0x7fffffff }), fc.constantFrom(0, 1, -1, 16, 32, 64, 0x7fffffff, -0x80000000));
const off16 = fc.oneof(fc.integer({ min: -0x8000, max: 0x7fff }), fc.constantFrom(0, -8, 8, -512));

const ALU_OPS = [0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x90, 0xa0, 0xb0, 0xc0];
const JMP_OPS = [0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0];

/** One instruction slot list (two for lddw) of any valid form, with arbitrary jump offsets. */
export const anyInsn: fc.Arbitrary<Insn[]> = fc.oneof(
  // ALU / ALU64, K and X
  fc.tuple(fc.constantFrom(0x04, 0x07), fc.constantFrom(...ALU_OPS), fc.boolean(), reg, reg, imm32, fc.integer({ min: 0, max: 3 })).map(([cls, op, x, d, s, imm, k]) => {
    let off = 0;
    if ((op === 0x30 || op === 0x90) && k === 1) off = 1;
    if (op === 0xb0 && x && k > 0) off = cls === 0x07 ? [8, 16, 32][k - 1]! : [8, 16, 0][k - 1]!;
    return [insn(cls | op | (x ? 0x08 : 0), d, x ? s : 0, off, x ? 0 : imm)];
  }),
  fc.tuple(fc.constantFrom(0x84, 0x87), reg).map(([code, d]) => [insn(code, d)]),
  fc.tuple(fc.constantFrom(0xd4, 0xdc, 0xd7), reg, fc.constantFrom(16, 32, 64)).map(([code, d, imm]) => [insn(code, d, 0, 0, imm)]),
  // memory
  fc.tuple(fc.constantFrom(0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91), reg, reg, off16).map(([c, d, s, o]) => [insn(c, d, s, o)]),
  fc.tuple(fc.constantFrom(0x62, 0x6a, 0x72, 0x7a), reg, off16, imm32).map(([c, d, o, i]) => [insn(c, d, 0, o, i)]),
  fc.tuple(fc.constantFrom(0x63, 0x6b, 0x73, 0x7b), reg, reg, off16).map(([c, d, s, o]) => [insn(c, d, s, o)]),
  fc.tuple(fc.constantFrom(0xc3, 0xdb), reg, reg, off16, fc.constantFrom(0x00, 0x40, 0x50, 0xa0, 0x01, 0x41, 0x51, 0xa1, 0xe1, 0xf1)).map(
    ([c, d, s, o, i]) => [insn(c, d, s, o, i)],
  ),
  // 64-bit immediates and map references
  fc.tuple(reg, imm32, imm32).map(([d, lo, hi]) => [insn(0x18, d, 0, 0, lo), insn(0, 0, 0, 0, hi)]),
  fc.tuple(reg, fc.integer({ min: 1, max: 1000 })).map(([d, id]) => [insn(0x18, d, 1, 0, id), insn(0, 0, 0, 0, 0)]),
  fc.tuple(reg, fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 4096 })).map(([d, id, o]) => [insn(0x18, d, 2, 0, id), insn(0, 0, 0, 0, o)]),
  // legacy packet loads
  fc.tuple(fc.constantFrom(0x20, 0x28, 0x30), imm32).map(([c, i]) => [insn(c, 0, 0, 0, i)]),
  fc.tuple(fc.constantFrom(0x40, 0x48, 0x50), reg, imm32).map(([c, s, i]) => [insn(c, 0, s, 0, i)]),
  // jumps and calls
  fc.tuple(fc.constantFrom(0x05, 0x06), fc.constantFrom(...JMP_OPS), fc.boolean(), reg, reg, imm32, off16).map(([cls, op, x, d, s, imm, off]) => [
    insn(cls | op | (x ? 0x08 : 0), d, x ? s : 0, off, x ? 0 : imm),
  ]),
  off16.map((o) => [insn(0x05, 0, 0, o)]),
  imm32.map((i) => [insn(0x06, 0, 0, 0, i)]),
  fc.integer({ min: -5, max: 220 }).map((id) => [insn(0x85, 0, 0, 0, id)]),
  imm32.map((i) => [insn(0x85, 0, 1, 0, i)]),
  reg.map((d) => [insn(0x8d, d)]),
  fc.constant<Insn[]>([insn(0x95)]),
);

export const anyProgram: fc.Arbitrary<Insn[]> = fc.array(anyInsn, { minLength: 1, maxLength: 40 }).map((xs) => xs.flat());

/**
 * Programs the structural check accepts: random instructions whose jumps and calls are redirected
 * to real instruction starts, ending in exit. Memory operands lean on r1 (the memory) and r10
 * (the stack) with small offsets so that many accesses are in bounds and many are not.
 */
export const runnableProgram: fc.Arbitrary<Insn[]> = fc
  .tuple(
    fc.array(
      fc.oneof(
        { weight: 6, arbitrary: anyInsn },
        {
          weight: 4,
          arbitrary: fc.tuple(fc.constantFrom(0x61, 0x69, 0x71, 0x79, 0x81, 0x63, 0x7b, 0x62, 0x7a, 0xdb, 0xc3), fc.constantFrom(1, 10), reg, fc.integer({ min: -520, max: 64 }), fc.constantFrom(0x00, 0x01, 0xe1, 0xf1, 0x41)).map(
            ([code, base, other, off, aimm]) => {
              const cls = code & 7;
              if (cls === 1) return [insn(code, other, base, off)];
              if (cls === 2) return [insn(code, base, 0, off, aimm)];
              return [insn(code, base, other, off, (code & 0xe0) === 0xc0 ? aimm : 0)];
            },
          ),
        },
      ),
      { minLength: 1, maxLength: 30 },
    ),
    fc.array(fc.nat(), { minLength: 64, maxLength: 64 }),
  )
  .map(([parts, picks]) => {
    // Map references need maps; here every lddw is a plain constant.
    const insns = [...parts.flat(), insn(0x95)].map((x) => (x.code === 0x18 ? { ...x, src: 0 } : x));
    const starts: number[] = [];
    for (let i = 0; i < insns.length; i++) {
      starts.push(i);
      if (insns[i]!.code === 0x18) i++;
    }
    let k = 0;
    for (const i of starts) {
      const x = insns[i]!;
      const cls = x.code & 7;
      if (cls !== 5 && cls !== 6) continue;
      const t = starts[picks[k++ % picks.length]! % starts.length]!;
      if (x.code === 0x85 && x.src === 1) x.imm = t - i - 1;
      else if (x.code === 0x06) x.imm = t - i - 1;
      else if (x.code !== 0x85 && x.code !== 0x95 && x.code !== 0x8d) x.off = t - i - 1;
    }
    return insns;
  });
