import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import * as ohm from 'ohm-js';
import { describe, expect, it } from 'vitest';
import type { AssignMapStatement, AssignVarStatement, Expr, ExprStatement, Program } from '../../src/bpftrace/ast.js';
import { buildAutomaton } from '../../src/bpftrace/automaton.js';
import { Diagnostics, formatDiagnostics } from '../../src/bpftrace/diagnostics.js';
import { Lexer, TOKEN_NAMES } from '../../src/bpftrace/lexer.js';
import { compile } from '../../src/bpftrace/compile.js';
import { parse } from '../../src/bpftrace/parse.js';
import { Printer } from '../../src/bpftrace/passes/printer.js';

const GOLDEN = join(import.meta.dirname, '..', 'golden', 'bpftrace', 'parse');

function cases(dir: string): string[] {
  return readdirSync(join(GOLDEN, dir))
    .filter((f) => f.endsWith('.bt'))
    .map((f) => f.slice(0, -3))
    .sort();
}

function parseOk(src: string, positional: string[] = []): Program {
  const d = new Diagnostics();
  const p = parse(src, d, { positional });
  expect(formatDiagnostics(d, src, 'stdin')).toBe('');
  expect(p).not.toBeNull();
  return p!;
}

/** The statements of the first probe. */
const stmts = (src: string) => parseOk(src).probes[0]!.stmts;
const exprOf = (src: string): Expr => (stmts(`BEGIN { ${src} }`)[0] as ExprStatement).expr;
const valueOf = (src: string): Expr => (stmts(`BEGIN { $x = ${src} }`)[0] as AssignVarStatement).expr;

describe('syntax and scanner errors, as bpftrace 0.17 prints them (goldens)', () => {
  const names = cases('errors');
  it('has the captured corpus', () => {
    expect(names.length).toBeGreaterThanOrEqual(40);
  });
  for (const name of names) {
    it(name, () => {
      const src = readFileSync(join(GOLDEN, 'errors', `${name}.bt`), 'utf8');
      const want = readFileSync(join(GOLDEN, 'errors', `${name}.err`), 'utf8');
      const status = Number(readFileSync(join(GOLDEN, 'errors', `${name}.status`), 'utf8'));
      const args = join(GOLDEN, 'errors', `${name}.args`);
      const positional = existsSync(args) ? readFileSync(args, 'utf8').split('\n').filter((l) => l !== '') : [];
      const d = new Diagnostics();
      expect(parse(src, d, { positional })).toBeNull();
      expect(formatDiagnostics(d, src, 'stdin')).toBe(want);
      // bpftrace exits 1 for errors and aborts (134) on FATAL.
      expect(d.list.some((x) => x.type === 'FATAL') ? 134 : 1).toBe(status);
    });
  }
});

describe('the LALR automaton', () => {
  it('reads the tokens grammar.ohm declares, one character each in %token order', () => {
    const grammar = ohm.grammar(readFileSync(join(import.meta.dirname, '..', '..', 'src', 'bpftrace', 'grammar.ohm'), 'utf8'));
    const rules = (grammar as unknown as { rules: Record<string, { body: { obj?: string } }> }).rules;
    const tokenRules = Object.keys(rules).filter((r) => /^t[A-Z_]+$/.test(r));
    expect(tokenRules).toEqual(TOKEN_NAMES.map(([k]) => `t${k}`));
    TOKEN_NAMES.forEach(([k], i) => expect(rules[`t${k}`]!.body.obj).toBe(String.fromCharCode(0xe000 + i)));
  });

  it('has the conflicts parser.yy declares (%expect 5) and no reduce/reduce conflict', () => {
    const grammar = ohm.grammar(readFileSync(join(import.meta.dirname, '..', '..', 'src', 'bpftrace', 'grammar.ohm'), 'utf8'));
    const a = buildAutomaton(grammar);
    expect(a.shiftReduceConflicts).toBe(5);
    expect(a.reduceReduceConflicts).toBe(0);
    // Ohm's `-- case` alternatives are folded back into their rule, as parser.yy writes them;
    // `attach_point: attach_point_def` is parser.yy's own.
    const units = a.productions.filter((p) => p.rhs.length === 1 && p.rhs[0]!.startsWith(`${p.lhs}_`));
    expect(units.map((p) => `${p.lhs}: ${p.rhs[0]}`)).toEqual(['attach_point: attach_point_def']);
  });
});

