// /proc/version (fs/proc/version.c) and the uts_name strings behind it (init/version.c,
// include/generated/compile.h). The lecture's kernel is a 5.0 built from a git tree on its
// Ubuntu 19.04 VM, so the release is plain 5.0.0 (as the OOM report's "Not tainted 5.0.0 #1"
// says) and the compiler is 19.04's gcc.

import type { Kernel } from '../../machine.js';

/** UTS_RELEASE: `uname -r`. */
export const UTS_RELEASE = '5.0.0';
/** UTS_VERSION: the build count, SMP and the build time of that kernel. */
export const UTS_VERSION = '#1 SMP Mon Dec 6 13:52:02 KST 2021';
/** LINUX_COMPILE_BY@LINUX_COMPILE_HOST: who built it, where. */
export const LINUX_COMPILE_BY = 'reallinux';
export const LINUX_COMPILE_HOST = 'ubuntu';
export const LINUX_COMPILER = 'gcc version 8.3.0 (Ubuntu 8.3.0-6ubuntu1)';
export const UTS_SYSNAME = 'Linux';
export const UTS_MACHINE = 'x86_64';

/** linux_banner, which start_kernel also prints first. */
export const LINUX_BANNER = `${UTS_SYSNAME} version ${UTS_RELEASE} (${LINUX_COMPILE_BY}@${LINUX_COMPILE_HOST}) (${LINUX_COMPILER}) ${UTS_VERSION}\n`;

/** version_proc_show: the banner with the running utsname's sysname, release and version. */
export function version(_k: Kernel): string {
  return LINUX_BANNER;
}
