// The slab allocator's per-machine state: the cache lists, the kmalloc array, and the slab table.
// Linux keeps a slab's bookkeeping in the struct page of its head frame (slab_cache, freelist,
// inuse, objects, frozen, and for the per-cpu partial chain next/pages/pobjects); here those
// fields are parallel typed arrays indexed by a slab id, and mem.owner[head pfn] holds the id.
// SLUB threads the free pointer through the free objects themselves; bpfbox keeps no object
// contents, so each slab has a chain array instead: chain[i] is the index of the free object
// after object i, -1 at the end, OBJ_ALLOCATED while object i is handed out.

import type { Kernel } from '../machine.js';
import type { KmemCache } from './slub.js';

/** enum slab_state (mm/slab.h) as SLUB uses it: how far kmem_cache_init has got. */
export const enum SlabBoot {
  DOWN = 0,
  /** kmem_cache_node is usable, so further caches can allocate their per-node structures. */
  PARTIAL = 1,
  /** The kmalloc array exists. */
  UP = 3,
}

/** A chain entry for an object that is allocated, so a second free of it can be caught. */
export const OBJ_ALLOCATED = -2;

/** NR_KMALLOC_TYPES: KMALLOC_NORMAL, KMALLOC_RECLAIM, KMALLOC_DMA. */
export const NR_KMALLOC_TYPES = 3;
/** KMALLOC_SHIFT_HIGH for SLUB: PAGE_SHIFT + 1, so the largest kmalloc cache is 8 KiB. */
export const KMALLOC_SHIFT_HIGH = 13;

const INITIAL_SLABS = 256;

export class SlabState {
  /** slab_state. */
  boot = SlabBoot.DOWN;
  /** slab_caches, oldest first (list_add puts the newest at the head; readers reverse this). */
  readonly slab_caches: KmemCache[] = [];
  kmem_cache: KmemCache | null = null;
  kmem_cache_node: KmemCache | null = null;
  /** kmalloc_caches[type][index]. */
  readonly kmalloc_caches: (KmemCache | null)[][] = Array.from({ length: NR_KMALLOC_TYPES }, () =>
    new Array<KmemCache | null>(KMALLOC_SHIFT_HIGH + 1).fill(null),
  );
  /** What kmem_cache_create returned for each name, so a merged name leads to its host cache. */
  readonly cachep = new Map<string, KmemCache>();

  /** page->slab_cache. */
  slabCache: (KmemCache | null)[] = new Array<KmemCache | null>(INITIAL_SLABS).fill(null);
  /** The head pfn. */
  slabPfn = new Int32Array(INITIAL_SLABS);
  /** page->objects. */
  slabObjects = new Int32Array(INITIAL_SLABS);
  /** page->inuse: objects not on page->freelist (a cpu slab counts its cpu freelist as in use). */
  slabInuse = new Int32Array(INITIAL_SLABS);
  /** page->freelist: the first object of the slab's own free list, or -1. */
  slabFreelist = new Int32Array(INITIAL_SLABS);
  /** page->frozen: owned by a cpu, as its cpu slab or on its per-cpu partial chain. */
  slabFrozen = new Uint8Array(INITIAL_SLABS);
  /** page->next, page->pages, page->pobjects: the per-cpu partial chain. */
  slabNext = new Int32Array(INITIAL_SLABS);
  slabPages = new Int32Array(INITIAL_SLABS);
  slabPobjects = new Int32Array(INITIAL_SLABS);
  /** The free pointers, one chain array per slab, kept when a slot is reused if long enough. */
  slabChain: Int16Array[] = [];
  private freeIds = new Int32Array(INITIAL_SLABS);
  private nFreeIds = 0;
  private nextId = 0;
  /** Partial-list heads of destroyed caches, for the next cache to take (list heads never die). */
  private readonly spareListHeads: number[] = [];

  constructor(private readonly k: Kernel) {}

  /** A slab id for a new slab of `s` at `pfn`, its chain array long enough for `objects`. */
  newSlab(s: KmemCache, pfn: number, objects: number): number {
    let id: number;
    if (this.nFreeIds > 0) id = this.freeIds[--this.nFreeIds]!;
    else {
      id = this.nextId++;
      if (id === this.slabPfn.length) this.grow();
    }
    this.slabCache[id] = s;
    this.slabPfn[id] = pfn;
    this.slabObjects[id] = objects;
    this.slabInuse[id] = 0;
    this.slabFreelist[id] = -1;
    this.slabFrozen[id] = 0;
    this.slabNext[id] = -1;
    this.slabPages[id] = 0;
    this.slabPobjects[id] = 0;
    const chain = this.slabChain[id];
    if (!chain || chain.length < objects) this.slabChain[id] = new Int16Array(objects);
    return id;
  }

  releaseSlab(id: number): void {
    this.slabCache[id] = null;
    if (this.nFreeIds === this.freeIds.length) {
      const f = new Int32Array(this.freeIds.length * 2);
      f.set(this.freeIds);
      this.freeIds = f;
    }
    this.freeIds[this.nFreeIds++] = id;
  }

  /** Slab ids in use, for validation and tests. */
  *liveSlabs(): Generator<number> {
    for (let id = 0; id < this.nextId; id++) if (this.slabCache[id] !== null) yield id;
  }

  /** INIT_LIST_HEAD for a kmem_cache_node's partial list. */
  newListHead(): number {
    return this.spareListHeads.pop() ?? this.k.mem.newList();
  }

  putListHead(head: number): void {
    this.spareListHeads.push(head);
  }

  private grow(): void {
    const n = this.slabPfn.length * 2;
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.slabPfn = i32(this.slabPfn);
    this.slabObjects = i32(this.slabObjects);
    this.slabInuse = i32(this.slabInuse);
    this.slabFreelist = i32(this.slabFreelist);
    this.slabNext = i32(this.slabNext);
    this.slabPages = i32(this.slabPages);
    this.slabPobjects = i32(this.slabPobjects);
    const frozen = new Uint8Array(n);
    frozen.set(this.slabFrozen);
    this.slabFrozen = frozen;
    const cache = new Array<KmemCache | null>(n).fill(null);
    for (let i = 0; i < this.slabCache.length; i++) cache[i] = this.slabCache[i]!;
    this.slabCache = cache;
  }
}

const states = new WeakMap<Kernel, SlabState>();

/** The machine's slab state, created on first use. */
export function slabState(k: Kernel): SlabState {
  let st = states.get(k);
  if (!st) {
    st = new SlabState(k);
    states.set(k, st);
  }
  return st;
}
