// /proc/sys/kernel/{ostype,osrelease,version,hostname,domainname} (kernel/utsname_sysctl.c): the
// utsname fields, each as proc_do_uts_string prints it, with a newline.

import type { Kernel } from '../../machine.js';
import { UTS_RELEASE, UTS_SYSNAME, UTS_VERSION } from './version.js';

export const ostype = (_k: Kernel): string => `${UTS_SYSNAME}\n`;
export const osrelease = (_k: Kernel): string => `${UTS_RELEASE}\n`;
export const kernelVersion = (_k: Kernel): string => `${UTS_VERSION}\n`;
export const hostname = (k: Kernel): string => `${k.config.hostname}\n`;
/** UTS_DOMAINNAME: nothing sets it on the lecture's VM. */
export const domainname = (_k: Kernel): string => '(none)\n';

/** kernel.pid_max: PID_MAX_DEFAULT, the pid allocator's wrap point. */
export const pidMax = (_k: Kernel): string => '32768\n';
