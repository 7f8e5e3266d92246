// bpftrace 0.17's ClangParser as bpfbox implements it (src/bpftrace/clang_parser.ts): C definitions
// laid out as clang 14 lays them out for x86-64 (every size and offset here is what clang and gcc
// give), fields typed as get_sized_type types them, and clang's messages, at clang's lines and
// columns of definitions.h, for definitions it rejects (each checked against bpftrace 0.17).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CDefinition } from '../../src/bpftrace/ast.js';
import { parseCDefinitions, type ClangResult } from '../../src/bpftrace/clang_parser.js';
import { Diagnostics } from '../../src/bpftrace/diagnostics.js';
import type { Struct } from '../../src/bpftrace/passes/struct.js';
import { formatType } from '../../src/bpftrace/typestr.js';

const L = { line: 1, col: 1, endLine: 1, endCol: 2 };

/** Definitions as bpftrace's parser keeps them: a struct's text gets `;` and a newline, a `#` line a newline. */
function clang(...defs: string[]): { result: ClangResult | null; messages: string[] } {
  const diags = new Diagnostics();
  const cdefs = defs.map((text): CDefinition => ({ loc: L, text: text.startsWith('#') ? `${text}\n` : `${text};\n` }));
  const result = parseCDefinitions(cdefs, diags);
  return { result, messages: diags.list.map((d) => `${d.type}: ${d.message}`) };
}

function layout(...defs: string[]): ClangResult {
  const { result, messages } = clang(...defs);
  if (!result) throw new Error(messages.join('\n'));
  return result;
}

function struct(r: ClangResult, name: string): Struct {
  const s = r.structs.get(name);
  if (!s) throw new Error(`no ${name} among ${[...r.structs.keys()].join(', ')}`);
  return s;
}

const offsets = (s: Struct): Record<string, number> => Object.fromEntries([...s.fields].map(([n, f]) => [n, f.offset]));
const types = (s: Struct): Record<string, string> => Object.fromEntries([...s.fields].map(([n, f]) => [n, formatType(f.type)]));

