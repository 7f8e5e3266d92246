// The emulated kernel as the BPF machine's host: what a program's helpers see when it runs inside
// the machine (in a probe, a timer, or bpftrace's BEGIN): the current task and CPU, virtual time,
// the kernel stack with kallsyms addresses. It sits above both layers because the kernel must not
// know the BPF machine and the BPF machine knows kernels only through BpfHost.

import type { BpfHost } from '../bpf/host.js';
import { xorshift32 } from '../bpf/host.js';
import { callSiteOffset, type Kernel } from '../kernel/machine.js';
import { taskStruct } from '../kernel/fork.js';
import { send_sig } from '../kernel/signal.js';
import type { KernelFunction } from '../kernel/symbols.js';

/** The direct map's base, 0xffff888000000000, by halves. */
const DIRECT_MAP_HI = 0xffff8880;
/** INITIAL_JIFFIES for HZ=250 (Ubuntu's 5.0 config): jiffies start 300 s before wrapping 32 bits. */
const INITIAL_JIFFIES = 0x100000000 - 300 * 250;
const NS_PER_JIFFY = 4_000_000;

export class KernelHost implements BpfHost {
  readonly nrCpus: number;
  /** The function a kprobe fired in, and the offset of the probed instruction; null outside a probe. */
  probedFn: KernelFunction | null = null;
  probedOffset = 0;
  /** bpf_trace_printk lines, until tracefs's trace buffer takes them. */
  readonly printk: string[] = [];
  private readonly prandom: () => number;
  private readonly random: () => number;
  private readonly encoder = new TextEncoder();

  constructor(private readonly k: Kernel) {
    this.nrCpus = k.cpus.length;
    // Streams of their own, so a program calling rand() does not change what the kernel does.
    this.prandom = xorshift32(k.config.seed ^ 0x62706631);
    this.random = xorshift32(k.config.seed ^ 0x6a686173);
  }

  cpu(): number {
    return this.k.cpu;
  }
  ktimeGetNs(): number {
    return this.k.now;
  }
  ktimeGetBootNs(): number {
    return this.k.now;
  }
  jiffies64(): number {
    return INITIAL_JIFFIES + Math.floor(this.k.now / NS_PER_JIFFY);
  }
  prandomU32(): number {
    return this.prandom();
  }
  random32(): number {
    return this.random();
  }
  currentPid(): number {
    return this.k.current.pid;
  }
  currentTgid(): number {
    return this.k.current.tgid;
  }
  currentUid(): number {
    return this.k.current.uid;
  }
  currentGid(): number {
    return this.k.current.gid;
  }
  currentComm(out: Uint8Array, off: number): number {
    const { written } = this.encoder.encodeInto(this.k.current.comm, out.subarray(off, off + 15));
    out[off + written] = 0;
    return written;
  }
  currentTask(out: Int32Array): void {
    const ts = taskStruct(this.k, this.k.current);
    const phys = ts ? ts.obj : 0;
    out[0] = ts ? phys % 0x100000000 | 0 : 0;
    out[1] = ts ? (DIRECT_MAP_HI + Math.floor(phys / 0x100000000)) | 0 : 0;
  }
  currentCgroupId(out: Int32Array): void {
    // Every task is in the root cgroup of cgroup v2, whose kernfs id is 1.
    out[0] = 1;
    out[1] = 0;
  }
  numaNodeId(): number {
    return 0;
  }
  readMemory(_dst: Uint8Array, _dstOff: number, _size: number, _lo: number, _hi: number, _user: boolean): boolean {
    // The emulated kernel keeps its state in typed arrays, not in bytes at addresses: no kernel
    // or user address is readable, so probe_read fails with -EFAULT as on an unmapped address.
    return false;
  }
  getStack(user: boolean, out: Uint32Array): number {
    if (user) return 0;
    const k = this.k;
    const t = k.current;
    const max = out.length >> 1;
    let n = 0;
    const push = (fn: KernelFunction, off: number): void => {
      const addr = k.symbolAddress(fn) + BigInt(off);
      out[2 * n] = Number(addr & 0xffffffffn);
      out[2 * n + 1] = Number(addr >> 32n);
      n++;
    };
    let depth = t.kdepth;
    const fn = this.probedFn;
    if (fn) {
      push(fn, this.probedOffset);
      // A function that pushed its own frame is the probed one, not a caller.
      if (fn.inStack && depth > 0 && k.functions[t.kstack[depth - 1]!] === fn) depth--;
    }
    for (let i = depth - 1; i >= 0 && n < max; i--) {
      const caller = k.functions[t.kstack[i]!]!;
      const callee = i + 1 < t.kdepth ? t.kstack[i + 1]! : fn ? fn.id : -1;
      push(caller, callSiteOffset(caller, callee));
    }
    return n;
  }
  formatPointer(lo: number, hi: number): string {
    // %p hashes with a per-boot key (ptr_to_id); the key here comes from the machine's seed.
    let h = Math.imul((lo ^ this.k.config.seed) >>> 0, 0x9e3779b1) ^ Math.imul(hi >>> 0, 0x85ebca6b);
    h ^= h >>> 15;
    return '00000000' + (h >>> 0).toString(16).padStart(8, '0');
  }
  tracePrintk(text: string): void {
    this.printk.push(text);
  }
  sendSignal(sig: number): number {
    const t = this.k.current;
    if (t.isKthread || t.pid === 0) return -1;
    return send_sig(this.k, sig, t) ? 0 : -3;
  }
  overrideReturn(_lo: number, _hi: number): number {
    // 5.0 allows it only on functions marked ALLOW_ERROR_INJECTION, and none of the emulated
    // functions are.
    return -22;
  }
  funcIp(out: Int32Array): void {
    const fn = this.probedFn;
    const addr = fn ? this.k.symbolAddress(fn) : 0n;
    out[0] = Number(addr & 0xffffffffn) | 0;
    out[1] = Number(addr >> 32n) | 0;
  }
}
