// Helpers called from programs, loaded through the bpf() API: the map helpers on real maps,
// what the host supplies (task, time, memory, stacks), output through perf buffers and the ring
// buffer, trace_printk's format rules, and the table of prototypes.

import { describe, expect, it } from 'vitest';
import { assemble } from '../../src/bpf/asm.js';
import { EFAULT, EINVAL, ENOENT } from '../../src/bpf/errno.js';
import { FAULT_BAD_HELPER, FAULT_HELPER_ARG } from '../../src/bpf/fault.js';
import { HELPER_IMPLS, HELPER_PROTOS } from '../../src/bpf/helpers.js';
import { HELPER_NAMES } from '../../src/bpf/helper_ids.js';
import { StandaloneHost } from '../../src/bpf/host.js';
import { BPF_MAP_TYPE } from '../../src/bpf/maps/map.js';
import { PERF_RECORD_SAMPLE, type PerfRecord } from '../../src/bpf/maps/perf_event.js';
import { RingBufMap } from '../../src/bpf/maps/ringbuf.js';
import { BPF_PROG_TYPE, BpfSubsystem } from '../../src/bpf/syscall.js';
import { loadProgram, LoadedProgram, relocateMapRefs } from '../../src/bpf/program.js';
import type { Insn } from '../../src/bpf/isa.js';

/** A host with some kernel memory and a stack, as the emulated kernel will provide them. */
class TestHost extends StandaloneHost {
  kernel = new Map<bigint, number>();
  stack: bigint[] = [];
  override readMemory(dst: Uint8Array, off: number, size: number, lo: number, hi: number): boolean {
    const base = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    for (let i = 0; i < size; i++) {
      const b = this.kernel.get(base + BigInt(i));
      if (b === undefined) return false;
      dst[off + i] = b;
    }
    return true;
  }
  override getStack(_user: boolean, out: Uint32Array): number {
    const n = Math.min(this.stack.length, out.length / 2);
    for (let i = 0; i < n; i++) {
      out[i * 2] = Number(this.stack[i]! & 0xffffffffn);
      out[i * 2 + 1] = Number(this.stack[i]! >> 32n);
    }
    return n;
  }
  poke(addr: bigint, bytes: Uint8Array): void {
    bytes.forEach((b, i) => this.kernel.set(addr + BigInt(i), b));
  }
  override currentPid(): number {
    return 4242;
  }
  override currentTgid(): number {
    return 4200;
  }
  override currentUid(): number {
    return 1000;
  }
  override currentGid(): number {
    return 27;
  }
  override currentTask(out: Int32Array): void {
    out[0] = 0x12345680 | 0;
    out[1] = 0xffff8880 | 0;
  }
}

// Today's dialect: ring buffers and direct map-value references exist only there.
function setup(nrCpus = 2): { bpf: BpfSubsystem; host: TestHost } {
  const host = new TestHost({ nrCpus, seed: 3 });
  return { bpf: new BpfSubsystem(host, '6.x'), host };
}

const patchMaps = (src: string, mapFds: number[]): Insn[] => relocateMapRefs(assemble(src), mapFds);

/** Loads `src` through the verifier, with `map[id:k]` naming the k-th of `mapFds`, and runs it once. */
function run(bpf: BpfSubsystem, src: string, mapFds: number[] = []): { err: number; retval: bigint; error?: string } {
  const out = { log: '' };
  const fd = bpf.progLoad({ progType: BPF_PROG_TYPE.kprobe, insns: patchMaps(src, mapFds), license: 'GPL', logLevel: 1 }, out);
  if (fd < 0) throw new Error(`load failed: ${out.log}`);
  return bpf.progTestRun(fd);
}

/** Runs `src` without the verifier: how the VM defends itself from programs no verifier passes. */
function runUnverified(bpf: BpfSubsystem, src: string, mapFds: number[] = []): string {
  const prog = loadProgram(patchMaps(src, mapFds), (f) => bpf.mapByFd(f));
  if (!(prog instanceof LoadedProgram)) throw new Error(prog.message);
  const vm = bpf.vm();
  vm.setContext(null);
  const st = vm.run(prog);
  return st === 0 ? '' : vm.faultText(st);
}

const u32 = (v: number): Uint8Array => new Uint8Array(new Uint32Array([v]).buffer);
const read64 = (b: Uint8Array, off = 0): bigint => new DataView(b.buffer, b.byteOffset).getBigUint64(off, true);