describe('layout', () => {
  const CASES: [definition: string, size: number, offsets: Record<string, number>][] = [
    ['struct a { char c; int i; char d; }', 12, { c: 0, i: 4, d: 8 }],
    ['struct a { long l; char c; }', 16, { l: 0, c: 8 }],
    ['struct a { char a; short b; char c; long d; char e; }', 24, { a: 0, b: 2, c: 4, d: 8, e: 16 }],
    ['struct a { _Bool b; unsigned long long u; }', 16, { b: 0, u: 8 }],
    ['struct a { char a; char b; char c; }', 3, { a: 0, b: 1, c: 2 }],
    ['union a { char c; int i; long l; }', 8, { c: 0, i: 0, l: 0 }],
    ['union a { int i; char b[5]; }', 8, { i: 0, b: 0 }],
    ['struct a { char name[13]; int vals[3]; short grid[2][3]; char names[4][5]; }', 60, { name: 0, vals: 16, grid: 28, names: 40 }],
    ['struct a { int n; long data[]; }', 8, { n: 0, data: 8 }],
    ['struct a { int n; char pad[0]; }', 4, { n: 0, pad: 4 }],
    ['struct a { char c; void *v; char *s; int (*fn)(int); int *arr[2]; }', 48, { c: 0, v: 8, s: 16, fn: 24, arr: 32 }],
    ['struct a { char c; long double ld; float f; }', 48, { c: 0, ld: 16, f: 32 }],
    ['struct a { char a; int :0; char b; }', 5, { a: 0, '': 4, b: 4 }],
    ['struct a { char a; long :4; }', 2, { a: 0, '': 1 }],
    ['struct a { char c; int i __attribute__((aligned(16))); }', 32, { c: 0, i: 16 }],
    ['struct a { char c; int i __attribute__((packed)); }', 5, { c: 0, i: 1 }],
    ['struct a { char c; struct __attribute__((packed)) { char x; long y; } p; }', 10, { c: 0, p: 1 }],
    ['struct a { struct { char c; } __attribute__((aligned(32))) x; }', 32, { x: 0 }],
    ['struct a { int kind; union { int i; long l; }; struct { char p; char q; }; }', 24, { kind: 0, i: 8, l: 8, p: 16, q: 17 }],
    ['struct a { char c; struct { struct { char d; long l; } two; } one; char last; }', 32, { c: 0, one: 8, last: 24 }],
    ['struct a { enum { A1 } e; enum { B1 = 0x100000000 } big; char c; }', 24, { e: 0, big: 8, c: 16 }],
  ];
  for (const [def, size, offs] of CASES) {
    it(def, () => {
      const s = struct(layout(def), def.startsWith('union') ? 'union a' : 'struct a');
      expect([s.size, offsets(s)]).toEqual([size, offs]);
    });
  }

  it('gives a nested record its own struct: named ones by their tag, unnamed ones as clang spells them', () => {
    const r = layout('struct outer { char a; struct inner { short s; } in; struct { long x; union { char y; } u; } named; }');
    expect([...r.structs.keys()].sort()).toEqual([
      'struct inner',
      'struct outer',
      'struct outer::(unnamed at definitions.h:2:54)',
      'union outer::(unnamed at definitions.h:2:71)',
    ]);
    expect(types(struct(r, 'struct outer'))).toEqual({
      a: 'int8',
      in: 'struct inner',
      named: 'struct outer::(unnamed at definitions.h:2:54)',
    });
    expect(offsets(struct(r, 'struct outer::(unnamed at definitions.h:2:54)'))).toEqual({ x: 0, u: 8 });
  });

  it('keeps a struct only seen behind a pointer, with no fields and the size -2, and leaves out one with no fields', () => {
    const r = layout('struct a { struct hidden *h; struct a *self; }', 'struct empty { }');
    expect(struct(r, 'struct hidden')).toEqual({ name: 'struct hidden', size: -2, fields: new Map() });
    expect(r.structs.has('struct empty')).toBe(false);
    expect(types(struct(r, 'struct a'))).toEqual({ h: 'struct hidden *', self: 'struct a *' });
  });

  it('lays out a struct defined after a pointer to it was seen, as clang completes it', () => {
    const r = layout('struct a { struct b *p; }', 'struct b { int x; long y; }');
    expect(struct(r, 'struct b').size).toBe(16);
    expect(types(struct(r, 'struct a'))).toEqual({ p: 'struct b *' });
  });
});

describe('field types (get_sized_type)', () => {
  it('types integers by size and sign, plain char arrays as strings, other arrays as arrays', () => {
    const r = layout(
      'struct t { char c; signed char sc; unsigned char uc; short s; unsigned u; long l; unsigned long long ull; _Bool b; ' +
        'enum e { E1 } en; char str[8]; unsigned char bytes[4]; char grid[2][3]; int m[2][2]; }',
    );
    expect(types(struct(r, 'struct t'))).toEqual({
      c: 'int8', sc: 'int8', uc: 'unsigned int8', s: 'int16', u: 'unsigned int32', l: 'int64', ull: 'unsigned int64', b: 'unsigned int8',
      en: 'unsigned int32', str: 'string[8]', bytes: 'unsigned int8[4]', grid: 'string[3][2]', m: 'int32[2][2]',
    });
  });

  it('types pointers by their target, and what it has no type for as none', () => {
    const r = layout('struct t { int *ip; char *cp; void *vp; int **pp; float f; double d; __int128 big; int (*fn)(void); int flex[]; }');
    expect(types(struct(r, 'struct t'))).toEqual({
      ip: 'int32 *', cp: 'int8 *', vp: 'none *', pp: 'int32 * *', f: 'none', d: 'none', big: 'none', fn: 'none *', flex: 'none',
    });
  });

  it('knows the kernel typedefs BTF would give 0.17, and the headers bpftrace carries', () => {
    const r = layout('#include <stdint.h>', 'struct t { u8 a; __be16 b; u32 c; s64 d; size_t e; bool f; uint16_t g; int8_t h; pid_t i; __u64 j; }');
    const s = struct(r, 'struct t');
    expect(s.size).toBe(48);
    expect(types(s)).toEqual({
      a: 'unsigned int8', b: 'unsigned int16', c: 'unsigned int32', d: 'int64', e: 'unsigned int64', f: 'unsigned int8',
      g: 'unsigned int16', h: 'int8', i: 'int32', j: 'unsigned int64',
    });
  });
});

