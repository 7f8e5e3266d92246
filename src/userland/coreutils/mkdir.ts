// mkdir, as coreutils 8.30's: makes each DIRECTORY; -p makes the missing ancestors first and is
// content with a directory that is already there, -v says what it made. The ancestors are made as
// gnulib's mkancesdirs makes them, one component after another, each entered before the next is
// made, so a failure names the ancestor it happened at. (-m is left out: the machine has no
// chmod or umask to give a directory any mode but 0777 less the umask.)

import { getoptOperands } from './getopt.js';
import { quote, quoteLocale, strerror, type Errno, type UtilIo } from './io.js';

const LONG = [{ name: 'parents', key: 'p', arg: false }, { name: 'verbose', key: 'v', arg: false }];

export function mkdir(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  const parsed = getoptOperands(prog, argv.slice(1), 'pv', LONG, (e) => io.stderr(e));
  if (!parsed) return 1;
  const parents = parsed.options.some((o) => o.key === 'p');
  const announce = parsed.options.some((o) => o.key === 'v') ? (dir: string) => io.stdout(`${prog}: created directory ${quote(dir)}\n`) : () => {};
  let status = 0;
  for (const dir of parsed.operands) {
    const failed = makeDirParents(io, dir, parents, announce);
    if (failed) {
      io.stderr(`${prog}: cannot create directory ${quoteLocale(failed.at)}: ${strerror(failed.errno)}\n`);
      status = 1;
    }
  }
  return status;
}

/** make_dir_parents: null when DIR is there as a directory, else where it failed and why. */
function makeDirParents(io: UtilIo, dir: string, parents: boolean, announce: (dir: string) => void): { at: string; errno: Errno } | null {
  if (parents) {
    const failed = makeAncestors(io, dir, announce);
    if (failed) return failed;
  }
  const r = io.mkdir(dir);
  if (r === null) {
    announce(dir);
    return null;
  }
  if (parents && r.errno !== 'ENOENT') {
    const st = io.stat(dir);
    if (!('errno' in st) && st.type === 'dir') return null;
  }
  return { at: dir, errno: r.errno };
}

/**
 * mkancesdirs: each component before the last is made (but `.` and `..`) and then entered; a
 * component that cannot be entered ends it, with mkdir's reason if entering found nothing there.
 */
function makeAncestors(io: UtilIo, file: string, announce: (dir: string) => void): { at: string; errno: Errno } | null {
  let sep = -1;
  let component = 0;
  for (let p = 0; p < file.length; ) {
    const c = file[p++];
    if (file[p] === '/') {
      if (c !== '/') sep = p;
    } else if (c === '/' && p < file.length && sep >= 0) {
      const name = file.slice(component, sep);
      const ancestor = file.slice(0, sep);
      if (name !== '.') {
        let made: Errno | null = null;
        if (name !== '..') {
          const r = io.mkdir(ancestor);
          if (r === null) announce(ancestor);
          else made = r.errno;
        }
        const entered = chdirError(io, ancestor);
        if (entered) return { at: ancestor, errno: made && entered === 'ENOENT' ? made : entered };
      }
      component = p;
    }
  }
  return null;
}

/** Why chdir into DIR would fail, or null: the name must lead to a directory the user may search. */
function chdirError(io: UtilIo, dir: string): Errno | null {
  const st = io.stat(dir);
  if ('errno' in st) return st.errno;
  if (st.type !== 'dir') return 'ENOTDIR';
  if (io.uid === 0 || st.mode === undefined) return null;
  const bits = io.uid === st.uid ? st.mode >> 6 : io.gid === st.gid ? st.mode >> 3 : st.mode;
  return bits & 1 ? null : 'EACCES';
}
