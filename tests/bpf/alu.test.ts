// Every ALU and jump opcode, in 32 and 64 bits, with register and immediate operands, on both
// engines, against the BigInt model of RFC 9669 in tests/support/ref.ts. Each program evaluates
// a batch of operand pairs and stores every result, so one program covers many cases.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alu, endian, hex, jump, movsx, u64, type AluOp, type JmpOp } from '../support/ref.js';
import { runBoth } from '../support/run.js';

const EDGE = [
  0n, 1n, 2n, 3n, 7n, 31n, 32n, 33n, 63n, 64n, 65n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n,
  0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0xfffffffffffffffen, 0xffffffff80000000n,
  0x123456789abcdef0n, 0xfedcba9876543210n,
];
const IMMS = [0, 1, 2, -1, -2, 31, 32, 63, 64, 0x7fffffff, -0x80000000, 0x12345678, -0x12345678, 7];

const ALU_OPS: AluOp[] = ['add', 'sub', 'mul', 'div', 'sdiv', 'or', 'and', 'lsh', 'rsh', 'mod', 'smod', 'xor', 'mov', 'arsh'];
const JMP_OPS: JmpOp[] = ['jeq', 'jne', 'jset', 'jgt', 'jge', 'jlt', 'jle', 'jsgt', 'jsge', 'jslt', 'jsle'];

/** Runs `body(i)` for each case, storing r1 after it at mem[8*i]; returns the stored values. */
function batch(n: number, body: (i: number) => string): bigint[] {
  const lines = ['mov %r9, %r1'];
  for (let i = 0; i < n; i++) lines.push(body(i), `stxdw [%r9+${i * 8}], %r1`);
  lines.push('mov %r0, 0', 'exit');
  const r = runBoth(lines.join('\n'), new Uint8Array(n * 8));
  expect(r.fault).toBe('');
  const dv = new DataView(r.mem.buffer);
  return Array.from({ length: n }, (_, i) => dv.getBigUint64(i * 8, true));
}

const pairs = EDGE.flatMap((a) => EDGE.map((b) => [a, b] as const));

describe('ALU, register operand', () => {
  for (const op of ALU_OPS) {
    for (const is32 of [false, true]) {
      it(`${op}${is32 ? '32' : ''} x edge values`, () => {
        const mnem = op + (is32 ? '32' : '');
        const got = batch(pairs.length, (i) => `lddw %r1, ${hex(pairs[i]![0])}\nlddw %r2, ${hex(pairs[i]![1])}\n${mnem} %r1, %r2`);
        pairs.forEach(([a, b], i) => expect(hex(got[i]!), `${hex(a)} ${mnem} ${hex(b)}`).toBe(hex(alu(op, a, b, is32))));
      });
    }
  }
});

describe('ALU, immediate operand', () => {
  const cases = EDGE.flatMap((a) => IMMS.map((b) => [a, b] as const));
  for (const op of ALU_OPS) {
    for (const is32 of [false, true]) {
      it(`${op}${is32 ? '32' : ''} x immediates`, () => {
        const mnem = op + (is32 ? '32' : '');
        const got = batch(cases.length, (i) => `lddw %r1, ${hex(cases[i]![0])}\n${mnem} %r1, ${cases[i]![1]}`);
        cases.forEach(([a, b], i) => expect(hex(got[i]!), `${hex(a)} ${mnem} ${b}`).toBe(hex(alu(op, a, BigInt(b), is32))));
      });
    }
  }
});

