// rm, as coreutils 8.30's: removes each FILE; -r/-R a directory and everything in it, -d an empty
// directory, -f says nothing of missing files, -v tells what went. The walk is remove.c's over fts:
// depth first in directory order, each directory after its entries, and a directory whose entry
// could not be removed is kept without a further word. Prompting (-i, -I, --interactive, and the
// question about write-protected files) is left out: a utility here writes its output when it
// ends, so it cannot ask before it reads the answer.

import { getopt } from './getopt.js';
import { quote, strerror, type Errno, type Failure, type Stat, type UtilIo } from './io.js';

const LONG = [
  { name: 'force', key: 'f', arg: false }, { name: 'recursive', key: 'r', arg: false }, { name: 'dir', key: 'd', arg: false },
  { name: 'verbose', key: 'v', arg: false }, { name: 'preserve-root', key: 'preserve-root', arg: false },
  { name: 'no-preserve-root', key: 'no-preserve-root', arg: false },
];

interface Removal {
  io: UtilIo;
  prog: string;
  force: boolean;
  recursive: boolean;
  emptyDirs: boolean;
  verbose: boolean;
  preserveRoot: boolean;
  failed: boolean;
}

export function rm(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  const parsed = getopt(prog, argv.slice(1), 'dfrvR', LONG);
  if ('error' in parsed) {
    io.stderr(`${parsed.error}\n${leadingHyphenHint(prog, argv, io)}Try '${prog} --help' for more information.\n`);
    return 1;
  }
  const r: Removal = { io, prog, force: false, recursive: false, emptyDirs: false, verbose: false, preserveRoot: true, failed: false };
  for (const { key } of parsed.options) {
    if (key === 'f') r.force = true;
    else if (key === 'r' || key === 'R') r.recursive = true;
    else if (key === 'd') r.emptyDirs = true;
    else if (key === 'v') r.verbose = true;
    else if (key === 'preserve-root') r.preserveRoot = true;
    else if (key === 'no-preserve-root') {
      const options = argv.slice(1, argv.includes('--') ? argv.indexOf('--') : undefined);
      if (!options.includes('--no-preserve-root')) {
        io.stderr(`${prog}: you may not abbreviate the --no-preserve-root option\n`);
        return 1;
      }
      r.preserveRoot = false;
    }
  }
  if (parsed.operands.length === 0) {
    if (r.force) return 0;
    io.stderr(`${prog}: missing operand\nTry '${prog} --help' for more information.\n`);
    return 1;
  }
  for (const name of parsed.operands) remove(r, ftsName(name), true);
  return r.failed ? 1 : 0;
}

/** fts_open's copy of an operand: two or more trailing slashes become one. */
function ftsName(name: string): string {
  let len = name.length;
  if (len > 2 && name[len - 1] === '/') while (len > 1 && name[len - 2] === '/') len--;
  return name.slice(0, len);
}

/** diagnose_leading_hyphen: an argument that looks like an option but names a file gets a hint. */
function leadingHyphenHint(prog: string, argv: string[], io: UtilIo): string {
  const named = argv.slice(1).find((a) => a.startsWith('-') && a.length > 1 && !('errno' in lstat(io, a)));
  return named === undefined ? '' : `Try '${prog} ./${quote(named, false)}' to remove the file ${quote(named)}.\n`;
}

const lstat = (io: UtilIo, path: string): Stat | Failure => (io.lstat ? io.lstat(path) : io.stat(path));

/** Removes PATH and, with -r, what is in it; whether it is gone (true also for a missing one under -f). */
function remove(r: Removal, path: string, operand: boolean): boolean {
  const st = lstat(r.io, path);
  if ('errno' in st || st.type !== 'dir') return excise(r, path, false);
  if (!r.recursive && !r.emptyDirs) return fail(r, path, 'EISDIR');
  const names = r.io.readdir(path);
  const empty = Array.isArray(names) && names.length === 0;
  if (!r.recursive && !empty) return fail(r, path, 'ENOTEMPTY');
  if (operand) {
    const last = /([^/]+)\/*$/.exec(path)?.[1];
    if (last === '.' || last === '..') {
      r.io.stderr(`${r.prog}: refusing to remove '.' or '..' directory: skipping ${quote(path)}\n`);
      r.failed = true;
      return false;
    }
    if (r.recursive && r.preserveRoot && isRoot(r.io, path)) {
      const same = path === '/' ? '' : " (same as '/')";
      r.io.stderr(`${r.prog}: it is dangerous to operate recursively on ${quote(path)}${same}\n${r.prog}: use --no-preserve-root to override this failsafe\n`);
      r.failed = true;
      return false;
    }
  }
  if (empty) return excise(r, path, true);
  // An unreadable directory (FTS_DNR) is still tried; why it could not be read is the better reason.
  if (!Array.isArray(names)) return excise(r, path, true, names.errno);
  let all = true;
  const prefix = path.endsWith('/') ? path : `${path}/`;
  for (const name of names) all = remove(r, prefix + name, false) && all;
  return all && excise(r, path, true);
}

/** The machine's kernel resolves `..` by name, so a path is the root when it normalises to `/`. */
function isRoot(io: UtilIo, path: string): boolean {
  const parts: string[] = [];
  for (const c of (path.startsWith('/') ? path : `${io.cwd}/${path}`).split('/')) {
    if (c === '..') parts.pop();
    else if (c !== '' && c !== '.') parts.push(c);
  }
  return parts.length === 0;
}

/** unlink or rmdir PATH; -f forgives a name that is not there. */
function excise(r: Removal, path: string, dir: boolean, unreadable?: Errno): boolean {
  const res = dir ? r.io.rmdir(path) : r.io.unlink(path);
  if (res === null) {
    if (r.verbose) r.io.stdout(`removed ${dir ? 'directory ' : ''}${quote(path)}\n`);
    return true;
  }
  let errno = res.errno;
  // A read-only filesystem says EROFS before it looks the name up; lstat tells whether it is there.
  if (errno === 'EROFS') {
    const st = lstat(r.io, path);
    if ('errno' in st && st.errno === 'ENOENT') errno = 'ENOENT';
  }
  if (r.force && (errno === 'ENOENT' || errno === 'ENOTDIR' || errno === 'EINVAL')) return true;
  if (unreadable && (unreadable === 'EACCES' || unreadable === 'EPERM') && ['ENOTEMPTY', 'EISDIR', 'ENOTDIR', 'EEXIST'].includes(errno)) errno = unreadable;
  return fail(r, path, errno);
}

function fail(r: Removal, path: string, errno: Errno): false {
  r.io.stderr(`${r.prog}: cannot remove ${quote(path)}: ${strerror(errno)}\n`);
  r.failed = true;
  return false;
}
