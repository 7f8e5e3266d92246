// mm/rmap.c: the reverse map from an anonymous page to the address space mapping it, which
// reclaim needs to unmap a page before swapping it out. Each mapped anonymous page owns a slot
// (its page->mapping, in effect) holding the mm, the virtual address, the mapcount and, once it
// is in the swap cache, its swap slot. Slots live in typed arrays that grow by doubling, so
// faulting a page in allocates nothing in the common case.

export class Rmap {
  mm = new Int32Array(1024);
  va = new Float64Array(1024);
  mapcount = new Int32Array(1024);
  swap = new Int32Array(1024);
  private freeHead = -1;
  private used = 0;

  alloc(mm: number, va: number): number {
    let s = this.freeHead;
    if (s >= 0) {
      this.freeHead = this.mm[s]!;
    } else {
      if (this.used === this.mm.length) this.grow();
      s = this.used++;
    }
    this.mm[s] = mm;
    this.va[s] = va;
    this.mapcount[s] = 1;
    this.swap[s] = -1;
    return s;
  }

  free(s: number): void {
    this.mm[s] = this.freeHead;
    this.mapcount[s] = 0;
    this.swap[s] = -1;
    this.freeHead = s;
  }

  private grow(): void {
    const n = this.mm.length * 2;
    const mm = new Int32Array(n);
    mm.set(this.mm);
    this.mm = mm;
    const va = new Float64Array(n);
    va.set(this.va);
    this.va = va;
    const mc = new Int32Array(n);
    mc.set(this.mapcount);
    this.mapcount = mc;
    const sw = new Int32Array(n);
    sw.set(this.swap);
    this.swap = sw;
  }
}
