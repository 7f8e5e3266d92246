// /proc/kallsyms (kernel/kallsyms.c): every function of the kernel text in address order. With
// kptr_restrict=1, as Ubuntu sets it, only a reader with CAP_SYSLOG sees the addresses.

import type { Kernel } from '../../machine.js';
import { formatKallsyms, type KallsymsEntry } from './format/kallsyms.js';

export function kallsyms(k: Kernel, showAddresses: boolean): string {
  const entries: KallsymsEntry[] = k.functions
    .map((fn) => ({ kind: 'core' as const, value: k.symbolAddress(fn), type: fn.global ? 'T' : 't', name: fn.name }))
    .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return formatKallsyms({ showValue: showAddresses, entries });
}
