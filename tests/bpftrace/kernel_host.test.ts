// The emulated kernel seen through BpfHost, as a program's helpers see it inside a probe.

import { describe, expect, it } from 'vitest';
import { boot } from '../../src/kernel/boot.js';
import { KernelHost } from '../../src/bpftrace/kernel_host.js';
import { memhog, spawn } from '../support/kernel.js';

/** A frame (lo, hi) as kallsyms resolves it: `name+off`. */
function symbolise(k: ReturnType<typeof boot>, lo: number, hi: number): string {
  const sym = k.symbolAt((BigInt(hi) << 32n) | BigInt(lo));
  return sym ? `${sym.fn.name}+${sym.off}` : '?';
}

describe('KernelHost', () => {
  it('gives a kprobe the current task, its comm and a kernel stack that symbolises to the call chain', () => {
    const k = boot({ memBytes: 256 * 1024 * 1024, seed: 3 });
    const host = new KernelHost(k);
    const seen: { pid: number; comm: string; stack: string[]; chain: string[] }[] = [];
    const comm = new Uint8Array(16);
    const frames = new Uint32Array(254);
    k.attachProbe('__alloc_pages_nodemask', (hit) => {
      if (seen.length || hit.task.comm !== 'memhog') return;
      host.probedFn = hit.fn;
      host.probedOffset = 1;
      const len = host.currentComm(comm, 0);
      const n = host.getStack(false, frames);
      const stack: string[] = [];
      for (let i = 0; i < n; i++) stack.push(symbolise(k, frames[2 * i]!, frames[2 * i + 1]!));
      seen.push({ pid: host.currentPid(), comm: new TextDecoder().decode(comm.subarray(0, len)), stack, chain: k.stackTrace(hit.fn) });
      host.probedFn = null;
    });
    const pid = spawn(k, '/usr/bin/memhog', memhog, ['memhog', '1']);
    k.sched.run(k.now + 1e9);
    expect(seen).toHaveLength(1);
    const s = seen[0]!;
    expect(s.pid).toBe(pid);
    expect(s.comm).toBe('memhog');
    expect(s.stack[0]).toBe('__alloc_pages_nodemask+1');
    expect(s.stack.map((f) => f.replace(/\+\d+$/, ''))).toEqual(s.chain);
    // Callers are return addresses inside their functions, past the prologue.
    for (const f of s.stack.slice(1)) expect(Number(f.split('+')[1])).toBeGreaterThan(0);
  });

  it('reads virtual time and jiffies from the machine and keeps rand() off the kernel\'s own stream', () => {
    const a = boot({ memBytes: 256 * 1024 * 1024, seed: 9 });
    const b = boot({ memBytes: 256 * 1024 * 1024, seed: 9 });
    const host = new KernelHost(a);
    for (let i = 0; i < 100; i++) host.prandomU32();
    expect(a.prng.u32()).toBe(b.prng.u32());
    a.sched.run(a.now + 8_000_000);
    expect(host.ktimeGetNs()).toBe(a.now);
    expect(host.jiffies64()).toBe(0x100000000 - 75000 + Math.floor(a.now / 4_000_000));
  });
});