describe('bitfields', () => {
  it('reads the bytes a bitfield covers, shifts out the bits below it and masks its width', () => {
    const s = struct(layout('struct b { char c; unsigned int x:3, y:12; int z:5; long w:40; long all:64; }'), 'struct b');
    const bits = Object.fromEntries([...s.fields].filter(([, f]) => f.bitfield).map(([n, f]) => [n, [f.offset, f.bitfield!.readBytes, f.bitfield!.accessRshift, f.bitfield!.mask]]));
    expect(bits).toEqual({
      x: [1, 1, 0, 7n],
      y: [1, 2, 3, 0xfffn],
      z: [2, 2, 7, 31n],
      w: [8, 5, 0, (1n << 40n) - 1n],
      all: [16, 8, 0, (1n << 64n) - 1n],
    });
    expect(s.size).toBe(24);
  });

  it('moves a bitfield that would straddle a unit of its type, and a zero-width one aligns even in a packed record', () => {
    expect(struct(layout('struct a { char c; int x:20; int y:20; }'), 'struct a').size).toBe(8);
    expect(offsets(struct(layout('struct a { struct __attribute__((packed)) { char a; int :0; char b; } p; }'), 'struct a::(unnamed at definitions.h:2:12)'))).toEqual({ a: 0, '': 4, b: 4 });
  });
});

describe('enum constants', () => {
  it('counts on from the last value and evaluates C constant expressions', () => {
    const r = layout(
      "enum c { RED, GREEN = 10, BLUE, LAST = BLUE * 2 + 1, NEG = -3, CH = 'A', NL = '\\n', SH = 1 << 20, BIG = 0x1ffffffff, SZ = sizeof(long), AL = _Alignof(struct p *), T = 3 > 2 ? 07 : 0 }",
      'struct s { enum { INNER = 4 } e; }',
    );
    expect(Object.fromEntries(r.enums)).toEqual({
      RED: 0n, GREEN: 10n, BLUE: 11n, LAST: 23n, NEG: -3n, CH: 65n, NL: 10n, SH: 1048576n, BIG: 0x1ffffffffn, SZ: 8n, AL: 8n, T: 7n, INNER: 4n,
    });
  });
});

describe('the preprocessor', () => {
  it('expands #define object and function-like macros, follows #if and #ifdef, and reads the headers bpftrace ships', () => {
    const r = layout(
      '#include <limits.h>',
      '#define LEN 6',
      '#define TWICE(n) ((n) * 2)',
      '#if defined(BPFTRACE_HAVE_BTF) && LEN > 5',
      'struct a { char c[LEN]; int d[TWICE(3)]; char m[CHAR_BIT]; }',
      '#else',
      'struct a { char other; }',
      '#endif',
    );
    expect(offsets(struct(r, 'struct a'))).toEqual({ c: 0, d: 8, m: 32 });
  });
});

