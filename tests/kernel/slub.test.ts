// SLUB (mm/slub.c, mm/slab_common.c, Linux 5.0): slab geometry against the facts and the
// lecture's slabinfo, cache merging, tracepoint values, per-cpu and per-node partial lists,
// and a property test that recounts the slab table against /proc/slabinfo's numbers.

import { GCProfiler } from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../../src/kernel/machine.js';
import { mm_init, totalFreePages } from '../../src/kernel/mm/init.js';
import { drain_all_pages } from '../../src/kernel/mm/page_alloc.js';
import { F_alloc_pages_vma } from '../../src/kernel/mm/mempolicy.js';
import { __GFP_DMA, __GFP_RECLAIMABLE, GFP_KERNEL } from '../../src/kernel/mm/gfp.js';
import { NodeStat } from '../../src/kernel/mm/mmzone.js';
import { PAGE_SIZE, PG_head, PG_slab, PG_tail } from '../../src/kernel/mm/page.js';
import * as kmem from '../../src/kernel/trace/events/kmem.js';
import type { SlabinfoSnapshot } from '../../src/kernel/fs/proc/format/slabinfo.js';
import { formatSlabinfo } from '../../src/kernel/fs/proc/format/slabinfo.js';
import { OBJ_ALLOCATED, slabState } from '../../src/kernel/mm/slab_state.js';
import {
  __kmalloc,
  calculate_order,
  F___kmalloc,
  get_slabinfo,
  kfree,
  kmem_cache_alloc,
  kmem_cache_alloc_node,
  kmem_cache_free,
  kmem_cache_init,
  NUMA_NO_NODE,
  oo_objects,
  oo_order,
  validate_slab_cache,
  type KmemCache,
} from '../../src/kernel/mm/slub.js';
import {
  createBootCaches,
  findCache,
  kmalloc,
  kmalloc_node,
  kmem_cache_create,
  kmem_cache_destroy,
  kmem_cache_shrink,
  kzalloc,
  SLAB_ACCOUNT,
  SLAB_HWCACHE_ALIGN,
  SLAB_PANIC,
  SLAB_TYPESAFE_BY_RCU,
  slabinfoRows,
  slabinfoSnapshot,
  ZERO_SIZE_PTR,
} from '../../src/kernel/mm/slab_common.js';
import { snapshot } from './procfmt/golden.js';

/** Any kernel function serves as the caller whose address becomes call_site. */
const SITE = F_alloc_pages_vma;

function machine(cpus = 4): Kernel {
  const k = new Kernel({ memBytes: 512 * 1024 * 1024, cpus });
  mm_init(k);
  kmem_cache_init(k);
  createBootCaches(k);
  return k;
}

function row(k: Kernel, name: string) {
  const r = slabinfoRows(k).find((c) => c.name === name);
  if (!r) throw new Error(`no slabinfo row ${name}`);
  return r;
}

/** Pages free in the buddy allocator once the per-cpu page lists are drained. */
function freePages(k: Kernel): number {
  drain_all_pages(k);
  return totalFreePages(k);
}

const KMALLOC_GEOMETRY: readonly [string, number, number][] = [
  ['kmalloc-8', 512, 1],
  ['kmalloc-16', 256, 1],
  ['kmalloc-32', 128, 1],
  ['kmalloc-64', 64, 1],
  ['kmalloc-96', 42, 1],
  ['kmalloc-128', 32, 1],
  ['kmalloc-192', 21, 1],
  ['kmalloc-256', 16, 1],
  ['kmalloc-512', 16, 2],
  ['kmalloc-1k', 16, 4],
  ['kmalloc-2k', 16, 8],
  ['kmalloc-4k', 8, 8],
  ['kmalloc-8k', 4, 8],
];

