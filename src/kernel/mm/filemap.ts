// mm/filemap.c, mm/readahead.c, mm/truncate.c and fs/mpage.c, Linux 5.0: the page cache. File
// contents live in the VFS inode; what the page cache tracks is residency, as 5.0 does with real
// frames: which page of which file sits in which frame, whether it is up to date, and its place
// on the file LRU lists that reclaim scans. A read of missing pages allocates them, puts them in
// the cache locked, and sends bios to the disk; the reader sleeps until the completion interrupt
// unlocks them.

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc } from '../symbols.js';
import { __GFP_NORETRY, __GFP_NOWARN, GFP_HIGHUSER_MOVABLE } from './gfp.js';
import { NodeStat } from './mmzone.js';
import { PG_active, PG_locked, PG_lru, PG_referenced, PG_swapbacked, PG_unevictable, PG_uptodate } from './page.js';
import { alloc_pages } from './mempolicy.js';
import { __free_pages } from './page_alloc.js';
import { delPageFromLru, lru_cache_add, setActive } from './swap.js';
import { TaskState, type Task } from '../sched/task.js';
import { Bio, BLK_STS_OK, REQ_OP_READ } from '../block/bio.js';
import { io_schedule, submit_bio } from '../block/blk-core.js';
import { rootQueue } from '../block/genhd.js';

const FILE = 'mm/filemap.c';
export const F_pagecache_get_page = kfunc('pagecache_get_page', { file: FILE, size: 0x290, global: true, args: [ArgKind.Direct, ArgKind.Int, ArgKind.Int, ArgKind.Int], ret: ArgKind.Page });
export const F_add_to_page_cache_lru = kfunc('add_to_page_cache_lru', { file: FILE, size: 0xe0, global: true, args: [ArgKind.Page, ArgKind.Direct, ArgKind.Int, ArgKind.Int], ret: ArgKind.Int });
export const F___delete_from_page_cache = kfunc('__delete_from_page_cache', { file: FILE, size: 0x1f0, global: true, args: [ArgKind.Page, ArgKind.Direct] });
export const F_delete_from_page_cache = kfunc('delete_from_page_cache', { file: FILE, size: 0x90, global: true, args: [ArgKind.Page] });
export const F_unlock_page = kfunc('unlock_page', { file: FILE, size: 0x30, global: true, args: [ArgKind.Page] });
export const F_wait_on_page_bit_killable = kfunc('wait_on_page_bit_killable', { file: FILE, size: 0x40, global: true, args: [ArgKind.Page, ArgKind.Int], ret: ArgKind.Int });
export const F_generic_file_buffered_read = kfunc('generic_file_buffered_read', { file: FILE, size: 0x9a0, args: [ArgKind.Direct, ArgKind.Direct, ArgKind.Int], ret: ArgKind.Int });
export const F_generic_file_read_iter = kfunc('generic_file_read_iter', { file: FILE, size: 0x110, global: true, args: [ArgKind.Direct, ArgKind.Direct], ret: ArgKind.Int });
export const F_mark_page_accessed = kfunc('mark_page_accessed', { file: 'mm/swap.c', size: 0x130, global: true, args: [ArgKind.Page] });
export const F_page_cache_sync_readahead = kfunc('page_cache_sync_readahead', { file: 'mm/readahead.c', size: 0x70, global: true, args: [ArgKind.Direct, ArgKind.Direct, ArgKind.Direct, ArgKind.Int, ArgKind.Int] });
export const F___do_page_cache_readahead = kfunc('__do_page_cache_readahead', { file: 'mm/readahead.c', size: 0x1e0, args: [ArgKind.Direct, ArgKind.Direct, ArgKind.Int, ArgKind.Int, ArgKind.Int], ret: ArgKind.Int });
export const F_mpage_readpages = kfunc('mpage_readpages', { file: 'fs/mpage.c', size: 0x170, global: true, args: [ArgKind.Direct, ArgKind.Direct, ArgKind.Int, ArgKind.Int], ret: ArgKind.Int });
export const F_mpage_end_io = kfunc('mpage_end_io', { file: 'fs/mpage.c', size: 0x90, args: [ArgKind.Direct] });
export const F_truncate_inode_pages_range = kfunc('truncate_inode_pages_range', { file: 'mm/truncate.c', size: 0x6d0, global: true, args: [ArgKind.Direct, ArgKind.Int, ArgKind.Int] });