describe("clang's diagnostics, as bpftrace 0.17 prints them", () => {
  const CASES: [defs: string[], messages: string[]][] = [
    [['struct x { int a; int a; }'], ["ERROR: definitions.h:2:23: error: duplicate member 'a'\ndefinitions.h:2:16: note: previous declaration is here"]],
    [['struct x { int a b; long c }'], ["ERROR: definitions.h:2:17: error: expected ';' at end of declaration list\ndefinitions.h:2:27: warning: expected ';' at end of declaration list"]],
    [['struct x { int 5; }'], ["ERROR: definitions.h:2:16: error: expected member name or ';' after declaration specifiers\ndefinitions.h:2:15: error: expected ';' at end of declaration list"]],
    [['struct x { a; }'], ['ERROR: definitions.h:2:12: error: type name requires a specifier or qualifier']],
    [['struct x { int a[; }'], ['ERROR: definitions.h:2:18: error: expected expression']],
    [['struct x { int a : 3 : 4; }'], ["ERROR: definitions.h:2:22: error: expected ';' at end of declaration list"]],
    [['struct x { int a[3 }'], ["ERROR: definitions.h:2:20: error: expected ']'\ndefinitions.h:2:17: note: to match this '['\ndefinitions.h:2:19: warning: expected ';' at end of declaration list"]],
    [
      ['struct x { foo_t a; bar_t *b; }'],
      [
        "ERROR: definitions.h:2:12: error: unknown type name 'foo_t'\ndefinitions.h:2:21: error: unknown type name 'bar_t'",
        'ERROR: Include headers with missing type definitions or install BTF information to your system.',
      ],
    ],
    [
      ['struct x { int a; }', 'struct x { int b; }'],
      [
        "ERROR: definitions.h:3:8: error: redefinition of 'x'\ndefinitions.h:2:8: note: previous definition is here",
        'WARNING: Cannot take type definitions from BTF since there is a redefinition conflict with user-defined types.',
      ],
    ],
    [
      ['struct x { int a; }', 'union x { int b; }'],
      ["ERROR: definitions.h:3:1: error: use of 'x' with tag type that does not match previous declaration\ndefinitions.h:2:8: note: previous use is here\ndefinitions.h:3:7: error: redefinition of 'x'\ndefinitions.h:2:8: note: previous definition is here"],
    ],
    [['struct x { char c; }', 'enum x { Q }'], ["ERROR: definitions.h:3:1: error: use of 'x' with tag type that does not match previous declaration\ndefinitions.h:2:8: note: previous use is here"]],
    [
      ['enum E { A, B }', 'enum F { B = 5 }'],
      [
        "ERROR: definitions.h:3:10: error: redefinition of enumerator 'B'\ndefinitions.h:2:13: note: previous definition is here",
        'WARNING: Cannot take type definitions from BTF since there is a redefinition conflict with user-defined types.',
      ],
    ],
    [['enum E { A B }'], ["ERROR: definitions.h:2:11: error: missing ',' between enumerators"]],
    [['enum E { }'], ['ERROR: definitions.h:2:10: error: use of empty enum']],
    [
      ['struct x { int a:0; int b:33; double c:2; int :40; _Bool d:2; }'],
      [
        "ERROR: definitions.h:2:16: error: named bit-field 'a' has zero width\n" +
          "definitions.h:2:25: error: width of bit-field 'b' (33 bits) exceeds the width of its type (32 bits)\n" +
          "definitions.h:2:38: error: bit-field 'c' has non-integral type 'double'\n" +
          'definitions.h:2:43: error: width of anonymous bit-field (40 bits) exceeds the width of its type (32 bits)\n' +
          "definitions.h:2:58: error: width of bit-field 'd' (2 bits) exceeds the width of its type (1 bit)",
      ],
    ],
    [['struct x { void a; }'], ["ERROR: definitions.h:2:17: error: field has incomplete type 'void'"]],
    [['struct x { struct y a; }'], ["ERROR: definitions.h:2:21: error: field has incomplete type 'struct y'\ndefinitions.h:2:19: note: forward declaration of 'struct y'"]],
    [['struct x { int a[2][]; }'], ["ERROR: definitions.h:2:17: error: array has incomplete element type 'int[]'"]],
    [['struct x { int a[]; int b; }'], ["ERROR: definitions.h:2:16: error: flexible array member 'a' with type 'int[]' is not at the end of struct\ndefinitions.h:2:25: note: next field declaration is here"]],
    [['struct x { int a[]; }'], ["ERROR: definitions.h:2:16: error: flexible array member 'a' not allowed in otherwise empty struct"]],
    [['struct x { char a[-1]; int b[n]; }'], ["ERROR: definitions.h:2:19: error: 'a' declared as an array with a negative size\ndefinitions.h:2:30: error: use of undeclared identifier 'n'"]],
    [['struct x { int a[1.5]; }'], ["ERROR: definitions.h:2:18: error: size of array has non-integer type 'double'"]],
    [['struct x { int a[2/0]; }'], ["ERROR: definitions.h:2:16: error: fields must have a constant size: 'variable length array in structure' extension will never be supported"]],
    [['struct x { int a[08]; }'], ["ERROR: definitions.h:2:19: error: invalid digit '8' in octal constant"]],
    [['struct x { unsigned long long long a; }'], ["ERROR: definitions.h:2:31: error: cannot combine with previous 'long long' declaration specifier"]],
    [['struct x { unsigned float a; long char b; }'], ["ERROR: definitions.h:2:12: error: 'float' cannot be signed or unsigned\ndefinitions.h:2:30: error: 'long char' is invalid"]],
    [['struct x { int a __attribute__((aligned(3))); }'], ['ERROR: definitions.h:2:33: error: requested alignment is not a power of 2']],
    [['struct x { struct; }'], ['ERROR: definitions.h:2:12: error: declaration of anonymous struct must be a definition\ndefinitions.h:2:18: error: type name requires a specifier or qualifier']],
    [['struct x { static int a; }'], ['ERROR: definitions.h:2:12: error: type name does not allow storage class to be specified']],
    [
      ['struct x { struct y; int; int a __attribute__((bogus)); const b; int c d; }'],
      [
        'ERROR: definitions.h:2:12: warning: declaration does not declare anything [-Wmissing-declarations]\n' +
          'definitions.h:2:22: warning: declaration does not declare anything [-Wmissing-declarations]\n' +
          "definitions.h:2:48: warning: unknown attribute 'bogus' ignored [-Wunknown-attributes]\n" +
          "definitions.h:2:63: warning: type specifier missing, defaults to 'int' [-Wimplicit-int]\n" +
          "definitions.h:2:71: error: expected ';' at end of declaration list",
      ],
    ],
    [['#include <nosuch.h>', 'struct x { int a b; }'], ["ERROR: definitions.h:2:10: fatal error: 'nosuch.h' file not found"]],
    [['#ifdef BPFTRACE_HAVE_BTF', '#error have btf', '#endif'], ['ERROR: definitions.h:3:2: error: have btf']],
    [['#if 1 +', '#endif'], ['ERROR: definitions.h:2:8: error: expected value in expression']],
    [['#if 0'], ['ERROR: definitions.h:2:2: error: unterminated conditional directive']],
    [['#foo'], ['ERROR: definitions.h:2:2: error: invalid preprocessing directive']],
  ];
  for (const [defs, messages] of CASES) {
    it(defs.join(' '), () => {
      const r = clang(...defs);
      expect(r.messages).toEqual(messages);
      expect(r.result).toBeNull();
    });
  }

  it('prints nothing for what clang only warns about when the rest is fine', () => {
    const r = clang('struct x { int; struct y; int a __attribute__((bogus)); long b }');
    expect(r.messages).toEqual([]);
    expect(offsets(struct(r.result!, 'struct x'))).toEqual({ a: 0, b: 8 });
  });
});