describe('the AST', () => {
  it('keeps C definitions as the text bpftrace hands to clang', () => {
    const p = parseOk('#include <linux/sched.h>\nstruct Foo { int a; };\nenum E { A }\nBEGIN { }');
    expect(p.cDefinitions.map((c) => c.text)).toEqual(['#include <linux/sched.h>\n', 'struct Foo { int a; };;\n', 'enum E { A };\n']);
  });

  it('expands #define macros on a second pass', () => {
    const p = parseOk('#define N 42\nBEGIN { $x = N }');
    expect((p.probes[0]!.stmts[0] as AssignVarStatement).expr).toMatchObject({ kind: 'Integer', value: 42n });
  });

  it('reads integers exactly, as 64-bit signed values', () => {
    expect(valueOf('18446744073709551615')).toMatchObject({ kind: 'Integer', value: -1n });
    expect(valueOf('-9223372036854775808')).toMatchObject({ kind: 'Integer', value: -9223372036854775808n });
    expect(valueOf('0xffffffffffffffff')).toMatchObject({ value: -1n });
    expect(valueOf('017')).toMatchObject({ value: 15n });
    expect(valueOf('1_000_000')).toMatchObject({ value: 1000000n });
    expect(valueOf('9e16')).toMatchObject({ value: 90000000000000000n });
    expect(valueOf('5ULL')).toMatchObject({ value: 5n });
  });

  it('decodes string escapes', () => {
    expect(valueOf('"a\\tb\\n\\x41\\101\\\\\\""')).toMatchObject({ kind: 'String', value: 'a\tb\nAA\\"' });
  });

  it('classifies words as the scanner does', () => {
    expect(exprOf('pid')).toMatchObject({ kind: 'Builtin', ident: 'pid' });
    expect(exprOf('pidx')).toMatchObject({ kind: 'Identifier', ident: 'pidx' });
    expect(exprOf('kstack')).toMatchObject({ kind: 'Builtin', ident: 'kstack' });
    expect(exprOf('kstack(perf, 3)')).toMatchObject({ kind: 'Call', func: 'kstack', args: [{ kind: 'StackMode', mode: 'perf' }, { kind: 'Integer', value: 3n }] });
    expect(exprOf('printf("x")')).toMatchObject({ kind: 'Call', func: 'printf' });
    expect(exprOf('arg5')).toMatchObject({ kind: 'Builtin', ident: 'arg5' });
    expect(exprOf('$1 + $#')).toMatchObject({
      left: { kind: 'PositionalParameter', ptype: 'positional', n: 1 },
      right: { kind: 'PositionalParameter', ptype: 'count' },
    });
  });

  it('builds C precedence and associativity', () => {
    const e = valueOf('1 - 2 - 3 * 4 << 1 == 2 && 3 | 4 ^ 5 & 6');
    const tree = ['&&', ' ==', '  <<', '   -', '    -', '     int: 1', '     int: 2', '    *', '     int: 3', '     int: 4', '   int: 1', '  int: 2', ' |', '  int: 3', '  ^', '   int: 4', '   &', '    int: 5', '    int: 6'];
    const probe = { loc: e.loc, attachPoints: [], pred: null, stmts: [{ kind: 'ExprStatement' as const, loc: e.loc, expr: e }] };
    expect(new Printer(false).print({ cDefinitions: [], probes: [probe] })).toBe(['Program', ...tree.map((l) => `  ${l}`), ''].join('\n'));
    expect(valueOf('1 ? 2 : 3 ? 4 : 5')).toMatchObject({ kind: 'Ternary', right: { kind: 'Ternary' } });
  });

  it('gives nodes the locations bpftrace gives them', () => {
    const [assign, compound] = stmts('BEGIN { @a[1] = 2; @b += 3 }') as [AssignMapStatement, AssignMapStatement];
    // A plain assignment is located at its `=`, a compound one over the whole statement.
    expect(assign.loc).toEqual({ line: 1, col: 15, endLine: 1, endCol: 16 });
    expect(assign.map.loc).toEqual({ line: 1, col: 9, endLine: 1, endCol: 14 });
    expect(compound.loc).toEqual({ line: 1, col: 20, endLine: 1, endCol: 27 });
    expect(compound.expr).toMatchObject({ kind: 'Binop', op: '+', left: compound.map, loc: { col: 23, endCol: 25 } });
    // Tokens not separated by white space share one growing location.
    expect(exprOf('foo+bar')).toMatchObject({ loc: { col: 9, endCol: 13 }, right: { loc: { col: 9, endCol: 16 } } });
  });

  it('reads `->` as a dereference and `.N` as a tuple index', () => {
    expect(exprOf('$p->f')).toMatchObject({ kind: 'FieldAccess', field: 'f', index: -1, expr: { kind: 'Unop', op: '*', isPostOp: false } });
    expect(exprOf('$t.1')).toMatchObject({ kind: 'FieldAccess', field: '', index: 1 });
    expect(exprOf('@m[1, "k"]')).toMatchObject({ kind: 'Map', ident: '@m', keys: [{ kind: 'Integer' }, { kind: 'String' }] });
    expect(exprOf('@')).toMatchObject({ kind: 'Map', ident: '@', keys: [] });
    expect(exprOf('(1, "a")')).toMatchObject({ kind: 'Tuple', elems: [{ kind: 'Integer' }, { kind: 'String' }] });
    expect(exprOf('$x++')).toMatchObject({ kind: 'Unop', op: '++', isPostOp: true });
    expect(exprOf('--@c')).toMatchObject({ kind: 'Unop', op: '--', isPostOp: false });
  });

  it('reads casts, including struct pointer casts', () => {
    expect(exprOf('(uint8)1')).toMatchObject({ kind: 'Cast', castType: 'uint8', isPointer: false, isDoublePointer: false });
    expect(exprOf('(struct  task_struct *)0')).toMatchObject({ kind: 'Cast', castType: 'struct task_struct', isPointer: true });
    expect(exprOf('(int8 **)0')).toMatchObject({ kind: 'Cast', castType: 'int8', isPointer: true, isDoublePointer: true });
  });

  it('nests else-if as an If alone in the else branch', () => {
    const [s] = stmts('BEGIN { if (1) { } else if (2) { @a = 1 } else { } }');
    expect(s).toMatchObject({ kind: 'If', stmts: [], elseStmts: [{ kind: 'If', elseStmts: [] }] });
  });
});