const PAGE_SIZE = 4096;
/** VM_READAHEAD_PAGES: 128 KiB of readahead. */
const RA_PAGES = 32;
/** BIO_MAX_PAGES. */
const BIO_MAX_PAGES = 256;
const ENOMEM = -12;
const EIO = -5;
/** Virtual cost of one page cache lookup (xarray walk and page reference). */
const COST_LOOKUP = 60;
/** Virtual cost of inserting a page into the cache and onto the LRU. */
const COST_INSERT = 250;

let lastMappingId = 0;
/** Mappings that hold pages, by id: page->mapping for the pages reclaim finds on the LRU. */
const mappings = new Map<number, AddressSpace>();

/** struct address_space: one file's pages in memory. */
export class AddressSpace {
  /** The i_pages xarray: page index → pfn. */
  readonly pages = new Map<number, number>();
  nrpages = 0;
  /**
   * i_size_read(host), which bounds readahead; the VFS keeps it current. At 0 readahead reads
   * only the pages asked for.
   */
  isize = 0;
  readonly id = ++lastMappingId;
  /** page->index of each cached page. */
  private readonly index = new Map<number, number>();
  /** A direct-map address standing for the struct address_space inside the inode. */
  readonly addr: number;

  constructor(
    readonly ino: number,
    readonly kind: 'disk' | 'shmem',
  ) {
    this.addr = 0x3c00_0000 + (this.id % 0x40000) * 0x100;
  }

  /** mapping_gfp_mask: GFP_HIGHUSER_MOVABLE for regular files and tmpfs alike. */
  get gfpMask(): number {
    return GFP_HIGHUSER_MOVABLE;
  }

  indexOf(pfn: number): number {
    return this.index.get(pfn) ?? -1;
  }

  /** The xarray store of page_cache_tree_insert / page_cache_tree_delete. */
  insert(pfn: number, idx: number): void {
    this.pages.set(idx, pfn);
    this.index.set(pfn, idx);
    if (this.nrpages++ === 0) mappings.set(this.id, this);
  }

  remove(pfn: number): void {
    const idx = this.index.get(pfn)!;
    this.pages.delete(idx);
    this.index.delete(pfn);
    if (--this.nrpages === 0) mappings.delete(this.id);
  }
}

/** page->mapping of a page cache page (its owner slot holds the mapping id). */
export function pageMapping(k: Kernel, pfn: number): AddressSpace | undefined {
  return mappings.get(k.mem.owner[pfn]!);
}

/** Tasks waiting for a locked page (the page_wait_table hash, keyed by pfn). */
const pageWaiters = new WeakMap<Kernel, Map<number, Task[]>>();

function waitersOf(k: Kernel): Map<number, Task[]> {
  let m = pageWaiters.get(k);
  if (!m) pageWaiters.set(k, (m = new Map()));
  return m;
}

/** pagecache_get_page with no flags (find_get_page): the frame holding page `idx`, or -1. */
export function find_get_page(k: Kernel, mapping: AddressSpace, idx: number): number {
  k.enter(F_pagecache_get_page, mapping.addr, idx, 0, 0);
  k.charge(COST_LOOKUP);
  const pfn = mapping.pages.get(idx);
  return k.leave(F_pagecache_get_page, pfn === undefined ? -1 : pfn);
}

/**
 * mark_page_accessed: a second access to an inactive page activates it; the first only sets
 * PG_referenced.
 */
