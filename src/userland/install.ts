// The installed system: Ubuntu 19.04's files as far as the programs here read them, the programs
// in /usr/bin, and the users (root, and reallinux, the lecture's account, in the sudo group).
// Binaries are files of their real sizes, so reading one goes through the page cache like any file.

import type { Kernel } from '../kernel/machine.js';
import type { Program } from '../kernel/exec.js';
import { installFile, mountTmpfs } from '../kernel/fs/mount.js';
import { coreutils } from './coreutils/index.js';
import { utilProgram } from './util_program.js';
import { bash } from './bash/main.js';
import { sleep } from './bin/sleep.js';
import { timeout } from './bin/timeout.js';
import { watch } from './bin/watch.js';
import { memhog } from './bin/memhog.js';
import { python } from './bin/python.js';
import { forkstorm } from './bin/forkstorm.js';
import { su, sudo } from './bin/su.js';
import { ls } from './bin/ls.js';
import { kill } from './bin/kill.js';

const PASSWD = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
reallinux:x:1000:1000:reallinux,,,:/home/reallinux:/bin/bash
`;

const GROUP = `root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:syslog,reallinux
sudo:x:27:reallinux
nogroup:x:65534:
reallinux:x:1000:
`;

const OS_RELEASE = `NAME="Ubuntu"
VERSION="19.04 (Disco Dingo)"
ID=ubuntu
ID_LIKE=debian
PRETTY_NAME="Ubuntu 19.04"
VERSION_ID="19.04"
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
VERSION_CODENAME=disco
UBUNTU_CODENAME=disco
`;

interface Installed {
  main: Program;
  /** Text and data pages of the ELF image (Ubuntu 19.04's sizes, rounded). */
  text: number;
  data: number;
  mode?: number;
}

function programs(): Record<string, Installed> {
  const out: Record<string, Installed> = {
    bash: { main: bash, text: 268, data: 12 },
    sleep: { main: sleep, text: 8, data: 1 },
    timeout: { main: timeout, text: 10, data: 1 },
    watch: { main: watch, text: 6, data: 1 },
    memhog: { main: memhog, text: 4, data: 1 },
    python: { main: python, text: 760, data: 80 },
    forkstorm: { main: forkstorm, text: 2, data: 1 },
    su: { main: su, text: 14, data: 1, mode: 0o4755 },
    sudo: { main: sudo, text: 38, data: 2, mode: 0o4755 },
    ls: { main: utilProgram(ls), text: 32, data: 2 },
    kill: { main: kill, text: 6, data: 1 },
  };
  for (const [name, util] of Object.entries(coreutils)) out[name] ??= { main: utilProgram(util), text: 10, data: 1 };
  return out;
}

/** Registers `main` as the program in file `path` (a regular, executable file of the root filesystem). */
export function installProgram(k: Kernel, path: string, main: Program, textPages: number, dataPages: number, mode = 0o755): void {
  const file = installFile(k, path, '\x7fELF\x02\x01\x01' + '\0'.repeat((textPages + dataPages) * 4096 - 7), mode);
  k.binaries.set(path, { path, main, textPages, dataPages, inode: file.ino });
}

export function installUserland(k: Kernel): void {
  installFile(k, '/etc/passwd', PASSWD);
  installFile(k, '/etc/group', GROUP);
  installFile(k, '/etc/hostname', `${k.config.hostname}\n`);
  installFile(k, '/etc/os-release', OS_RELEASE);
  installFile(k, '/etc/shells', '# /etc/shells: valid login shells\n/bin/sh\n/bin/bash\n/usr/bin/bash\n');
  // A large file to read through the page cache (`cat /usr/share/bpfbox/data-16M.bin > /dev/null`).
  installFile(k, '/usr/share/bpfbox/data-16M.bin', '\0'.repeat(16 * 1024 * 1024));
  for (const [name, p] of Object.entries(programs())) installProgram(k, `/usr/bin/${name}`, p.main, p.text, p.data, p.mode);
  // /bin/sh is dash on Ubuntu; here it is bash speaking dash's messages.
  installProgram(k, '/usr/bin/sh', bash, 30, 2);
  mountTmpfs(k, '/home/reallinux', 0o755, 1000, 1000);
}
