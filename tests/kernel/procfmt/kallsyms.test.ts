// /proc/kallsyms against the lecture's `grep freelist` and a Linux 6.18 sample (s_show's format
// is unchanged except for the [bpf] tag, which 5.0 does not print).

import { describe, expect, it } from 'vitest';
import { formatKallsyms, type KallsymsSnapshot } from '../../../src/kernel/fs/proc/format/kallsyms.js';
import { golden, snapshot } from './golden.js';

describe('/proc/kallsyms', () => {
  it("prints the lecture's freelist symbols", () => {
    expect(formatKallsyms(snapshot<KallsymsSnapshot>('kallsyms-lecture.json'))).toBe(golden('kallsyms-lecture.txt'));
    expect(golden('kallsyms-lecture.txt')).toContain('ffffffffa4fe9120 t get_page_from_freelist\n');
  });

  it('reproduces the 6.18 sample byte for byte, module tag included', () => {
    const out = formatKallsyms(snapshot<KallsymsSnapshot>('kallsyms-6.18.json'));
    expect(out).toBe(golden('kallsyms-6.18.txt'));
    expect(out).toContain('ffffffffc0201000 t ftrace_trampoline\t[__builtin__ftrace]\n');
  });

  it('hides every address from a reader kallsyms_show_value() refuses', () => {
    const snap = snapshot<KallsymsSnapshot>('kallsyms-lecture.json');
    const out = formatKallsyms({ ...snap, showValue: false });
    expect(out.split('\n')[0]).toBe('0000000000000000 T pcpu_freelist_init');
  });

  it('names BPF programs bpf_prog_<tag>_<name> with type t and no [bpf]', () => {
    const out = formatKallsyms({
      showValue: true,
      entries: [
        { kind: 'bpf', value: 0xffffffffc0354a3cn, tag: 'a04f5eef06a7f555', progName: 'bpf_prog1' },
        { kind: 'bpf', value: 0xffffffffc0356000n, tag: '0123456789abcdef', progName: '' },
      ],
    });
    expect(out).toBe(
      'ffffffffc0354a3c t bpf_prog_a04f5eef06a7f555_bpf_prog1\n' + 'ffffffffc0356000 t bpf_prog_0123456789abcdef\n',
    );
  });

  it('cases module symbols by export and skips nameless symbols', () => {
    const out = formatKallsyms({
      showValue: true,
      entries: [
        { kind: 'core', value: 0xffffffff81000000n, type: 'T', name: '' },
        { kind: 'module', value: 0xffffffffc0400000n, type: 't', name: 'ext4_fill_super', module: 'ext4', exported: false },
        { kind: 'module', value: 0xffffffffc0401000n, type: 't', name: 'jbd2_journal_start', module: 'jbd2', exported: true },
      ],
    });
    expect(out).toBe(
      'ffffffffc0400000 t ext4_fill_super\t[ext4]\n' + 'ffffffffc0401000 T jbd2_journal_start\t[jbd2]\n',
    );
  });
});