export function mark_page_accessed(k: Kernel, pfn: number): void {
  k.enter(F_mark_page_accessed, pfn);
  const mem = k.mem;
  const f = mem.flags[pfn]!;
  if (!(f & (PG_active | PG_unevictable)) && f & PG_referenced) {
    if (f & PG_lru) setActive(k, pfn, true);
    else mem.set(pfn, PG_active);
    mem.clear(pfn, PG_referenced);
  } else if (!(f & PG_referenced)) {
    mem.set(pfn, PG_referenced);
  }
  k.leaveVoid(F_mark_page_accessed);
}

/**
 * The hit path of a read (generic_file_buffered_read finding every page): true if all of
 * [pos, pos+len) is cached and up to date, each page then marked accessed.
 */
export function filemapCached(k: Kernel, mapping: AddressSpace, pos: number, len: number): boolean {
  if (len <= 0) return true;
  const first = Math.floor(pos / PAGE_SIZE);
  const last = Math.floor((pos + len - 1) / PAGE_SIZE);
  const mem = k.mem;
  for (let idx = first; idx <= last; idx++) {
    const pfn = find_get_page(k, mapping, idx);
    if (pfn < 0 || !(mem.flags[pfn]! & PG_uptodate)) return false;
  }
  for (let idx = first; idx <= last; idx++) mark_page_accessed(k, mapping.pages.get(idx)!);
  return true;
}

/**
 * add_to_page_cache_lru: the new page enters the cache locked and not up to date (the read will
 * fill it), counts in NR_FILE_PAGES, and goes on the inactive file list (lru_cache_add_file).
 */
export function add_to_page_cache_lru(k: Kernel, pfn: number, mapping: AddressSpace, idx: number): void {
  k.enter(F_add_to_page_cache_lru, pfn, mapping.addr, idx, mapping.gfpMask);
  const mem = k.mem;
  mem.set(pfn, PG_locked);
  mem.owner[pfn] = mapping.id;
  mapping.insert(pfn, idx);
  k.node.vmstat[NodeStat.NR_FILE_PAGES]++;
  lru_cache_add(k, pfn);
  k.charge(COST_INSERT);
  k.leave(F_add_to_page_cache_lru, 0);
}

/**
 * __delete_from_page_cache: out of the mapping and the counters. The page's other state goes
 * when its frame is freed (free_pages_prepare clears flags and page->mapping).
 */
export function __delete_from_page_cache(k: Kernel, pfn: number, mapping: AddressSpace): void {
  k.enter(F___delete_from_page_cache, pfn, mapping.addr);
  mapping.remove(pfn);
  k.node.vmstat[NodeStat.NR_FILE_PAGES]--;
  if (k.mem.flags[pfn]! & PG_swapbacked) k.node.vmstat[NodeStat.NR_SHMEM]--;
  k.leaveVoid(F___delete_from_page_cache);
}

/** delete_from_page_cache, as truncation does it: off the LRU, out of the cache, frame freed. */
function delete_from_page_cache(k: Kernel, pfn: number, mapping: AddressSpace): void {
  k.enter(F_delete_from_page_cache, pfn);
  if (k.mem.flags[pfn]! & PG_lru) delPageFromLru(k, pfn);
  __delete_from_page_cache(k, pfn, mapping);
  __free_pages(k, pfn, 0);
  k.leaveVoid(F_delete_from_page_cache);
}

/** unlock_page: clear PG_locked and wake whoever waits on it (wake_up_page_bit). */
function unlock_page(k: Kernel, pfn: number): void {
  k.enter(F_unlock_page, pfn);
  k.mem.clear(pfn, PG_locked);
  const w = waitersOf(k);
  const list = w.get(pfn);
  if (list) {
    w.delete(pfn);
    for (const t of list) k.sched.wakeUp(t);
  }
  k.leaveVoid(F_unlock_page);
}

/**
 * mpage_end_io → page_endio, in the completion interrupt: each page is up to date (or not, on
 * error) and unlocked. A page truncated while under IO is no one's any more and is freed here.
 */