describe('attach points', () => {
  const aps = (src: string, positional: string[] = []) => parseOk(src, positional).probes.flatMap((p) => p.attachPoints);

  it('splits providers and resolves their aliases', () => {
    expect(aps('k:vfs_read, kr:vfs_*, kprobe:f+0x10, t:sched:sched_switch, i:s:1, p:hz:99, BEGIN, END { }')).toMatchObject([
      { provider: 'kprobe', func: 'vfs_read', needExpansion: false, rawInput: 'k:vfs_read' },
      { provider: 'kretprobe', func: 'vfs_*', needExpansion: true },
      { provider: 'kprobe', func: 'f', funcOffset: 16 },
      { provider: 'tracepoint', target: 'sched', func: 'sched_switch' },
      { provider: 'interval', target: 's', freq: 1 },
      { provider: 'profile', target: 'hz', freq: 99 },
      { provider: 'BEGIN' },
      { provider: 'END' },
    ]);
  });

  it('wildcards a tracepoint category and substitutes positional parameters', () => {
    expect(aps('tracepoint:*open* { }')).toMatchObject([{ target: '*', func: '*open*', needExpansion: true }]);
    expect(aps('kprobe:$1 { }', ['vfs_write'])).toMatchObject([{ rawInput: 'kprobe:$1', func: 'vfs_write' }]);
    expect(aps('kprobe:"quoted:name" { }')).toMatchObject([{ func: 'quoted:name' }]);
  });

  it('expands a wildcard probe type into one attach point per kernel probe type', () => {
    expect(aps('*e:vfs_read { }').map((a) => a.provider)).toEqual(['hardware', 'kprobe', 'software']);
    expect(aps('k*:vfs_read { }')).toMatchObject([{ provider: 'kprobe', func: 'vfs_read' }]);
  });

  it('drops an empty attach point after a trailing comma', () => {
    expect(aps('BEGIN, { }').map((a) => a.provider)).toEqual(['BEGIN']);
  });

  it('aborts on an unknown probe type as bpftrace does (FATAL)', () => {
    const d = new Diagnostics();
    expect(parse('foo:bar { }', d)).toBeNull();
    expect(d.list).toEqual([{ type: 'FATAL', message: 'Invalid probe type made it to attachpoint parser' }]);
  });
});

describe('listing (`bpftrace -l`)', () => {
  it('takes attach points alone', () => {
    const d = new Diagnostics();
    const p = parse('kprobe:vfs_*, iter:*', d, { listing: true });
    expect(d.list).toEqual([]);
    expect(p!.probes).toMatchObject([{ pred: null, stmts: [], attachPoints: [{ provider: 'kprobe', needExpansion: true }, { provider: 'iter', func: '*', needExpansion: true }] }]);
  });

  it('rejects a probe with a block as bpftrace does', () => {
    const d = new Diagnostics();
    expect(parse('BEGIN { }', d, { listing: true })).toBeNull();
    expect(formatDiagnostics(d, 'BEGIN { }', 'stdin')).toBe('stdin:1:1-10: ERROR: unexpected listing query format\nBEGIN { }\n~~~~~~~~~\n');
  });
});

