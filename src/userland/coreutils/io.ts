// What a utility sees of its process: its standard streams, the files it may read, its
// environment. The caller (the emulated kernel's exec of a program) supplies them; a utility is a
// pure function of its argv and these, and returns its exit status.

/** The errors a utility reports about a file, by their errno names; `strerror` has the text. */
export type Errno = 'ENOENT' | 'EACCES' | 'EISDIR' | 'ENOTDIR' | 'ELOOP' | 'ENAMETOOLONG' | 'EIO' | 'EPERM' | 'ESRCH' | 'EINVAL' | 'EROFS' | 'ENOMEM' | 'ENOSPC' | 'EEXIST' | 'ENOTEMPTY' | 'EBUSY' | 'ENOEXEC';

/** A failed call. An object, not a bare name, so that a file whose text is "ENOENT" is still a file. */
export interface Failure {
  errno: Errno;
}

/** stat(2), as far as a utility asks: wc sizes its columns from regular files' st_size. */
export interface Stat {
  type: 'file' | 'dir' | 'other';
  /** st_size: a regular file's length in bytes (0 for /proc's files, as on Linux). */
  size: number;
  /** The rest of struct stat, for ls -l (absent where a caller has no filesystem behind it). */
  mode?: number;
  nlink?: number;
  uid?: number;
  gid?: number;
  /** st_mtime in seconds since the epoch. */
  mtime?: number;
  ino?: number;
}

export interface UtilIo {
  /** Everything on standard input not read yet; a second call returns ''. */
  stdin(): string;
  stdout(s: string): void;
  stderr(s: string): void;
  /** A file's text (relative paths are from cwd). */
  readFile(path: string): string | Failure;
  /** stat of PATH, or fstat of standard input when PATH is null. */
  stat(path: string | null): Stat | Failure;
  /** lstat: a symbolic link itself. */
  lstat?(path: string): Stat | Failure;
  /** The names in directory PATH (getdents), without `.` and `..`, in the directory's order. */
  readdir(path: string): string[] | Failure;
  /** unlink(2): removes a name that is not a directory; null once done. */
  unlink(path: string): Failure | null;
  /** rmdir(2): removes an empty directory; null once done. */
  rmdir(path: string): Failure | null;
  /** mkdir(2) with mode 0777, less the umask; null once done. */
  mkdir(path: string): Failure | null;
  /** open(2) for writing with O_CREAT and mode 0666, then close: a missing file is created empty, an existing one left as it is. */
  create(path: string): Failure | null;
  /** Whether descriptor FD is a terminal (ls lays names out in columns for one). */
  isatty?(fd: number): boolean;
  /** The process's user and group ids. */
  readonly uid: number;
  readonly gid: number;
  /** The working directory, which the caller resolves relative paths against. */
  readonly cwd: string;
  /** The environment, `NAME=value` strings in the order the process got them. */
  readonly environ: readonly string[];
  /** Runs ARGV in this process's place with ENVIRON (env's execvp) and returns its status, or why it could not be run. */
  exec(argv: readonly string[], environ: readonly string[]): number | Failure;
}

/** A utility: argv (argv[0] its name) and its process's io to an exit status. */
export type Util = (argv: string[], io: UtilIo) => number;

const STRERROR: Record<Errno, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EIO: 'Input/output error',
  EPERM: 'Operation not permitted',
  ESRCH: 'No such process',
  EINVAL: 'Invalid argument',
  EROFS: 'Read-only file system',
  ENOMEM: 'Cannot allocate memory',
  ENOSPC: 'No space left on device',
  EEXIST: 'File exists',
  ENOTEMPTY: 'Directory not empty',
  EBUSY: 'Device or resource busy',
  ENOEXEC: 'Exec format error',
};

export const strerror = (e: Errno): string => STRERROR[e];

/**
 * GNU's quoting of a name in messages (gnulib's shell-escape style, C locale): ALWAYS quotes even
 * names that need none (`cannot open 'x' for reading`); otherwise a name is printed bare when a
 * shell would read it back unchanged (`cat: x: No such file`, but `cat: 'a b': ...`).
 */
export function quote(s: string, always = true): string {
  if (!always && s !== '' && /^[A-Za-z0-9%+,\-./:=@^_~#]+$/.test(s) && s[0] !== '~' && s[0] !== '#') return s;
  if (!/[\x00-\x1f\x7f]/.test(s)) {
    if (s.includes("'") && !/[\\$`"!]/.test(s)) return `"${s}"`;
    return `'${s.replace(/'/g, "'\\''")}'`;
  }
  // Control characters are written $'\t' between quoted runs of the rest.
  return s.replace(/[\x00-\x1f\x7f]+|[^\x00-\x1f\x7f]+/g, (run) => {
    if (!/^[\x00-\x1f\x7f]/.test(run)) return `'${run.replace(/'/g, "'\\''")}'`;
    return `$'${[...run].map((c) => CONTROL_ESCAPES[c] ?? '\\' + c.charCodeAt(0).toString(8).padStart(3, '0')).join('')}'`;
  });
}

const CONTROL_ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };

/**
 * gnulib's quote() in the C locale (locale quoting style), which some messages use instead of the
 * shell style: always in single quotes, with C escapes for control characters, backslashes and
 * the quote itself (`'it\'s'`), and other bytes outside ASCII in octal.
 */
export function quoteLocale(s: string): string {
  let out = "'";
  for (const b of encoder.encode(s)) {
    const c = String.fromCharCode(b);
    if (c === '\\' || c === "'") out += '\\' + c;
    else if (CONTROL_ESCAPES[c] !== undefined) out += CONTROL_ESCAPES[c];
    else if (b < 0x20 || b >= 0x7f) out += '\\' + b.toString(8).padStart(3, '0');
    else out += c;
  }
  return out + "'";
}

/** A file operand's text: '-' is standard input. */
export function readOperand(path: string, io: UtilIo): string | Failure {
  return path === '-' ? io.stdin() : io.readFile(path);
}

/** Splits text into lines, each with its DELIM (newline); a last line without one stays without. */
export function splitLines(text: string, delim = '\n'): string[] {
  const pieces = text.split(delim).map((p) => p + delim);
  const last = pieces.pop()!;
  if (last !== delim) pieces.push(last.slice(0, -1));
  return pieces;
}

/** The length of S in bytes, as UTF-8 (what wc -c, head -c and tail -c count). */
export function byteLength(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Bytes START to END (UTF-8) of S, as text; a character cut in two becomes U+FFFD. */
export function sliceBytes(s: string, start: number, end?: number): string {
  return decoder.decode(encoder.encode(s).subarray(start, end));
}
