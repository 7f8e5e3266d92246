// Word expansion against bash: each case's words were given to a function printing its argv in
// bash (tests/golden/shell/expand.json, captured by scripts/capture-shell-goldens.ts), after the
// same variables, positional parameters and $?; and redirections resolved for the executor.

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandAssignment, expandRedirect, expandWords, type ShellParams, ShellExpansionError } from '../../src/shell/expand.js';
import { type List, parse, type SimpleCommand, ShellSyntaxError } from '../../src/shell/parse.js';

interface Case {
  setup?: string;
  words: string;
  positional: string[];
  status: number;
  argv?: string[];
  stderr?: string;
}
const golden = JSON.parse(readFileSync('tests/golden/shell/expand.json', 'utf8')) as { prologue: string; cases: Case[] };

function params(positional: string[], status: number): ShellParams {
  return {
    vars: new Map(), positional, arg0: 'bash', status, pid: 4242, lastBackgroundPid: null, flags: 'hBc',
    homeOf: (user) => ({ root: '/root', '': '/root' })[user] ?? null,
  };
}

/** The simple commands of SRC, in order (the cases use only `;` lists). */
function commands(src: string): SimpleCommand[] {
  return parse(src).flatMap((c) => c.list.items.map((i) => i.command.first.commands[0] as SimpleCommand));
}

/** Runs assignment-only commands, as the shell would. */
function assign(src: string, p: ShellParams): void {
  for (const c of commands(src)) {
    expect(c.words).toEqual([]);
    for (const a of c.assignments) p.vars.set(a.name, expandAssignment(a, p));
  }
}

describe('expansion, as bash expands', () => {
  it.each(golden.cases.map((c) => [c.words + (c.setup ? `  (after ${c.setup})` : ''), c] as const))('%s', (_, c) => {
    const p = params(c.positional, c.status);
    // The prologue's function definition is bash's way of printing argv; its assignments are ours too.
    assign(golden.prologue.slice(golden.prologue.indexOf('}; ') + 3), p);
    if (c.setup && !c.setup.startsWith('set ')) assign(c.setup, p);
    const [cmd] = commands(`argv ${c.words}`);
    if (c.argv) {
      expect(expandWords(cmd!.words, p).slice(1)).toEqual(c.argv);
      return;
    }
    let err: unknown;
    try {
      expandWords(cmd!.words, p);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ShellExpansionError);
    expect(`bash: line 1: ${(err as Error).message}\n`).toBe(c.stderr);
    expect((err as ShellExpansionError).status).toBe(c.status);
  });
});

describe('the rest of the parameters', () => {
  it('$$ and $!', () => {
    const p = { ...params([], 0), lastBackgroundPid: 77 };
    expect(expandWords(commands('x $$ $! "${!}"')[0]!.words, p)).toEqual(['x', '4242', '77', '77']);
    expect(expandWords(commands('x $!')[0]!.words, params([], 0))).toEqual(['x']);
  });
  it('~ without HOME is the user\'s home from the password database', () => {
    expect(expandWords(commands('~/x')[0]!.words, params([], 0))).toEqual(['/root/x']);
  });
});

