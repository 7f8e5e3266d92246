// kernel/bpf/percpu_freelist.c: preallocated elements handed out from per-CPU LIFO lists.
// populate() deals elements to CPUs in runs of nr/ncpus + 1; pop() takes from the current CPU's
// list and steals from the next CPUs in turn when it is empty; push() returns to the current CPU.

export class PcpuFreelist {
  private readonly heads: Int32Array;
  private readonly next: Int32Array;

  constructor(capacity: number, readonly nrCpus: number) {
    this.heads = new Int32Array(nrCpus).fill(-1);
    this.next = new Int32Array(capacity).fill(-1);
  }

  populate(nrElems: number): void {
    const pcpuEntries = Math.floor(nrElems / this.nrCpus) + 1;
    let i = 0;
    for (let cpu = 0; cpu < this.nrCpus && i < nrElems; cpu++) {
      do {
        this.pushTo(cpu, i);
        i++;
      } while (i < nrElems && i % pcpuEntries !== 0);
    }
  }

  private pushTo(cpu: number, node: number): void {
    this.next[node] = this.heads[cpu]!;
    this.heads[cpu] = node;
  }

  push(cpu: number, node: number): void {
    this.pushTo(cpu, node);
  }

  /** An element, or -1 when every CPU's list is empty. */
  pop(cpu: number): number {
    const orig = cpu;
    for (;;) {
      const node = this.heads[cpu]!;
      if (node >= 0) {
        this.heads[cpu] = this.next[node]!;
        return node;
      }
      cpu = cpu + 1 >= this.nrCpus ? 0 : cpu + 1;
      if (cpu === orig) return -1;
    }
  }
}
