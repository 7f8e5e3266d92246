// /proc/vmallocinfo against lines from this machine's Linux 6.18 (same s_show fields for these
// areas). 6.18 hashes %pK even for root, so the address pair is compared only in form.

import { describe, expect, it } from 'vitest';
import {
  formatVmallocinfo,
  sprintSymbol,
  type VmallocinfoSnapshot,
} from '../../../src/kernel/fs/proc/format/vmallocinfo.js';
import { golden, snapshot } from './golden.js';

const ADDRS = /^0x[0-9a-f]{16}-0x[0-9a-f]{16} /;

describe('/proc/vmallocinfo', () => {
  const snap = snapshot<VmallocinfoSnapshot>('vmallocinfo-6.18.json');

  it("prints the 6.18 lines' sizes, callers, pages, phys and flags", () => {
    const mine = formatVmallocinfo(snap).split('\n');
    const cap = golden('vmallocinfo-6.18.txt').split('\n');
    expect(mine.map((l) => l.replace(ADDRS, ''))).toEqual(cap.map((l) => l.replace(ADDRS, '')));
    expect(mine.every((l) => l === '' || ADDRS.test(l))).toBe(true);
  });

  it('prints real addresses as 0x and 16 digits, end = addr + size', () => {
    const first = formatVmallocinfo(snap).split('\n')[0];
    expect(first).toBe('0xffffc90000000000-0xffffc90000005000   20480 irq_init_percpu_irqstack+0xca/0x100 vmap');
  });

  it('prints zeros for %pK when addresses are hidden', () => {
    const out = formatVmallocinfo({ ...snap, showAddresses: false });
    expect(out.split('\n')[1]).toBe(
      '0x0000000000000000-0x0000000000000000    8192 acpi_os_map_iomem+0x1bc/0x1e0 phys=0x00000000000a0000 ioremap',
    );
  });

  it('prints vm_map_ram areas, missing and unresolved callers, user mappings and several nodes', () => {
    const out = formatVmallocinfo({
      showAddresses: true,
      areas: [
        { kind: 'vm_map_ram', start: 0xffffc90000010000n, end: 0xffffc90000014000n },
        {
          kind: 'vm_struct',
          addr: 0xffffc90000020000n,
          size: 12288,
          caller: null,
          nrPages: 2,
          physAddr: 0n,
          ioremap: false,
          alloc: true,
          map: false,
          usermap: true,
          pagesVmalloced: false,
          nodePages: [0, 2],
        },
        {
          kind: 'vm_struct',
          addr: 0xffffc90000030000n,
          size: 8192,
          caller: 0xffffffffc0123456n,
          nrPages: 1,
          physAddr: 0n,
          ioremap: false,
          alloc: true,
          map: false,
          usermap: false,
          pagesVmalloced: false,
          nodePages: [1, 0],
        },
      ],
    });
    expect(out).toBe(
      '0xffffc90000010000-0xffffc90000014000   16384 vm_map_ram\n' +
        '0xffffc90000020000-0xffffc90000023000   12288 pages=2 vmalloc user N1=2\n' +
        '0xffffc90000030000-0xffffc90000032000    8192 0xffffffffc0123456 pages=1 vmalloc N0=1\n',
    );
  });

  it('prints %pS with 0x0 offsets and the module in brackets', () => {
    expect(sprintSymbol({ name: 'vmalloc', offset: 0, size: 0x50 })).toBe('vmalloc+0x0/0x50');
    expect(sprintSymbol({ name: 'kvm_init', offset: 0x1c, size: 0x2a0, module: 'kvm' })).toBe(
      'kvm_init+0x1c/0x2a0 [kvm]',
    );
  });
});
