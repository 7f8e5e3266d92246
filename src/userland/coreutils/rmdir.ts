// rmdir, as coreutils 8.30's: removes each empty DIRECTORY; -p then its ancestors named in the
// operand (`rmdir -p a/b/c` is `rmdir a/b/c a/b a`), -v says so for each, and
// --ignore-fail-on-non-empty keeps quiet about a directory that still has entries.

import { getoptOperands } from './getopt.js';
import { quote, strerror, type Errno, type UtilIo } from './io.js';

const LONG = [
  { name: 'parents', key: 'p', arg: false }, { name: 'verbose', key: 'v', arg: false },
  { name: 'ignore-fail-on-non-empty', key: 'ignore-fail-on-non-empty', arg: false },
];

interface Options {
  io: UtilIo;
  prog: string;
  verbose: boolean;
  ignoreNonEmpty: boolean;
}

export function rmdir(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  const parsed = getoptOperands(prog, argv.slice(1), 'pv', LONG, (e) => io.stderr(e));
  if (!parsed) return 1;
  const keys = new Set(parsed.options.map((o) => o.key));
  const o: Options = { io, prog, verbose: keys.has('v'), ignoreNonEmpty: keys.has('ignore-fail-on-non-empty') };
  let ok = true;
  for (const dir of parsed.operands) {
    if (o.verbose) io.stdout(`${prog}: removing directory, ${quote(dir)}\n`);
    const r = io.rmdir(dir);
    if (r !== null) {
      if (ignorable(o, r.errno, dir)) continue;
      io.stderr(`${prog}: failed to remove ${quote(dir)}: ${strerror(r.errno)}\n`);
      ok = false;
    } else if (keys.has('p')) ok = removeParents(o, dir) && ok;
  }
  return ok ? 0 : 1;
}

/**
 * --ignore-fail-on-non-empty's test, as 8.30 has it: the directory is not empty, or the failure
 * is one a directory may get whatever it holds and this one is empty.
 */
function ignorable(o: Options, errno: Errno, dir: string): boolean {
  if (!o.ignoreNonEmpty) return false;
  if (errno === 'ENOTEMPTY' || errno === 'EEXIST') return true;
  if (!['EACCES', 'EPERM', 'EROFS', 'EBUSY'].includes(errno)) return false;
  const names = o.io.readdir(dir);
  return Array.isArray(names) && names.length === 0;
}

/** -p: the operand's ancestors, innermost first, until one fails. */
function removeParents(o: Options, operand: string): boolean {
  let dir = operand.replace(/(?<=.)\/+$/, '');
  for (;;) {
    let slash = dir.lastIndexOf('/');
    if (slash < 0) return true;
    while (slash > 0 && dir[slash] === '/') slash--;
    dir = dir.slice(0, slash + 1);
    if (o.verbose) o.io.stdout(`${o.prog}: removing directory, ${quote(dir)}\n`);
    const r = o.io.rmdir(dir);
    if (r !== null) {
      if (ignorable(o, r.errno, dir)) return true;
      o.io.stderr(`${o.prog}: failed to remove directory ${quote(dir)}: ${strerror(r.errno)}\n`);
      return false;
    }
  }
}