describe('slab geometry', () => {
  it.each([2, 4])('calculate_order gives the kmalloc classes the facts table at %i CPUs', (cpus) => {
    const k = machine(cpus);
    for (const [name, objects, pages] of KMALLOC_GEOMETRY) {
      const s = findCache(k, name);
      expect([name, oo_objects(s.oo), 1 << oo_order(s.oo)]).toEqual([name, objects, pages]);
      const r = row(k, name);
      expect([r.objectsPerSlab, 2 ** r.cacheOrder]).toEqual([objects, pages]);
      for (const prefix of ['kmalloc-rcl', 'dma-kmalloc']) {
        const twin = row(k, name.replace('kmalloc', prefix));
        expect([twin.objectsPerSlab, 2 ** twin.cacheOrder]).toEqual([objects, pages]);
      }
    }
  });

  it('puts 9 task_structs of 3520 bytes in an order-3 slab', () => {
    expect(calculate_order(3520, 4)).toBe(3);
    const k = machine();
    const s = findCache(k, 'task_struct');
    expect([s.size, oo_objects(s.oo), oo_order(s.oo)]).toEqual([3520, 9, 3]);
  });

  it("gives the boot caches the lecture's objsize, objperslab and pagesperslab", () => {
    const k = machine();
    const lecture = snapshot<SlabinfoSnapshot>('slabinfo-lecture.json').caches;
    const ours = slabinfoRows(k);
    let compared = 0;
    for (const r of ours) {
      const l = lecture.find((c) => c.name === r.name);
      if (!l) continue;
      expect([r.name, r.size, r.objectsPerSlab, r.cacheOrder]).toEqual([l.name, l.size, l.objectsPerSlab, l.cacheOrder]);
      compared++;
    }
    expect(compared).toBe(18);
  });

  it('sets min_partial from ilog2(size)/2 within [5, 10] and cpu_partial by size', () => {
    const k = machine();
    const expectTuning = (name: string, minPartial: number, cpuPartial: number): void => {
      const s = findCache(k, name);
      expect([name, s.min_partial, s.cpu_partial]).toEqual([name, minPartial, cpuPartial]);
    };
    expectTuning('kmalloc-8', 5, 30);
    expectTuning('kmalloc-256', 5, 13);
    expectTuning('kmalloc-1k', 5, 6);
    expectTuning('kmalloc-8k', 6, 2);
    expectTuning('task_struct', 5, 6);
    expectTuning('names_cache', 6, 2);
  });

  it('moves the free pointer behind the object for RCU caches and constructors', () => {
    const k = machine();
    const anon = findCache(k, 'anon_vma');
    expect([anon.object_size, anon.offset, anon.size]).toEqual([80, 80, 88]);
    const kernfs = findCache(k, 'kernfs_node_cache');
    expect([kernfs.offset, kernfs.size]).toEqual([128, 136]);
    expect(findCache(k, 'cred_jar').offset).toBe(0);
  });
});

describe('cache list and merging', () => {
  it('lists caches newest first, kmem_cache_node and kmem_cache last', () => {
    const k = machine();
    const names = slabinfoRows(k).map((r) => r.name);
    expect(names[0]).toBe('proc_inode_cache');
    expect(names.slice(-4)).toEqual(['kmalloc-16', 'kmalloc-8', 'kmem_cache_node', 'kmem_cache']);
    // 96 is created right after 64, 192 right after 128; the DMA caches follow index order.
    expect(names.indexOf('kmalloc-96')).toBe(names.indexOf('kmalloc-64') - 1);
    expect(names.indexOf('kmalloc-192')).toBe(names.indexOf('kmalloc-128') - 1);
    expect(names.slice(names.indexOf('dma-kmalloc-8'), names.indexOf('dma-kmalloc-8') + 3)).toEqual([
      'dma-kmalloc-8',
      'dma-kmalloc-192',
      'dma-kmalloc-96',
    ]);
    expect(names.filter((n) => n.startsWith('kmalloc-') && !n.startsWith('kmalloc-rcl'))).toHaveLength(13);
    const text = formatSlabinfo(slabinfoSnapshot(k));
    expect(text.split('\n')[0]).toBe('slabinfo - version: 2.1');
    expect(text).toContain('task_struct            0      0   3520    9    8 : tunables    0    0    0 : slabdata      0      0      0');
  });

  it('merges fs_cache into anon_vma_chain and vm_area_struct into cred_jar, so neither gets a row', () => {
    const k = machine();
    const names = slabinfoRows(k).map((r) => r.name);
    expect(names).not.toContain('fs_cache');
    expect(names).not.toContain('vm_area_struct');
    const avc = findCache(k, 'anon_vma_chain');
    expect(findCache(k, 'fs_cache')).toBe(avc);
    expect([avc.object_size, avc.size, avc.refcount]).toEqual([64, 64, 2]);
    const cred = findCache(k, 'cred_jar');
    expect(findCache(k, 'vm_area_struct')).toBe(cred);
    expect([cred.object_size, cred.size]).toEqual([192, 192]);
  });

  it('does not merge caches with a usercopy region, a constructor, RCU, or different accounting', () => {
    const k = machine();
    // kmalloc-64 has a usercopy region (the whole object), so a plain 64-byte cache stands alone.
    const a = kmem_cache_create(k, 'test_plain64', 64, 0, SLAB_PANIC, null)!;
    expect(a).not.toBe(findCache(k, 'kmalloc-64'));
    expect(a.name).toBe('test_plain64');
    // The next compatible one merges into it.
    expect(kmem_cache_create(k, 'test_alias64', 60, 0, 0, null)).toBe(a);
    expect(kmem_cache_create(k, 'test_ctor64', 64, 0, 0, 'test_ctor')).not.toBe(a);
    expect(kmem_cache_create(k, 'test_rcu64', 64, 0, SLAB_TYPESAFE_BY_RCU, null)).not.toBe(a);
    expect(kmem_cache_create(k, 'test_acct64', 64, 0, SLAB_ACCOUNT, null)).toBe(findCache(k, 'anon_vma_chain'));
    // An alias must not leave a word or more of slack: 48 bytes do not go into a 64-byte cache.
    expect(kmem_cache_create(k, 'test_small', 48, 0, 0, null)).not.toBe(a);
    // HWCACHE_ALIGN rounds 40 bytes to 64 (ralign halves while the object fits twice: 64 stays).
    expect(kmem_cache_create(k, 'test_hw40', 40, 0, SLAB_HWCACHE_ALIGN, null)).toBe(a);
  });
});

