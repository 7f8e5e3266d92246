// Loads, stores, atomics, BPF-to-BPF calls and faults, on both engines.

import { describe, expect, it } from 'vitest';
import { FAULT_BUDGET, FAULT_CALL_DEPTH, FAULT_FELL_OFF, FAULT_READ, FAULT_WRITE } from '../../src/bpf/fault.js';
import { assemble } from '../../src/bpf/asm.js';
import { StandaloneHost } from '../../src/bpf/host.js';
import { BPF_PROG_TYPE, BpfSubsystem } from '../../src/bpf/syscall.js';
import { AddressSpace, RegionKind } from '../../src/bpf/memory.js';
import { BpfVm } from '../../src/bpf/vm.js';
import { load, runBoth } from '../support/run.js';

const mem = (...bytes: number[]): Uint8Array => new Uint8Array(bytes);
const le64 = (v: bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return b;
};
const read64 = (m: Uint8Array, off = 0): bigint => new DataView(m.buffer).getBigUint64(off, true);

describe('loads and stores', () => {
  const m = mem(0x11, 0x22, 0x33, 0x44, 0x85, 0x96, 0xa7, 0xf8, 0x01, 0x02);
  it('reads little-endian at every size, unaligned too', () => {
    expect(runBoth('ldxb %r0, [%r1+4]\nexit', m).r0).toBe(0x85n);
    expect(runBoth('ldxh %r0, [%r1+1]\nexit', m).r0).toBe(0x3322n);
    expect(runBoth('ldxw %r0, [%r1+2]\nexit', m).r0).toBe(0x96854433n);
    expect(runBoth('ldxdw %r0, [%r1+1]\nexit', m).r0).toBe(0x01f8a79685443322n);
  });
  it('sign-extends with ldxsb, ldxsh, ldxsw', () => {
    expect(runBoth('ldxsb %r0, [%r1+4]\nexit', m).r0).toBe(0xffffffffffffff85n);
    expect(runBoth('ldxsh %r0, [%r1+6]\nexit', m).r0).toBe(0xfffffffffffff8a7n);
    expect(runBoth('ldxsw %r0, [%r1+4]\nexit', m).r0).toBe(0xfffffffff8a79685n);
    expect(runBoth('ldxsb %r0, [%r1+0]\nexit', m).r0).toBe(0x11n);
  });
  it('stores immediates (sign-extended for stdw) and registers', () => {
    const r = runBoth('stdw [%r1+0], -2\nsth [%r1+8], 0x1234\nstb [%r1+10], 0x1ff\nlddw %r2, 0x1122334455667788\nstxw [%r1+11], %r2\nexit', new Uint8Array(16));
    expect(read64(r.mem)).toBe(0xfffffffffffffffen);
    expect(Array.from(r.mem.subarray(8, 15))).toEqual([0x34, 0x12, 0xff, 0x88, 0x77, 0x66, 0x55]);
  });
  it('keeps a 512-byte stack per frame at r10', () => {
    const r = runBoth('stdw [%r10-512], 7\nstdw [%r10-8], 5\nldxdw %r0, [%r10-512]\nldxdw %r1, [%r10-8]\nadd %r0, %r1\nexit');
    expect(r.r0).toBe(12n);
  });
  it('passes r1 = memory and r2 = its length', () => {
    expect(runBoth('mov %r0, %r2\nexit', new Uint8Array(13)).r0).toBe(13n);
    expect(runBoth('mov %r0, %r1\nexit').r0).toBe(0n);
  });
});

