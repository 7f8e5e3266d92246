// GNU ls, the common part: names sorted in the C locale, `.`-files only with -a/-A, directories
// listed with a `DIR:` heading when there are several operands, -l's long format, -1, -d. To a
// terminal, names are laid out in columns as ls.c's calculate_columns does (80 columns unless
// $COLUMNS says otherwise, tab-padded); to a pipe or file, one per line.

import { getopt, usageError } from '../coreutils/getopt.js';
import { quote, strerror, type Stat, type UtilIo } from '../coreutils/io.js';

const MIN_COLUMN_WIDTH = 3;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface Entry {
  name: string;
  st: Stat;
}

function indent(from: number, to: number): string {
  let out = '';
  while (from < to) {
    if (Math.floor(to / 8) > Math.floor((from + 1) / 8)) {
      out += '\t';
      from += 8 - (from % 8);
    } else {
      out += ' ';
      from++;
    }
  }
  return out;
}

/** ls.c's vertical many-per-line layout. */
export function columns(names: readonly string[], lineLength: number): string {
  const n = names.length;
  if (n === 0) return '';
  const maxCols = Math.max(1, Math.min(Math.floor(lineLength / MIN_COLUMN_WIDTH), n));
  const info = Array.from({ length: maxCols }, (_, i) => ({ valid: true, lineLen: (i + 1) * MIN_COLUMN_WIDTH, col: new Array<number>(i + 1).fill(MIN_COLUMN_WIDTH) }));
  names.forEach((name, f) => {
    for (let i = 0; i < maxCols; i++) {
      const ci = info[i]!;
      if (!ci.valid) continue;
      const idx = Math.floor(f / Math.floor((n + i) / (i + 1)));
      const real = name.length + (idx === i ? 0 : 2);
      if (ci.col[idx]! < real) {
        ci.lineLen += real - ci.col[idx]!;
        ci.col[idx] = real;
        ci.valid = ci.lineLen < lineLength;
      }
    }
  });
  let cols = maxCols;
  while (cols > 1 && !info[cols - 1]!.valid) cols--;
  const widths = info[cols - 1]!.col;
  const rows = Math.floor(n / cols) + (n % cols !== 0 ? 1 : 0);
  let out = '';
  for (let row = 0; row < rows; row++) {
    let pos = 0;
    for (let col = 0, f = row; f < n; col++, f += rows) {
      const name = names[f]!;
      out += name;
      if (f + rows < n) {
        out += indent(pos + name.length, pos + widths[col]!);
        pos += widths[col]!;
      }
    }
    out += '\n';
  }
  return out;
}

function modeString(st: Stat): string {
  const m = st.mode ?? 0;
  const type = { 0o040000: 'd', 0o120000: 'l', 0o020000: 'c', 0o010000: 'p', 0o060000: 'b', 0o140000: 's' }[m & 0o170000] ?? '-';
  const rwx = (bits: number, special: boolean, ch: string): string =>
    (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (special ? (bits & 1 ? ch : ch.toUpperCase()) : bits & 1 ? 'x' : '-');
  return type + rwx((m >> 6) & 7, (m & 0o4000) !== 0, 's') + rwx((m >> 3) & 7, (m & 0o2000) !== 0, 's') + rwx(m & 7, (m & 0o1000) !== 0, 't');
}

function names(io: UtilIo, file: string, idCol: number): Map<number, string> {
  const text = io.readFile(file);
  const m = new Map<number, string>();
  if (typeof text !== 'string') return m;
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length > idCol) m.set(Number(f[idCol]), f[0]!);
  }
  return m;
}

function dateOf(sec: number): string {
  const d = new Date(sec * 1000);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

function longFormat(io: UtilIo, entries: Entry[], total: boolean): string {
  const users = names(io, '/etc/passwd', 2);
  const groups = names(io, '/etc/group', 2);
  const rows = entries.map((e) => ({
    mode: modeString(e.st), nlink: String(e.st.nlink ?? 1), user: users.get(e.st.uid ?? 0) ?? String(e.st.uid ?? 0),
    group: groups.get(e.st.gid ?? 0) ?? String(e.st.gid ?? 0), size: String(e.st.size), date: dateOf(e.st.mtime ?? 0), name: e.name,
  }));
  const w = (k: 'nlink' | 'user' | 'group' | 'size'): number => Math.max(...rows.map((r) => r[k].length));
  const [wn, wu, wg, ws] = [w('nlink'), w('user'), w('group'), w('size')];
  const blocks = entries.reduce((n, e) => n + (e.st.type === 'file' ? Math.ceil(e.st.size / 4096) * 4 : e.st.type === 'dir' ? 0 : 0), 0);
  return (total ? `total ${blocks}\n` : '') + rows.map((r) => `${r.mode} ${r.nlink.padStart(wn)} ${r.user.padEnd(wu)} ${r.group.padEnd(wg)} ${r.size.padStart(ws)} ${r.date} ${r.name}\n`).join('');
}

export function ls(argv: string[], io: UtilIo): number {
  const prog = argv[0]!;
  const parsed = getopt(prog, argv.slice(1), 'aAld1', [{ name: 'all', key: 'a', arg: false }, { name: 'almost-all', key: 'A', arg: false }, { name: 'directory', key: 'd', arg: false }]);
  if ('error' in parsed) {
    io.stderr(usageError(prog, parsed.error).replace('ls: ', 'ls: '));
    return 2;
  }
  const opt = new Set(parsed.options.map((o) => o.key));
  const tty = io.isatty?.(1) ?? false;
  const width = Number(io.environ.find((e) => e.startsWith('COLUMNS='))?.slice(8)) || 80;
  const operands = parsed.operands.length ? parsed.operands : ['.'];
  let status = 0;
  const files: Entry[] = [];
  const dirs: string[] = [];
  for (const op of operands) {
    const st = io.stat(op);
    if ('errno' in st) {
      io.stderr(`ls: cannot access ${quote(op)}: ${strerror(st.errno)}\n`);
      status = 2;
    } else if (st.type === 'dir' && !opt.has('d')) dirs.push(op);
    else files.push({ name: op, st });
  }
  const show = (entries: Entry[], total: boolean): string => {
    const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (opt.has('l')) return sorted.length || total ? longFormat(io, sorted, total) : '';
    const list = sorted.map((e) => e.name);
    return tty && !opt.has('1') ? columns(list, width) : list.map((s) => s + '\n').join('');
  };
  let out = show(files, false);
  dirs.sort();
  dirs.forEach((d, i) => {
    const r = io.readdir(d);
    if ('errno' in r) {
      io.stdout(out);
      out = '';
      io.stderr(`ls: cannot open directory ${quote(d)}: ${strerror(r.errno)}\n`);
      status = 2;
      return;
    }
    let list = r;
    if (opt.has('a')) list = ['.', '..', ...r];
    else if (!opt.has('A')) list = r.filter((n) => !n.startsWith('.'));
    const entries = list.map((name) => {
      const st = opt.has('l') ? io.lstat?.(`${d}/${name}`) ?? io.stat(`${d}/${name}`) : ({ type: 'other', size: 0 } as Stat);
      return { name, st: 'errno' in st ? ({ type: 'other', size: 0 } as Stat) : st };
    });
    if (operands.length > 1 || files.length) out += `${out || i > 0 ? '\n' : ''}${d}:\n`;
    out += show(entries, true);
  });
  io.stdout(out);
  return status;
}
