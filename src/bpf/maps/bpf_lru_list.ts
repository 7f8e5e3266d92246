// kernel/bpf/bpf_lru_list.c: the LRU behind lru_hash maps. Elements live on an active and an
// inactive list with a reference bit (set on lookup); when a free element is needed the lists
// are rotated (second chance for referenced nodes) and the inactive tail is shrunk. With the
// common LRU (the default) each CPU keeps a local free list refilled in batches of 128 and a
// pending list of elements it handed out; with BPF_F_NO_COMMON_LRU each CPU has its own LRU.
//
// Lists are intrusive and index-based: nodes 0..n-1 are the map's elements, list heads follow.

export const T_ACTIVE = 0;
export const T_INACTIVE = 1;
export const T_FREE = 2;
export const T_LOCAL_FREE = 3;
export const T_LOCAL_PENDING = 4;

const LOCAL_FREE_TARGET = 128;
const PERCPU_FREE_TARGET = 4;

interface LruList {
  /** Index of the ACTIVE head; INACTIVE and FREE follow it. */
  head: number;
  counts: [active: number, inactive: number];
  nextInactiveRotation: number;
}

interface LocalList {
  free: number;
  pending: number;
  nextSteal: number;
}

export class BpfLru {
  readonly prev: Int32Array;
  readonly next: Int32Array;
  readonly type: Uint8Array;
  readonly ref: Uint8Array;
  readonly cpu: Uint16Array;
  private readonly nrScans: number;
  private readonly lists: LruList[] = [];
  private readonly locals: LocalList[] = [];
  private nextHead: number;

  constructor(
    private readonly nrNodes: number,
    private readonly nrCpus: number,
    readonly percpu: boolean,
    /** Unlinks the node's element from the hash table; false if it is no longer there. */
    private readonly delFromHtab: (node: number) => boolean,
  ) {
    const nrHeads = percpu ? 3 * nrCpus : 3 + 2 * nrCpus;
    this.prev = new Int32Array(nrNodes + nrHeads);
    this.next = new Int32Array(nrNodes + nrHeads);
    this.type = new Uint8Array(nrNodes);
    this.ref = new Uint8Array(nrNodes);
    this.cpu = new Uint16Array(nrNodes);
    this.nextHead = nrNodes;
    if (percpu) {
      for (let c = 0; c < nrCpus; c++) this.lists.push(this.newList());
      this.nrScans = PERCPU_FREE_TARGET;
    } else {
      this.lists.push(this.newList());
      for (let c = 0; c < nrCpus; c++) this.locals.push({ free: this.newHead(), pending: this.newHead(), nextSteal: c });
      this.nrScans = LOCAL_FREE_TARGET;
    }
  }

  private newHead(): number {
    const h = this.nextHead++;
    this.prev[h] = h;
    this.next[h] = h;
    return h;
  }

  private newList(): LruList {
    const head = this.newHead();
    this.newHead();
    this.newHead();
    return { head, counts: [0, 0], nextInactiveRotation: head + T_INACTIVE };
  }

  // list.h
  private listDel(n: number): void {
    this.next[this.prev[n]!] = this.next[n]!;
    this.prev[this.next[n]!] = this.prev[n]!;
  }
  private listAdd(n: number, head: number): void {
    const first = this.next[head]!;
    this.next[n] = first;
    this.prev[n] = head;
    this.prev[first] = n;
    this.next[head] = n;
  }
  private listMove(n: number, head: number): void {
    this.listDel(n);
    this.listAdd(n, head);
  }
  private empty(head: number): boolean {
    return this.next[head] === head;
  }

  setRef(node: number): void {
    this.ref[node] = 1;
  }

  private countInc(l: LruList, t: number): void {
    if (t < 2) l.counts[t as 0 | 1]++;
  }
  private countDec(l: LruList, t: number): void {
    if (t < 2) l.counts[t as 0 | 1]--;
  }

  private moveToFree(l: LruList, node: number, freeHead: number, tgt: number): void {
    if (node === l.nextInactiveRotation) l.nextInactiveRotation = this.prev[node]!;
    this.countDec(l, this.type[node]!);
    this.type[node] = tgt;
    this.listMove(node, freeHead);
  }