describe('faults instead of host exceptions', () => {
  it('reads past the end of memory', () => {
    const r = runBoth('ldxdw %r0, [%r1+4]\nexit', new Uint8Array(8));
    expect(r.status).toBe(FAULT_READ);
    expect(r.fault).toMatch(/invalid memory read of 8 bytes at 0x[0-9a-f]+ at insn 0/);
  });
  it('writes outside the stack', () => {
    expect(runBoth('stb [%r10-4097], 1\nexit').status).toBe(FAULT_WRITE);
    expect(runBoth('stdw [%r10-4096], 1\nexit').status).toBe(0);
    expect(runBoth('stdw [%r10-4100], 1\nexit').status).toBe(FAULT_WRITE);
    expect(runBoth('stb [%r10+0], 1\nexit').status).toBe(FAULT_WRITE);
  });
  it('dereferences NULL and wild pointers', () => {
    expect(runBoth('mov %r1, 0\nldxb %r0, [%r1]\nexit').status).toBe(FAULT_READ);
    expect(runBoth('lddw %r1, 0xffffd0ff80000000\nldxb %r0, [%r1]\nexit').status).toBe(FAULT_READ);
    expect(runBoth('lddw %r1, 0xffffffffffffffff\nstxb [%r1+1], %r1\nexit').status).toBe(FAULT_WRITE);
  });
  it('runs out of its instruction budget at the same instruction on both engines', () => {
    const r = runBoth('mov %r0, 0\nloop:\nadd %r0, 1\nja loop', new Uint8Array(0), 1000);
    expect(r.status).toBe(FAULT_BUDGET);
    expect(r.executed).toBe(1000);
    expect(r.fault).toBe('instruction budget of 1000 exhausted at insn 2');
  });
  it('falls off the end', () => {
    expect(runBoth('mov %r0, 1').status).toBe(FAULT_FELL_OFF);
    expect(runBoth('mov %r0, 1\nmov %r0, 2').fault).toBe('fell off the end of the program at insn 2');
  });
});

describe('atomics', () => {
  const ops = [
    ['add', 0x1111n, 0x2222n, 0x3333n],
    ['or', 0x1100n, 0x0011n, 0x1111n],
    ['and', 0x1110n, 0x0111n, 0x0110n],
    ['xor', 0x1111n, 0x0110n, 0x1001n],
  ] as const;
  for (const [op, a, b, want] of ops) {
    it(`lock ${op} and lock fetch ${op}, 64 and 32 bits`, () => {
      const r = runBoth(`mov %r2, ${b}\nlock ${op} [%r1+0], %r2\nmov %r0, %r2\nexit`, le64(a));
      expect(read64(r.mem)).toBe(want);
      expect(r.r0).toBe(b);
      const f = runBoth(`mov %r2, ${b}\nlock fetch ${op} [%r1+0], %r2\nmov %r0, %r2\nexit`, le64(a));
      expect(read64(f.mem)).toBe(want);
      expect(f.r0).toBe(a);
      const w = runBoth(`mov %r2, ${b}\nlock fetch ${op}32 [%r1+0], %r2\nmov %r0, %r2\nexit`, le64(a | 0xabcd00000000n));
      expect(read64(w.mem) & 0xffffffffn).toBe(want);
      expect(read64(w.mem) >> 32n).toBe(0xabcdn);
      expect(w.r0).toBe(a);
    });
  }
  it('add carries into the high word and fetch32 zero-extends', () => {
    const r = runBoth('lddw %r2, 0xffffffff\nlock fetch add [%r1+0], %r2\nexit', le64(1n));
    expect(read64(r.mem)).toBe(0x100000000n);
    const w = runBoth('lddw %r2, 0xffffffffffffffff\nlock fetch add32 [%r1+0], %r2\nmov %r0, %r2\nexit', le64(0x80000000n));
    expect(w.r0).toBe(0x80000000n);
    expect(read64(w.mem)).toBe(0x7fffffffn);
  });
  it('xchg returns the old value', () => {
    const r = runBoth('lddw %r2, 0x1122334455667788\nlock xchg [%r1+0], %r2\nmov %r0, %r2\nexit', le64(42n));
    expect(r.r0).toBe(42n);
    expect(read64(r.mem)).toBe(0x1122334455667788n);
    const w = runBoth('lddw %r2, 0xffffffffaabbccdd\nlock xchg32 [%r1+0], %r2\nmov %r0, %r2\nexit', le64(0xffffffff00000007n));
    expect(w.r0).toBe(7n);
    expect(read64(w.mem)).toBe(0xffffffffaabbccddn);
  });
  it('cmpxchg compares with r0, stores on a match and always loads r0', () => {
    const hit = runBoth('mov %r0, 42\nmov %r2, 7\nlock cmpxchg [%r1+0], %r2\nexit', le64(42n));
    expect(hit.r0).toBe(42n);
    expect(read64(hit.mem)).toBe(7n);
    const miss = runBoth('mov %r0, 41\nmov %r2, 7\nlock cmpxchg [%r1+0], %r2\nexit', le64(42n));
    expect(miss.r0).toBe(42n);
    expect(read64(miss.mem)).toBe(42n);
    const w = runBoth('lddw %r0, 0xffffffff0000002a\nmov %r2, 7\nlock cmpxchg32 [%r1+0], %r2\nexit', le64(0x990000002an));
    expect(w.r0).toBe(42n);
    expect(read64(w.mem)).toBe(0x9900000007n);
  });
  it('faults on atomics outside memory', () => {
    expect(runBoth('mov %r2, 1\nlock add [%r1+4], %r2\nexit', new Uint8Array(8)).status).toBe(FAULT_WRITE);
  });
});

