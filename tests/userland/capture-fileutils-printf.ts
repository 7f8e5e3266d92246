// Dev script: captures what this machine's rm, rmdir, mkdir and touch (coreutils) and the printf
// builtins of bash and dash print, as tests/userland/golden/{fileutils,printf}.json, which
// tests/userland/fileutils.test.ts and printf.test.ts replay against bpfbox's.
//
// The file utilities run in a fresh directory on tmpfs per case, made from the case's setup (names
// ending in '/' are directories, made in the order given); the golden keeps the order each
// directory lists its entries in (tmpfs: newest first), what the tool printed and the tree it left.
// printf runs as `bash --norc -c 'printf "$@"' bash ARGS...` and `dash -c 'printf "$@"' sh ARGS...`; for
// cases that set $v (printf -v v, %n v) the value is written to descriptor 3 as well.
// The machine's tools were coreutils 9.1, bash 5.2.15 and Debian's dash 0.5.12; the tests say
// where Ubuntu 19.04's coreutils 8.30 and bash 5.0, which bpfbox follows, would differ.
// Run: npx tsx tests/userland/capture-fileutils-printf.ts

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = 'tests/userland/golden';
const env = { PATH: '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' };

interface FileCase {
  setup: string[];
  argv: string[];
}

const TREE = ['d/', 'd/x', 'd/sub/', 'd/sub/y', 'e/', 'f', 'g'];
const CHAIN = ['a/', 'a/b/', 'a/b/c/', 'f'];

const FILE_CASES: FileCase[] = [
  ...[
    [], ['-f'], ['f'], ['-v', 'f', 'g'], ['missing'], ['-f', 'missing'], ['-f', 'missing', 'f'], ['d'], ['-d', 'd'], ['-d', 'e'], ['-dv', 'e'],
    ['-r', 'd'], ['-rv', 'd'], ['-Rv', 'd', 'f'], ['-rv', 'd/'], ['-rv', 'd//'], ['-rv', 'e'], ['-r', '.'], ['-rf', 'd/.'], ['-r', 'd/..'], ['-rv', 'd/sub/..'],
    ['-x'], ['-x', 'f'], ['-vx', 'f'], ['--', '-x'], ['f/'], ['-r', 'f/'], ['-d', 'f/'], [''], ['-f', ''], ['-rf', 'nope/a'], ['d/x/y'], ['-f', 'f/x'],
    ['--recursive', '--verbose', 'd'], ['--dir', 'e'], ['--force', '--', 'missing'], ['--no-preserve-root', 'f'], ['--no-pres', 'f'], ['--verb', 'f'],
    ['--bogus'], ['--preserve-root', '-rv', 'e'], ['-rv', 'd', 'missing', 'f'], ['-v', 'd/x', 'd/sub/y'], ['-rv', 'd/sub', 'd'],
  ].map((a) => ({ setup: TREE, argv: ['rm', ...a] })),
  { setup: ['-x', 'f'], argv: ['rm', '-x'] },
  { setup: ['-x', 'f'], argv: ['rm', '-v', '--', '-x', 'f'] },
  { setup: ["it's", 'a b', 'q"r'], argv: ['rm', '-v', "it's", 'a b', 'q"r', "no'pe"] },
  ...[
    [], ['e'], ['-v', 'e'], ['d'], ['f'], ['nope'], ['f/'], ['e/'], [''], ['d/.'], ['d/..'], ['-p', 'd/sub'], ['-x'], ['--ignore-fail-on-non-empty', 'd'],
    ['--ignore-fail-on-non-empty', 'nope', 'd', 'e'],
  ].map((a) => ({ setup: TREE, argv: ['rmdir', ...a] })),
  ...[
    ['-p', 'a/b/c'], ['-pv', 'a/b/c/'], ['-p', 'a/b/c', 'x'], ['-pv', 'a//b///c'], ['-pv', './a/b/c'], ['--parents', '--verbose', 'a/b/c'], ['-p', 'a/b'],
    ['--ignore-fail-on-non-empty', '-pv', 'a/b'], ['-v', 'a/b/c', 'a/b', 'a'], ['-pv', 'f/x'],
  ].map((a) => ({ setup: CHAIN, argv: ['rmdir', ...a] })),
  ...[
    [], ['n'], ['-v', 'n', 'm'], ['d'], ['-p', 'd'], ['f'], ['-p', 'f'], ['-p', 'f/g'], ['f/g'], ['x/y'], ['-p', 'x/y/z'], ['-pv', 'x/y/z'],
    ['-pv', './x/../n//m/'], ['-pv', 'd/sub/new'], [''], ['-p', ''], ['-v', 'a b', "it's"], ['-x'], ['--parents', '--verbose', 'p/q'], ['-pv', 'x/./y'],
    ['-p', 'f/..'], ['-p', 'd/x/y'], ['-v', 'n/'], ['-pv', 'n', 'n/o', 'd', 'f/p'], ['-p', 'd/sub/..'],
  ].map((a) => ({ setup: TREE, argv: ['mkdir', ...a] })),
  { setup: ["it's/", 'n\nl/'], argv: ['mkdir', "it's", 'n\nl', 'q\\r'] },
  ...[
    [], ['t'], ['t1', 't2'], ['f'], ['d'], ['nodir/x'], ['f/x'], ['-c', 'nope'], ['-c', 'f'], ['-c', 'f/x'], ['-c', 'nodir/x'], [''], ['-'], ['-x'],
    ['--no-create', 'nope'], ['-f', 't'], ['new/'], ['d/'], ['f/'], ['t', 'nodir/x', 'u'],
  ].map((a) => ({ setup: TREE, argv: ['touch', ...a] })),
];