  private moveIn(l: LruList, node: number, tgt: number): void {
    this.countInc(l, tgt);
    this.type[node] = tgt;
    this.ref[node] = 0;
    this.listMove(node, l.head + tgt);
  }

  private move(l: LruList, node: number, tgt: number): void {
    if (this.type[node] !== tgt) {
      this.countDec(l, this.type[node]!);
      this.countInc(l, tgt);
      this.type[node] = tgt;
    }
    this.ref[node] = 0;
    if (node === l.nextInactiveRotation) l.nextInactiveRotation = this.prev[node]!;
    this.listMove(node, l.head + tgt);
  }

  private rotateActive(l: LruList): void {
    const active = l.head + T_ACTIVE;
    const first = this.next[active]!;
    let i = 0;
    for (let node = this.prev[active]!, tmp = this.prev[node]!; node !== active; node = tmp, tmp = this.prev[tmp]!) {
      this.move(l, node, this.ref[node] ? T_ACTIVE : T_INACTIVE);
      if (++i === this.nrScans || node === first) break;
    }
  }

  private rotateInactive(l: LruList): void {
    const inactive = l.head + T_INACTIVE;
    if (this.empty(inactive)) return;
    let last = this.next[l.nextInactiveRotation]!;
    if (last === inactive) last = this.next[last]!;
    let cur = l.nextInactiveRotation;
    let next = inactive;
    let i = 0;
    while (i < this.nrScans) {
      if (cur === inactive) {
        cur = this.prev[cur]!;
        continue;
      }
      next = this.prev[cur]!;
      if (this.ref[cur]) this.move(l, cur, T_ACTIVE);
      if (cur === last) break;
      cur = next;
      i++;
    }
    l.nextInactiveRotation = next;
  }

  private shrinkInactive(l: LruList, tgt: number, freeHead: number, freeType: number): number {
    const inactive = l.head + T_INACTIVE;
    let nshrinked = 0;
    let i = 0;
    for (let node = this.prev[inactive]!, tmp = this.prev[node]!; node !== inactive; node = tmp, tmp = this.prev[tmp]!) {
      if (this.ref[node]) {
        this.move(l, node, T_ACTIVE);
      } else if (this.delFromHtab(node)) {
        this.moveToFree(l, node, freeHead, freeType);
        if (++nshrinked === tgt) break;
      }
      if (++i === this.nrScans) break;
    }
    return nshrinked;
  }

  private rotate(l: LruList): void {
    if (l.counts[T_INACTIVE] < l.counts[T_ACTIVE]) this.rotateActive(l);
    this.rotateInactive(l);
  }

  private shrink(l: LruList, tgt: number, freeHead: number, freeType: number): number {
    const n = this.shrinkInactive(l, tgt, freeHead, freeType);
    if (n) return n;
    // Nothing unreferenced: evict regardless of the reference bit, inactive list first.
    const force = this.empty(l.head + T_INACTIVE) ? l.head + T_ACTIVE : l.head + T_INACTIVE;
    for (let node = this.prev[force]!, tmp = this.prev[node]!; node !== force; node = tmp, tmp = this.prev[tmp]!) {
      if (this.delFromHtab(node)) {
        this.moveToFree(l, node, freeHead, freeType);
        return 1;
      }
    }
    return 0;
  }

  private localFlush(l: LruList, loc: LocalList): void {
    for (let node = this.prev[loc.pending]!, tmp = this.prev[node]!; node !== loc.pending; node = tmp, tmp = this.prev[tmp]!) {
      this.moveIn(l, node, this.ref[node] ? T_ACTIVE : T_INACTIVE);
    }
  }

  private popFreeToLocal(loc: LocalList): void {
    const l = this.lists[0]!;
    this.localFlush(l, loc);
    this.rotate(l);
    let nfree = 0;
    const free = l.head + T_FREE;
    for (let node = this.next[free]!, tmp = this.next[node]!; node !== free; node = tmp, tmp = this.next[tmp]!) {
      this.moveToFree(l, node, loc.free, T_LOCAL_FREE);
      if (++nfree === LOCAL_FREE_TARGET) break;
    }
    if (nfree < LOCAL_FREE_TARGET) this.shrink(l, LOCAL_FREE_TARGET - nfree, loc.free, T_LOCAL_FREE);
  }