describe('allocation and free', () => {
  it('marks slab pages: PG_slab and the slab id on the head, PG_tail and the head pfn on tails', () => {
    const k = machine();
    const s = findCache(k, 'task_struct');
    const x = kmem_cache_alloc(k, s, GFP_KERNEL, SITE);
    const st = slabState(k);
    const pfn = Math.floor(x / PAGE_SIZE);
    const head = k.mem.flags[pfn]! & PG_tail ? k.mem.owner[pfn]! : pfn;
    expect(k.mem.flags[head]! & (PG_slab | PG_head)).toBe(PG_slab | PG_head);
    const id = k.mem.owner[head]!;
    expect(st.slabCache[id]).toBe(s);
    expect(st.slabPfn[id]).toBe(head);
    for (let p = head + 1; p < head + 8; p++) {
      expect(k.mem.flags[p]! & PG_tail).toBe(PG_tail);
      expect(k.mem.owner[p]).toBe(head);
    }
    expect((x - head * PAGE_SIZE) % 3520).toBe(0);
  });

  it('keeps slabinfo consistent through alloc/free round trips and gives every page back', () => {
    const k = machine();
    const s = kmem_cache_create(k, 'test_roundtrip', 200, 0, 0, null)!;
    const before = freePages(k);
    const unreclaimable = k.node.vmstat[NodeStat.NR_SLAB_UNRECLAIMABLE]!;
    const objs: number[] = [];
    for (let i = 0; i < 5000; i++) {
      k.cpu = i % 4;
      objs.push(kmem_cache_alloc(k, s, GFP_KERNEL, SITE));
    }
    expect(new Set(objs).size).toBe(5000);
    let r = get_slabinfo(k, s);
    expect(r.numObjs).toBe(r.numSlabs * r.objectsPerSlab);
    expect(r.activeObjs).toBeLessThanOrEqual(r.numObjs);
    expect(r.activeObjs).toBeGreaterThanOrEqual(5000);
    expect(k.node.vmstat[NodeStat.NR_SLAB_UNRECLAIMABLE]! - unreclaimable).toBe(r.numSlabs * 2 ** r.cacheOrder);
    for (let i = 0; i < objs.length; i++) {
      k.cpu = (i * 7) % 4;
      kmem_cache_free(k, s, objs[i]!, SITE);
      if (i % 997 === 0) {
        r = get_slabinfo(k, s);
        expect(r.numObjs).toBe(r.numSlabs * r.objectsPerSlab);
        expect(r.activeObjs).toBeLessThanOrEqual(r.numObjs);
      }
    }
    expect(kmem_cache_shrink(k, s)).toBe(0);
    r = get_slabinfo(k, s);
    expect([r.activeObjs, r.numObjs, r.numSlabs]).toEqual([0, 0, 0]);
    expect(k.node.vmstat[NodeStat.NR_SLAB_UNRECLAIMABLE]).toBe(unreclaimable);
    expect(freePages(k)).toBe(before);
  });

  it('discards empty slabs beyond min_partial as objects are freed, keeping the rest on lists', () => {
    const k = machine();
    const s = kmem_cache_create(k, 'test_partial', 256, 0, 0, null)!;
    const objs: number[] = [];
    for (let i = 0; i < 16 * 60; i++) objs.push(kmem_cache_alloc(k, s, GFP_KERNEL, SITE));
    expect(get_slabinfo(k, s).numSlabs).toBe(60);
    const before = freePages(k);
    for (const x of objs) kmem_cache_free(k, s, x, SITE);
    const st = slabState(k);
    const n = s.node!;
    let chain = 0;
    for (const c of s.cpu_slab) for (let p = c.partial; p >= 0; p = st.slabNext[p]!) chain++;
    const cpuSlabs = s.cpu_slab.filter((c) => c.page >= 0).length;
    expect(n.nr_partial).toBeLessThanOrEqual(s.min_partial);
    expect(n.nr_slabs).toBe(n.nr_partial + chain + cpuSlabs);
    expect(n.nr_slabs).toBeLessThan(60);
    expect(freePages(k) - before).toBe(60 - n.nr_slabs);
    // Everything is free, yet only slabs on the node's partial list count as inactive.
    const r = get_slabinfo(k, s);
    expect(r.activeObjs).toBe(16 * (chain + cpuSlabs));
    kmem_cache_shrink(k, s);
    expect(get_slabinfo(k, s).numSlabs).toBe(0);
  });

  it("freezes a full slab onto the freeing CPU's partial chain and drains it past cpu_partial", () => {
    const k = machine();
    const s = kmem_cache_create(k, 'test_cpu_partial', 1024, 0, 0, null)!;
    expect(s.cpu_partial).toBe(6);
    const objs: number[] = [];
    for (let i = 0; i < 16 * 10; i++) objs.push(kmem_cache_alloc(k, s, GFP_KERNEL, SITE));
    const st = slabState(k);
    const c1 = s.cpu_slab[1]!;
    const chain = (): number[] => {
      const out: number[] = [];
      for (let p = c1.partial; p >= 0; p = st.slabNext[p]!) out.push(p);
      return out;
    };
    k.cpu = 1;
    // One object from each of seven full slabs: each is frozen onto CPU 1's chain.
    for (let i = 0; i < 7; i++) kmem_cache_free(k, s, objs[i * 16]!, SITE);
    expect(chain()).toHaveLength(7);
    expect(chain().every((p) => st.slabFrozen[p] === 1)).toBe(true);
    expect(st.slabPobjects[c1.partial]).toBe(7);
    expect(s.node!.nr_partial).toBe(0);
    // More frees into a chained slab leave the chain's pobjects snapshot alone.
    for (let i = 1; i < 4; i++) kmem_cache_free(k, s, objs[16 + i]!, SITE);
    expect(st.slabPobjects[c1.partial]).toBe(7);
    // The eighth slab finds 7 > cpu_partial objects on the chain: the chain goes to the node.
    kmem_cache_free(k, s, objs[7 * 16]!, SITE);
    expect(chain()).toHaveLength(1);
    expect(st.slabPobjects[c1.partial]).toBe(1);
    expect(s.node!.nr_partial).toBe(7);
    const r = get_slabinfo(k, s);
    expect(r.activeObjs).toBe(r.numObjs - 7 - 3);
    validate_slab_cache(k, s);
    expect(k.log.some((l) => l.text.startsWith('BUG'))).toBe(false);
  });

  it('allocates from the cpu partial chain before the node list or the page allocator', () => {
    const k = machine();
    const s = kmem_cache_create(k, 'test_refill', 512, 0, 0, null)!;
    const objs: number[] = [];
    for (let i = 0; i < 16 * 3; i++) objs.push(kmem_cache_alloc(k, s, GFP_KERNEL, SITE));
    // Free one object of the first slab: it is frozen onto CPU 0's chain.
    kmem_cache_free(k, s, objs[0]!, SITE);
    const slabs = get_slabinfo(k, s).numSlabs;
    // The cpu slab is exhausted, so the next allocation takes the chained slab's free object.
    const x = kmem_cache_alloc(k, s, GFP_KERNEL, SITE);
    expect(x).toBe(objs[0]);
    expect(get_slabinfo(k, s).numSlabs).toBe(slabs);
    expect(s.cpu_slab[0]!.partial).toBe(-1);
  });

  it("refills a CPU from the node's partial list, chaining slabs until half of cpu_partial objects are free", () => {
    const k = machine();
    const s = kmem_cache_create(k, 'test_node_refill', 1024, 0, 0, null)!;
    const objs: number[] = [];
    for (let i = 0; i < 16 * 10; i++) objs.push(kmem_cache_alloc(k, s, GFP_KERNEL, SITE));
    const st = slabState(k);
    const slabOf = (x: number): number => k.mem.owner[Math.floor(x / PAGE_SIZE) - (Math.floor(x / PAGE_SIZE) % 4)]!;
    k.cpu = 1;
    for (let i = 0; i < 8; i++) kmem_cache_free(k, s, objs[i * 16]!, SITE);
    expect(s.node!.nr_partial).toBe(7);
    k.cpu = 2;
    // The drain put CPU 1's chain (newest first) on the node's list, so the seventh slab comes first.
    const x = kmem_cache_alloc(k, s, GFP_KERNEL, SITE);
    expect(x).toBe(objs[6 * 16]);
    const c2 = s.cpu_slab[2]!;
    expect(c2.page).toBe(slabOf(objs[6 * 16]!));
    const chain: number[] = [];
    for (let p = c2.partial; p >= 0; p = st.slabNext[p]!) chain.push(p);
    expect(chain).toEqual([slabOf(objs[3 * 16]!), slabOf(objs[4 * 16]!), slabOf(objs[5 * 16]!)]);
    expect(s.node!.nr_partial).toBe(3);
    expect(get_slabinfo(k, s).numSlabs).toBe(10);
  });

  it('kmalloc picks the size class; kmalloc(0) is ZERO_SIZE_PTR; reclaimable and DMA requests use their own caches', () => {
    const k = machine();
    const st = slabState(k);
    const cacheOf = (x: number): KmemCache => {
      const pfn = Math.floor(x / PAGE_SIZE);
      return st.slabCache[k.mem.owner[k.mem.flags[pfn]! & PG_tail ? k.mem.owner[pfn]! : pfn]!]!;
    };
    expect(cacheOf(kmalloc(k, 1, GFP_KERNEL, SITE)).name).toBe('kmalloc-8');
    expect(cacheOf(kmalloc(k, 9, GFP_KERNEL, SITE)).name).toBe('kmalloc-16');
    expect(cacheOf(kmalloc(k, 65, GFP_KERNEL, SITE)).name).toBe('kmalloc-96');
    expect(cacheOf(kmalloc(k, 97, GFP_KERNEL, SITE)).name).toBe('kmalloc-128');
    expect(cacheOf(kmalloc(k, 129, GFP_KERNEL, SITE)).name).toBe('kmalloc-192');
    expect(cacheOf(kmalloc(k, 193, GFP_KERNEL, SITE)).name).toBe('kmalloc-256');
    expect(cacheOf(__kmalloc(k, 4097, GFP_KERNEL, SITE)).name).toBe('kmalloc-8k');
    expect(cacheOf(__kmalloc(k, 100, GFP_KERNEL, SITE)).name).toBe('kmalloc-128');
    expect(cacheOf(kzalloc(k, 24, GFP_KERNEL, SITE)).name).toBe('kmalloc-32');
    expect(cacheOf(kmalloc_node(k, 700, GFP_KERNEL, NUMA_NO_NODE, SITE)).name).toBe('kmalloc-1k');
    expect(kmalloc(k, 0, GFP_KERNEL, SITE)).toBe(ZERO_SIZE_PTR);
    expect(__kmalloc(k, 0, GFP_KERNEL, SITE)).toBe(ZERO_SIZE_PTR);
    kfree(k, ZERO_SIZE_PTR, SITE);
    kfree(k, 0, SITE);
    const reclaimable = k.node.vmstat[NodeStat.NR_SLAB_RECLAIMABLE]!;
    const rcl = kmalloc(k, 100, GFP_KERNEL | __GFP_RECLAIMABLE, SITE);
    expect(cacheOf(rcl).name).toBe('kmalloc-rcl-128');
    expect(k.node.vmstat[NodeStat.NR_SLAB_RECLAIMABLE]).toBe(reclaimable + 1);
    const dma = kmalloc(k, 100, GFP_KERNEL | __GFP_DMA, SITE);
    expect(cacheOf(dma).name).toBe('dma-kmalloc-128');
    expect(Math.floor(dma / PAGE_SIZE)).toBeLessThan(4096);
  });

  it('sends requests above 8 KiB to the page allocator as compound blocks and takes them back', () => {
    const k = machine();
    const before = freePages(k);
    const x = __kmalloc(k, 20000, GFP_KERNEL, SITE);
    expect(x % (8 * PAGE_SIZE)).toBe(0);
    const pfn = x / PAGE_SIZE;
    expect(k.mem.flags[pfn]! & (PG_head | PG_slab)).toBe(PG_head);
    expect(k.mem.order(pfn)).toBe(3);
    expect(k.mem.owner[pfn + 7]).toBe(pfn);
    const y = kmalloc(k, 9000, GFP_KERNEL, SITE);
    expect(k.mem.order(y / PAGE_SIZE)).toBe(2);
    kfree(k, x, SITE);
    kfree(k, y, SITE);
    expect(k.mem.flags[pfn + 7]! & PG_tail).toBe(0);
    expect(freePages(k)).toBe(before);
  });

  it('refuses double frees, frees to the wrong cache and pointers into the middle of objects', () => {
    const k = machine();
    const s = findCache(k, 'filp');
    const x = kmem_cache_alloc(k, s, GFP_KERNEL, SITE);
    expect(() => kmem_cache_free(k, findCache(k, 'dentry'), x, SITE)).toThrow(/Wrong slab cache. dentry but object is from filp/);
    expect(() => kfree(k, x + 8, SITE)).toThrow(/not an object of slab cache filp/);
    kmem_cache_free(k, s, x, SITE);
    expect(() => kmem_cache_free(k, s, x, SITE)).toThrow(/double free/);
    const y = kmem_cache_alloc(k, s, GFP_KERNEL, SITE);
    k.cpu = 2;
    kmem_cache_free(k, s, y, SITE);
    expect(() => kfree(k, y, SITE)).toThrow(/double free/);
  });

  it('kmem_cache_destroy frees an empty cache and refuses one with objects', () => {
    const k = machine();
    const s = kmem_cache_create(k, 'test_destroy', 300, 0, 0, null)!;
    const x = kmem_cache_alloc(k, s, GFP_KERNEL, SITE);
    kmem_cache_destroy(k, s);
    expect(k.log.some((l) => l.text === 'kmem_cache_destroy test_destroy: Slab cache still has objects')).toBe(true);
    expect(slabinfoRows(k).some((r) => r.name === 'test_destroy')).toBe(true);
    const t = kmem_cache_create(k, 'test_destroy2', 400, 0, 0, null)!;
    expect(t).not.toBe(s);
    const before = freePages(k);
    const y = kmem_cache_alloc(k, t, GFP_KERNEL, SITE);
    kmem_cache_free(k, t, y, SITE);
    kmem_cache_destroy(k, t);
    expect(slabinfoRows(k).some((r) => r.name === 'test_destroy2')).toBe(false);
    expect(() => findCache(k, 'test_destroy2')).toThrow();
    expect(freePages(k)).toBe(before);
    kmem_cache_free(k, s, x, SITE);
  });
});

