// Dev script: runs the cases below through this machine's bash and GNU tools (in the C locale)
// and stores what they printed beside the cases, as tests/golden/shell/{syntax,expand,coreutils}.json,
// which tests/shell/*.test.ts replay against bpfbox's parser, expander and utilities.
// Run: npx tsx scripts/capture-shell-goldens.ts

import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const out = 'tests/golden/shell';

/** Fixture files for the utilities (null: a directory). */
const FILES: Record<string, string | null> = {
  'a.txt': 'hello world\nfoo\n',
  'b.txt': 'x\n',
  'lines.txt': Array.from({ length: 20 }, (_, i) => `line ${i + 1}\n`).join(''),
  'grep.txt': 'alpha beta\nBeta gamma\ndelta\nfoo(bar)\nfoobar\na+b=c\naab\nx|y\nword wordy sword\ntab\there\nback\\slash\nx$y and a^b\no{2} oo\nThe end.\n',
  'ctx.txt': Array.from({ length: 15 }, (_, i) => ([2, 3, 8, 14].includes(i + 1) ? `${i + 1} m\n` : `${i + 1}\n`)).join(''),
  'noeol.txt': 'first\nsecond',
  'empty.txt': '',
  'nums.txt': '10\n9\n100\n-3\n2.5\nabc\n 7\n-0\n007\n',
  'cols.txt': 'a:b:c\nd:e:f\nno delim\n1:2\n',
  'tabs.txt': 'a\tb\tc\nd\te\n',
  'dup.txt': 'a\na\nb\nB\nb\na\n',
  'table.txt': 'bob 25 x\nalice 3 y\ncarol 25 a\ndave 100 b\n',
  'blank.txt': 'a\n\n\n\nb\n\nc\n',
  'bin.dat': 'abc\0def\nabc\nxyz\n',
  'words.txt': '  one two\tthree\n\nfour  \n',
  'utf8.txt': 'h\u00e9llo w\u00f6rld\n',
  'ctl.txt': 'a\x01b\x7fc\td\u00e9\n',
  'pats.txt': 'foo\n\\(l\\)\\1\n',
  dir: null,
};

/** Sources for `bash -c` that fail to parse (or warn while parsing): the parser must print the same. */
const SYNTAX: string[] = [
  'echo a;;', ';', 'echo a; ; b', 'echo a &;', 'echo a & ;', '&', 'a & & b', '|', 'echo a | | b', 'a && || b', '&& echo',
  'echo a && ; b', 'a &&& b', 'a ||| b', 'echo a )', ')', '()', '( )', '(\n)', '{ }', '{ ; }', '}', 'echo a; }', '{echo a;}',
  'echo a (b)', '( echo a ) b', '{ echo a; } b', 'echo a >', 'echo a > ', 'echo a >;', 'echo a <', 'echo a 2>&', 'echo > >',
  'echo &>', 'echo a <<<', 'cat <<', 'x=1 >', 'echo > 2>x', 'echo a | ! echo b', '! &', '! |', '! && echo b', 'time &',
  'then', 'fi', 'done', 'in', 'esac', 'else',
  'echo a |', 'echo a &&', 'echo a ||', 'echo a && ', 'echo a |\n', 'echo a |\n\n', '( echo a', '{ echo a', '{ echo a }', '(echo a; (echo b)',
  'echo "abc', "echo 'abc", 'echo "abc\ndef', 'echo a \\\nb "x\ny', 'echo a; echo "x', "echo 'a\nb' ;;", 'echo \\\n${a\nb',
  'echo ${', 'echo ${a', 'echo "${a"', 'echo ${a:-x', 'echo a `', 'echo "`"', 'echo `a\nb', 'echo $(', 'echo $(a\nb', 'echo "a$(b"',
  'echo $((1+2', 'echo a;; \\\nb', 'echo a \\\n;; b', '\t;', '  ;;\n', 'echo a;;\nb', 'echo a\n;', 'echo a \n && echo b',
  'echo a\necho b |', 'echo a\necho "x\ny', 'echo a # c ;;\n;', 'echo "a" \'b\' ;&', 'echo a ;;& b',
  'cat <<EOF', 'cat <<EOF\na\nb', 'cat <<EOF\na\n', 'cat <<-E\n\tx', 'cat <<A; cat <<B\n1\nA\n2',
];

interface ExpandCase {
  /** Shell code run first: assignments (or `set -f +B`, which the tests take as read). */
  setup?: string;
  words: string;
  positional?: string[];
  status?: number;
}

/** The prologue every expansion case runs in; `argv` prints its arguments NUL-separated after their count. */
const PROLOGUE = "argv() { printf '%s' \"$#\"; for x; do printf '\\0%s' \"$x\"; done; }; HOME=/home/u; a='x  y'; e=; s='  lead and  trail '; c='a:b::c:'";
const POSITIONAL = ['one', 'two words', ''];

