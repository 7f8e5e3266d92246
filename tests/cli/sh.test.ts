// `bpfbox sh -c` and `bpfbox shell` as a user runs them: the built CLI in a child process.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function bpfbox(args: string[], input = ''): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/bpfbox', ...args], { input, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('bpfbox sh -c', () => {
  it('runs commands on the machine with bash\'s status and streams', () => {
    const r = bpfbox(['sh', '-c', 'uname -r; grep -c . /proc/buddyinfo; cat /proc/nope; exit 3']);
    expect(r).toEqual({ status: 3, stdout: '5.0.0\n2\n', stderr: 'cat: /proc/nope: No such file or directory\n' });
  });

  it('is deterministic for a seed', () => {
    const cmd = 'memhog 64M & sleep 0.01; cat /proc/buddyinfo /proc/meminfo; wait; cat /proc/vmallocinfo | head -3';
    const a = bpfbox(['sh', '--seed', '7', '-c', cmd]);
    const b = bpfbox(['sh', '--seed', '7', '-c', cmd]);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('reports signals as bash does: a pipeline by its last element, a lone background command by its own pid', () => {
    const r = bpfbox(['sh', '-c', `sh -c 'kill -9 $$' | cat; echo a $?; echo | sh -c 'kill -9 $$'; echo b $?; sh -c 'kill -TERM $$'; echo c $?; sleep 1 & cat /proc/$!/comm`]);
    expect(r.stdout).toBe('a 0\nb 137\nc 143\nsleep\n');
    expect(r.stderr).toMatch(/^bash: +\d+ Done {20}echo\n {5} +\d+ Killed {18}\| sh -c 'kill -9 \$\$'\nTerminated\n$/);
  });

  it('timeout passes a signal it receives on to its command, and dies of the one that killed the command', () => {
    const r = bpfbox(['sh', '-c', `timeout 5 sleep 100 & sleep 0.2; kill $!; wait; ps | grep -c sleep; timeout 1 sleep 0.1; echo $?; timeout 0.1 sleep 1; echo $?; timeout 2 sh -c 'kill -TERM $$'; echo $?`]);
    expect(r.stdout).toBe('0\n0\n124\n143\n');
  });

  it('rejects bad options cleanly', () => {
    for (const [args, re] of [
      [['sh'], /^bpfbox: sh: -c 'COMMANDS' is required/],
      [['sh', '--mem', '1K', '-c', 'true'], /^bpfbox: memory size must be between 256M and 64G\n$/],
      [['sh', '--mem', 'lots', '-c', 'true'], /^bpfbox: --mem: 'lots' is not a size/],
      [['sh', '--user', 'bob', '-c', 'true'], /^bpfbox: --user: no user 'bob'/],
    ] as const) {
      const r = bpfbox([...args]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    }
  });
});

describe('bpfbox shell', () => {
  it('prompts as root, runs each line, nests shells through sudo su, and exits at end of input', () => {
    const r = bpfbox(['shell'], 'cd /proc\nsudo su reallinux\nwhoami\ncat /proc/slabinfo\nexit\nwhoami\n');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      'root@ubuntu:~# root@ubuntu:/proc# reallinux@ubuntu:/proc$ reallinux\n' +
        'reallinux@ubuntu:/proc$ cat: /proc/slabinfo: Permission denied\nreallinux@ubuntu:/proc$ exit\n' +
        'root@ubuntu:/proc# root\nroot@ubuntu:/proc# exit\n',
    );
  });
});