describe('map helpers', () => {
  const counter = `
    *(u32 *)(r10 -4) = 7
    r1 = map[id:1]
    r2 = r10
    r2 += -4
    call bpf_map_lookup_elem#1
    if r0 != 0x0 goto found
    *(u64 *)(r10 -16) = 1
    r1 = map[id:1]
    r2 = r10
    r2 += -4
    r3 = r10
    r3 += -16
    r4 = 1
    call bpf_map_update_elem#2
    r0 = 100
    exit
    found:
    r1 = 1
    lock *(u64 *)(r0 +0) += r1
    r0 = *(u64 *)(r0 +0)
    exit`;
  it('look up, insert with BPF_NOEXIST, and count in place', () => {
    const { bpf } = setup();
    const fd = bpf.mapCreate({ mapType: BPF_MAP_TYPE.hash, keySize: 4, valueSize: 8, maxEntries: 16 });
    expect(run(bpf, counter, [fd]).retval).toBe(100n);
    expect(run(bpf, counter, [fd]).retval).toBe(2n);
    expect(run(bpf, counter, [fd]).retval).toBe(3n);
    const v = new Uint8Array(8);
    expect(bpf.mapLookupElem(fd, u32(7), v)).toBe(0);
    expect(read64(v)).toBe(3n);
  });
  it('delete returns -ENOENT for a missing key', () => {
    const { bpf } = setup();
    const fd = bpf.mapCreate({ mapType: BPF_MAP_TYPE.hash, keySize: 4, valueSize: 8, maxEntries: 16 });
    const del = '*(u32 *)(r10 -4) = 1\nr1 = map[id:1]\nr2 = r10\nr2 += -4\ncall bpf_map_delete_elem#3\nexit';
    expect(run(bpf, del, [fd]).retval).toBe(BigInt.asUintN(64, BigInt(-ENOENT)));
    bpf.mapUpdateElem(fd, u32(1), new Uint8Array(8));
    expect(run(bpf, del, [fd]).retval).toBe(0n);
  });
  it('a direct map-value reference (lddw src 2) addresses an array\'s value', () => {
    const { bpf } = setup();
    const fd = bpf.mapCreate({ mapType: BPF_MAP_TYPE.array, keySize: 4, valueSize: 16, maxEntries: 1 });
    expect(run(bpf, 'r1 = map[id:1][0]+8\n*(u64 *)(r1 +0) = 99\nr0 = 0\nexit', [fd]).err).toBe(0);
    const v = new Uint8Array(16);
    bpf.mapLookupElem(fd, u32(0), v);
    expect(read64(v, 8)).toBe(99n);
  });
  it('a bad map pointer is a fault, not a crash', () => {
    const { bpf } = setup();
    expect(runUnverified(bpf, 'r1 = r10\nr2 = r10\ncall bpf_map_lookup_elem#1\nexit')).toBe('invalid argument to helper #1 at insn 2');
    expect(FAULT_HELPER_ARG).toBe(6);
  });
});

describe('the current task, time and CPU', () => {
  it('pid_tgid, uid_gid, comm, task, cpu', () => {
    const { bpf, host } = setup(4);
    expect(run(bpf, 'call bpf_get_current_pid_tgid#14\nexit').retval).toBe((4200n << 32n) | 4242n);
    expect(run(bpf, 'call bpf_get_current_uid_gid#15\nexit').retval).toBe((27n << 32n) | 1000n);
    expect(run(bpf, 'call bpf_get_current_task#35\nexit').retval).toBe(0xffff888012345680n);
    host.currentCpu = 3;
    expect(run(bpf, 'call bpf_get_smp_processor_id#8\nexit').retval).toBe(3n);
    const fd = bpf.mapCreate({ mapType: BPF_MAP_TYPE.array, keySize: 4, valueSize: 16, maxEntries: 1 });
    const comm = 'r1 = map[id:1][0]+0\n*(u64 *)(r1 +8) = -1\nr2 = 16\ncall bpf_get_current_comm#16\nexit';
    expect(run(bpf, comm, [fd]).retval).toBe(0n);
    const v = new Uint8Array(16);
    bpf.mapLookupElem(fd, u32(0), v);
    expect(Buffer.from(v).toString('latin1')).toBe('bpfbox\0\0\0\0\0\0\0\0\0\0');
  });
  it('ktime advances and is exact past 2^32', () => {
    const { bpf } = setup();
    const a = run(bpf, 'call bpf_ktime_get_ns#5\nexit').retval;
    const b = run(bpf, 'call bpf_ktime_get_ns#5\nexit').retval;
    expect(b).toBeGreaterThan(a);
  });
});

