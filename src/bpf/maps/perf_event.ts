// A perf event of type PERF_COUNT_SW_BPF_OUTPUT and its ring buffer (kernel/events/ring_buffer.c),
// the channel bpf_perf_event_output() writes to and user space (libbpf's perf_buffer) reads.
// Records are laid out as perf lays them out: a perf_event_header, then for a sample the u32 raw
// size and the raw bytes padded to 8; when the ring is full the sample is dropped and counted,
// and a PERF_RECORD_LOST with the count goes out before the next sample that fits.

export const PERF_RECORD_LOST = 2;
export const PERF_RECORD_SAMPLE = 9;

const HEADER = 8;
const LOST_SIZE = 24;
export const PAGE_SIZE = 4096;

export type PerfRecord =
  | { type: typeof PERF_RECORD_SAMPLE; cpu: number; data: Uint8Array }
  | { type: typeof PERF_RECORD_LOST; cpu: number; lost: number };

export class PerfEvent {
  readonly data: Uint8Array;
  private readonly mask: number;
  /** Absolute producer and consumer positions (data_head, data_tail). */
  head = 0;
  tail = 0;
  /** Samples dropped since the last PERF_RECORD_LOST went out. */
  private lost = 0;
  /** Samples dropped in total. */
  lostTotal = 0;

  constructor(readonly cpu: number, pages: number, readonly id = 0) {
    if (pages <= 0 || (pages & (pages - 1)) !== 0) throw new RangeError('perf buffer pages must be a power of two');
    this.data = new Uint8Array(pages * PAGE_SIZE);
    this.mask = this.data.length - 1;
  }

  private free(): number {
    return this.data.length - (this.head - this.tail);
  }

  private put8(v: number): void {
    this.data[this.head & this.mask] = v & 0xff;
    this.head++;
  }
  private put16(v: number): void {
    this.put8(v);
    this.put8(v >>> 8);
  }
  private put32(v: number): void {
    this.put16(v);
    this.put16(v >>> 16);
  }

  /** perf_event_output of a raw sample; false when it did not fit and was counted as lost. */
  output(src: Uint8Array, off: number, size: number): boolean {
    const rawSize = ((size + 4 + 7) & ~7) - 4;
    const total = HEADER + 4 + rawSize;
    const need = total + (this.lost ? LOST_SIZE : 0);
    if (total > 0xffff || need > this.free()) {
      this.lost++;
      this.lostTotal++;
      return false;
    }
    if (this.lost) {
      this.put32(PERF_RECORD_LOST);
      this.put16(0);
      this.put16(LOST_SIZE);
      this.put32(this.id);
      this.put32(0);
      this.put32(this.lost);
      this.put32(0);
      this.lost = 0;
    }
    this.put32(PERF_RECORD_SAMPLE);
    this.put16(0);
    this.put16(total);
    this.put32(rawSize);
    for (let i = 0; i < size; i++) this.put8(src[off + i]!);
    for (let i = size; i < rawSize; i++) this.put8(0);
    return true;
  }

  private get32(pos: number): number {
    const d = this.data, m = this.mask;
    return (d[pos & m]! | (d[(pos + 1) & m]! << 8) | (d[(pos + 2) & m]! << 16) | (d[(pos + 3) & m]! << 24)) >>> 0;
  }

  /**
   * Reads the records from tail to head, as libbpf's perf_buffer does, until `stop` says the
   * reader is busy; returns how many it read. What is left stays for the next call.
   */
  consume(cb: (r: PerfRecord) => void, stop?: () => boolean): number {
    let n = 0;
    while (this.tail < this.head && !stop?.()) {
      const type = this.get32(this.tail);
      const size = this.get32(this.tail + 4) >>> 16;
      if (type === PERF_RECORD_SAMPLE) {
        const raw = this.get32(this.tail + HEADER);
        const out = new Uint8Array(raw);
        for (let i = 0; i < raw; i++) out[i] = this.data[(this.tail + HEADER + 4 + i) & this.mask]!;
        this.tail += size;
        cb({ type: PERF_RECORD_SAMPLE, cpu: this.cpu, data: out });
      } else {
        const lost = this.get32(this.tail + 16);
        this.tail += size;
        cb({ type: PERF_RECORD_LOST, cpu: this.cpu, lost });
      }
      n++;
    }
    return n;
  }
}