function mpage_end_io(k: Kernel, bio: Bio): void {
  k.enter(F_mpage_end_io, bio.addr);
  const mem = k.mem;
  for (const pfn of bio.pages) {
    const mapping = pageMapping(k, pfn);
    if (!mapping || mapping.indexOf(pfn) < 0) {
      unlock_page(k, pfn);
      if (mem.flags[pfn]! & PG_lru) delPageFromLru(k, pfn);
      __free_pages(k, pfn, 0);
      continue;
    }
    if (bio.status === BLK_STS_OK) mem.set(pfn, PG_uptodate);
    unlock_page(k, pfn);
  }
  k.leaveVoid(F_mpage_end_io);
}

/** The disk sector of a file page: files are laid out in 2^20-page extents, one per inode. */
function pageSector(mapping: AddressSpace, idx: number): number {
  return (mapping.ino * 2 ** 20 + idx) * 8;
}

/**
 * mpage_readpages: the pages (consecutive indexes from `firstIdx`) go into the cache and to the
 * disk in as few bios as BIO_MAX_PAGES allows.
 */
function* mpage_readpages(k: Kernel, mapping: AddressSpace, pfns: number[], firstIdx: number, rahead: boolean): Generator<number, void, void> {
  k.enter(F_mpage_readpages, mapping.addr, 0, pfns.length, 0);
  for (let i = 0; i < pfns.length; i++) add_to_page_cache_lru(k, pfns[i]!, mapping, firstIdx + i);
  const q = rootQueue(k);
  for (let i = 0; i < pfns.length; i += BIO_MAX_PAGES) {
    const chunk = pfns.slice(i, i + BIO_MAX_PAGES);
    const bio = new Bio(REQ_OP_READ, pageSector(mapping, firstIdx + i), chunk, mpage_end_io);
    bio.rahead = rahead;
    yield* submit_bio(k, q, bio);
  }
  k.leave(F_mpage_readpages, 0);
}

/**
 * __do_page_cache_readahead: allocate the missing pages of [start, start+nr) with the
 * readahead mask (no retrying, no warnings: readahead is optional) and read each run of them.
 */
function* __do_page_cache_readahead(k: Kernel, mapping: AddressSpace, start: number, nr: number): Generator<number, number, void> {
  k.enter(F___do_page_cache_readahead, mapping.addr, 0, start, nr, 0);
  const gfp = mapping.gfpMask | __GFP_NORETRY | __GFP_NOWARN;
  let run: number[] = [];
  let runStart = start;
  let read = 0;
  for (let idx = start; idx < start + nr; idx++) {
    if (mapping.pages.has(idx)) {
      if (run.length) yield* mpage_readpages(k, mapping, run, runStart, true);
      run = [];
      continue;
    }
    // __page_cache_alloc: alloc_pages, as no cpuset spreads page cache here.
    const pfn = alloc_pages(k, gfp, 0);
    if (pfn < 0) break;
    if (!run.length) runStart = idx;
    run.push(pfn);
    read++;
  }
  if (run.length) yield* mpage_readpages(k, mapping, run, runStart, true);
  return k.leave(F___do_page_cache_readahead, read);
}

/** get_init_ra_size: the first window for a read of `req` pages, at most RA_PAGES. */
function initRaSize(req: number): number {
  let size = 1;
  while (size < req) size *= 2;
  if (size <= RA_PAGES / 32) return size * 4;
  if (size <= RA_PAGES / 4) return size * 2;
  return RA_PAGES;
}

