// touch, as coreutils 8.30's, for what it does on this machine: each FILE that is missing is
// created empty (not with -c), `-` stands for standard output. The options that choose times
// (-a, -m, -d, -r, -t, -h, --time) are left out: the kernel keeps an mtime, which writes set, but
// has no utimensat to set it, so a file that exists keeps its times.

import { getopt, usageError } from './getopt.js';
import { quote, strerror, type Errno, type UtilIo } from './io.js';

const LONG = [{ name: 'no-create', key: 'c', arg: false }];

export function touch(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  // -f is accepted and ignored, as coreutils does.
  const parsed = getopt(prog, argv.slice(1), 'cf', LONG);
  if ('error' in parsed) {
    io.stderr(usageError(prog, parsed.error));
    return 1;
  }
  if (parsed.operands.length === 0) {
    io.stderr(usageError(prog, `${prog}: missing file operand`));
    return 1;
  }
  const noCreate = parsed.options.some((o) => o.key === 'c');
  let status = 0;
  for (const file of parsed.operands) if (!touchFile(io, prog, file, noCreate)) status = 1;
  return status;
}

/**
 * touch.c's touch(): open FILE to create it, then set its times. Without utimensat, whether
 * setting them would fail is found as the kernel would find it: the name must lead to a file (as
 * for stat), and an open refused for want of permission is no obstacle to the file's owner.
 */
function touchFile(io: UtilIo, prog: string, file: string, noCreate: boolean): boolean {
  // Standard output, whose times futimens would set.
  if (file === '-') return true;
  let openErrno: Errno | null = null;
  if (!noCreate) {
    const r = io.create(file);
    if (r === null) return true;
    // A directory cannot be opened for writing; touch still sets its times.
    if (r.errno !== 'EISDIR' && r.errno !== 'EINVAL' && r.errno !== 'EPERM') openErrno = r.errno;
  }
  const st = io.stat(file);
  const timesErrno = 'errno' in st ? st.errno : openErrno === 'EACCES' && st.uid === io.uid ? null : openErrno;
  if (timesErrno === null) return true;
  if (openErrno !== null) io.stderr(`${prog}: cannot touch ${quote(file)}: ${strerror(openErrno)}\n`);
  else if (noCreate && timesErrno === 'ENOENT') return true;
  else io.stderr(`${prog}: setting times of ${quote(file)}: ${strerror(timesErrno)}\n`);
  return false;
}