const EXPAND: ExpandCase[] = [
  { words: 'plain words  here' },
  { words: "'single  quoted' \"double  quoted\" mixed'a  b'\"c  d\"e" },
  { words: '$a "$a" ${a} "${a}" x${a}y "x${a}y"' },
  { words: '$e "$e" $e$e a$e "" \'\' $e""' },
  { words: '$s "$s" x$s' },
  { words: '$c "$c"' },
  { setup: 'IFS=:', words: '$c "$c" $a' },
  { setup: "IFS=': '; v=' :a : b: '", words: '$v' },
  { setup: 'IFS=', words: '$a $s $e' },
  { setup: "IFS=', '; v='a, b,, c ,d'", words: '$v' },
  { words: '$1 "$2" $3 "$3" ${2} $10 ${10} $# $0' },
  { words: '$@' },
  { words: '"$@"' },
  { words: '"x$@y"' },
  { words: '$*' },
  { words: '"$*"' },
  { setup: 'IFS=:', words: '"$*" $*' },
  { setup: 'IFS=', words: '"$*"' },
  { words: '"$@" "$*" $@', positional: [] },
  { words: '"$@""" ""$@ "$@"$@ x"$@"', positional: [] },
  { setup: 'IFS=', words: '${u:-x y}$*\\"$*""' },
  { words: '~: ~:/x ~/x:y' },
  { words: '$? "$?"', status: 7 },
  { words: '$-' },
  { words: '$ "$" $/ a$ "a$" $% \\$a "\\$a" \'$a\'' },
  { words: '\\a\\ b "\\a" "\\"" "\\\\" "\\`" \'\\\\\' "a\\\nb" a\\\nb' },
  { words: '~ ~/x a~ "~" \\~ ~"/x" ~root ~root/x ~nosuchuser9 ~+x x=~ x=~/a:~/b --opt=~ a=b=~ x=a:~ :~' },
  { setup: 'y=~/a:~/b; z="~"', words: '"$y" "$z"' },
  { words: '${u:-default} "${u:-a  b}" ${u:-a  b} ${a:-unused} ${e:-empty} ${e-notused} x${e:-}y "${e:-}"' },
  { words: '${u:+set} "${u:+set}" ${a:+set} ${a:+"x  y"} ${e:+set} ${e+set}' },
  { words: '${u:=assigned} $u ${e:=filled} $e' },
  { words: '"${u:-\'x\'}" ${u:-\'x\'} "${u:-"x y"}" ${u:-\\}} "${u:-\\}}" "${u:-\\x}" ${u:-\\x} ${u:-$a} "${u:-$a}"' },
  { words: '${u:-~} ${u:-~/x} "${u:-~}"' },
  { words: '${#a} ${#e} ${#u} ${#} ${##} ${#@} ${#1}' },
  { words: "$'a\\tb' $'\\x41\\101\\e[0m' $'it\\'s' $'\\cA' \"$'no'\" $\"dq\"" },
  { words: 'a#b #comment' },
  // bpfbox sh has neither brace nor pathname expansion: bash without them (set -f +B).
  { setup: 'set -f +B', words: '{a,b} * ? [x] ~/*' },
  { setup: 'x=1 y=2', words: '$x$y "$x$y"' },
  { setup: 'p=/usr; p+=/bin', words: '$p' },
  { words: '${}' },
  { words: '${a b}' },
  { words: 'x ${ a}' },
  { words: '${u?}' },
  { words: '${u:?custom message}' },
  { words: '${e:?}' },
  { words: '${1:=x}' },
];

interface UtilCase {
  argv: string[];
  stdin?: string;
  /** Standard input is this fixture file (a regular file: wc sizes its columns from it). */
  stdinFile?: string;
  environ?: string[];
}

const ENVIRON = ['HOME=/home/u', 'PATH=/usr/bin:/bin', 'FOO=bar baz', 'LC_ALL=C'];
const text = 'the quick brown fox\njumps over\nthe lazy dog\n';

