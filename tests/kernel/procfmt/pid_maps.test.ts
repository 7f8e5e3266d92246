// /proc/PID/maps against `cat /proc/self/maps` on this machine's Linux 6.18, whose
// show_map_vma is 5.0's. The capture's [vvar_vclock] line, a mapping 5.0 does not have, was
// removed from it.

import { describe, expect, it } from 'vitest';
import { formatPidMaps, type PidMapsSnapshot, type PidMapsVma } from '../../../src/kernel/fs/proc/format/pid_maps.js';
import { golden, snapshot } from './golden.js';

const anon = (start: bigint, end: bigint): PidMapsVma => ({
  start,
  end,
  read: true,
  write: true,
  exec: false,
  mayShare: false,
  file: null,
  special: null,
});

describe('/proc/PID/maps', () => {
  const snap = snapshot<PidMapsSnapshot>('pid_maps-6.18.json');

  it('reproduces the 6.18 capture byte for byte', () => {
    const out = formatPidMaps(snap);
    expect(out).toBe(golden('pid_maps-6.18.txt'));
    expect(out).toContain(' 00:00 0                          [heap]\n');
    expect(out).toContain(' 00:00 0                          [stack]\n');
    expect(out).toContain('ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n');
  });

  it('ends an unnamed anonymous mapping with the space after the inode', () => {
    expect(formatPidMaps({ startBrk: 0n, brk: 0n, startStack: 0n, vmas: [anon(0x7f0000000000n, 0x7f0000001000n)] })).toBe(
      '7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n',
    );
  });

  it('names by brk and start_stack only anonymous mappings without a special name', () => {
    const heap = anon(0x555555559000n, 0x55555557a000n);
    const out = formatPidMaps({
      startBrk: 0x555555559000n,
      brk: 0x55555557a000n,
      startStack: 0x7ffc00001000n,
      vmas: [heap, anon(0x55555557a000n, 0x55555557b000n), anon(0x7ffc00000000n, 0x7ffc00002000n)],
    }).split('\n');
    expect(out[0]!.endsWith('  [heap]')).toBe(true);
    // vm_start <= brk && vm_end >= start_brk: a mapping that begins right at brk still counts.
    expect(out[1]!.endsWith('  [heap]')).toBe(true);
    expect(out[2]!.endsWith('  [stack]')).toBe(true);
  });

  it('pads to column 73 and then adds one space, even when the prefix is already longer', () => {
    const wide: PidMapsVma = {
      start: 0xffff800000000000n,
      end: 0xffff800000001000n,
      read: true,
      write: false,
      exec: true,
      mayShare: true,
      file: { path: '/tmp/odd\nname', pgoff: 0x123456789abn, major: 0x103, minor: 0x1f, ino: 123456789012345 },
      special: null,
    };
    const line = formatPidMaps({ startBrk: 0n, brk: 0n, startStack: 0n, vmas: [wide] });
    expect(line).toBe(
      'ffff800000000000-ffff800000001000 r-xs 123456789ab000 103:1f 123456789012345  /tmp/odd\\012name\n',
    );
    const normal = golden('pid_maps-6.18.txt').split('\n')[0]!;
    expect(normal.indexOf('/usr/bin/cat')).toBe(73);
  });
});
