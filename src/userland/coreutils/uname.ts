// uname: the kernel's utsname, read from /proc/sys/kernel (ostype, hostname, osrelease,
// version); the machine is the emulated x86_64. Ubuntu's coreutils reports the processor and
// hardware platform as the machine, so -a prints x86_64 three times, as on Ubuntu 19.04.

import { getopt, usageError } from './getopt.js';
import { quote, type UtilIo } from './io.js';

const LONG = [
  { name: 'all', key: 'a', arg: false }, { name: 'kernel-name', key: 's', arg: false }, { name: 'nodename', key: 'n', arg: false },
  { name: 'kernel-release', key: 'r', arg: false }, { name: 'kernel-version', key: 'v', arg: false }, { name: 'machine', key: 'm', arg: false },
  { name: 'processor', key: 'p', arg: false }, { name: 'hardware-platform', key: 'i', arg: false }, { name: 'operating-system', key: 'o', arg: false },
] as const;

const MACHINE = 'x86_64';
const ORDER = ['s', 'n', 'r', 'v', 'm', 'p', 'i', 'o'] as const;

export function uname(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  const parsed = getopt(prog, argv.slice(1), 'asnrvmpio', LONG);
  if ('error' in parsed) {
    io.stderr(usageError(prog, parsed.error));
    return 1;
  }
  if (parsed.operands.length > 0) {
    io.stderr(usageError(prog, `${prog}: extra operand ${quote(parsed.operands[0]!)}`));
    return 1;
  }
  const want = new Set<string>();
  for (const { key } of parsed.options) {
    if (key === 'a') for (const k of ORDER) want.add(k);
    else want.add(key);
  }
  if (want.size === 0) want.add('s');
  const sys = (name: string): string | null => {
    const t = io.readFile(`/proc/sys/kernel/${name}`);
    return typeof t === 'string' ? t.replace(/\n$/, '') : null;
  };
  const fields: Record<(typeof ORDER)[number], () => string | null> = {
    s: () => sys('ostype'),
    n: () => sys('hostname'),
    r: () => sys('osrelease'),
    v: () => sys('version'),
    m: () => MACHINE,
    p: () => MACHINE,
    i: () => MACHINE,
    o: () => 'GNU/Linux',
  };
  const out: string[] = [];
  for (const k of ORDER) {
    if (!want.has(k)) continue;
    const v = fields[k]();
    if (v === null) {
      io.stderr(`${prog}: cannot get system name\n`);
      return 1;
    }
    out.push(v);
  }
  io.stdout(`${out.join(' ')}\n`);
  return 0;
}