describe('tracepoints and kernel functions', () => {
  it('reports bytes_req and bytes_alloc as 5.0 does', () => {
    const k = machine();
    const events: (string | number)[][] = [];
    for (const tp of [kmem.kmalloc, kmem.kmem_cache_alloc, kmem.kmalloc_node, kmem.kmem_cache_alloc_node, kmem.kfree, kmem.kmem_cache_free])
      k.listenTracepoint(tp, (t, args) => events.push([t.name, ...args]));
    const a = kmalloc(k, 100, GFP_KERNEL, SITE);
    const fs = findCache(k, 'fs_cache');
    const b = kmem_cache_alloc(k, fs, GFP_KERNEL, SITE);
    const ts = findCache(k, 'task_struct');
    const c = kmem_cache_alloc_node(k, ts, GFP_KERNEL, NUMA_NO_NODE, SITE);
    const d = __kmalloc(k, 20000, GFP_KERNEL, SITE);
    const e = kmalloc_node(k, 3000, GFP_KERNEL, NUMA_NO_NODE, SITE);
    kfree(k, a, SITE);
    kmem_cache_free(k, fs, b, SITE);
    expect(events).toEqual([
      ['kmalloc', SITE.id, a, 100, 128, GFP_KERNEL],
      ['kmem_cache_alloc', SITE.id, b, 64, 64, GFP_KERNEL],
      ['kmem_cache_alloc_node', SITE.id, c, 3520, 3520, GFP_KERNEL, -1],
      // kmalloc_large is inlined into __kmalloc, so the call site is __kmalloc itself.
      ['kmalloc', F___kmalloc.id, d, 20000, 32768, GFP_KERNEL],
      ['kmalloc_node', SITE.id, e, 3000, 4096, GFP_KERNEL, -1],
      ['kfree', SITE.id, a],
      ['kmem_cache_free', SITE.id, b],
    ]);
  });

  it('shows the slow path in stack traces down to the page allocator', () => {
    const k = machine();
    const s = kmem_cache_create(k, 'test_stack', 128, 0, 0, null)!;
    const stacks: string[][] = [];
    k.attachProbe('get_page_from_freelist', () => stacks.push(k.stackTrace()));
    kmem_cache_alloc(k, s, GFP_KERNEL, SITE);
    expect(stacks.length).toBeGreaterThan(0);
    expect(stacks[0]!.slice(0, 7)).toEqual([
      'get_page_from_freelist',
      '__alloc_pages_nodemask',
      'allocate_slab',
      'new_slab',
      '___slab_alloc',
      '__slab_alloc',
      'kmem_cache_alloc',
    ]);
    stacks.length = 0;
    kmem_cache_alloc(k, s, GFP_KERNEL, SITE);
    expect(stacks).toEqual([]);
  });

  it('on_freelist repairs and reports a wrong inuse count, as validate does', () => {
    const k = machine();
    const s = kmem_cache_create(k, 'test_validate', 64, 0, 0, null)!;
    const objs = Array.from({ length: 100 }, () => kmem_cache_alloc(k, s, GFP_KERNEL, SITE));
    kmem_cache_free(k, s, objs[0]!, SITE);
    kmem_cache_free(k, s, objs[1]!, SITE);
    expect(validate_slab_cache(k, s)).toBe(s.node!.nr_partial);
    expect(k.log.some((l) => l.text.startsWith('BUG'))).toBe(false);
    const st = slabState(k);
    const page = k.mem.owner[k.mem.first(s.node!.partial)]!;
    st.slabInuse[page]!++;
    validate_slab_cache(k, s);
    expect(k.log.some((l) => l.text.startsWith('BUG test_validate (Not tainted): Wrong object count.'))).toBe(true);
    expect(k.log.some((l) => l.text === 'FIX test_validate: Object count adjusted.')).toBe(true);
  });

  it('allocates nothing on the JavaScript heap on the fast path', () => {
    const k = machine();
    const s = findCache(k, 'kmalloc-64');
    const warm = Array.from({ length: 32 }, () => kmem_cache_alloc(k, s, GFP_KERNEL, SITE));
    for (const x of warm) kmem_cache_free(k, s, x, SITE);
    const loop = (n: number): number => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const x = kmem_cache_alloc(k, s, GFP_KERNEL, SITE);
        const y = kmem_cache_alloc(k, s, GFP_KERNEL, SITE);
        kmem_cache_free(k, s, x, SITE);
        kmem_cache_free(k, s, y, SITE);
        sum += x - y;
      }
      return sum;
    };
    loop(200_000);
    const profiler = new GCProfiler();
    profiler.start();
    loop(500_000);
    const gcs = profiler.stop()?.statistics.length ?? 0;
    expect(gcs).toBe(0);
  });
});

