// What bpftrace's userspace resolves while printing, against the emulated machine: user names from
// its /etc/passwd (an unknown uid is '' as in 0.17's resolve_uid), kernel symbols from its kallsyms.

import { describe, expect, it } from 'vitest';
import { bootMachine } from '../../src/cli/sh.js';
import { compile } from '../../src/bpftrace/compile.js';
import { Diagnostics } from '../../src/bpftrace/diagnostics.js';
import { BPFtrace } from '../../src/bpftrace/runtime/bpftrace.js';

function runtime(): { rt: BPFtrace; errors: string[] } {
  const k = bootMachine({ mem: '256M' });
  const c = compile('BEGIN { exit(); }', new Diagnostics(), { filename: 'stdin', params: [], unsafe: false })!;
  const errors: string[] = [];
  const rt = new BPFtrace(k, c.compiled, c.expansions, { format: 'text', quiet: true, verbose: false, bpfKernel: '5.0' }, {
    stdout: () => {},
    out: () => {},
    stderr: (s) => void errors.push(s),
  });
  return { rt, errors };
}

describe('the runtime\'s resolver', () => {
  it('names uids from the machine\'s /etc/passwd, and an unknown one as the empty string', () => {
    const { rt, errors } = runtime();
    expect([0, 1000, 4242].map((u) => rt.resolver.username(u))).toEqual(['root', 'reallinux', '']);
    expect(errors).toEqual([]);
  });

  it('resolves kernel addresses through kallsyms, with an offset for stack frames', () => {
    const { rt } = runtime();
    const fn = rt.k.functions.find((f) => f.name === '__alloc_pages_nodemask')!;
    const addr = rt.k.symbolAddress(fn);
    expect(rt.resolver.ksym(addr + 5n, true)).toBe('__alloc_pages_nodemask+5');
    expect(rt.resolver.ksym(addr, false)).toBe('__alloc_pages_nodemask');
    expect(rt.resolver.ksym(1n, false)).toBe('0x1');
  });
});
