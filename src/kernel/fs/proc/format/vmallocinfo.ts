// /proc/vmallocinfo, Linux 5.0 mm/vmalloc.c: s_show for each vmap_area, with show_numa_info
// (CONFIG_NUMA=y). The file is mode 0400.

export interface KernelSymbolRef {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  /** Set for a symbol in a module. */
  readonly module?: string;
}

/** A vmap_area without a vm_struct: a vm_map_ram() mapping, or an area freed but not yet purged. */
export interface VmallocinfoBareArea {
  readonly kind: 'vm_map_ram' | 'lazy_free';
  readonly start: bigint;
  readonly end: bigint;
}

export interface VmallocinfoVmArea {
  readonly kind: 'vm_struct';
  readonly addr: bigint;
  /** v->size in bytes, guard page included. */
  readonly size: number;
  /** v->caller: resolved, a raw address when no symbol covers it, or null when unset. */
  readonly caller: KernelSymbolRef | bigint | null;
  readonly nrPages: number;
  /** v->phys_addr; 0 prints nothing. */
  readonly physAddr: bigint;
  /** v->flags VM_IOREMAP, VM_ALLOC, VM_MAP, VM_USERMAP. */
  readonly ioremap: boolean;
  readonly alloc: boolean;
  readonly map: boolean;
  readonly usermap: boolean;
  /** The v->pages array itself lives in vmalloc space (it needed more than a page). */
  readonly pagesVmalloced: boolean;
  /** Pages of the area on each node, indexed by node id; empty while VM_UNINITIALIZED. */
  readonly nodePages: readonly number[];
}

export type VmallocinfoArea = VmallocinfoBareArea | VmallocinfoVmArea;

export interface VmallocinfoSnapshot {
  /** %pK shows real addresses (kptr_restrict 0, or 1 for a reader with CAP_SYSLOG), else zeros. */
  readonly showAddresses: boolean;
  /** vmap_area_list, in address order. */
  readonly areas: readonly VmallocinfoArea[];
}

const hex16 = (v: bigint): string => v.toString(16).padStart(16, '0');

/** %pS: __sprint_symbol with the offset, whose %#lx prints 0 as 0x0 in the kernel's vsprintf. */
export function sprintSymbol(sym: KernelSymbolRef | bigint): string {
  if (typeof sym === 'bigint') return `0x${sym.toString(16)}`;
  const mod = sym.module === undefined ? '' : ` [${sym.module}]`;
  return `${sym.name}+0x${sym.offset.toString(16)}/0x${sym.size.toString(16)}${mod}`;
}

export function formatVmallocinfo(snap: VmallocinfoSnapshot): string {
  const pK = (v: bigint): string => `0x${hex16(snap.showAddresses ? v : 0n)}`;
  let out = '';
  for (const a of snap.areas) {
    if (a.kind !== 'vm_struct') {
      const what = a.kind === 'lazy_free' ? 'unpurged vm_area' : 'vm_map_ram';
      out += `${pK(a.start)}-${pK(a.end)} ${String(a.end - a.start).padStart(7)} ${what}\n`;
      continue;
    }
    out += `${pK(a.addr)}-${pK(a.addr + BigInt(a.size))} ${String(a.size).padStart(7)}`;
    if (a.caller !== null) out += ` ${sprintSymbol(a.caller)}`;
    if (a.nrPages) out += ` pages=${a.nrPages}`;
    // %pa: a phys_addr_t is 8 bytes, printed as 0x and 16 zero-padded digits.
    if (a.physAddr) out += ` phys=0x${hex16(a.physAddr)}`;
    if (a.ioremap) out += ' ioremap';
    if (a.alloc) out += ' vmalloc';
    if (a.map) out += ' vmap';
    if (a.usermap) out += ' user';
    if (a.pagesVmalloced) out += ' vpages';
    a.nodePages.forEach((n, nid) => {
      if (n) out += ` N${nid}=${n}`;
    });
    out += '\n';
  }
  return out;
}
