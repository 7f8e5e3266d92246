// The disassembler against the listing the real kernel printed for the same bytes (captured
// from Linux 6.18 into tests/golden/kernel-listing), Linux 5.0's wording from its disasm.c, and
// the assembler's round trip of both.

import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AsmError, assemble } from '../../src/bpf/asm.js';
import { disassemble, formatInsn } from '../../src/bpf/disasm.js';
import { encodeInsns, insn, type Insn } from '../../src/bpf/isa.js';
import { anyInsn, anyProgram } from '../support/gen.js';

const dir = 'tests/golden/kernel-listing';

/**
 * The kernel's listing of NAME.s, with each map reference's value (the kernel prints the map's
 * address, which changes from load to load) replaced by `subst`.
 */
function kernelListing(f: string, insns: readonly Insn[], subst: string): string[] {
  return readFileSync(join(dir, f.replace(/\.s$/, '.kernel.txt')), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const i = Number(l.slice(0, l.indexOf(':')));
      return insns[i]?.src === 1 && insns[i]?.code === 0x18 ? l.replace(/= 0x[0-9a-f]+$/, `= ${subst}`) : l;
    });
}

describe('the kernel listing, golden from Linux 6.18', () => {
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.s'))) {
    const insns = assemble(readFileSync(join(dir, f), 'utf8'));
    it(f, () => {
      const ours = disassemble(insns, { indexWidth: 0, imm: (ins, _n, full) => (ins.src === 1 ? '<map>' : '0x' + full.toString(16)) });
      expect(ours).toEqual(kernelListing(f, insns, '<map>'));
    });
    it(`${f}: the assembler reads the kernel's listing back to the same bytes`, () => {
      const again = assemble(kernelListing(f, insns, 'map[id:1]').join('\n'));
      expect(Buffer.from(encodeInsns(again)).toString('hex')).toBe(Buffer.from(encodeInsns(insns)).toString('hex'));
    });
  }
});

describe("Linux 5.0's wording (kernel/bpf/disasm.c at v5.0)", () => {
  const f = (i: Insn, next?: Insn): string => formatInsn(i, next, { dialect: '5.0' });
  it('prints 32-bit ALU with (u32) casts', () => {
    expect(f(insn(0x0c, 1, 2))).toBe('(0c) (u32) r1 += (u32) r2');
    expect(f(insn(0x04, 1, 0, 0, -3))).toBe('(04) (u32) r1 += (u32) -3');
    expect(f(insn(0xb4, 0, 0, 0, 7))).toBe('(b4) (u32) r0 = (u32) 7');
    expect(f(insn(0x84, 3))).toBe('(84) r3 = (u32) -r3');
    expect(f(insn(0x87, 3))).toBe('(87) r3 = -r3');
    expect(f(insn(0x07, 1, 0, 0, -8))).toBe('(07) r1 += -8');
  });
  it('has no JMP32, atomics beyond xadd, or v4 instructions', () => {
    expect(f(insn(0x16, 1, 0, 2, 5))).toBe('(16) BUG');
    expect(f(insn(0xdb, 1, 2, -8, 0x01))).toBe('(db) lock *(u64 *)(r1 -8) += r2');
    expect(f(insn(0xd7, 1, 0, 0, 16))).toBe('BUG_alu64_d7');
    expect(f(insn(0x81, 1, 2))).toBe('BUG_ldx_81');
    expect(f(insn(0x3f, 1, 2, 1))).toBe('(3f) r1 /= r2');
    expect(f(insn(0xbf, 1, 2, 8))).toBe('(bf) r1 = r2');
  });
  it('names only the helpers 5.0 had', () => {
    expect(f(insn(0x85, 0, 0, 0, 1))).toBe('(85) call bpf_map_lookup_elem#1');
    expect(f(insn(0x85, 0, 0, 0, 92))).toBe('(85) call bpf_rc_pointer_rel#92');
    expect(f(insn(0x85, 0, 0, 0, 130))).toBe('(85) call unknown#130');
    expect(formatInsn(insn(0x85, 0, 0, 0, 130), undefined)).toBe('(85) call bpf_ringbuf_output#130');
  });
  it('prints jumps and stores the same in both dialects', () => {
    for (const i of [insn(0x15, 1, 0, 3, 0), insn(0x2d, 1, 2, -4), insn(0x7b, 10, 1, -8), insn(0x62, 10, 0, -4, 1), insn(0x05, 0, 0, 2), insn(0x95)]) {
      expect(f(i)).toBe(formatInsn(i, undefined));
    }
  });
});