describe('property: random kmalloc/kfree interleavings', () => {
  /** Walks a free chain, failing on a loop or an allocated object on it. */
  function chainLength(chain: Int16Array, objects: number, head: number): number {
    let n = 0;
    for (let fp = head; fp !== -1; fp = chain[fp]!) {
      expect(fp).toBeGreaterThanOrEqual(0);
      expect(fp).toBeLessThan(objects);
      if (++n > objects) throw new Error('free chain loops');
    }
    return n;
  }

  /** Recounts the slab table and checks it against each cache's counters and the live set. */
  function recount(k: Kernel, live: Map<number, KmemCache | null>): void {
    const st = slabState(k);
    const mem = k.mem;
    const perCache = new Map<KmemCache, { slabs: number; objects: number; partialFree: number; allocated: number }>();
    const onPartial = new Set<number>();
    for (const s of st.slab_caches) {
      for (let pfn = mem.first(s.node!.partial); pfn >= 0; pfn = mem.next[pfn] === s.node!.partial ? -1 : mem.next[pfn]!) onPartial.add(mem.owner[pfn]!);
    }
    const frozenExpected = new Set<number>();
    for (const s of st.slab_caches)
      for (const c of s.cpu_slab) {
        if (c.page >= 0) frozenExpected.add(c.page);
        for (let p = c.partial; p >= 0; p = st.slabNext[p]!) frozenExpected.add(p);
      }
    for (const id of st.liveSlabs()) {
      const s = st.slabCache[id]!;
      const pfn = st.slabPfn[id]!;
      const objects = st.slabObjects[id]!;
      const chain = st.slabChain[id]!;
      expect(mem.flags[pfn]! & PG_slab).toBe(PG_slab);
      expect(mem.owner[pfn]).toBe(id);
      const order = mem.order(pfn);
      expect(objects).toBe(Math.floor((PAGE_SIZE << order) / s.size));
      for (let p = pfn + 1; p < pfn + (1 << order); p++) expect(mem.owner[p]).toBe(pfn);
      const pageFree = chainLength(chain, objects, st.slabFreelist[id]!);
      expect(st.slabInuse[id]).toBe(objects - pageFree);
      let cpuFree = 0;
      for (const c of s.cpu_slab) if (c.page === id) cpuFree += chainLength(chain, objects, c.freelist);
      let allocated = 0;
      for (let i = 0; i < objects; i++) if (chain[i] === OBJ_ALLOCATED) allocated++;
      expect(allocated).toBe(objects - pageFree - cpuFree);
      const frozen = st.slabFrozen[id] === 1;
      expect(frozen).toBe(frozenExpected.has(id));
      expect(onPartial.has(id)).toBe(!frozen && pageFree > 0);
      const acc = perCache.get(s) ?? { slabs: 0, objects: 0, partialFree: 0, allocated: 0 };
      acc.slabs++;
      acc.objects += objects;
      if (onPartial.has(id)) acc.partialFree += pageFree;
      acc.allocated += allocated;
      perCache.set(s, acc);
    }
    const liveByCache = new Map<KmemCache, number>();
    for (const c of live.values()) if (c) liveByCache.set(c, (liveByCache.get(c) ?? 0) + 1);
    for (const s of st.slab_caches) {
      const acc = perCache.get(s) ?? { slabs: 0, objects: 0, partialFree: 0, allocated: 0 };
      const r = get_slabinfo(k, s);
      expect([s.name, r.numSlabs, r.numObjs, r.activeObjs]).toEqual([s.name, acc.slabs, acc.objects, acc.objects - acc.partialFree]);
      expect(s.node!.nr_partial).toBe([...onPartial].filter((id) => st.slabCache[id] === s).length);
      if (s.name.includes('kmalloc') || s.name.startsWith('test_')) expect([s.name, acc.allocated]).toEqual([s.name, liveByCache.get(s) ?? 0]);
    }
  }

  const op = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('kmalloc' as const),
        size: fc.oneof(fc.integer({ min: 0, max: 8192 }), fc.constantFrom(8, 100, 512, 3000)),
        cpu: fc.nat(3),
        gfp: fc.constantFrom(GFP_KERNEL, GFP_KERNEL | __GFP_RECLAIMABLE),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('large' as const), size: fc.integer({ min: 8193, max: 70000 }), cpu: fc.nat(3) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('alloc' as const), cache: fc.nat(2), n: fc.integer({ min: 1, max: 80 }), cpu: fc.nat(3) }) },
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat(), n: fc.integer({ min: 1, max: 80 }), cpu: fc.nat(3) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('shrink' as const), cache: fc.nat(5) }) },
  );

  it('never hands out a live object twice and keeps every counter equal to a recount', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 30, maxLength: 300 }), (ops) => {
        const k = machine();
        const caches = [
          kmem_cache_create(k, 'test_256', 256, 0, 0, null)!,
          kmem_cache_create(k, 'test_ctor700', 700, 0, SLAB_HWCACHE_ALIGN, 'test_ctor')!,
          kmem_cache_create(k, 'test_rcu3000', 3000, 0, SLAB_TYPESAFE_BY_RCU, null)!,
        ];
        const baseline = freePages(k);
        const st = slabState(k);
        const live = new Map<number, KmemCache | null>();
        const order: number[] = [];
        const track = (x: number, cache: KmemCache | null, size: number): void => {
          if (x === ZERO_SIZE_PTR) return;
          expect(live.has(x)).toBe(false);
          const head = Math.floor(x / PAGE_SIZE);
          if (cache) {
            const slabHead = k.mem.flags[head]! & PG_tail ? k.mem.owner[head]! : head;
            expect(st.slabCache[k.mem.owner[slabHead]!]).toBe(cache);
            expect(cache.object_size).toBeGreaterThanOrEqual(size);
            expect(x + cache.size).toBeLessThanOrEqual((slabHead + (1 << k.mem.order(slabHead))) * PAGE_SIZE);
          }
          live.set(x, cache);
          order.push(x);
        };
        const cacheOf = (x: number): KmemCache => {
          const pfn = Math.floor(x / PAGE_SIZE);
          return st.slabCache[k.mem.owner[k.mem.flags[pfn]! & PG_tail ? k.mem.owner[pfn]! : pfn]!]!;
        };
        for (const o of ops) {
          if ('cpu' in o) k.cpu = o.cpu;
          switch (o.kind) {
            case 'kmalloc': {
              const x = kmalloc(k, o.size, o.gfp, SITE);
              track(x, o.size === 0 ? null : cacheOf(x), o.size);
              break;
            }
            case 'large': {
              const x = __kmalloc(k, o.size, GFP_KERNEL, SITE);
              expect(PAGE_SIZE << k.mem.order(x / PAGE_SIZE)).toBeGreaterThanOrEqual(o.size);
              track(x, null, o.size);
              break;
            }
            case 'alloc': {
              const s = caches[o.cache]!;
              for (let j = 0; j < o.n; j++) track(kmem_cache_alloc(k, s, GFP_KERNEL, SITE), s, s.object_size);
              break;
            }
            case 'free':
              for (let j = 0; j < o.n && order.length > 0; j++) {
                const i = (o.pick + j * 7919) % order.length;
                const x = order[i]!;
                order[i] = order[order.length - 1]!;
                order.pop();
                const c = live.get(x)!;
                live.delete(x);
                if (c && caches.includes(c)) kmem_cache_free(k, c, x, SITE);
                else kfree(k, x, SITE);
              }
              break;
            case 'shrink':
              kmem_cache_shrink(k, o.cache < caches.length ? caches[o.cache]! : findCache(k, ['kmalloc-128', 'kmalloc-4k', 'kmalloc-rcl-512'][o.cache - caches.length]!));
              break;
          }
        }
        recount(k, live);
        for (const s of caches) validate_slab_cache(k, s);
        expect(k.log.filter((l) => l.text.startsWith('BUG'))).toEqual([]);
        for (const x of order) kfree(k, x, SITE);
        live.clear();
        const used = [...caches, ...st.kmalloc_caches.flat().filter((s): s is KmemCache => s !== null)];
        for (const s of used) kmem_cache_shrink(k, s);
        recount(k, live);
        for (const s of used) expect([s.name, get_slabinfo(k, s).numSlabs]).toEqual([s.name, 0]);
        expect(freePages(k)).toBe(baseline);
      }),
      { numRuns: 50 },
    );
  });
});
