// What the BPF machine needs from the machine it runs in. Helpers read time, the current task,
// the current CPU, stacks and kernel memory through this interface and nothing else; the
// emulated kernel implements it, and StandaloneHost serves `bpfbox bpf run` and the tests.
//
// 64-bit results that may exceed 2^53 (addresses) come back through `out` pairs (lo, hi) so that
// nothing is rounded and nothing is allocated per call.

export interface BpfHost {
  /** num_possible_cpus(): how many copies a per-CPU map keeps. */
  readonly nrCpus: number;
  /** smp_processor_id() of the current context. */
  cpu(): number;
  /** ktime_get_ns(): monotonic virtual time, an integer below 2^53. */
  ktimeGetNs(): number;
  /** ktime_get_boot_ns(): like ktimeGetNs but counting suspend, which the emulated machine never does. */
  ktimeGetBootNs(): number;
  /** jiffies_64. */
  jiffies64(): number;
  /** prandom_u32(). */
  prandomU32(): number;
  /** get_random_int(), used for map hash seeds. */
  random32(): number;
  /** The current task, or pid 0 (the idle task) outside of one. */
  currentPid(): number;
  currentTgid(): number;
  currentUid(): number;
  currentGid(): number;
  /** Copies the current task's comm (up to 16 bytes with its NUL) into `out` at `off`; returns its length. */
  currentComm(out: Uint8Array, off: number): number;
  /** The current task_struct's address into out[0] (lo), out[1] (hi). */
  currentTask(out: Int32Array): void;
  /** The current task's cgroup v2 id into out. */
  currentCgroupId(out: Int32Array): void;
  numaNodeId(): number;
  /**
   * Copies `size` bytes at the 64-bit address (lo, hi) of kernel (or user) memory into dst;
   * false, with nothing promised about dst, if any byte is not mapped.
   */
  readMemory(dst: Uint8Array, dstOff: number, size: number, lo: number, hi: number, user: boolean): boolean;
  /**
   * The stack of the current context, innermost first, as (lo, hi) u32 pairs in `out`; returns the
   * number of frames (at most out.length / 2). A kernel stack starts at the probed instruction.
   */
  getStack(user: boolean, out: Uint32Array): number;
  /** How `%p` prints a kernel pointer (hashed since Linux 4.15). */
  formatPointer(lo: number, hi: number): string;
  /** A line from bpf_trace_printk, for the trace buffer. */
  tracePrintk(text: string): void;
  /** bpf_send_signal: 0 or -errno. */
  sendSignal(sig: number): number;
  /** bpf_override_return on the probed function: 0 or -errno. */
  overrideReturn(lo: number, hi: number): number;
  /** bpf_get_func_ip: the probed function's address into out. */
  funcIp(out: Int32Array): void;
}

/** xorshift32 from a seed: deterministic streams for a machine without a kernel behind it. */
export function xorshift32(seed: number): () => number {
  let s = seed | 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

/**
 * A host with no kernel behind it: one task (`bpfbox`, pid 1), a clock that advances 1 µs per
 * read, no kernel memory and an empty stack.
 */
export class StandaloneHost implements BpfHost {
  readonly nrCpus: number;
  currentCpu = 0;
  private clock = 0;
  private readonly prng: () => number;
  private readonly rnd: () => number;
  readonly printk: string[] = [];
  readonly comm = new TextEncoder().encode('bpfbox');

  constructor(opts: { nrCpus?: number; seed?: number } = {}) {
    this.nrCpus = opts.nrCpus ?? 1;
    this.prng = xorshift32(opts.seed ?? 1);
    this.rnd = xorshift32((opts.seed ?? 1) ^ 0x5bd1e995);
  }

  cpu(): number {
    return this.currentCpu;
  }
  ktimeGetNs(): number {
    this.clock += 1000;
    return this.clock;
  }
  ktimeGetBootNs(): number {
    return this.ktimeGetNs();
  }
  jiffies64(): number {
    return 4294667296 + Math.floor(this.clock / 4_000_000);
  }
  prandomU32(): number {
    return this.prng();
  }
  random32(): number {
    return this.rnd();
  }
  currentPid(): number {
    return 1;
  }
  currentTgid(): number {
    return 1;
  }
  currentUid(): number {
    return 0;
  }
  currentGid(): number {
    return 0;
  }
  currentComm(out: Uint8Array, off: number): number {
    out.set(this.comm, off);
    out[off + this.comm.length] = 0;
    return this.comm.length;
  }
  currentTask(out: Int32Array): void {
    out[0] = 0;
    out[1] = 0;
  }
  currentCgroupId(out: Int32Array): void {
    out[0] = 1;
    out[1] = 0;
  }
  numaNodeId(): number {
    return 0;
  }
  readMemory(_dst: Uint8Array, _dstOff: number, _size: number, _lo: number, _hi: number, _user: boolean): boolean {
    return false;
  }
  getStack(_user: boolean, _out: Uint32Array): number {
    return 0;
  }
  formatPointer(lo: number, hi: number): string {
    // Not the kernel's siphash, but the same shape: 8 zero digits and 32 bits of hash.
    let h = Math.imul(lo ^ 0x2545f491, 0x9e3779b1) ^ Math.imul(hi, 0x85ebca6b);
    h ^= h >>> 15;
    return '00000000' + (h >>> 0).toString(16).padStart(8, '0');
  }
  tracePrintk(text: string): void {
    this.printk.push(text);
  }
  sendSignal(_sig: number): number {
    return -22;
  }
  overrideReturn(_lo: number, _hi: number): number {
    return -22;
  }
  funcIp(out: Int32Array): void {
    out[0] = 0;
    out[1] = 0;
  }
}
