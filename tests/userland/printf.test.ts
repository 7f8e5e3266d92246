// The printf builtin against bash's and dash's (tests/userland/golden/printf.json, captured by
// capture-fileutils-printf.ts with bash 5.2 and dash 0.5.12): the same output, complaints, status
// and -v/%n variable. bash 5.2 names the line of a -c command in a builtin's complaint
// (`bash: line 1: printf: ...`); bpfbox's builtins complain as its other builtins do (`bash: cd: ...`).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bashPrintf, dashPrintf, type Printed } from '../../src/userland/bash/printf.js';

interface Run {
  stdout: string;
  stderr: string;
  status: number;
  v?: string;
}
interface Case {
  args: string[];
  v?: boolean;
  bash: Run;
  sh: Run;
}

const golden = JSON.parse(readFileSync('tests/userland/golden/printf.json', 'utf8')) as { cases: Case[] };
const title = (c: Case): string => c.args.map((a) => JSON.stringify(a)).join(' ') || '(none)';

/** What the shell would show: the output and, when the case sets $v, its value (unset if never set). */
function shown(p: Printed, withV: boolean): Run {
  const run: Run = { stdout: p.stdout, stderr: p.stderr, status: p.status };
  if (withV) run.v = p.assigns.filter(([name]) => name === 'v').pop()?.[1] ?? 'unset';
  return run;
}

/** bash 5.0's `printf --help` is 5.2's without the %Q that 5.2 added. */
const before5_2 = (help: string): string => help.replace(/ {6}%Q\tlike %q.*\n.*quoting\n/, '');

describe('printf, as bash 5.0 builds it in', () => {
  it.each(golden.cases.map((c) => [title(c), c] as const))('%s', (_, c) => {
    const p = bashPrintf(['printf', ...c.args], 'bash: ', { now: 1600000000, shellStart: 1600000000 });
    expect(shown(p, c.v === true)).toEqual({ ...c.bash, stdout: before5_2(c.bash.stdout), stderr: c.bash.stderr.replaceAll('bash: line 1: ', 'bash: ') });
  });
});

describe('printf, as dash builds it in (the shell run as sh)', () => {
  it.each(golden.cases.map((c) => [title(c), c] as const))('%s', (_, c) => {
    const p = dashPrintf(['printf', ...c.args], 'sh: 1: ');
    const { v: _v, ...run } = c.sh;
    expect(shown(p, false)).toEqual(run);
  });
});

describe('printf on text past ASCII', () => {
  // The goldens keep to ASCII, since the machine's text is characters where the shells print bytes.
  it('measures a width in UTF-8 bytes, as printf(3) counts them', () => {
    expect(bashPrintf(['printf', '%3s|%4s|\n', 'é', 'ab'], 'bash: ', { now: 0, shellStart: 0 }).stdout).toBe(' é|  ab|\n');
    expect(dashPrintf(['printf', '%3s|%4s|\n', 'é', 'ab'], 'sh: 1: ').stdout).toBe(' é|  ab|\n');
  });
});
