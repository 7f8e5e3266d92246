// /proc/vmallocinfo (mm/vmalloc.c s_show over vmap_area_list): every area in address order, live
// ones with their caller, pages and flags, lazily freed ones as "unpurged vm_area". The file is
// 0400, so its reader is root; with kptr_restrict 1 (Ubuntu's default) root sees the addresses.

import type { Kernel } from '../../machine.js';
import { vmallocinfoSnapshot } from '../../mm/vmalloc.js';
import { formatVmallocinfo } from './format/vmallocinfo.js';

export function vmallocinfo(k: Kernel, showAddresses = true): string {
  return formatVmallocinfo(vmallocinfoSnapshot(k, showAddresses));
}
