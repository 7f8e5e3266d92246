// printf, rm, rmdir, mkdir and touch on the booted machine, through bash and sh as bpftrace's
// system() runs them: the builtin under both shells' names, and the file utilities over the
// kernel's rmdir, unlink, mkdir and open on tmpfs and the read-only root. A directory lists its
// entries oldest first here (the real tmpfs lists them newest first), hence the orders below.

import { describe, expect, it } from 'vitest';
import { bootMachine, runCommands } from '../../src/cli/sh.js';
import type { Kernel } from '../../src/kernel/machine.js';
import { REALLINUX, ROOT, type Login } from '../../src/userland/session.js';

function sh(k: Kernel, commands: string, login: Login = ROOT): { stdout: string; stderr: string; status: number } {
  const out = { stdout: '', stderr: '' };
  const status = runCommands(k, commands, { stdout: (s: string) => void (out.stdout += s), stderr: (s: string) => void (out.stderr += s) } as Parameters<typeof runCommands>[2], login);
  return { ...out, status };
}

describe('printf as a builtin of bash and sh', () => {
  it('formats in bash, and in sh as dash does, with each one\'s complaints', () => {
    const k = bootMachine({});
    const r = sh(k, `printf '%s=%d\\n' a 1 b; printf -v v '%05.1f|%x' 3.14159 255; echo "$v"; printf %d abc; echo " $?"
sh -c 'printf "%s-%b\\n" x "y\\tz"; echo
printf %d 12abc; echo " $?"; printf; echo "usage $?"; printf -v x y'; echo "sh $?"`);
    expect(r.stdout).toBe('a=1\nb=0\n003.1|ff\n0 1\nx-y\tz\n\n12 1\nusage 2\nsh 2\n');
    expect(r.stderr).toBe(
      'bash: printf: abc: invalid number\n' +
        'sh: 2: printf: 12abc: not completely converted\nsh: 2: printf: usage: printf format [arg ...]\nsh: 2: printf: Illegal option -v\n',
    );
  });

  it('writes into pipes and files like any command', () => {
    const k = bootMachine({});
    const r = sh(k, `printf '%s\\n' c a b | sort | tr '\\n' ' '; printf 'x%sy' 1 > /tmp/out; cat /tmp/out; sh -c 'printf "%05d" 42' | wc -c`);
    expect(r).toEqual({ stdout: 'a b c x1y5\n', stderr: '', status: 0 });
  });
});

describe('rm, rmdir, mkdir and touch on the machine', () => {
  it('make and remove a tree on tmpfs', () => {
    const k = bootMachine({});
    const r = sh(k, 'cd /tmp; mkdir -pv a/b/c a/d; touch a/f a/b/g; rm -rv a; ls -A; mkdir x y; rmdir -v x y nope; rmdir -p a/b; echo $?');
    expect(r.stdout).toBe(
      "mkdir: created directory 'a'\nmkdir: created directory 'a/b'\nmkdir: created directory 'a/b/c'\nmkdir: created directory 'a/d'\n" +
        "removed directory 'a/b/c'\nremoved 'a/b/g'\nremoved directory 'a/b'\nremoved directory 'a/d'\nremoved 'a/f'\nremoved directory 'a'\n" +
        "rmdir: removing directory, 'x'\nrmdir: removing directory, 'y'\nrmdir: removing directory, 'nope'\n1\n",
    );
    expect(r.stderr).toBe("rmdir: failed to remove 'nope': No such file or directory\nrmdir: failed to remove 'a/b': No such file or directory\n");
  });

  it('get rmdir(2)\'s errors from the kernel', () => {
    const k = bootMachine({});
    const r = sh(k, 'cd /tmp; mkdir -p d/e; touch f; rmdir d d/e/. d/.. f nope/x /; rmdir d/e/ && ls -A d; rm -d d && ls -A');
    expect(r.stderr).toBe(
      "rmdir: failed to remove 'd': Directory not empty\nrmdir: failed to remove 'd/e/.': Invalid argument\nrmdir: failed to remove 'd/..': Directory not empty\n" +
        "rmdir: failed to remove 'f': Not a directory\nrmdir: failed to remove 'nope/x': No such file or directory\nrmdir: failed to remove '/': Device or resource busy\n",
    );
    expect(r.stdout).toBe('f\n');
  });

  it('keeps a directory\'s link count: one more for each subdirectory, one less when it goes', () => {
    const k = bootMachine({});
    const links = (): number => Number(/^d\S+ +(\d+)/.exec(sh(k, 'ls -ld /tmp').stdout)![1]);
    const before = links();
    sh(k, 'mkdir /tmp/a /tmp/b');
    expect(links()).toBe(before + 2);
    sh(k, 'rmdir /tmp/a; rm -r /tmp/b');
    expect(links()).toBe(before);
  });

  it('are refused where Linux refuses them: the read-only root, procfs, the sticky /tmp, another user\'s directory', () => {
    const k = bootMachine({});
    const root = sh(k, 'rm -r /; rm -rf /tmp/..; rmdir /tmp /proc/1; rm /etc/passwd /proc/1/stat; mkdir /etc/x; touch /etc/passwd /etc/new /tmp/nodir/ /dev/null; mkdir /tmp/rootdir; touch /tmp/rootfile /root/secret');
    expect(root.stderr).toBe(
      "rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n" +
        "rm: refusing to remove '.' or '..' directory: skipping '/tmp/..'\n" +
        "rmdir: failed to remove '/tmp': Read-only file system\nrmdir: failed to remove '/proc/1': Operation not permitted\n" +
        "rm: cannot remove '/etc/passwd': Read-only file system\nrm: cannot remove '/proc/1/stat': Operation not permitted\n" +
        "mkdir: cannot create directory '/etc/x': Read-only file system\n" +
        "touch: cannot touch '/etc/passwd': Read-only file system\ntouch: cannot touch '/etc/new': Read-only file system\n" +
        "touch: setting times of '/tmp/nodir/': No such file or directory\n",
    );
    const user = sh(k, 'rmdir /tmp/rootdir; rm /tmp/rootfile; rm -f /root/secret; mkdir -p /tmp/mine/a && rm -r /tmp/mine && echo mine gone', REALLINUX);
    expect(user.stdout).toBe('mine gone\n');
    expect(user.stderr).toBe(
      "rmdir: failed to remove '/tmp/rootdir': Operation not permitted\nrm: cannot remove '/tmp/rootfile': Operation not permitted\n" +
        "rm: cannot remove '/root/secret': Permission denied\n",
    );
  });
});
