// The parser against bash: syntax errors and parse-time warnings as `bash -c` printed them
// (tests/golden/shell/syntax.json, captured by scripts/capture-shell-goldens.ts), the trees it
// builds, the constructs it refuses, and a property: whatever the input, it returns or throws
// its own ShellSyntaxError.

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BraceGroup, type Command, type CompleteCommand, type Pipeline, type SimpleCommand, type Word, parse, Parser, ShellSyntaxError } from '../../src/shell/parse.js';

const golden = JSON.parse(readFileSync('tests/golden/shell/syntax.json', 'utf8')) as { cases: { src: string; stderr: string; status: number }[] };

/** What `bash -c SRC` prints while reading SRC (its commands here print nothing on stderr). */
function bashReport(src: string): string {
  const parser = new Parser(src);
  let out = '';
  try {
    for (let c = parser.next(); c !== null; c = parser.next()) {
      for (const w of c.warnings) out += `bash: line ${w.line}: ${w.message}\n`;
    }
  } catch (e) {
    if (!(e instanceof ShellSyntaxError)) throw e;
    for (const w of e.warnings) out += `bash: line ${w.line}: ${w.message}\n`;
    out += e.report(`bash: -c: line ${e.line}: `);
  }
  return out;
}

describe('syntax errors, as bash -c reports them', () => {
  it.each(golden.cases.map((c) => [JSON.stringify(c.src), c] as const))('%s', (_, c) => {
    expect(bashReport(c.src)).toBe(c.stderr);
  });
});

const only = (src: string): CompleteCommand => {
  const cmds = parse(src);
  expect(cmds).toHaveLength(1);
  return cmds[0]!;
};
const pipelineOf = (src: string): Pipeline => only(src).list.items[0]!.command.first;
const simple = (src: string): SimpleCommand => pipelineOf(src).commands[0] as SimpleCommand;
const texts = (ws: Word[]): string[] => ws.map((w) => w.text);

describe('the tree', () => {
  it('splits lists, and-or lists and pipelines', () => {
    const [c] = parse('a | b && c || d; e & f');
    const items = c!.list.items;
    expect(items.map((i) => i.background)).toEqual([false, true, false]);
    const ao = items[0]!.command;
    expect(ao.first.commands.map((x) => texts((x as SimpleCommand).words))).toEqual([['a'], ['b']]);
    expect(ao.rest.map((r) => [r.op, texts((r.pipeline.commands[0] as SimpleCommand).words)])).toEqual([['&&', ['c']], ['||', ['d']]]);
  });

  it('hands out one complete command per line, with its line number', () => {
    const cmds = parse('echo a\n\n# comment\necho b; echo c\n{ echo d\necho e; }\n');
    expect(cmds.map((c) => [c.line, c.list.items.length])).toEqual([[1, 1], [4, 2], [5, 1]]);
    const group = cmds[2]!.list.items[0]!.command.first.commands[0] as Command;
    expect(group.type).toBe('BraceGroup');
  });

  it('reads assignments only before the command name', () => {
    const c = simple('A=1 B+=x~ cmd C=3');
    expect(c.assignments.map((a) => [a.name, a.append, a.value.text])).toEqual([['A', false, '1'], ['B', true, 'x~']]);
    expect(texts(c.words)).toEqual(['cmd', 'C=3']);
    expect(simple('X=1').words).toEqual([]);
    expect(simple('"X"=1 cmd').assignments).toEqual([]);
  });

  it('reads redirections with their descriptors, anywhere in a command', () => {
    const c = simple('>out cmd 2>>err a <in 3<&0 &>both 2>&1 <<<str >|f 9<>rw x&>>app');
    expect(c.redirects.map((r) => [r.op, r.fd, r.type === 'Redirect' ? r.target.text : ''])).toEqual([
      ['>', null, 'out'], ['>>', 2, 'err'], ['<', null, 'in'], ['<&', 3, '0'], ['&>', null, 'both'], ['>&', 2, '1'],
      ['<<<', null, 'str'], ['>|', null, 'f'], ['<>', 9, 'rw'], ['&>>', null, 'app'],
    ]);
    expect(texts(c.words)).toEqual(['cmd', 'a', 'x']);
    // A number is a descriptor only when the operator follows it at once.
    expect(texts(simple('echo 2 >f').words)).toEqual(['echo', '2']);
  });

  it('makes `a |& b` into `a 2>&1 | b`, after a\'s own redirections', () => {
    const p = pipelineOf('a >f |& b');
    expect((p.commands[0] as SimpleCommand).redirects.map((r) => [r.op, r.fd])).toEqual([['>', null], ['>&', 2]]);
  });

  it('reads !, time and time -p before a pipeline', () => {
    expect(pipelineOf('! a | b')).toMatchObject({ negated: true, time: null });
    expect(pipelineOf('! ! a')).toMatchObject({ negated: false });
    expect(pipelineOf('time -p ! a')).toMatchObject({ negated: true, time: 'posix' });
    expect(pipelineOf('time a')).toMatchObject({ time: 'bash' });
    expect(pipelineOf('!')).toMatchObject({ negated: true, commands: [] });
    expect(texts(simple('!a b').words)).toEqual(['!a', 'b']);
  });

  it('reads subshells and groups with their redirections', () => {
    const s = pipelineOf('( a; b ) >f').commands[0]!;
    expect(s.type).toBe('Subshell');
    expect(s.redirects.map((r) => r.op)).toEqual(['>']);
    const g = pipelineOf('{ a\nb & }').commands[0]!;
    expect(g.type === 'BraceGroup' && g.body.items.map((i) => i.background)).toEqual([false, true]);
    // `}` closes a group only where a command could start.
    const inner = (pipelineOf('{ echo }; }').commands[0] as BraceGroup).body.items[0]!.command.first.commands[0] as SimpleCommand;
    expect(texts(inner.words)).toEqual(['echo', '}']);
  });

  it('reads here-documents after the line that opens them', () => {
    const [c, d] = parse('cat <<EOF; cat <<-"X" | tr a b\nhello $USER\nEOF\n\tliteral $x\n\tX\necho after\n');
    const docs = (c!.list.items[1]!.command.first.commands[0] as SimpleCommand).redirects;
    expect(docs[0]).toMatchObject({ type: 'HereDoc', op: '<<-', delimiter: 'X', body: { text: 'literal $x\n', parts: [{ type: 'Literal', value: 'literal $x\n', quoted: true }] } });
    const first = (c!.list.items[0]!.command.first.commands[0] as SimpleCommand).redirects[0]!;
    expect(first.type === 'HereDoc' && first.body.parts.map((p) => p.type)).toEqual(['Literal', 'Param', 'Literal']);
    expect(texts((d!.list.items[0]!.command.first.commands[0] as SimpleCommand).words)).toEqual(['echo', 'after']);
  });

  it('gives every node its place in the source', () => {
    const src = 'echo  "a b" >f && ls';
    const c = only(src);
    const w = simple(src).words[1]!;
    expect(src.slice(w.start, w.end)).toBe('"a b"');
    expect(src.slice(c.start, c.end)).toBe(src);
    const r = simple(src).redirects[0]!;
    expect(src.slice(r.start, r.end)).toBe('>f');
  });

  it('keeps `${}` for expansion to refuse, as bash does when it runs the command', () => {
    expect(simple('echo ${a b}').words[1]!.parts).toEqual([{ type: 'BadSubst', text: '${a b}' }]);
  });
});