// ---- properties ----------------------------------------------------------------------------------

const SCALARS: [string, number][] = [
  ['char', 1], ['unsigned char', 1], ['short', 2], ['unsigned short', 2], ['int', 4], ['unsigned int', 4], ['long', 8],
  ['unsigned long', 8], ['long long', 8], ['_Bool', 1], ['void *', 8], ['char *', 8], ['double', 8], ['u16', 2], ['u32', 4],
];

/** A member: a scalar or an array of one, with the alignment its type must have. */
const member = fc.record({ scalar: fc.constantFrom(...SCALARS), count: fc.option(fc.integer({ min: 0, max: 5 })) });

describe('layout properties', () => {
  it('puts every field of a struct at an offset aligned for its type, in order, without overlap, inside the struct', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(member, { minLength: 1, maxLength: 12 }), (isUnion, members) => {
        const body = members.map((m, i) => `${m.scalar[0]} f${i}${m.count === null ? '' : `[${m.count}]`};`).join(' ');
        const s = struct(layout(`${isUnion ? 'union' : 'struct'} p { ${body} }`), `${isUnion ? 'union' : 'struct'} p`);
        const maxAlign = Math.max(...members.map((m) => m.scalar[1]));
        expect(s.size % maxAlign).toBe(0);
        let end = 0;
        members.forEach((m, i) => {
          const f = s.fields.get(`f${i}`)!;
          const size = m.scalar[1] * (m.count ?? 1);
          expect(f.offset % m.scalar[1]).toBe(0);
          expect(f.offset + size).toBeLessThanOrEqual(s.size);
          if (isUnion) expect(f.offset).toBe(0);
          else {
            expect(f.offset).toBeGreaterThanOrEqual(end);
            // No more padding than the alignment needs.
            expect(f.offset - end).toBeLessThan(m.scalar[1]);
            end = f.offset + size;
          }
        });
        if (!isUnion) expect(s.size - end).toBeLessThan(maxAlign);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every bitfield inside one aligned unit of its type and inside the struct', () => {
    const bitfield = fc.constantFrom<[string, number]>(['char', 8], ['short', 16], ['int', 32], ['unsigned int', 32], ['long', 64]).chain((t) =>
      fc.record({ type: fc.constant(t), width: fc.integer({ min: 1, max: t[1] }) }),
    );
    fc.assert(
      fc.property(fc.array(bitfield, { minLength: 1, maxLength: 10 }), (bfs) => {
        const s = struct(layout(`struct p { ${bfs.map((b, i) => `${b.type[0]} f${i}:${b.width};`).join(' ')} }`), 'struct p');
        bfs.forEach((b, i) => {
          const f = s.fields.get(`f${i}`)!;
          const bit = f.offset * 8 + f.bitfield!.accessRshift;
          const unit = b.type[1];
          expect(Math.floor(bit / unit)).toBe(Math.floor((bit + b.width - 1) / unit));
          expect(f.bitfield!.mask).toBe((1n << BigInt(b.width)) - 1n);
          expect(f.offset + f.bitfield!.readBytes).toBeLessThanOrEqual(s.size);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on malformed definitions: a layout, or an error clang would give', () => {
    const piece = fc.constantFrom(
      'struct', 'union', 'enum', 'x', 'y', 'int', 'long', 'char', 'unsigned', 'u32', '{', '}', '[', ']', '(', ')', ';', ':', ',', '*', '=',
      '3', '-1', '0x10', "'a'", '"s"', '__attribute__((packed))', '__attribute__((aligned(8)))', 'sizeof', '#define Z 4', '#if 1',
      '#endif', '#include <stdint.h>', '/*', '*/', '//', '\n', 'Z', 'A', '+', '?', 'const', 'typedef', '...', '@',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const diags = new Diagnostics();
        const r = parseCDefinitions([{ loc: L, text: `struct s { ${pieces.join(' ')} };\n` }], diags);
        expect(r === null).toBe(diags.hasErrors);
      }),
      { numRuns: 2000 },
    );
  });
});
