// Dev script: captures what this machine's procps (ps, free), util-linux (dmesg) and coreutils
// (uname, id, whoami) print, with the files they read, as tests/userland/golden/*.json; the
// tests replay the same files through bpfbox's tools. ps and free run in a mount namespace with
// a copy of /proc bound over /proc, so their input is exactly the files stored beside the cases.
// ps and free are procps-ng 3.3.15's, as Ubuntu 19.04 ships them, built from the v3.3.15 tag
// (./autogen.sh && ./configure --disable-nls && make) in $PROCPS, with bin/ps and bin/free
// linked to ps/.libs/pscommand and .libs/free; dmesg, uname, id and whoami are the machine's.
// Run as root: PROCPS=/tmp/procps315 npx tsx tests/userland/capture-goldens.ts

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { machineWithHog } from '../kernel/proc/machine.js';
import { meminfo } from '../../src/kernel/fs/proc/meminfo.js';
import { uptime } from '../../src/kernel/fs/proc/uptime.js';
import { loadavg } from '../../src/kernel/fs/proc/loadavg.js';
import { stat } from '../../src/kernel/fs/proc/stat.js';
import { osrelease, pidMax } from '../../src/kernel/fs/proc/sysctl.js';
import { pidCmdline, pidStat, pidStatus } from '../../src/kernel/fs/proc/pid.js';

const out = 'tests/userland/golden';
const procps = process.env.PROCPS;
if (!procps) throw new Error('set PROCPS to a procps-ng 3.3.15 build');
const env = { PATH: `${procps}/bin:/usr/bin:/bin:/usr/sbin:/sbin`, LD_LIBRARY_PATH: `${procps}/proc/.libs`, LC_ALL: 'C', TZ: 'UTC' };

interface Case {
  argv: string[];
  stdout: string;
  stderr: string;
  status: number;
}

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return null;
  }
};

/** A copy of the /proc files ps and free read, taken at one moment. */
function snapshotProc(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of ['uptime', 'meminfo', 'stat', 'loadavg', 'sys/kernel/pid_max', 'sys/kernel/osrelease', 'cpuinfo']) {
    const t = read(`/proc/${f}`);
    if (t !== null) files[`/proc/${f}`] = t;
  }
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    const stat = read(`/proc/${pid}/stat`);
    const status = read(`/proc/${pid}/status`);
    const cmdline = read(`/proc/${pid}/cmdline`);
    if (stat === null || status === null || cmdline === null) continue;
    Object.assign(files, { [`/proc/${pid}/stat`]: stat, [`/proc/${pid}/status`]: status, [`/proc/${pid}/cmdline`]: cmdline });
  }
  return files;
}

function emulatedProc(): Record<string, string> {
  const { k } = machineWithHog();
  const files: Record<string, string> = {
    '/proc/uptime': uptime(k),
    '/proc/meminfo': meminfo(k),
    '/proc/loadavg': loadavg(k),
    '/proc/sys/kernel/pid_max': pidMax(k),
    '/proc/sys/kernel/osrelease': osrelease(k),
  };
  const bootedAt = Math.floor(Date.now() / 1000) - Math.floor(k.now / 1e9);
  files['/proc/stat'] = stat(k).replace(/^btime \d+$/m, `btime ${bootedAt}`);
  for (const t of k.tasks.values()) {
    files[`/proc/${t.pid}/stat`] = pidStat(k, t);
    files[`/proc/${t.pid}/status`] = pidStatus(k, t);
    files[`/proc/${t.pid}/cmdline`] = pidCmdline(k, t);
  }
  return files;
}