describe('what this shell leaves out is refused by name', () => {
  it.each([
    ['echo $(date)', "command substitution is not supported: `$(date)'"],
    ['echo "x`date`"', "command substitution is not supported: ``date`'"],
    ['echo $((1+2))', "arithmetic expansion is not supported: `$((1+2))'"],
    ['((x++))', "arithmetic commands are not supported: `((x++))'"],
    ['if true; then echo; fi', "compound commands are not supported: `if'"],
    ['for i in 1 2; do :; done', "compound commands are not supported: `for'"],
    ['while :; do :; done', "compound commands are not supported: `while'"],
    ['[[ -n x ]]', "conditional expressions are not supported: `[['"],
    ['f() { :; }', "function definitions are not supported: `f ()'"],
    ['function f { :; }', "function definitions are not supported: `function'"],
    ['a=(1 2)', "arrays are not supported: `a=('"],
    ['diff <(ls) x', "process substitution is not supported: `<(ls)'"],
    ['echo ${a%x}', "this parameter expansion is not supported: `${a%x}'"],
    ['echo ${a:1:2}', "this parameter expansion is not supported: `${a:1:2}'"],
    ['echo ${!a}', "this parameter expansion is not supported: `${!a}'"],
    ['cat <<E\n$(x)\nE', "command substitution is not supported: `$(x)'"],
  ])('%s', (src, reason) => {
    let err: unknown;
    try {
      parse(src);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ShellSyntaxError);
    expect((err as ShellSyntaxError).reason).toBe(reason);
    expect((err as ShellSyntaxError).incomplete).toBe(false);
  });

  it('but takes reserved words where they are plain words', () => {
    expect(texts(simple('echo if then fi { } time !').words)).toEqual(['echo', 'if', 'then', 'fi', '{', '}', 'time', '!']);
    expect(texts(simple('"if" x').words)).toEqual(['"if"', 'x']);
  });
});

describe('incomplete input', () => {
  it.each(['echo "a', "echo 'a", 'echo a |', 'a &&', '( a', '{ a;', 'echo ${a', 'echo $(a', 'echo `a'])('%s asks for more', (src) => {
    expect(() => parse(src)).toThrow(expect.objectContaining({ incomplete: true }));
  });
  it('is complete once the rest arrives', () => {
    expect(parse('echo "a\nb"')).toHaveLength(1);
    expect(parse('echo a |\ncat')).toHaveLength(1);
  });
});

describe('random input', () => {
  const chars = fc.constantFrom(...'ab $\'"\\`{}()[]|&;<>#~=:-+?!*0123456789\n\t'.split(''));
  it('is parsed or refused with a ShellSyntaxError, never anything else', () => {
    fc.assert(fc.property(fc.array(chars, { maxLength: 40 }).map((a) => a.join('')), (src) => {
      try {
        parse(src);
      } catch (e) {
        if (!(e instanceof ShellSyntaxError)) throw e;
      }
    }), { numRuns: 20000 });
  });
  it('also from any unicode text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (src) => {
      try {
        parse(src);
      } catch (e) {
        if (!(e instanceof ShellSyntaxError)) throw e;
      }
    }), { numRuns: 5000 });
  });
});
