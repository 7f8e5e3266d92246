// fork's and exit's slab objects: the lecture's scenario 10 stack for copy_fs_struct, and a fork
// storm whose objects show in /proc/slabinfo and all go back once the children are reaped.

import { describe, expect, it } from 'vitest';
import { boot } from '../../src/kernel/boot.js';
import type { Kernel } from '../../src/kernel/machine.js';
import { Proc } from '../../src/kernel/process.js';
import { mm_alloc } from '../../src/kernel/fork.js';
import { STACK_TOP } from '../../src/kernel/mm/mm_types.js';
import { findCache, kmem_cache_shrink, slabinfoSnapshot } from '../../src/kernel/mm/slab_common.js';
import { showGfpFlags } from '../../src/kernel/mm/gfp.js';
import * as kmem from '../../src/kernel/trace/events/kmem.js';
import type { TaskBody } from '../../src/kernel/sched/task.js';

/** Starts a process from init whose program is `main`, with an address space of its own. */
function start(k: Kernel, main: (p: Proc) => TaskBody): number {
  const init = k.tasks.get(1)!;
  const save = k.current;
  k.current = init;
  const pid = new Proc(k, init).fork(function* (p) {
    const mm = mm_alloc(k)!;
    mm.mmapBase = STACK_TOP - 2 ** 30;
    p.task.mm = mm;
    return yield* main(p);
  });
  k.current = save;
  return pid;
}

function active(k: Kernel, name: string): number {
  return slabinfoSnapshot(k).caches.find((c) => c.name === name)!.activeObjs;
}

/** The call sites fork and exit allocate and free their objects from. */
const FORK_SITES = new Set(['copy_process', 'prepare_creds', 'dup_fd', 'copy_fs_struct', 'copy_mm', 'vm_area_dup', 'vm_area_alloc', 'alloc_pid']);

describe('slab allocations in fork', () => {
  it("copy_fs_struct's kmem_cache_alloc has the lecture's event and stack", () => {
    const k = boot();
    const seen: { line: string; stack: string[] }[] = [];
    k.listenTracepoint(kmem.kmem_cache_alloc, (_tp, a) => {
      if (k.functions[a[0] as number]!.name !== 'copy_fs_struct') return;
      seen.push({ line: `bytes_req=${a[2]} bytes_alloc=${a[3]} gfp_flags=${showGfpFlags(a[4] as number)}`, stack: k.stackTrace() });
    });
    start(k, function* (p) {
      const pid = p.fork(function* () {
        return 0;
      });
      return yield* p.wait(pid);
    });
    k.sched.run(1e9);
    // The first fork is init's (no syscall frames: the test starts it), the second the process's.
    expect(seen.length).toBe(2);
    expect(seen[1]).toEqual({
      line: 'bytes_req=64 bytes_alloc=64 gfp_flags=GFP_KERNEL',
      stack: ['kmem_cache_alloc', 'copy_fs_struct', 'copy_process', '_do_fork', '__x64_sys_clone', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
    });
  });

  it('allocates in 5.0 order: task_struct and stack, cred, files, fs, sighand, signal, mm, VMAs, pid', () => {
    const k = boot();
    const order: string[] = [];
    const rec = (name: string) => (_tp: unknown, a: readonly (number | string)[]) => {
      const site = k.functions[a[0] as number]!.name;
      if (FORK_SITES.has(site) && k.current.pid !== 1) order.push(`${name}@${site}:${a[3]}`);
    };
    k.listenTracepoint(kmem.kmem_cache_alloc, rec('cache'));
    k.listenTracepoint(kmem.kmem_cache_alloc_node, rec('node'));
    start(k, function* (p) {
      p.mmap(8192);
      const pid = p.fork(function* () {
        return 0;
      });
      return yield* p.wait(pid);
    });
    k.sched.run(1e9);
    expect(order).toEqual([
      'cache@vm_area_alloc:192',
      'node@copy_process:3520',
      'cache@prepare_creds:192',
      'cache@dup_fd:704',
      'cache@copy_fs_struct:64',
      'cache@copy_process:2112',
      'cache@copy_process:1088',
      'cache@copy_mm:1024',
      'cache@vm_area_dup:192',
      'cache@alloc_pid:128',
    ]);
  });

  it('a fork storm raises slabinfo counts, and reaping the children gives every object back', () => {
    const k = boot();
    const N = 150;
    const live = new Map<number, string>();
    const onAlloc = (_tp: unknown, a: readonly (number | string)[]): void => {
      const site = k.functions[a[0] as number]!.name;
      if (FORK_SITES.has(site)) live.set(a[1] as number, site);
    };
    k.listenTracepoint(kmem.kmem_cache_alloc, onAlloc);
    k.listenTracepoint(kmem.kmem_cache_alloc_node, onAlloc);
    k.listenTracepoint(kmem.kmem_cache_free, (_tp, a) => live.delete(a[1] as number));
    const caches = ['task_struct', 'pid', 'signal_cache', 'sighand_cache', 'files_cache', 'mm_struct'];
    const before = caches.map((c) => active(k, c));
    let peak: number[] = [];
    let parentObjs = 0;
    start(k, function* (p) {
      p.mmap(64 * 1024);
      parentObjs = live.size;
      const pids: number[] = [];
      for (let i = 0; i < N; i++)
        pids.push(
          p.fork(function* (c) {
            yield* c.sleep(5e6);
            return 0;
          }),
        );
      peak = caches.map((c) => active(k, c));
      for (const pid of pids) yield* p.wait(pid);
      return 0;
    });
    k.sched.run(2e9);
    expect(k.tasks.size).toBeLessThan(60);
    caches.forEach((c, i) => expect(peak[i]! - before[i]!, c).toBeGreaterThanOrEqual(N));
    // SLUB counts the free objects of per-cpu slabs as active, so only the caches whose freed
    // slabs reached the node's partial list show the fall at once; a shrink (flush_all) shows it
    // for every cache.
    const after = caches.map((c) => active(k, c));
    expect(after[0]).toBeLessThan(peak[0]! - N / 2);
    expect(after[3]).toBeLessThan(peak[3]! - N / 2);
    for (const c of caches) kmem_cache_shrink(k, findCache(k, c));
    caches.forEach((c, i) => expect(active(k, c), c).toBeLessThanOrEqual(before[i]!));
    // Every object fork took for the parent and its children was freed by exit and wait.
    expect(parentObjs).toBeGreaterThan(0);
    expect([...live.values()]).toEqual([]);
  });
});
