// include/linux/mm_types.h: an address space (mm_struct), its VMAs and its page tables. Page
// tables are real pages from the buddy allocator (the PGD an order-1 block, as with PTI), and
// PTE tables hold entries in Float64Arrays: 0 is pte_none, pfn + 1 a present page, -(slot + 1) a
// swap entry. User addresses stay below 2^47, so a double holds each exactly.

import { PAGE_SHIFT } from './page.js';

export const VM_READ = 0x1;
export const VM_WRITE = 0x2;
export const VM_EXEC = 0x4;
export const VM_SHARED = 0x8;
export const VM_MAYREAD = 0x10;
export const VM_MAYWRITE = 0x20;
export const VM_MAYEXEC = 0x40;
export const VM_GROWSDOWN = 0x100;
export const VM_DENYWRITE = 0x800;
export const VM_ACCOUNT = 0x100000;

/** arch/x86/include/asm/page_64_types.h: (1 << 47) - PAGE_SIZE. */
export const TASK_SIZE_MAX = 2 ** 47 - 4096;
/** mmap_base on x86_64 without randomisation: below the stack gap. */
export const STACK_TOP = TASK_SIZE_MAX;
export const PTRS_PER_TABLE = 512;

export class Vma {
  constructor(
    readonly id: number,
    public start: number,
    public end: number,
    public flags: number,
    /** Backing file path, or null for anonymous memory. */
    readonly file: string | null,
    /** File offset in pages. */
    readonly pgoff: number,
    /** `[heap]`, `[stack]`, `[vdso]`... as /proc/PID/maps names anonymous special mappings. */
    readonly special: string | null,
    /** Inode number and device for /proc/PID/maps. */
    readonly inode: number,
  ) {}

  /** The vm_area_struct object vm_area_alloc took from its slab cache (a direct-map address). */
  slabObj = 0;

  get pages(): number {
    return (this.end - this.start) / 4096;
  }
}

export const enum MmCounter {
  FilePages = 0,
  AnonPages = 1,
  SwapEnts = 2,
  ShmemPages = 3,
}

export class MmStruct {
  readonly vmas: Vma[] = [];
  /** PTE tables by (address >> 21): each covers 2 MiB. */
  readonly pte = new Map<number, Float64Array>();
  /** pfns of the page-table pages, keyed by level and index, so they can be freed. */
  readonly tablePages = new Map<string, number>();
  pgd = -1;
  /**
   * pgd_index of the kernel-half PGD entries this page table has: a copy of init_mm's when the
   * PGD was made (pgd_ctor), plus those vmalloc_fault copied later. init_mm's are the reference.
   */
  readonly kernelPgd = new Set<number>();
  /** The mm_struct object allocate_mm took from its slab cache (a direct-map address). */
  slabObj = 0;
  readonly rss = new Float64Array(4);
  hiwaterRss = 0;
  hiwaterVm = 0;
  totalVm = 0;
  lockedVm = 0;
  pinnedVm = 0;
  dataVm = 0;
  execVm = 0;
  stackVm = 0;
  startCode = 0;
  endCode = 0;
  startData = 0;
  endData = 0;
  startBrk = 0;
  brk = 0;
  startStack = 0;
  mmapBase = 0;
  pgtablesBytes = 0;
  /** mm_users: tasks sharing it. */
  users = 1;
  private nextVmaId = 1;

  constructor(readonly id: number) {}

  newVmaId(): number {
    return this.nextVmaId++;
  }

  findVma(addr: number): Vma | null {
    // VMAs are few (tens); a linear search over the sorted list is what find_vma's cache saves.
    for (const v of this.vmas) if (addr < v.end) return addr >= v.start ? v : null;
    return null;
  }

  insertVma(v: Vma): void {
    let i = 0;
    while (i < this.vmas.length && this.vmas[i]!.start < v.start) i++;
    this.vmas.splice(i, 0, v);
    this.totalVm += v.pages;
  }

  get rssPages(): number {
    return this.rss[MmCounter.FilePages]! + this.rss[MmCounter.AnonPages]! + this.rss[MmCounter.ShmemPages]!;
  }

  /** The PTE slot for a user address, or null when no table covers it yet. */
  pteTable(addr: number): Float64Array | null {
    return this.pte.get(Math.floor(addr / 2 ** 21)) ?? null;
  }

  static pteIndex(addr: number): number {
    return Math.floor(addr / 2 ** PAGE_SHIFT) % PTRS_PER_TABLE;
  }
}