const UTILS: UtilCase[] = [
  // echo (bash's builtin)
  ...[
    ['a', 'b'], [], ['-n', 'a'], ['-e', 'a\\tb\\n'], ['-E', 'a\\tb'], ['-ne', 'x\\cy', 'z'], ['-n', '-e', 'a\\x41\\0101\\101'],
    ['-nx', 'a'], ['--', 'a'], ['-e', '\\e[1m\\a\\v\\f\\r\\b\\\\ \\q'], ['a\\tb'], ['-e', '\\x', '\\xg', '\\0', '\\08', '\\x4a1'],
    ['-', '-n'], ['-e', '-n', 'a'], ['a', '-n'], ['-eE', 'a\\nb'], ['-Ee', 'a\\nb'], ['-e', '\\c'], ['-e', 'a\\'], ['-e', '\\u0041\\U00000042'],
  ].map((args) => ({ argv: ['echo', ...args] })),
  // true, false
  { argv: ['true'] }, { argv: ['false'] }, { argv: ['true', 'x', '-n'] }, { argv: ['false', 'x'] },
  // cat
  { argv: ['cat', 'a.txt', 'b.txt'] }, { argv: ['cat'], stdin: text }, { argv: ['cat', '-', 'a.txt'], stdin: 'in\n' },
  { argv: ['cat', '-n', 'a.txt', 'noeol.txt', 'b.txt'] }, { argv: ['cat', 'nofile'] }, { argv: ['cat', 'dir'] },
  { argv: ['cat', 'a.txt', 'nofile', 'b.txt'] }, { argv: ['cat', '-b', 'blank.txt'] }, { argv: ['cat', '-s', 'blank.txt'] },
  { argv: ['cat', '-sn', 'blank.txt'] }, { argv: ['cat', '-E', 'noeol.txt'] }, { argv: ['cat', '-T', 'tabs.txt'] }, { argv: ['cat', '-x'] },
  { argv: ['cat', 'a b', "it's", '#x', '-'] }, { argv: ['cat', '-v', 'ctl.txt'] }, { argv: ['cat', '-A', 'ctl.txt', 'noeol.txt'] },
  { argv: ['cat', '-e', 'tabs.txt'] }, { argv: ['cat', '-t', 'ctl.txt'] }, { argv: ['cat', '-bn', 'blank.txt'] }, { argv: ['cat', "x\ty"] }, { argv: ['cat', 'a.txt/x'] }, { argv: ['cat', '--number', 'b.txt'] }, { argv: ['cat', '--foo'] },
  // head
  { argv: ['head', 'lines.txt'] }, { argv: ['head', '-n', '3', 'lines.txt'] }, { argv: ['head', '-3', 'lines.txt'] },
  { argv: ['head', '-n', '-18', 'lines.txt'] }, { argv: ['head', '-c', '5', 'a.txt'] }, { argv: ['head', '-c', '-3', 'a.txt'] },
  { argv: ['head', '-n', '2', 'a.txt', 'b.txt'] }, { argv: ['head', '-q', 'a.txt', 'b.txt'] }, { argv: ['head', '-v', 'a.txt'] },
  { argv: ['head', '-n', 'x', 'a.txt'] }, { argv: ['head', '-c', 'x'] }, { argv: ['head', 'nofile'] }, { argv: ['head', 'dir'] },
  { argv: ['head', 'a.txt', 'nofile', 'b.txt'] }, { argv: ['head', '-n', '1'], stdin: text }, { argv: ['head', '-n', '1', '-', 'a.txt'], stdin: text },
  { argv: ['head', '-n', '0', 'a.txt'] }, { argv: ['head', '-c', '1k', 'lines.txt'] }, { argv: ['head', '-n', '2', 'noeol.txt'] },
  { argv: ['head', '-n', '-1', 'noeol.txt'] }, { argv: ['head', '-x'] }, { argv: ['head', '-n'] }, { argv: ['head', '--lines=2', 'a.txt'] },
  { argv: ['head', '--li', '1', 'a.txt'] }, { argv: ['head', '-2c', 'a.txt'] }, { argv: ['head', '-n', '1b', 'lines.txt'] },
  { argv: ['head', '-n', '-0', 'b.txt'] }, { argv: ['head', '-c', '2', 'utf8.txt'] }, { argv: ['head', '-c', '0', 'a.txt'] },
  { argv: ['head', '-n', '2kB', 'lines.txt'] }, { argv: ['head', '-n', '1x', 'a.txt'] }, { argv: ['head', '-n', '', 'a.txt'] }, { argv: ['head', '--bytes=3', 'a.txt'] }, { argv: ['head', 'a.txt', 'empty.txt'] }, { argv: ['head', '-n', '+2', 'a.txt'] },
  // tail
  { argv: ['tail', 'lines.txt'] }, { argv: ['tail', '-n', '3', 'lines.txt'] }, { argv: ['tail', '-3', 'lines.txt'] },
  { argv: ['tail', '-n', '+18', 'lines.txt'] }, { argv: ['tail', '+18', 'lines.txt'] }, { argv: ['tail', '-c', '4', 'a.txt'] },
  { argv: ['tail', '-c', '+3', 'a.txt'] }, { argv: ['tail', '-n', '1', 'noeol.txt'] }, { argv: ['tail', '-n', '2', 'a.txt', 'b.txt'] },
  { argv: ['tail', '-n', 'x', 'a.txt'] }, { argv: ['tail', 'nofile'] }, { argv: ['tail', 'dir'] }, { argv: ['tail', '-n', '1'], stdin: text },
  { argv: ['tail', '-n', '0', 'a.txt'] }, { argv: ['tail', '-n', '+0', 'a.txt'] }, { argv: ['tail', '-c', '-2', 'a.txt'] },
  { argv: ['tail', '-q', '-n', '1', 'a.txt', 'b.txt'] }, { argv: ['tail', '-3c', 'a.txt'] }, { argv: ['tail', '-n', '2', 'empty.txt'] },
  { argv: ['tail', 'a.txt', 'nofile'] }, { argv: ['tail', '-n', '+1', 'noeol.txt'] }, { argv: ['tail', '-c', '3', 'utf8.txt'] }, { argv: ['tail', '-v', 'b.txt'] },
  { argv: ['tail', '-n', '-2', 'lines.txt'] }, { argv: ['tail', '-x'] }, { argv: ['tail', '-n', '0', 'a.txt', 'nofile'] }, { argv: ['tail', '-c', '+0', 'b.txt', 'a.txt'] }, { argv: ['tail', '-c', 'x'] }, { argv: ['tail', '--lines=+2', 'a.txt'] },
  // wc
  { argv: ['wc', 'a.txt'] }, { argv: ['wc', '-l', 'a.txt'] }, { argv: ['wc', 'a.txt', 'b.txt'] }, { argv: ['wc', '-l', 'a.txt', 'b.txt'] },
  { argv: ['wc', '-l'], stdin: text }, { argv: ['wc'], stdin: text }, { argv: ['wc', '-c'], stdin: text }, { argv: ['wc'], stdin: '' },
  { argv: ['wc', '-w', 'grep.txt', 'dir'] }, { argv: ['wc', 'dir'] }, { argv: ['wc', 'nofile'] }, { argv: ['wc', 'a.txt', 'nofile'] },
  { argv: ['wc', 'nofile', 'a.txt'] }, { argv: ['wc', '-lwc', 'lines.txt'] }, { argv: ['wc', '-lc', 'a.txt'] }, { argv: ['wc', 'noeol.txt'] },
  { argv: ['wc', 'empty.txt'] }, { argv: ['wc'], stdinFile: 'a.txt' }, { argv: ['wc', '-l'], stdinFile: 'lines.txt' },
  { argv: ['wc', '-l', '-', 'a.txt'], stdin: text }, { argv: ['wc', 'words.txt'] }, { argv: ['wc', '-w'], stdin: ' a b  c ' },
  { argv: ['wc', 'lines.txt', 'grep.txt', 'a.txt'] }, { argv: ['wc', '-x'] }, { argv: ['wc', 'utf8.txt'] }, { argv: ['wc', '-c', 'utf8.txt', 'ctl.txt'] },
  { argv: ['wc', '--lines', 'a.txt'] }, { argv: ['wc', '-', 'a.txt'], stdinFile: 'lines.txt' }, { argv: ['wc', '-w', 'nofile'] },
  // grep
  ...[
    ['foo', 'a.txt'], ['nomatch', 'a.txt'], ['-c', 'o', 'a.txt', 'b.txt'], ['-v', 'o', 'a.txt'], ['-i', 'beta', 'grep.txt'],
    ['-n', 'a', 'grep.txt'], ['-w', 'word', 'grep.txt'], ['-wo', 'word', 'grep.txt'], ['-ow', 'wor[a-z]*', 'grep.txt'], ['-x', 'delta', 'grep.txt'],
    ['a+b', 'grep.txt'], ['-E', 'a+b', 'grep.txt'], ['a\\+b', 'grep.txt'], ['foo(bar)', 'grep.txt'], ['-E', 'foo\\(bar\\)', 'grep.txt'],
    ['-E', 'foo(bar)', 'grep.txt'], ['x|y', 'grep.txt'], ['alpha\\|delta', 'grep.txt'], ['-E', 'alpha|delta', 'grep.txt'],
    ['-F', 'a+b', 'grep.txt'], ['-F', '.', 'a.txt'], ['-F', '-x', 'foo', 'a.txt'], ['-o', 'o', 'a.txt'], ['-on', '[a-z]*', 'a.txt'],
    ['-oE', 'al|alp', 'grep.txt'], ['-oE', 'a|ab|aab', 'grep.txt'], ['-o', 'b*', 'grep.txt'], ['-q', 'foo', 'a.txt'], ['-q', 'zzz', 'a.txt'],
    ['foo', 'nofile'], ['foo', 'a.txt', 'nofile'], ['-q', 'foo', 'nofile', 'a.txt'], ['-s', 'foo', 'nofile'], ['x', 'dir'], ['x', 'dir', 'b.txt'],
    ['-A', '1', 'm', 'ctx.txt'], ['-B', '2', 'm', 'ctx.txt'], ['-C', '1', 'm', 'ctx.txt'], ['-2', 'm', 'ctx.txt'], ['-n', '-C', '1', 'm', 'ctx.txt'],
    ['-c', '-A', '1', 'm', 'ctx.txt'], ['-A', '1', 'm', 'ctx.txt', 'ctx.txt'], ['-m', '1', '-A', '2', 'm', 'ctx.txt'], ['-v', '-C', '1', '[0-9]', 'ctx.txt'],
    ['-A', '0', 'm', 'ctx.txt'], ['-A', '3', '-B', '1', '8', 'ctx.txt'], ['-m', '2', 'm', 'ctx.txt'], ['-m', '2', '-c', 'm', 'ctx.txt'],
    ['-h', 'o', 'a.txt', 'b.txt'], ['-H', 'foo', 'a.txt'], ['-l', 'o', 'a.txt', 'b.txt', 'grep.txt'], ['-L', 'o', 'a.txt', 'b.txt'],
    ['-e', 'foo', '-e', 'x', 'a.txt', 'b.txt'], ['foo\nx', 'a.txt', 'b.txt'], ['', 'a.txt'], ['-c', '', 'empty.txt'],
    ['abc', 'bin.dat'], ['-c', 'abc', 'bin.dat'], ['-a', 'abc', 'bin.dat'], ['zzz', 'bin.dat'], ['-o', 'abc', 'bin.dat'],
    ['sec', 'noeol.txt'], ['-i', '-o', 'BETA', 'grep.txt'], ['-5', 'm', 'ctx.txt'],
    [], ['--foo', 'x'], ['-A'], ['-A', 'x', 'a', 'a.txt'], ['-Y', 'a'],
    ['\\(', 'a.txt'], ['-E', '(', 'a.txt'], ['-E', ')', 'grep.txt'], ['[', 'a.txt'], ['a\\{1', 'a.txt'], ['-E', 'a{1', 'grep.txt'], ['-E', 'o{2', 'grep.txt'],
    ['[[:foo:]]', 'a.txt'], ['[:alpha:]', 'a.txt'], ['a\\{2,1\\}', 'a.txt'], ['\\1', 'a.txt'], ['-E', '*a', 'grep.txt'], ['*a', 'grep.txt'],
    ['\\d', 'a.txt'], ['-E', 'a**', 'grep.txt'], ['-E', '+', 'grep.txt'], ['-E', 'a|*b', 'grep.txt'], ['\\(*a\\)', 'grep.txt'], ['x\\|*', 'grep.txt'],
    ['[]x]', 'grep.txt'], ['[^a-z ]', 'grep.txt'], ['[[:digit:]]', 'nums.txt'], ['[[:upper:]]', 'grep.txt'], ['[\\]', 'grep.txt'], ['[a\\]]', 'grep.txt'],
    ['^d', 'grep.txt'], ['a$', 'grep.txt'], ['a^b', 'grep.txt'], ['-E', 'a^b', 'grep.txt'], ['x$y', 'grep.txt'], ['-E', 'x$y', 'grep.txt'], ['-E', 'x\\$y', 'grep.txt'],
    ['\\(o\\)\\1', 'a.txt'], ['-E', '(o)\\1', 'a.txt'], ['o\\{2\\}', 'grep.txt'], ['-E', 'o{2}', 'grep.txt'], ['o{2}', 'grep.txt'], ['-o', 'o\\{1,\\}', 'grep.txt'],
    ['\\<word\\>', 'grep.txt'], ['\\bsword', 'grep.txt'], ['-o', '\\w\\+', 'a.txt'], ['-o', '\\W', 'grep.txt'], ['-c', '\\s', 'grep.txt'], ['\\.$', 'grep.txt'],
    ['-E', '^(a|b)+$', 'grep.txt'], ['-E', '[[:alpha:]]{5}', 'grep.txt'], ['-i', '[A-C]eta', 'grep.txt'], ['a.b', 'grep.txt'], ['-E', '^$|delta', 'grep.txt'],
    ['-E', 'a{,2}b', 'grep.txt'], ['-w', 'o', 'grep.txt'], ['-x', '-E', 'a+b|delta', 'grep.txt'], ['-ci', 'THE', 'grep.txt'], ['-n', 'foo', '-', 'a.txt'],
    ['-n', '-m1', '-A2', 'm', 'ctx.txt'], ['-o', '-C1', 'm', 'ctx.txt'], ['-on', '-A1', 'm', 'ctx.txt'], ['-hc', 'o', 'a.txt', 'b.txt'], ['-l', 'foo'],
    ['-L', 'o', 'a.txt'], ['-f', 'pats.txt', 'a.txt'], ['-f', 'nofile', 'a.txt'], ['-f', 'empty.txt', 'a.txt'], ['-e', '', '-c', 'a.txt'],
    ['--color=auto', 'foo', 'a.txt'], ['--colour', 'foo', 'a.txt'], ['-xF', 'foo', 'a.txt'], ['-wF', 'wor', 'grep.txt'], ['-ov', 'o', 'a.txt', 'b.txt'],
    ['-m', 'x', 'a', 'a.txt'], ['-vc', 'o', 'a.txt', 'b.txt'], ['-on', '-e', 'l', '-e', 'll', 'a.txt'], ['-e', '\\(o\\)\\1', '-e', '\\(l\\)\\1', 'a.txt'],
    ['[^', 'a.txt'], ['a[', 'a.txt'], ['[[.ab.]]', 'a.txt'], ['a\\{1,70000\\}', 'a.txt'], ['-E', '{1}a', 'grep.txt'], ['-E', '?a', 'b.txt'],
    ['-E', 'o{1}{2}', 'grep.txt'], ['\\{1\\}', 'grep.txt'], ['^*a', 'grep.txt'], ['--group-separator=XX', '-A0', 'm', 'ctx.txt'],
    ['--no-group-separator', '-A0', 'm', 'ctx.txt'], ['-c', '-A', '1', 'm', 'ctx.txt', 'a.txt'], ['-H', 'foo'], ['-x', '', 'blank.txt', '-c'],
    ['-o', '[[:punct:]]', 'grep.txt'], ['-c', '^', 'noeol.txt'],
    ['-w', 'a.b', 'grep.txt'], ['-ow', 'b\\|beta', 'grep.txt'], ['-E', '-o', 'x|x\\|y', 'grep.txt'], ['--', '-v', 'a.txt'], ['-e'],
    ['-cE', '??', 'grep.txt'], ['-cE', '^+', 'grep.txt'], ['-cE', 'a$*', 'grep.txt'], ['-cE', '{,}', 'grep.txt'], ['-E', 'a{}', 'grep.txt'],
    ['-cE', 'a{,}', 'grep.txt'], ['-cE', '\\<*', 'grep.txt'], ['-e', '-3', 'nums.txt'], ['-E', '{1', 'grep.txt'], ['-cE', 'a|{', 'grep.txt'],
    ['-E', 'x{2}{1', 'grep.txt'], ['-c', '-3', 'm', 'ctx.txt'], ['-n1', '8', 'ctx.txt'], ['-12', '15', 'ctx.txt'], ['-c', '^^', 'grep.txt'],
    ['-E', 'a{2,1}', 'grep.txt'], ['\\(a\\|^b\\)', 'grep.txt'], ['-E', '(^|x)y', 'grep.txt'],
  ].map((args) => ({ argv: ['grep', ...args], stdin: 'from stdin foo\nbar\n' })),
  // seq
  ...[
    ['3'], ['2', '5'], ['1', '2', '9'], ['5', '-2', '0'], ['0', '0.1', '0.5'], ['1', '0.5', '3'], ['-s', ',', '3'], ['-w', '8', '11'],
    ['-w', '-1', '1'], ['0'], ['5', '1'], ['x'], [], ['1', '2', '3', '4'], ['1', '0', '3'], ['-3', '-1'], ['1.5', '3'], ['1e2', '102'],
    ['10', '-3', '1'], ['0.1', '0.1', '0.3'], ['-s', '', '3'], ['-w', '0.5', '1.5', '3'], ['1', '-0.5', '-1'], ['2', '1.50', '5'],
    ['9007199254740993', '9007199254740995'], ['-w', '007', '010'], ['1', '.5', '2'], ['-w', '1', '2.5'], ['-s', ':', '-w', '9', '10'], ['1', '1'],
    ['-w', '-10', '3', '-4'], ['-x'], ['--', '2'], ['1e-1', '0.1', '0.3'], ['-s'], ['-ws,', '9', '10'], ['--separator=:', '3'], ['-s', '-1', '3'],
    ['--equal', '-5', '5'],
  ].map((args) => ({ argv: ['seq', ...args] })),
  // sort
  ...[
    ['dup.txt'], ['-r', 'dup.txt'], ['-n', 'nums.txt'], ['-rn', 'nums.txt'], ['-u', 'dup.txt'], ['-f', 'dup.txt'], ['-fu', 'dup.txt'],
    ['-t', ':', '-k', '2', 'cols.txt'], ['-k', '2', 'table.txt'], ['-k', '2n', 'table.txt'], ['-k2,2nr', '-k1,1', 'table.txt'],
    ['-n', '-k', '2', 'table.txt'], ['-k', '3', 'table.txt'], ['-k', '1.2', 'table.txt'], ['nofile'], ['a.txt', 'b.txt', 'dup.txt'],
    ['-k', 'x', 'a.txt'], ['-k', '0', 'a.txt'], ['noeol.txt', 'b.txt'], ['-t', '::', 'a.txt'], ['-n', 'table.txt'], ['-nu', 'nums.txt'],
    ['dir'], ['-b', 'words.txt'], ['words.txt'], ['-k', '1.2,1.3', 'table.txt'], ['-s', '-k2,2n', 'table.txt'], ['-u', '-k2,2n', 'table.txt'],
    ['-t', ' ', '-k', '2,2', 'table.txt'], ['-x'], ['-k', '2x', 'a.txt'], ['-k', '1.0', 'a.txt'], ['-k', '1,0', 'a.txt'], ['-n', 'noeol.txt', 'nums.txt'],
    ['-t', '', 'a.txt'], ['-rk', '3', 'table.txt'], ['-k', '2b', 'words.txt'], ['-f', 'grep.txt'], ['-t', ' ', '-t:', 'a.txt'], ['-t:', '-t:', '-k2', 'cols.txt'],
  ].map((args) => ({ argv: ['sort', ...args] })),
  { argv: ['sort'], stdin: text }, { argv: ['sort', '-r'], stdin: 'b\na\nc' },
  // uniq
  ...[['dup.txt'], ['-c', 'dup.txt'], ['-d', 'dup.txt'], ['-u', 'dup.txt'], ['-i', 'dup.txt'], ['-ci', 'dup.txt'], ['nofile'], ['dir'], ['noeol.txt'],
    ['-dc', 'dup.txt'], ['-du', 'dup.txt'], ['-x'], ['blank.txt']]
    .map((args) => ({ argv: ['uniq', ...args] })),
  { argv: ['uniq', '-c'], stdin: 'x\nx\ny\n' }, { argv: ['uniq', 'a', 'b', 'c'] },
  // tr
  ...[
    ['a-z', 'A-Z'], ['-d', 'aeiou'], ['-s', ' '], ['[:lower:]', '[:upper:]'], ['abc', 'x'], ['-d', '\\n'], ['\\n', ' '], ['-c', 'a-z\\n', '_'],
    ['-cd', 'a-z'], [], ['a'], ['-d', 'a', 'b'], ['z-a', 'x'], ['-s', 'a-z'], ['a-c', 'xyz-'], ['[:digit:]', 'x'], ['ab', '[:upper:]'],
    ['-s', 'o', '0'], ['-ds', 'e', 'o'], ['[:space:]', '.'], ['\\101-\\103', 'x'], ['a-', 'xy'],
    ['-d', '[:digit:]'], ['a\\-z', 'x'], ['[:upper:]', '[:lower:]'], ['-c', '[:alnum:]', '\\n'], ['-s', '\\n '], ['-t', 'abc', 'x'], ['a', 'b', 'c'],
    ['-ds', 'e'], ['ab', ''], ['[:alpha:]', '[:digit:]'], ['a-z', '[:upper:]'], ['[=a=]', 'x'], ['-x'], ['-c', '[:lower:]', 'A-Z'],
    ['-cs', 'a-c', '[:upper:]'], ['-c', '[:lower:]', '_'], ['a', '[=b=]'], ['abc', 'x[:upper:]'], ['-t', 'abc', '[:upper:]'],
  ].map((args) => ({ argv: ['tr', ...args], stdin: 'Hello  world, ABC abc 123\nfoo  boo\n' })),
  // cut
  ...[
    ['-d', ':', '-f', '2', 'cols.txt'], ['-d:', '-f1,3', 'cols.txt'], ['-d', ':', '-f', '2-', 'cols.txt'], ['-d', ':', '-f', '-2', 'cols.txt'],
    ['-s', '-d:', '-f2', 'cols.txt'], ['-c', '1-3', 'a.txt'], ['-c2', 'a.txt'], ['-b', '1,3', 'a.txt'], ['-f', '2', 'tabs.txt'], ['a.txt'],
    ['-d', '::', '-f1', 'a.txt'], ['-f', '0', 'a.txt'], ['-f', 'x', 'a.txt'], ['-f', '3-1', 'a.txt'], ['-d:', '-f1,3', '--output-delimiter=,', 'cols.txt'],
    ['-d:', '-f', '1', 'nofile'], ['--complement', '-d:', '-f2', 'cols.txt'], ['-c', '3-', 'noeol.txt'], ['-f1', '-c1', 'a.txt'], ['-d:', 'a.txt'],
    ['-d:', '-f', '1,1,2', 'cols.txt'], ['-d', ' ', '-f', '2', 'table.txt'], ['-c', '-2,4-', 'lines.txt'], ['-d:', '-f', '5', 'cols.txt'],
    ['-c', 'x', 'a.txt'], ['-c', '0', 'a.txt'], ['-d:', '-c1', 'a.txt'], ['-s', '-c1', 'a.txt'], ['-f1', 'dir'], ['-f', '-', 'a.txt'], ['-f', '', 'a.txt'],
    ['-c', '1-2,5', '--output-delimiter=|', 'a.txt'], ['-f', '1 2', 'tabs.txt'], ['-b', '2-3', 'utf8.txt'], ['-c', '3-1', 'a.txt'], ['-x'],
  ].map((args) => ({ argv: ['cut', ...args] })),
  { argv: ['cut', '-d:', '-f2'], stdin: 'k:v\nk2:v2:x\n' },
  // basename, dirname
  ...[
    ['/usr/lib/libc.so'], ['/usr/lib/'], ['/'], ['file.txt', '.txt'], ['.txt', '.txt'], ['-a', 'a/b', 'c/d'], ['-s', '.c', 'a.c', 'b.c'], [],
    ['a', 'b', 'c'], ['//'], [''], ['a/b.tar.gz', '.gz'], ['-z', 'x/y'], ['-a'], ['--suffix=.c', 'x.c'], ['-x'], ['a/b/', 'b'], ['///a///'],
  ].map((args) => ({ argv: ['basename', ...args] })),
  ...[['/usr/lib'], ['a'], ['/'], ['a/b/', '//x'], [], ['//'], ['/a//b//'], ['.'], ['..'], ['a/'], ['-z', 'a/b'], ['-x'], ['///'], ['a//b']].map((args) => ({ argv: ['dirname', ...args] })),
  // env, printenv
  ...[
    [], ['-i', 'A=1'], ['-u', 'FOO'], ['X=1', 'printenv', 'X'], ['nosuch'], ['-i'], ['-i', 'PATH=/usr/bin:/bin', 'printenv'], ['A=1', 'B=2'],
    ['FOO=new'], ['-u', 'NOPE', 'A=1'], ['--', 'printenv', 'HOME'], ['-x'], ['-u'], ['-0', '-i', 'A=1', 'B=2'], ['-', 'A=1'], ['A=1', 'printenv', '-x'],
    ['-i', 'PATH=/usr/bin:/bin', 'env', '-u', 'PATH', 'X=y'],
  ].map((args) => ({ argv: ['env', ...args], environ: ENVIRON })),
  ...[[], ['HOME', 'FOO'], ['NOPE'], ['HOME', 'NOPE'], ['-x'], ['-0', 'HOME'], ['FOO=bar baz']].map((args) => ({ argv: ['printenv', ...args], environ: ENVIRON })),
];