describe('ALU, unary and conversions', () => {
  it('neg and neg32, including INT_MIN', () => {
    for (const is32 of [false, true]) {
      const got = batch(EDGE.length, (i) => `lddw %r1, ${hex(EDGE[i]!)}\nneg${is32 ? '32' : ''} %r1`);
      EDGE.forEach((a, i) => expect(hex(got[i]!)).toBe(hex(alu('neg', a, 0n, is32))));
    }
  });

  it('movsx from 8, 16 and 32 bits into 32 and 64', () => {
    for (const [bits, w] of [[8, 32], [16, 32], [8, 64], [16, 64], [32, 64]] as const) {
      const got = batch(EDGE.length, (i) => `lddw %r2, ${hex(EDGE[i]!)}\nmovsx${bits}${w} %r1, %r2`);
      EDGE.forEach((a, i) => expect(hex(got[i]!), `movsx${bits}${w} ${hex(a)}`).toBe(hex(movsx(a, bits, w === 32))));
    }
  });

  it('le, be and bswap in 16, 32 and 64 bits', () => {
    for (const kind of ['le', 'be', 'bswap'] as const) {
      for (const bits of [16, 32, 64] as const) {
        const got = batch(EDGE.length, (i) => `lddw %r1, ${hex(EDGE[i]!)}\n${kind}${bits} %r1`);
        EDGE.forEach((a, i) => expect(hex(got[i]!), `${kind}${bits} ${hex(a)}`).toBe(hex(endian(kind, a, bits))));
      }
    }
  });

  it('32-bit mov zero-extends, 64-bit mov of an immediate sign-extends', () => {
    expect(batch(2, (i) => (i ? 'lddw %r1, 0xffffffffffffffff\nmov32 %r1, -1' : 'mov %r1, -1'))).toEqual([0xffffffffffffffffn, 0xffffffffn]);
  });
});

describe('ALU properties against BigInt', () => {
  const u64arb = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
  for (const op of ALU_OPS) {
    it(`${op}: 64 and 32 bits on random operands`, () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(u64arb, u64arb), { minLength: 1, maxLength: 24 }), fc.boolean(), (ops, is32) => {
          const mnem = op + (is32 ? '32' : '');
          const got = batch(ops.length, (i) => `lddw %r1, ${hex(ops[i]![0])}\nlddw %r2, ${hex(ops[i]![1])}\n${mnem} %r1, %r2`);
          ops.forEach(([a, b], i) => expect(hex(got[i]!)).toBe(hex(alu(op, a, b, is32))));
        }),
        { numRuns: 40 },
      );
    });
  }
});

describe('conditional jumps', () => {
  for (const op of JMP_OPS) {
    for (const is32 of [false, true]) {
      it(`${op}${is32 ? '32' : ''} with register and immediate operands`, () => {
        const mnem = op + (is32 ? '32' : '');
        const got = batch(pairs.length, (i) =>
          [`lddw %r2, ${hex(pairs[i]![0])}`, `lddw %r3, ${hex(pairs[i]![1])}`, 'mov %r1, 0', `${mnem} %r2, %r3, +1`, 'ja +1', 'mov %r1, 1'].join('\n'),
        );
        pairs.forEach(([a, b], i) => expect(got[i], `${hex(a)} ${mnem} ${hex(b)}`).toBe(jump(op, a, b, is32) ? 1n : 0n));
        const cases = EDGE.flatMap((a) => IMMS.map((b) => [a, b] as const));
        const gotK = batch(cases.length, (i) =>
          [`lddw %r2, ${hex(cases[i]![0])}`, 'mov %r1, 0', `${mnem} %r2, ${cases[i]![1]}, +1`, 'ja +1', 'mov %r1, 1'].join('\n'),
        );
        cases.forEach(([a, b], i) => expect(gotK[i], `${hex(a)} ${mnem} ${b}`).toBe(jump(op, a, u64(BigInt(b)), is32) ? 1n : 0n));
      });
    }
  }

  it('ja, ja32 (gotol) and backward jumps', () => {
    const r = runBoth(['mov %r0, 0', 'mov %r1, 10', 'loop:', 'add %r0, 3', 'sub %r1, 1', 'jne %r1, 0, loop', 'ja32 end', 'mov %r0, 99', 'end:', 'exit'].join('\n'));
    expect(r.r0).toBe(30n);
  });
});