/** The entries under DIR, directories with a trailing '/', sorted. */
function tree(dir: string, prefix = ''): string[] {
  const names: string[] = [];
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix + name;
    if (statSync(join(dir, rel)).isDirectory()) names.push(rel + '/', ...tree(dir, rel + '/'));
    else names.push(rel);
  }
  return names;
}

/** Each directory's entries in the order readdir gives them (find walks in that order). */
function listingOrder(dir: string): Record<string, string[]> {
  const order: Record<string, string[]> = {};
  for (const d of ['.', ...tree(dir).filter((p) => p.endsWith('/')).map((p) => p.slice(0, -1))]) {
    const r = spawnSync('find', [d, '-mindepth', '1', '-maxdepth', '1', '-printf', '%f\\0'], { cwd: dir, encoding: 'latin1' });
    order[d] = r.stdout.split('\0').slice(0, -1);
  }
  return order;
}

const fileGoldens = FILE_CASES.map((c) => {
  const dir = mkdtempSync('/dev/shm/fileutils-');
  for (const p of c.setup) {
    if (p.endsWith('/')) mkdirSync(join(dir, p));
    else writeFileSync(join(dir, p), '');
  }
  const order = listingOrder(dir);
  const r = spawnSync(c.argv[0]!, c.argv.slice(1), { cwd: dir, env, encoding: 'latin1' });
  const after = tree(dir);
  rmSync(dir, { recursive: true });
  return { ...c, order, stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1, after };
});
writeFileSync(join(out, 'fileutils.json'), JSON.stringify({ cases: fileGoldens }, null, 1) + '\n');

interface PrintfCase {
  args: string[];
  /** The case sets $v: its value is captured too. */
  v?: boolean;
}