/** Runs argv with FILES bound over /proc, as pid 1 of a pid namespace. */
function runOverProc(files: Record<string, string>, argv: string[]): Case {
  // tmpfs lists a directory newest first: writing the pids in descending order makes the copy
  // list them ascending, as procfs does.
  const dir = mkdtempSync('/dev/shm/fakeproc-');
  const byPidDesc = (p: string): number => -Number(/^\/proc\/(\d+)\//.exec(p)?.[1] ?? -1);
  for (const [path, text] of Object.entries(files).sort((a, b) => byPidDesc(a[0]) - byPidDesc(b[0]))) {
    if (!path.startsWith('/proc/')) continue;
    const p = join(dir, path.slice('/proc/'.length));
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text, 'latin1');
  }
  // In a new pid namespace the tool is pid 1, so the process it finds as itself is the
  // captured pid 1 (no terminal, root), which the tests' /proc/self stands for too.
  symlinkSync('1', join(dir, 'self'));
  const script = `mount --bind ${dir} /proc && exec "$@"`;
  const r = spawnSync('unshare', ['-m', '-p', '--fork', 'sh', '-c', script, 'sh', ...argv], { env, encoding: 'latin1' });
  rmSync(dir, { recursive: true });
  return { argv, stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}

function run(argv: string[]): Case {
  const r = spawnSync(argv[0]!, argv.slice(1), { env, encoding: 'latin1' });
  return { argv, stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}

function save(name: string, files: Record<string, string>, cases: Case[]): void {
  writeFileSync(join(out, name), JSON.stringify({ files, cases }, null, 1) + '\n');
}

mkdirSync(out, { recursive: true });
const etc = { '/etc/passwd': read('/etc/passwd')!, '/etc/group': read('/etc/group')! };

const proc: Record<string, string> = { ...snapshotProc(), ...etc };
const psCases = [['ps'], ['ps', '-e'], ['ps', '-A'], ['ps', '-ef'], ['ps', '-f'], ['ps', 'aux'], ['ps', 'ax'], ['ps', 'x'], ['ps', '-Q'], ['ps', 'Q']].map((a) => runOverProc(proc, a));
save('ps.json', proc, psCases);

const hostMeminfo = { '/proc/meminfo': proc['/proc/meminfo']! };
const freeArgs = [[], ['-h'], ['-m'], ['-k'], ['-g'], ['-b'], ['-w'], ['-t'], ['-ht'], ['--si', '-h'], ['--mega'], ['-wh']];
save('free.json', hostMeminfo, freeArgs.map((a) => runOverProc(hostMeminfo, ['free', ...a])));

// The same tools over the emulated kernel's /proc: a booted machine running a 64 MiB hog. The
// real tools take the time of day from the host, so btime is moved to make the machine have
// booted `uptime` seconds before the capture.
const emu = emulatedProc();
save('ps-emulated.json', { ...emu, ...etc }, [['ps'], ['ps', '-ef'], ['ps', 'aux'], ['ps', 'ax']].map((a) => runOverProc({ ...emu, ...etc }, a)));
const emuMeminfo = { '/proc/meminfo': emu['/proc/meminfo']! };
save('free-emulated.json', emuMeminfo, [[], ['-h'], ['-m'], ['-w'], ['-t']].map((a) => runOverProc(emuMeminfo, ['free', ...a])));

const kmsg = spawnSync('dd', ['if=/dev/kmsg', 'iflag=nonblock', 'bs=8192'], { encoding: 'latin1' }).stdout;
const dmesgArgs = [[], ['-r'], ['-t'], ['-x'], ['-l', 'err,warn'], ['-k'], ['-l', 'foo'], ['-z']];
save('dmesg.json', { '/dev/kmsg': kmsg }, dmesgArgs.map((a) => run(['dmesg', ...a])));

const uts = Object.fromEntries(['ostype', 'hostname', 'osrelease', 'version'].map((f) => [`/proc/sys/kernel/${f}`, read(`/proc/sys/kernel/${f}`)!]));
const utilCases = [
  ['uname'], ['uname', '-s'], ['uname', '-n'], ['uname', '-r'], ['uname', '-v'], ['uname', '-m'], ['uname', '-o'], ['uname', '-snrvm'],
  ['uname', '--kernel-release'], ['uname', '-z'], ['uname', 'foo'],
  ['id'], ['id', '-u'], ['id', '-g'], ['id', '-G'], ['id', '-un'], ['id', '-gn'], ['id', '-Gn'], ['id', 'root'], ['id', 'daemon'], ['id', '-u', 'nobody'],
  ['id', 'nosuch'], ['id', '-n'], ['id', '-ug'],
  ['whoami'], ['whoami', 'foo'],
].map(run);
save('coreutils.json', { ...uts, ...etc }, utilCases);