describe('robustness', () => {
  const corpus = cases('ast').map((n) => readFileSync(join(GOLDEN, 'ast', `${n}.bt`), 'utf8'));
  const pieces = ['{', '}', '(', ')', '/', '*', '"', '\\', '$', '@', '#', ';', ',', ':', '\n', '1', 'x', '->', '.', '++', 'if', 'struct ', '/*', '//', '0x', 'e9', '[', ']', '?', '=', ' '];
  const mutation = fc.oneof(
    fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 6 }) }),
    fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...pieces) }),
    fc.record({ op: fc.constant('swap' as const), at: fc.nat(), to: fc.nat() }),
  );
  const apply = (src: string, muts: { op: string; at: number; len?: number; text?: string; to?: number }[]): string => {
    let s = src;
    for (const m of muts) {
      const at = s.length ? m.at % (s.length + 1) : 0;
      if (m.op === 'delete') s = s.slice(0, at) + s.slice(at + m.len!);
      else if (m.op === 'insert') s = s.slice(0, at) + m.text! + s.slice(at);
      else {
        // Swap two tokens (words or single characters).
        const toks = s.match(/\w+|\s+|[^\w\s]/g) ?? [];
        if (toks.length < 2) continue;
        const i = at % toks.length;
        const j = m.to! % toks.length;
        [toks[i], toks[j]] = [toks[j]!, toks[i]!];
        s = toks.join('');
      }
    }
    return s;
  };

  it('parses nesting of any depth on its own stack, as bison does, and compile reports what the later passes cannot take', () => {
    expect(exprOf(`${'('.repeat(5000)}1${')'.repeat(5000)}`)).toMatchObject({ kind: 'Integer', value: 1n });
    expect(exprOf(`${'!'.repeat(5000)}1`)).toMatchObject({ kind: 'Unop', op: '!' });
    const d = new Diagnostics();
    expect(compile(`BEGIN { $x = ${'!'.repeat(100000)}1 }`, d, { filename: 'stdin', params: [], unsafe: false })).toBeNull();
    expect(d.list).toEqual([{ type: 'ERROR', message: 'bpfbox: the program is nested too deeply to compile' }]);
  });

  // grammar.ohm is an Ohm grammar in its own right: Ohm's PEG matcher, steered by its ordered
  // alternatives and `~` lookaheads, accepts the token string of every program the automaton
  // builds a tree for, and what it refuses the automaton refuses too.
  const ohmGrammar = ohm.grammar(readFileSync(join(import.meta.dirname, '..', '..', 'src', 'bpftrace', 'grammar.ohm'), 'utf8'));
  const ohmAccepts = (src: string): boolean | null => {
    const d = new Diagnostics();
    const lexer = new Lexer(src, d, { macros: new Map() });
    let chars = '';
    for (let t = lexer.next(); ; t = lexer.next()) {
      chars += String.fromCharCode(0xe000 + TOKEN_NAMES.findIndex(([k]) => k === t.kind));
      if (t.kind === 'END') break;
    }
    return d.hasErrors ? null : ohmGrammar.match(chars, 'program').succeeded();
  };

  it('never throws on mutated programs, and the automaton and Ohm agree on every one', () => {
    let agreed = 0;
    fc.assert(
      fc.property(fc.constantFrom(...corpus), fc.array(mutation, { minLength: 1, maxLength: 4 }), (src, muts) => {
        const prog = apply(src, muts);
        const d = new Diagnostics();
        const p = parse(prog, d);
        expect(p === null).toBe(d.hasErrors);
        if (p) new Printer().print(p);
        else formatDiagnostics(d, prog, 'stdin');
        // #define expands on a second scan, which Ohm's check here does not do.
        const byOhm = /#\s*define/.test(prog) ? null : ohmAccepts(prog);
        if (byOhm === null) return;
        if (p) expect(byOhm).toBe(true);
        if (byOhm) expect(d.list.filter((x) => x.message.startsWith('syntax error'))).toEqual([]);
        agreed++;
      }),
      { numRuns: 2000, seed: 6 },
    );
    expect(agreed).toBeGreaterThan(1000);
  });
});