  private localAddPending(loc: LocalList, cpu: number, node: number): void {
    this.cpu[node] = cpu;
    this.type[node] = T_LOCAL_PENDING;
    this.ref[node] = 0;
    this.listAdd(node, loc.pending);
  }

  private localPopFree(loc: LocalList): number {
    const node = this.next[loc.free]!;
    if (node === loc.free) return -1;
    this.listDel(node);
    return node;
  }

  private localPopPending(loc: LocalList): number {
    for (let pass = 0; pass < 2; pass++) {
      const force = pass === 1;
      for (let node = this.prev[loc.pending]!; node !== loc.pending; node = this.prev[node]!) {
        if ((!this.ref[node] || force) && this.delFromHtab(node)) {
          this.listDel(node);
          return node;
        }
      }
    }
    return -1;
  }

  /** bpf_lru_pop_free: a free element for the current CPU, evicting if needed; -1 if none. */
  popFree(cpu: number): number {
    return this.percpu ? this.percpuPopFree(cpu) : this.commonPopFree(cpu);
  }

  private percpuPopFree(cpu: number): number {
    const l = this.lists[cpu]!;
    this.rotate(l);
    const free = l.head + T_FREE;
    if (this.empty(free)) this.shrink(l, PERCPU_FREE_TARGET, free, T_FREE);
    if (this.empty(free)) return -1;
    const node = this.next[free]!;
    this.ref[node] = 0;
    this.move(l, node, T_INACTIVE);
    return node;
  }

  private commonPopFree(cpu: number): number {
    const loc = this.locals[cpu]!;
    let node = this.localPopFree(loc);
    if (node < 0) {
      this.popFreeToLocal(loc);
      node = this.localPopFree(loc);
    }
    if (node >= 0) {
      this.localAddPending(loc, cpu, node);
      return node;
    }
    // Nothing free locally or globally: steal from the CPUs' local lists, round robin.
    const first = loc.nextSteal;
    let steal = first;
    do {
      const sl = this.locals[steal]!;
      node = this.localPopFree(sl);
      if (node < 0) node = this.localPopPending(sl);
      steal = steal + 1 >= this.nrCpus ? 0 : steal + 1;
    } while (node < 0 && steal !== first);
    loc.nextSteal = steal;
    if (node >= 0) this.localAddPending(loc, cpu, node);
    return node;
  }

  /** bpf_lru_push_free: the element is no longer in the table. */
  pushFree(node: number): void {
    const t = this.type[node]!;
    if (this.percpu) {
      this.move(this.lists[this.cpu[node]!]!, node, T_FREE);
      return;
    }
    if (t === T_FREE || t === T_LOCAL_FREE) return;
    if (t === T_LOCAL_PENDING) {
      const loc = this.locals[this.cpu[node]!]!;
      this.type[node] = T_LOCAL_FREE;
      this.ref[node] = 0;
      this.listMove(node, loc.free);
      return;
    }
    this.move(this.lists[0]!, node, T_FREE);
  }

  /** bpf_lru_populate: every element starts free. */
  populate(): void {
    if (!this.percpu) {
      const free = this.lists[0]!.head + T_FREE;
      for (let i = 0; i < this.nrNodes; i++) {
        this.type[i] = T_FREE;
        this.ref[i] = 0;
        this.listAdd(i, free);
      }
      return;
    }
    const pcpuEntries = Math.floor(this.nrNodes / this.nrCpus);
    let i = 0;
    for (let cpu = 0; cpu < this.nrCpus && i < this.nrNodes; cpu++) {
      const free = this.lists[cpu]!.head + T_FREE;
      do {
        this.cpu[i] = cpu;
        this.type[i] = T_FREE;
        this.ref[i] = 0;
        this.listAdd(i, free);
        i++;
      } while (i < this.nrNodes && i % pcpuEntries !== 0);
    }
  }
}
