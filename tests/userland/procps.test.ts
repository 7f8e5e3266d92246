// ps, free, dmesg, uname, id and whoami against the real tools: each golden holds the files the
// real tool read (a copy of /proc bound over /proc, /dev/kmsg, /etc/passwd...) and what it printed
// (captured by tests/userland/capture-goldens.ts with procps-ng 3.3.15 as on Ubuntu 19.04,
// util-linux 2.38 and coreutils 9.1), over this machine's /proc and over the emulated kernel's.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coreutils } from '../../src/userland/coreutils/index.js';
import { fakeIo, type Golden, type Out } from './fakeio.js';

const load = (name: string): Golden => JSON.parse(readFileSync(`tests/userland/golden/${name}`, 'utf8')) as Golden;

function replay(name: string, skip: (argv: string[]) => boolean = () => false): void {
  const g = load(name);
  it.each(g.cases.filter((c) => !skip(c.argv)).map((c) => [c.argv.join(' '), c] as const))('%s', (_, c) => {
    const out: Out = { stdout: '', stderr: '' };
    const status = coreutils[c.argv[0]!]!([...c.argv], fakeIo(g.files, out));
    expect({ ...out, status }).toEqual({ stdout: c.stdout, stderr: c.stderr, status: c.status });
  });
}

describe('ps, as procps-ng', () => replay('ps.json'));
describe('free, as procps-ng', () => replay('free.json'));
describe("ps over the emulated kernel's /proc, as procps-ng", () => replay('ps-emulated.json'));
describe("free over the emulated kernel's /proc/meminfo, as procps-ng", () => replay('free-emulated.json'));
describe('dmesg, as util-linux', () => replay('dmesg.json'));
describe('uname, id, whoami, as coreutils', () => replay('coreutils.json'));