describe('redirections', () => {
  const resolve = (src: string, p = params([], 0)) => commands(src)[0]!.redirects.flatMap((r) => expandRedirect(r, p));
  it('as the operations to make, in order', () => {
    expect(resolve('c <in >out 2>>err 3<>rw >|f')).toEqual([
      { kind: 'file', fd: 0, path: 'in', mode: 'read' }, { kind: 'file', fd: 1, path: 'out', mode: 'write' },
      { kind: 'file', fd: 2, path: 'err', mode: 'append' }, { kind: 'file', fd: 3, path: 'rw', mode: 'readwrite' },
      { kind: 'file', fd: 1, path: 'f', mode: 'write' },
    ]);
    expect(resolve('c 2>&1 >&2 3<&0 4>&- <&- &>both')).toEqual([
      { kind: 'dup', fd: 2, from: 1 }, { kind: 'dup', fd: 1, from: 2 }, { kind: 'dup', fd: 3, from: 0 }, { kind: 'close', fd: 4 },
      { kind: 'close', fd: 0 }, { kind: 'file', fd: 1, path: 'both', mode: 'write' }, { kind: 'dup', fd: 2, from: 1 },
    ]);
    expect(resolve('c &>>log >&file')).toEqual([
      { kind: 'file', fd: 1, path: 'log', mode: 'append' }, { kind: 'dup', fd: 2, from: 1 },
      { kind: 'file', fd: 1, path: 'file', mode: 'write' }, { kind: 'dup', fd: 2, from: 1 },
    ]);
  });
  it('expands the target, which must be one word', () => {
    const p = params(['a b'], 0);
    p.vars.set('f', 'my file');
    p.vars.set('HOME', '/h');
    expect(resolve('c >"$f" <~/in', p)).toEqual([{ kind: 'file', fd: 1, path: 'my file', mode: 'write' }, { kind: 'file', fd: 0, path: '/h/in', mode: 'read' }]);
    expect(() => resolve('c >$f', p)).toThrow(new ShellExpansionError('$f: ambiguous redirect', 1));
    expect(() => resolve('c >$nope', p)).toThrow(new ShellExpansionError('$nope: ambiguous redirect', 1));
    expect(() => resolve('c 2>&x', p)).toThrow(new ShellExpansionError('x: ambiguous redirect', 1));
    expect(resolve('c >""', p)).toEqual([{ kind: 'file', fd: 1, path: '', mode: 'write' }]);
  });
  it('here-strings and here-documents become text, expanded unless the delimiter is quoted', () => {
    const p = params(['one', 'two'], 0);
    p.vars.set('v', 'a  b');
    expect(resolve('c <<<$v 3<<<"$@"', p)).toEqual([{ kind: 'text', fd: 0, text: 'a  b\n' }, { kind: 'text', fd: 3, text: 'one two\n' }]);
    expect(resolve('c <<E\n$v "$1" \\$v \\"\nE', p)).toEqual([{ kind: 'text', fd: 0, text: 'a  b "one" $v \\"\n' }]);
    expect(resolve("c <<'E'\n$v\nE", p)).toEqual([{ kind: 'text', fd: 0, text: '$v\n' }]);
    expect(resolve('c <<-E\n\t\tx\n\tE', p)).toEqual([{ kind: 'text', fd: 0, text: 'x\n' }]);
  });
});

/** Every simple command in LIST, groups and subshells included. */
function simpleCommands(list: List): SimpleCommand[] {
  return list.items.flatMap((i) => [i.command.first, ...i.command.rest.map((r) => r.pipeline)])
    .flatMap((p) => p.commands)
    .flatMap((c) => (c.type === 'SimpleCommand' ? [c] : simpleCommands(c.body)));
}

describe('random input', () => {
  const chars = fc.constantFrom(...'ab $\'"\\{}()|&;<>#~=:-+?!*@019\n'.split(''));
  it('expands whatever parses, or refuses with a ShellExpansionError', () => {
    fc.assert(fc.property(fc.array(chars, { maxLength: 40 }).map((a) => a.join('')), fc.constantFrom(undefined, '', ':', ' a'), (src, ifs) => {
      let cmds;
      try {
        cmds = parse(src);
      } catch (e) {
        if (e instanceof ShellSyntaxError) return;
        throw e;
      }
      const p = params(['1', 'a b', ''], 0);
      if (ifs !== undefined) p.vars.set('IFS', ifs);
      for (const c of cmds.flatMap((cc) => simpleCommands(cc.list))) {
        try {
          for (const a of c.assignments) p.vars.set(a.name, expandAssignment(a, p));
          expandWords(c.words, p);
          for (const r of c.redirects) expandRedirect(r, p);
        } catch (e) {
          if (!(e instanceof ShellExpansionError)) throw e;
        }
      }
    }), { numRuns: 20000 });
  });
});
