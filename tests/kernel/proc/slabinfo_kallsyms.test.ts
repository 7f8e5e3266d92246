import { describe, expect, it } from 'vitest';
import { boot } from '../../../src/kernel/boot.js';
import { kallsyms } from '../../../src/kernel/fs/proc/kallsyms.js';
import { slabinfo } from '../../../src/kernel/fs/proc/slabinfo.js';
import { slabState } from '../../../src/kernel/mm/slab_state.js';
import { kmem_cache_alloc } from '../../../src/kernel/mm/slub.js';
import { GFP_KERNEL } from '../../../src/kernel/mm/gfp.js';
import { lookupKfunc } from '../../../src/kernel/symbols.js';

describe('/proc/slabinfo, live', () => {
  it('lists every cache, newest first, and counts new slabs', () => {
    const k = boot();
    const caches = slabState(k).slab_caches;
    const rows = slabinfo(k).trimEnd().split('\n');
    expect(rows[0]).toBe('slabinfo - version: 2.1');
    expect(rows.length).toBe(2 + caches.length);
    expect(rows[2]!.split(/\s+/)[0]).toBe(caches[caches.length - 1]!.name);
    const s = caches.find((c) => c.name === 'kmalloc-64')!;
    // active_objs, num_objs, objsize, objperslab
    const row = (): number[] => slabinfo(k).split('\n').find((l) => l.startsWith('kmalloc-64 '))!.split(/\s+/).slice(1, 5).map(Number);
    const [, num, size, perSlab] = row();
    expect(size).toBe(s.size);
    for (let i = 0; i < 2 * perSlab!; i++) kmem_cache_alloc(k, s, GFP_KERNEL, lookupKfunc('kmem_cache_alloc')!);
    const [active, numAfter] = row();
    expect(numAfter! - num!).toBeGreaterThanOrEqual(perSlab!);
    expect((numAfter! - num!) % perSlab!).toBe(0);
    expect(active!).toBeLessThanOrEqual(numAfter!);
  });
});

describe('/proc/kallsyms, live', () => {
  const k = boot();
  it('lists every kernel function in address order, T for global and t for static', () => {
    const lines = kallsyms(k, true).trimEnd().split('\n');
    expect(lines.length).toBe(k.functions.length);
    const addrs = lines.map((l) => BigInt('0x' + l.slice(0, 16)));
    for (let i = 1; i < addrs.length; i++) expect(addrs[i]! > addrs[i - 1]!).toBe(true);
    const gpf = lookupKfunc('get_page_from_freelist')!;
    expect(lines).toContain(`${k.symbolAddress(gpf).toString(16)} ${gpf.global ? 'T' : 't'} get_page_from_freelist`);
  });
  it('hides addresses from readers without CAP_SYSLOG (kptr_restrict=1)', () => {
    const lines = kallsyms(k, false).trimEnd().split('\n');
    expect(lines.every((l) => l.startsWith('0000000000000000 '))).toBe(true);
  });
});