/** page_cache_sync_readahead → ondemand_readahead: a window from `idx`, clamped to the file's end. */
function* page_cache_sync_readahead(k: Kernel, mapping: AddressSpace, idx: number, req: number): Generator<number, void, void> {
  k.enter(F_page_cache_sync_readahead, mapping.addr, 0, 0, idx, req);
  const endIdx = mapping.isize > 0 ? Math.ceil(mapping.isize / PAGE_SIZE) : idx + req;
  const nr = Math.min(Math.max(req, initRaSize(req)), Math.max(endIdx - idx, req));
  yield* __do_page_cache_readahead(k, mapping, idx, nr);
  k.leaveVoid(F_page_cache_sync_readahead);
}

/** wait_on_page_locked_killable: sleep in D state until the IO unlocks the page. */
function* waitOnPageLocked(k: Kernel, pfn: number): Generator<number, void, void> {
  k.enter(F_wait_on_page_bit_killable, pfn, 0);
  const t = k.current;
  while (k.mem.flags[pfn]! & PG_locked) {
    const w = waitersOf(k);
    let list = w.get(pfn);
    if (!list) w.set(pfn, (list = []));
    list.push(t);
    t.state = TaskState.Uninterruptible;
    yield* io_schedule(k);
  }
  k.leave(F_wait_on_page_bit_killable, 0);
}

/**
 * generic_file_read_iter → generic_file_buffered_read for the pages of [pos, pos+len) not yet
 * cached: readahead brings them in, the reader sleeps until the disk has answered. Returns 0, or
 * -ENOMEM / -EIO. It does not mark the pages accessed: the copy that follows (filemapCached,
 * once per read) does, so one read(2) is one access, as in Linux.
 */
export function* filemapRead(k: Kernel, mapping: AddressSpace, pos: number, len: number): Generator<number, number, void> {
  if (len <= 0) return 0;
  k.enter(F_generic_file_read_iter, 0, 0);
  k.enter(F_generic_file_buffered_read, 0, 0, 0);
  const first = Math.floor(pos / PAGE_SIZE);
  const last = Math.floor((pos + len - 1) / PAGE_SIZE);
  let err = 0;
  for (let idx = first; idx <= last && !err; idx++) {
    let pfn = find_get_page(k, mapping, idx);
    if (pfn < 0) {
      yield* page_cache_sync_readahead(k, mapping, idx, last - idx + 1);
      pfn = find_get_page(k, mapping, idx);
      if (pfn < 0) {
        // no_cached_page: readahead could not get memory; try once more with the full mask.
        pfn = alloc_pages(k, mapping.gfpMask, 0);
        if (pfn < 0) {
          err = ENOMEM;
          break;
        }
        // readpage → mpage_readpage: a one-page bio.
        yield* mpage_readpages(k, mapping, [pfn], idx, false);
      }
    }
    if (k.mem.flags[pfn]! & PG_locked) yield* waitOnPageLocked(k, pfn);
    // Reclaim or truncation may have taken the page once it was unlocked; the caller's
    // filemapCached finds out and asks again.
    if (mapping.pages.get(idx) !== pfn) continue;
    if (!(k.mem.flags[pfn]! & PG_uptodate)) err = EIO;
  }
  k.leave(F_generic_file_buffered_read, err);
  return k.leave(F_generic_file_read_iter, err);
}

/**
 * truncate_inode_pages_range from `fromPos` to the end: whole pages past it leave the cache and
 * their frames are freed (the partial page at `fromPos` stays, as Linux zeroes its tail). A page
 * still under read IO is dropped from the mapping now and freed when its IO completes.
 */
export function truncateInodePages(k: Kernel, mapping: AddressSpace, fromPos: number): void {
  k.enter(F_truncate_inode_pages_range, mapping.addr, fromPos, -1);
  const start = Math.ceil(fromPos / PAGE_SIZE);
  const victims: number[] = [];
  for (const [idx, pfn] of mapping.pages) if (idx >= start) victims.push(pfn);
  for (const pfn of victims) {
    if (k.mem.flags[pfn]! & PG_locked) __delete_from_page_cache(k, pfn, mapping);
    else delete_from_page_cache(k, pfn, mapping);
  }
  k.leaveVoid(F_truncate_inode_pages_range);
}