describe('BPF-to-BPF calls', () => {
  it('passes r1-r5, returns r0, keeps the caller\'s r6-r9', () => {
    const r = runBoth(
      ['mov %r6, 6', 'mov %r1, 1', 'mov %r2, 2', 'call local f', 'add %r0, %r6', 'exit', 'f:', 'mov %r0, %r1', 'add %r0, %r2', 'mov %r6, 100', 'exit'].join('\n'),
    );
    expect(r.r0).toBe(9n);
  });
  it('gives each frame its own stack', () => {
    const r = runBoth(
      ['stdw [%r10-8], 1', 'mov %r6, %r10', 'call local f', 'ldxdw %r1, [%r10-8]', 'add %r0, %r1', 'exit', 'f:', 'stdw [%r10-8], 40', 'ldxdw %r0, [%r10-8]', 'sub %r6, %r10', 'add %r0, %r6', 'exit'].join('\n'),
    );
    expect(r.r0).toBe(40n + 512n + 1n);
  });
  it('recurses up to 8 frames and faults on the 9th', () => {
    const prog = (depth: number): string => [`mov %r1, ${depth}`, 'call local f', 'exit', 'f:', 'mov %r0, %r1', 'sub %r1, 1', 'jeq %r1, 0, done', 'call local f', 'done:', 'exit'].join('\n');
    expect(runBoth(prog(7)).r0).toBe(1n);
    const r = runBoth(prog(8));
    expect(r.status).toBe(FAULT_CALL_DEPTH);
    expect(r.fault).toBe('call depth exceeds 8 frames at insn 6');
  });
});

describe('legacy packet loads (LD_ABS, LD_IND)', () => {
  const pkt = new Uint8Array([0x45, 0x00, 0x00, 0x54, 0xde, 0xad, 0xbe, 0xef, 0x11]);
  // The verifier wants the skb in r6, as the kernel's LD_ABS implementation reads it from there.
  const runPkt = (src: string): { err: number; retval: bigint } => {
    const bpf = new BpfSubsystem(new StandaloneHost());
    const out = { log: '' };
    const fd = bpf.progLoad({ progType: BPF_PROG_TYPE.socket_filter, insns: assemble('mov %r6, %r1\n' + src), logLevel: 1 }, out);
    expect(fd, out.log).toBeGreaterThan(0);
    return bpf.progTestRun(fd, { data: pkt });
  };
  it('read the packet big-endian', () => {
    expect(runPkt('ldabsw 4\nexit').retval).toBe(0xdeadbeefn);
    expect(runPkt('ldabsh 2\nexit').retval).toBe(0x54n);
    expect(runPkt('ldabsb 8\nexit').retval).toBe(0x11n);
    expect(runPkt('mov %r7, 3\nldindh %r7, 3\nexit').retval).toBe(0xbeefn);
  });
  it('end the program with 0 when out of bounds', () => {
    expect(runPkt('mov %r0, 9\nldabsw 6\nmov %r0, 7\nexit').retval).toBe(0n);
  });
  // The verifier forbids LD_ABS in a program with subprograms, but the VM must still unwind every
  // frame if one reaches it (the conformance suite runs unverified code).
  it('unwind every frame when out of bounds in a subprogram', () => {
    const prog = load('call local f\nmov %r0, 7\nexit\nf:\nmov %r7, -1\nldindb %r7, 0\nmov %r0, 5\nexit');
    for (const engine of ['interp', 'jit'] as const) {
      const as = new AddressSpace();
      const vm = new BpfVm(as, new StandaloneHost());
      vm.packet = as.add(RegionKind.Packet, pkt.slice(), true, 'packet');
      expect(vm.run(prog, engine)).toBe(0);
      expect(vm.r0).toBe(0n);
    }
  });
});

describe('callx', () => {
  it('calls the helper whose id is in the register', () => {
    expect(runBoth('mov %r2, 7\ncall %r2\nrsh %r0, 32\nexit').r0).toBe(0n);
    const r = runBoth('mov %r3, 9999\ncallx %r3\nexit');
    expect(r.fault).toBe('call to unknown helper #9999 at insn 1');
  });
});
