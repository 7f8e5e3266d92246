// mem_map: a struct page per frame, kept as parallel typed arrays so 64 GiB of frames costs 16
// bytes each and touching a page allocates nothing. The page->lru links live in next/prev; list
// heads are sentinel entries past the last frame, so list_del needs no head and every list
// (buddy free lists, per-cpu lists, LRU lists, slab partial lists) shares one representation.

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
export const MAX_ORDER = 11;
export const PAGEBLOCK_ORDER = 9;

/** page->flags bits bpfbox keeps (a subset of PG_*, plus page types kept as flags). */
export const PG_buddy = 1 << 0;
export const PG_lru = 1 << 1;
export const PG_active = 1 << 2;
export const PG_referenced = 1 << 3;
export const PG_slab = 1 << 4;
export const PG_reserved = 1 << 5;
export const PG_anon = 1 << 6;
export const PG_swapbacked = 1 << 7;
export const PG_dirty = 1 << 8;
/** On a per-cpu free list (Linux marks these only through page->index; a flag keeps checks cheap). */
export const PG_pcp = 1 << 9;
export const PG_head = 1 << 10;
export const PG_tail = 1 << 11;
export const PG_table = 1 << 12;
export const PG_swapcache = 1 << 13;
export const PG_unevictable = 1 << 14;
export const PG_writeback = 1 << 15;
export const PG_mapped = 1 << 16;
/** Allocated and not yet freed: the invariant checks' view of "in use". */
export const PG_used = 1 << 17;
/** Under IO (or being set up): readers wait for it to clear (wait_on_page_locked). */
export const PG_locked = 1 << 18;
/** The contents are valid: the read that filled it completed without error. */
export const PG_uptodate = 1 << 19;
/** page_private's order sits in bits 24..27 of flags. */
const ORDER_SHIFT = 24;
const ORDER_MASK = 0xf << ORDER_SHIFT;

export class PageFrames {
  readonly flags: Uint32Array;
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /**
   * page->mapping / page->private, by state: a free page's migratetype, a slab page's slab id, a
   * user page's rmap slot, a page-table page's table id, a compound tail's head pfn; -1 if none.
   */
  readonly owner: Int32Array;
  /** pageblock_flags: the migratetype of each 2 MiB pageblock. */
  readonly pageblockMt: Uint8Array;
  private sentinelsUsed = 0;

  constructor(
    readonly nrFrames: number,
    readonly maxSentinels: number,
  ) {
    const n = nrFrames + maxSentinels;
    this.flags = new Uint32Array(nrFrames);
    this.next = new Int32Array(n);
    this.prev = new Int32Array(n);
    this.owner = new Int32Array(nrFrames);
    this.pageblockMt = new Uint8Array((nrFrames >>> PAGEBLOCK_ORDER) + 1);
  }

  /** A new empty list head (INIT_LIST_HEAD). */
  newList(): number {
    if (this.sentinelsUsed === this.maxSentinels) throw new Error('out of list heads');
    const h = this.nrFrames + this.sentinelsUsed++;
    this.next[h] = h;
    this.prev[h] = h;
    return h;
  }

  listEmpty(head: number): boolean {
    return this.next[head] === head;
  }

  /** list_add: after the head. */
  listAdd(pfn: number, head: number): void {
    const first = this.next[head]!;
    this.next[pfn] = first;
    this.prev[pfn] = head;
    this.prev[first] = pfn;
    this.next[head] = pfn;
  }

  /** list_add_tail: before the head. */
  listAddTail(pfn: number, head: number): void {
    const last = this.prev[head]!;
    this.prev[pfn] = last;
    this.next[pfn] = head;
    this.next[last] = pfn;
    this.prev[head] = pfn;
  }

  listDel(pfn: number): void {
    const n = this.next[pfn]!;
    const p = this.prev[pfn]!;
    this.next[p] = n;
    this.prev[n] = p;
    this.next[pfn] = -1;
    this.prev[pfn] = -1;
  }

  /** First entry, or -1 when empty. */
  first(head: number): number {
    const n = this.next[head]!;
    return n === head ? -1 : n;
  }

  last(head: number): number {
    const p = this.prev[head]!;
    return p === head ? -1 : p;
  }

  order(pfn: number): number {
    return (this.flags[pfn]! & ORDER_MASK) >>> ORDER_SHIFT;
  }

  setOrder(pfn: number, order: number): void {
    this.flags[pfn] = (this.flags[pfn]! & ~ORDER_MASK) | (order << ORDER_SHIFT);
  }

  has(pfn: number, flag: number): boolean {
    return (this.flags[pfn]! & flag) !== 0;
  }

  set(pfn: number, flag: number): void {
    this.flags[pfn] = this.flags[pfn]! | flag;
  }

  clear(pfn: number, flag: number): void {
    this.flags[pfn] = this.flags[pfn]! & ~flag;
  }

  /** Entries of a list, head to tail; for /proc readers and tests, not hot paths. */
  *entries(head: number): Generator<number> {
    for (let p = this.next[head]!; p !== head; p = this.next[p]!) yield p;
  }

  listLength(head: number): number {
    let n = 0;
    for (let p = this.next[head]!; p !== head; p = this.next[p]!) n++;
    return n;
  }

  /** Host bytes of struct page state per frame, for the bench. */
  bytesPerFrame(): number {
    return this.flags.BYTES_PER_ELEMENT + this.next.BYTES_PER_ELEMENT + this.prev.BYTES_PER_ELEMENT + this.owner.BYTES_PER_ELEMENT;
  }

  /** Host bytes that do not scale per frame: list heads and pageblock flags. */
  overheadBytes(): number {
    return this.maxSentinels * 8 + this.pageblockMt.byteLength;
  }
}