describe('memory helpers', () => {
  it('probe_read copies kernel memory, zero-fills and returns -EFAULT on a bad address', () => {
    const { bpf, host } = setup();
    host.poke(0xffff888000001000n, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    const fd = bpf.mapCreate({ mapType: BPF_MAP_TYPE.array, keySize: 4, valueSize: 8, maxEntries: 1 });
    const read = (addr: string): string => `r6 = map[id:1][0]+0\n*(u64 *)(r6 +0) = -1\nr1 = r6\nr2 = 8\nr3 = ${addr}\ncall bpf_probe_read#4\nexit`;
    expect(run(bpf, read('0xffff888000001000'), [fd]).retval).toBe(0n);
    const v = new Uint8Array(8);
    bpf.mapLookupElem(fd, u32(0), v);
    expect(read64(v)).toBe(0x0807060504030201n);
    expect(run(bpf, read('0xffff888000001004'), [fd]).retval).toBe(BigInt.asUintN(64, BigInt(-EFAULT)));
    bpf.mapLookupElem(fd, u32(0), v);
    expect(read64(v)).toBe(0n);
  });
  it('probe_read_str stops at the NUL and counts it', () => {
    const { bpf, host } = setup();
    host.poke(0xffff888000002000n, new TextEncoder().encode('kswapd0\0junk'));
    const fd = bpf.mapCreate({ mapType: BPF_MAP_TYPE.array, keySize: 4, valueSize: 16, maxEntries: 1 });
    const src = 'r1 = map[id:1][0]+0\nr2 = 16\nr3 = 0xffff888000002000\ncall bpf_probe_read_str#45\nexit';
    expect(run(bpf, src, [fd]).retval).toBe(8n);
    const v = new Uint8Array(16);
    bpf.mapLookupElem(fd, u32(0), v);
    expect(Buffer.from(v.subarray(0, 8)).toString('latin1')).toBe('kswapd0\0');
    const short = 'r1 = map[id:1][0]+0\nr2 = 4\nr3 = 0xffff888000002000\ncall bpf_probe_read_str#45\nexit';
    expect(run(bpf, short, [fd]).retval).toBe(4n);
  });
  it('probe_read reaches the program\'s own stack', () => {
    const { bpf } = setup();
    expect(run(bpf, '*(u64 *)(r10 -8) = 77\nr1 = r10\nr1 += -16\nr2 = 8\nr3 = r10\nr3 += -8\ncall bpf_probe_read#4\nr0 = *(u64 *)(r10 -16)\nexit').retval).toBe(77n);
  });
});

describe('stacks', () => {
  it('get_stackid stores the host\'s stack; get_stack copies it', () => {
    const { bpf, host } = setup();
    host.stack = [0xffffffff811d5e70n, 0xffffffff811d6b2an, 0xffffffff81a00088n];
    const sfd = bpf.mapCreate({ mapType: BPF_MAP_TYPE.stack_trace, keySize: 4, valueSize: 8 * 127, maxEntries: 1024 });
    const id = run(bpf, 'r6 = r1\nr1 = r6\nr2 = map[id:1]\nr3 = 0\ncall bpf_get_stackid#27\nexit', [sfd]).retval;
    expect(id).toBeLessThan(1024n);
    const v = new Uint8Array(8 * 127);
    expect(bpf.mapLookupElem(sfd, u32(Number(id)), v)).toBe(0);
    expect([read64(v, 0), read64(v, 8), read64(v, 16), read64(v, 24)]).toEqual([...host.stack, 0n]);
    const afd = bpf.mapCreate({ mapType: BPF_MAP_TYPE.array, keySize: 4, valueSize: 32, maxEntries: 1 });
    expect(run(bpf, 'r2 = map[id:1][0]+0\nr3 = 32\nr4 = 1\ncall bpf_get_stack#67\nexit', [afd]).retval).toBe(16n);
    const w = new Uint8Array(32);
    bpf.mapLookupElem(afd, u32(0), w);
    expect([read64(w, 0), read64(w, 8), read64(w, 16)]).toEqual([0xffffffff811d6b2an, 0xffffffff81a00088n, 0n]);
    expect(run(bpf, 'r2 = map[id:1][0]+0\nr3 = 12\nr4 = 0\ncall bpf_get_stack#67\nexit', [afd]).retval).toBe(BigInt.asUintN(64, BigInt(-EINVAL)));
  });
});

describe('output', () => {
  it('perf_event_output sends a sample from the stack to the current CPU\'s buffer', () => {
    const { bpf, host } = setup(2);
    const pfd = bpf.mapCreate({ mapType: BPF_MAP_TYPE.perf_event_array, keySize: 4, valueSize: 4, maxEntries: 2 });
    const evs = [0, 1].map((cpu) => bpf.perfEventOpen(cpu));
    evs.forEach((e, cpu) => bpf.mapUpdateElem(pfd, u32(cpu), u32(e)));
    host.currentCpu = 1;
    const src = '*(u64 *)(r10 -8) = 0x1234\nr2 = map[id:1]\nr3 = 0xffffffff ll\nr4 = r10\nr4 += -8\nr5 = 8\ncall bpf_perf_event_output#25\nexit';
    // LLVM's `ll` marks the same 64-bit load the kernel's listing shows without it.
    const ok = '*(u64 *)(r10 -8) = 4660\nr2 = map[id:1]\nr3 = 0xffffffff\nr4 = r10\nr4 += -8\nr5 = 8\ncall bpf_perf_event_output#25\nexit';
    expect(assemble(src)).toEqual(assemble(ok));
    expect(run(bpf, ok, [pfd]).retval).toBe(0n);
    const got: PerfRecord[] = [];
    bpf.perfEventByFd(evs[1]!)!.consume((r) => got.push(r));
    expect(got).toEqual([{ type: PERF_RECORD_SAMPLE, cpu: 1, data: new Uint8Array([0x34, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) }]);
    expect(bpf.perfEventByFd(evs[0]!)!.head).toBe(0);
  });
  it('ringbuf reserve, write in place, submit; the consumer sees it', () => {
    const { bpf } = setup();
    const rfd = bpf.mapCreate({ mapType: BPF_MAP_TYPE.ringbuf, keySize: 0, valueSize: 0, maxEntries: 4096 });
    const src = 'r1 = map[id:1]\nr2 = 8\nr3 = 0\ncall bpf_ringbuf_reserve#131\nif r0 == 0x0 goto out\n*(u64 *)(r0 +0) = 31337\nr1 = r0\nr2 = 0\ncall bpf_ringbuf_submit#132\nout:\nr0 = 0\nexit';
    expect(run(bpf, src, [rfd]).err).toBe(0);
    const seen: bigint[] = [];
    (bpf.mapByFd(rfd) as RingBufMap).consume((d) => seen.push(read64(d)));
    expect(seen).toEqual([31337n]);
  });
  it('trace_printk formats as Linux 5.0 and rejects what 5.0 rejects', () => {
    const { bpf, host } = setup();
    host.poke(0xffff888000003000n, new TextEncoder().encode('memhog\0'));
    const fd = bpf.mapCreate({ mapType: BPF_MAP_TYPE.array, keySize: 4, valueSize: 64, maxEntries: 1 });
    const printk = (fmt: string, args: string[]): bigint => {
      const bytes = [...new TextEncoder().encode(fmt), 0];
      const stores = bytes.map((b, i) => `*(u8 *)(r10 ${i - 64}) = ${b}`).join('\n');
      const regs = args.map((a, i) => `r${i + 3} = ${a}`).join('\n');
      return run(bpf, `${stores}\nr1 = r10\nr1 += -64\nr2 = ${bytes.length}\n${regs}\ncall bpf_trace_printk#6\nexit`, [fd]).retval;
    };
    expect(printk('pid %d comm %s x=%lx', ['-5', '0xffff888000003000', '0x123456789'])).toBe(BigInt('pid -5 comm memhog x=123456789'.length));
    expect(host.printk.at(-1)).toBe('pid -5 comm memhog x=123456789');
    expect(printk('%u %llu', ['-1', '-1'])).toBe(BigInt('4294967295 18446744073709551615'.length));
    expect(printk('100%%', [])).toBe(BigInt.asUintN(64, BigInt(-EINVAL)));
    expect(printk('%d %d %d %d', ['1', '2', '3'])).toBe(BigInt.asUintN(64, BigInt(-EINVAL)));
    expect(printk('%s %s', ['0', '0'])).toBe(BigInt.asUintN(64, BigInt(-EINVAL)));
    expect(printk('%f', ['1'])).toBe(BigInt.asUintN(64, BigInt(-EINVAL)));
  });
});

describe('the helper table', () => {
  it('has a prototype for every helper it implements, named as the kernel names them', () => {
    const implemented = HELPER_IMPLS.map((f, id) => (f ? id : -1)).filter((id) => id >= 0);
    expect([...HELPER_PROTOS.keys()].sort((a, b) => a - b)).toEqual(implemented);
    expect(HELPER_PROTOS.get(1)!.name).toBe('bpf_map_lookup_elem');
    expect(HELPER_PROTOS.get(25)!.args).toEqual(['ARG_PTR_TO_CTX', 'ARG_CONST_MAP_PTR', 'ARG_ANYTHING', 'ARG_PTR_TO_MEM', 'ARG_CONST_SIZE_OR_ZERO']);
    expect(HELPER_NAMES.length).toBe(212);
    for (const p of HELPER_PROTOS.values()) expect(p.args.length).toBeLessThanOrEqual(5);
  });
  it('an unknown helper is a fault naming it', () => {
    const { bpf } = setup();
    expect(FAULT_BAD_HELPER).toBe(5);
    expect(runUnverified(bpf, 'call unknown#211\nexit')).toBe('call to unknown helper #211 at insn 0');
    expect(bpf.vm().helpers[211]).toBeUndefined();
  });
});
