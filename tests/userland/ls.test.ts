// ls's terminal layout against GNU ls 9.1: the same names, captured from the real ls on an
// 80-column terminal (`script -qc 'stty cols 80; ls'`), tabs and all.

import { describe, expect, it } from 'vitest';
import { columns } from '../../src/userland/bin/ls.js';

describe('ls columns, as GNU ls lays them out', () => {
  it('matches the real ls byte for byte', () => {
    const names = ['aaa', 'bbbbbbbbbbbb', 'cc', 'dddddddddddddddddd', 'e', 'ffffffffffff', 'gggggggggggg', 'hhhhhhhhhhhhhhh', 'iiii', 'jjjjjjjjjjjjjjj', 'kkkkkkkk'];
    expect(columns(names, 80)).toBe(
      'aaa\t      dddddddddddddddddd  gggggggggggg\t   jjjjjjjjjjjjjjj\n' +
        'bbbbbbbbbbbb  e\t\t\t  hhhhhhhhhhhhhhh  kkkkkkkk\n' +
        'cc\t      ffffffffffff\t  iiii\n',
    );
  });

  it('falls back to one name a line when nothing else fits', () => {
    expect(columns(['x'.repeat(50), 'y'.repeat(50)], 80)).toBe(`${'x'.repeat(50)}\n${'y'.repeat(50)}\n`);
  });
});