const PRINTF_CASES: PrintfCase[] = [
  ['abc'], ['%s\n', 'a', 'b', 'c'], ['%s-%s\n', 'a', 'b', 'c'], ['%d %d\n', '1'], ['%s|%d|%f|%c|%b|\n'], ['%%\n'], ['a%%b\n'], [''], ['', 'x'],
  ['x\n', 'extra'], ['%s %s %s\n', 'a', 'b', 'c', 'd'], ['%s\n'], [],
  ['\\n\\t\\\\\\"\\a\\b\\f\\r\\v|'], ['\\0101\\101\\18\\0\\x41\\x4g\\x|\\777|'], ['\\e\\E\\q\\\'\\?\\c|'], ['\\u0041\\u00e9\\U0001F600\\u|\\U|'], ['trailing\\'],
  ['%b\n', 'a\\tb', 'c\\0101d\\101', '\\x41\\u0042'], ['%b|%s\n', 'x\\cy', 'z'], ['%5b|%-5b|%.2b|\n', 'a\\tb', 'c', 'xyz'], ['%b|\n', '\\\'\\"\\?\\e\\q'],
  ['%b|\n', 'back\\'], ['%b|\n', '\\0\\00\\000\\0000\\01234\\0a'], ['%b|%b\n', '\\x', '\\u12'],
  ['%c|%c|%5c|%-3c|\n', 'hello', '', 'x', 'y'], ['%c\n'], ['%.0c|%05c|\n', 'a', 'b'],
  ['%d %i %u %o %x %X\n', '42', '-42', '42', '8', '255', '255'], ['%5d|%-5d|%05d|%+d|% d|%+05d|%-05d|\n', '42', '42', '42', '42', '42', '-42', '3'],
  ['%.3d|%.0d|%#o|%#x|%#X|%#.3o|%#o|%08.3d|\n', '7', '0', '8', '255', '255', '8', '0', '5'],
  ['%d\n', "'A", '"B', "'", '08', '0x1f', '017', ' 12', '12 ', '-0x10', '+5', 'abc', '', '-', '0x', '1e3'],
  ['%u %x %o\n', '-1', '-1', '-1'], ['%d\n', '9223372036854775807', '9223372036854775808', '-9223372036854775809'], ['%u\n', '18446744073709551615', '18446744073709551616'],
  ['%ld %lld %hd %hhd %jd %zd\n', '1', '2', '70000', '300', '5', '6'], ["%'d\n", '1234567'],
  ['%*d|%-*d|%.*f|%*.*s|\n', '5', '1', '3', '2', '2', '3.14159', '6', '2', 'abcdef'], ['%*d|\n', '-4', '7'], ['%.*d|%.*s|\n', '-1', '7', '-2', 'xyz'], ['%*s|\n', 'x', 'y'],
  ['%*d|\n', '3'],
  ['%f %e %g %E %G\n', '3.14159', '31415.9', '0.000031415', '1e100', '1e-100'], ['%.0f %.1f %.2f %.0f %.0f %.3e\n', '0.5', '0.25', '2.675', '1.5', '2.5', '1234.5675'],
  ['%g %g %g %g %g %g %g\n', '100000', '1000000', '0.0001', '0.00001', '123456789', '0', '-0'], ['%#g %#.0f %#.0e %#x %#g\n', '1', '2', '3', '0', '0.0001'],
  ['%010.3f|%-10.2e|%+f|% f|%+.1e\n', '3.14159', '2.5', '1', '1', '-0.05'], ['%f %f %f %F %e %G\n', 'inf', '-inf', 'nan', 'infinity', '-nan', 'INF'],
  ['%5f|%-6f|%06f|%+f\n', 'inf', 'nan', 'inf', 'nan'], ['%f\n', '1e999', '1e-999', '0x1.8p1', '1.5e', '1e+', '.5', '5.', '-0', 'abc', '1.5x', '  2.5', '0x', '.', 'nan(12)', 'infx'],
  ['%a %a %a %A %.2a %.0a %a\n', '1', '0.1', '-2.5', '255', '1.999', '1.5', '0'], ['%.20f\n', '0.1'], ['%.30e\n', '1e-320'], ['%g %g\n', '1e-320', '1e-4940'],
  ['%.17g %.21g\n', '0.1', '0.1'], ['%.3f %.10f %f\n', '123456789012345678901234567890', '1e-5', '0.000000499999999999999'], ['%e %f\n', '1e4000', '1.18e-4932'],
  ['%.0e %.0f %.0f %g\n', '9.5', '0.5000000000000000001', '1e22', '999999.5'], ['%.40f\n', '1.1'], ['%.2a %.1a %13a|\n', '15.96875', '1.96875', '1'],
  ['%s|%10s|%-10s|%.2s|%10.2s|%-10.2s|%.s|\n', 'abc', 'abc', 'abc', 'abc', 'abc', 'abc', 'abc'],
  ['%'], ['abc%'], ['%5'], ['ab%y'], ['ab%yc', 'x'], ['%q\n', 'a b'], ['%q %q %q %q %q %q\n', "it's", '', 'a\tb', '~x', '#y', 'a~b=~c'], ['%5%|\n'], ['%-'], ['a%.2'],
  ['%10q|%-8q|\n', 'a b', 'x'], ['%lf %Lf %hx\n', '1.5', '2.5', '65537'],
  ['%(%Y-%m-%d %H:%M:%S %a %b %j %Z %z %u %w)T\n', '0'], ['%(%s)T %(%F)T %(%c)T\n', '86400', '1600000000', '1600000000'],
  ['%20(%T)T|%-20(%D)T|%.3(%A)T|\n', '3600', '3600', '0'], ['%(x)y\n', '0'], ['%(%e|%k|%l|%I|%p|%P|%C|%y|%G|%g|%V|%U|%W|%r|%R|%x|%X|%D|%h|%B|%n|%t|%%|%Q)T\n', '1009843199'],
  ['%(%-d|%_m|%05Y|%^a|%#b|%#p|%10A|%-10B|%3j)T\n', '1009843199'],
  ['ab%ncd\n', 'v'], ['%n\n', '1x'], ['%s%n|%s%n\n', 'abc', 'v', 'de', 'v'],
  ['-v', 'v', '%s-%s', 'a', 'b'], ['-vv', '%d', '7'], ['-v'], ['-v', '1x', 'fmt'], ['-x', 'a'], ['--', '%s\n', 'x'], ['--', '-x'], ['-', 'x'], ['-5'], ['-v', 'v', ''],
  ['-v', 'v', 'ab%y'], ['-v', 'v', '%b', 'a\\cb'], ['-v', 'v', '-v', 'w', 'x'], ['-v', 'v', '--', '%s', 'y'], ['--5'], ['--help'],
  ['%d %d %d\n', 'a', '2', 'b'], ['%d %b|\n', 'abc', 'x\\cy'], ['%s %d\n', 'a', '1', 'b', 'x'], ['%d\n', '1', '2x', '3'],
].map((c) => (Array.isArray(c) ? { args: c } : c));
for (const c of PRINTF_CASES) if (c.args.includes('v') || c.args.includes('-vv')) c.v = true;

function runShell(shell: 'bash' | 'dash', c: PrintfCase): { stdout: string; stderr: string; status: number; v?: string } {
  const script = c.v ? 'printf "$@"; s=$?; printf %s "${v-unset}" >&3; exit $s' : 'printf "$@"';
  // --norc: bash reads ~/.bashrc when its standard input is a socket, as Node's pipes are.
  const argv = shell === 'bash' ? ['--norc', '-c', script, 'bash'] : ['-c', script, 'sh'];
  const r = spawnSync(shell, [...argv, ...c.args], { env, encoding: 'latin1', stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  const res = { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
  return c.v ? { ...res, v: String(r.output[3]) } : res;
}

const printfGoldens = PRINTF_CASES.map((c) => ({ ...c, bash: runShell('bash', c), sh: runShell('dash', c) }));
writeFileSync(join(out, 'printf.json'), JSON.stringify({ cases: printfGoldens }, null, 1) + '\n');