describe('assembler', () => {
  it('reads both syntaxes to the same bytes', () => {
    const kernel = assemble('r1 = *(u64 *)(r10 -8)\nw2 += 3\nif r1 > 0x5 goto pc+1\nr0 = 0x1122334455667788\nexit');
    const ubpf = assemble('ldxdw %r1, [%r10-8]\nadd32 %r2, 3\njgt %r1, 5, +1\nlddw %r0, 0x1122334455667788\nexit');
    expect(kernel).toEqual(ubpf);
  });
  it('resolves labels in both syntaxes', () => {
    expect(assemble('loop:\nr1 += 1\nif r1 < 0xa goto loop\nexit').map((i) => i.off)).toEqual([0, -2, 0]);
    expect(assemble('jne %r1, 0, out\nmov %r0, 1\nout:\nexit').map((i) => i.off)).toEqual([1, 0, 0]);
    expect(assemble('call local f\nexit\nf:\nexit')[0]).toEqual(insn(0x85, 0, 1, 0, 1));
  });
  it('accepts listing prefixes and checks the opcode they name', () => {
    expect(assemble('   7: (b7) r0 = 0\n   8: (95) exit')).toEqual([insn(0xb7), insn(0x95)]);
    expect(() => assemble('0: (b4) r0 = 0')).toThrow(/does not match/);
  });
  it('reads the -- asm section of a conformance data file', () => {
    expect(assemble('# test\n-- asm\nmov %r0, 1\nexit\n-- result\n0x1\n')).toEqual([insn(0xb7, 0, 0, 0, 1), insn(0x95)]);
  });
  it('reports the line of each error', () => {
    const cases: [string, RegExp][] = [
      ['exit\nr11 = 1', /invalid register 'r11'/],
      ['mov %r0, 1\nfrob %r1', /invalid mnemonic 'frob'/],
      ['exit\nexit\nja nowhere', /undefined label 'nowhere'/],
      ['mov %r0, 0x100000000', /out of 32-bit range/],
      ['exit\nx:\nx:', /duplicate label 'x'/],
      ['call bpf_no_such_helper', /unknown helper/],
      ['call bpf_map_lookup_elem#2', /is #1, not #2/],
      ['w1 += r2', /mixed register widths/],
    ];
    for (const [src, re] of cases) {
      try {
        assemble(src);
        expect.unreachable(src);
      } catch (e) {
        expect(e).toBeInstanceOf(AsmError);
        expect((e as AsmError).message).toMatch(re);
        expect((e as AsmError).line).toBe(src.split('\n').length);
      }
    }
  });
});

describe('round trips', () => {
  it('disassemble then assemble gives back every instruction (6.x)', () => {
    fc.assert(
      fc.property(anyInsn, (slots) => {
        const text = formatInsn(slots[0]!, slots[1]);
        expect(assemble(text), text).toEqual(slots);
      }),
      { numRuns: 3000 },
    );
  });
  it('whole programs round trip through the listing', () => {
    fc.assert(
      fc.property(anyProgram, (insns) => {
        const listing = disassemble(insns).join('\n');
        expect(encodeInsns(assemble(listing))).toEqual(encodeInsns(insns));
      }),
      { numRuns: 300 },
    );
  });
  it('the 5.0 dialect round trips what 5.0 can express', () => {
    const v50 = anyInsn.filter((s) => {
      const { code, off } = s[0]!;
      const cls = code & 7;
      if (cls === 6 || code === 0xd7 || (code & 0xe0) === 0x80 && cls === 1) return false;
      if (code === 0x8d) return false;
      if ((cls === 4 || cls === 7) && off !== 0) return false;
      if ((code & 0xe7) === 0xc3 && s[0]!.imm !== 0) return false;
      return !(code === 0x85 && s[0]!.src === 0 && (s[0]!.imm < 0 || s[0]!.imm >= 93));
    });
    fc.assert(
      fc.property(v50, (slots) => {
        const text = formatInsn(slots[0]!, slots[1], { dialect: '5.0' });
        expect(assemble(text), text).toEqual(slots);
      }),
      { numRuns: 2000 },
    );
  });
});