interface Run {
  stdout: string;
  stderr: string;
  status: number;
}

function run(cmd: string, args: string[], opts: { cwd?: string; stdin?: string; stdinFile?: string; env?: Record<string, string> }): Run {
  // bash reads ~/.bashrc when its standard input is a socket (it takes it for sshd's), and Node's
  // 'pipe' is one: give bash a file, or nothing, instead.
  const fd = opts.stdinFile !== undefined ? openSync(opts.stdinFile, 'r') : undefined;
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd, env: opts.env ?? { LC_ALL: 'C', PATH: '/usr/bin:/bin' }, encoding: 'utf8',
    input: opts.stdin, stdio: [fd ?? (opts.stdin === undefined ? 'ignore' : 'pipe'), 'pipe', 'pipe'],
  });
  if (fd !== undefined) closeSync(fd);
  // A tool that exits without reading its input leaves the rest unwritten: no matter.
  if (r.error && (r.error as NodeJS.ErrnoException).code !== 'EPIPE') throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}

function envObject(environ: string[]): Record<string, string> {
  return Object.fromEntries(environ.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

mkdirSync(out, { recursive: true });
const bash = run('bash', ['--version'], {}).stdout.split('\n')[0];

const syntax = SYNTAX.map((src) => {
  const r = run('bash', ['-c', src], {});
  return { src, stderr: r.stderr, status: r.status };
});
writeFileSync(join(out, 'syntax.json'), JSON.stringify({ captured: bash, cases: syntax }, null, 1) + '\n');

const expand = EXPAND.map((c) => {
  const positional = c.positional ?? POSITIONAL;
  const script = [PROLOGUE, c.setup, `(exit ${c.status ?? 0})`, `argv ${c.words}`].filter((s) => s !== undefined).join('; ');
  const r = run('bash', ['-c', script, 'bash', ...positional], { env: { LC_ALL: 'C', PATH: '/usr/bin:/bin' } });
  const result = r.status === 0 && r.stderr === '' ? { argv: r.stdout.split('\0').slice(1) } : { stderr: r.stderr, status: r.status };
  return { ...c, positional, status: c.status ?? 0, ...result };
});
writeFileSync(join(out, 'expand.json'), JSON.stringify({ captured: bash, prologue: PROLOGUE, cases: expand }, null, 1) + '\n');

const dir = mkdtempSync(join(tmpdir(), 'bpfbox-shell-'));
for (const [name, content] of Object.entries(FILES)) {
  if (content === null) mkdirSync(join(dir, name));
  else writeFileSync(join(dir, name), content);
}
const utils = UTILS.map((c) => {
  const env = c.environ ? envObject(c.environ) : { LC_ALL: 'C', PATH: '/usr/bin:/bin' };
  const r = c.argv[0] === 'echo'
    ? run('bash', ['-c', 'echo "$@"', 'bash', ...c.argv.slice(1)], { cwd: dir, env })
    : run(c.argv[0]!, c.argv.slice(1), c.stdinFile !== undefined ? { cwd: dir, env, stdinFile: join(dir, c.stdinFile) } : { cwd: dir, env, stdin: c.stdin ?? '' });
  return { ...c, ...r };
});
rmSync(dir, { recursive: true });
const version = (tool: string): string => run(tool, ['--version'], {}).stdout.split('\n')[0]!;
writeFileSync(join(out, 'coreutils.json'), JSON.stringify({ captured: [bash, version('cat'), version('grep')], files: FILES, cases: utils }, null, 1) + '\n');
console.log(`${syntax.length} syntax, ${expand.length} expansion and ${utils.length} utility cases captured in ${out}`);
