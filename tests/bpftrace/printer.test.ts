import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AssignVarStatement } from '../../src/bpftrace/ast.js';
import { Diagnostics, formatDiagnostics } from '../../src/bpftrace/diagnostics.js';
import { parse } from '../../src/bpftrace/parse.js';
import { printAst, Printer } from '../../src/bpftrace/passes/printer.js';
import { CreateInt64, CreateString } from '../../src/bpftrace/types.js';

const GOLDEN = join(import.meta.dirname, '..', 'golden', 'bpftrace', 'parse', 'ast');

describe('`bpftrace -d`: the AST after the parser (goldens)', () => {
  const names = readdirSync(GOLDEN)
    .filter((f) => f.endsWith('.bt'))
    .map((f) => f.slice(0, -3))
    .sort();
  it('has the captured corpus', () => {
    expect(names.length).toBeGreaterThanOrEqual(20);
  });
  for (const name of names) {
    it(name, () => {
      const src = readFileSync(join(GOLDEN, `${name}.bt`), 'utf8');
      const args = join(GOLDEN, `${name}.args`);
      const positional = existsSync(args) ? readFileSync(args, 'utf8').split('\n').filter((l) => l !== '') : [];
      const d = new Diagnostics();
      const p = parse(src, d, { positional });
      expect(formatDiagnostics(d, src, 'stdin')).toBe('');
      expect(printAst(p!, 'parser')).toBe(readFileSync(join(GOLDEN, `${name}.ast`), 'utf8'));
    });
  }
});

describe('Printer', () => {
  it('prints the types the semantic analyser has set, as printer.cpp does', () => {
    const src = 'BEGIN { $x = "ab"; $y = 1 }';
    const p = parse(src, new Diagnostics())!;
    const [s, t] = p.probes[0]!.stmts as [AssignVarStatement, AssignVarStatement];
    s.variable.type = s.expr.type = { ...CreateString(3), addrSpace: 'kernel' };
    t.expr.type = { ...CreateInt64(), isCtxAccess: true };
    expect(new Printer().print(p)).toBe(
      [
        'Program',
        ' BEGIN',
        '  =',
        '   variable: $x :: type[string[3], ctx: 0, AS(kernel)]',
        '   string: ab :: type[string[3], ctx: 0, AS(kernel)]',
        '  =',
        '   variable: $y :: type[none, ctx: 0]',
        '   int: 1 :: type[int64, ctx: 1]',
        '',
      ].join('\n'),
    );
  });

  it('prints without types when asked', () => {
    expect(new Printer(false).print(parse('BEGIN { @ = -1 }', new Diagnostics())!)).toBe('Program\n BEGIN\n  =\n   map: @\n   int: -1\n');
  });
});
