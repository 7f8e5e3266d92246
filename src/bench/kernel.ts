// Kernel benchmarks: boot time and host bytes per page frame at several memory sizes, and the
// page allocator's raw rate with nothing attached.

import { boot } from '../kernel/boot.js';
import { GFP_KERNEL } from '../kernel/mm/gfp.js';
import { __alloc_pages_nodemask, __free_pages } from '../kernel/mm/page_alloc.js';
import { bootMachine, runCommands } from '../cli/sh.js';

const GiB = 1024 ** 3;

export function benchKernel(log: (s: string) => void): void {
  log('size      boot ms   bytes/frame   other KiB');
  for (const g of [2, 16, 64]) {
    const times: number[] = [];
    let bpf = 0;
    let other = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const k = boot({ memBytes: g * GiB });
      times.push(performance.now() - t0);
      bpf = k.mem.bytesPerFrame();
      other = k.mem.overheadBytes() / 1024;
    }
    times.sort((a, b) => a - b);
    log(`${`${g} GiB`.padEnd(9)} ${times[1]!.toFixed(0).padStart(7)}   ${String(bpf).padStart(11)}   ${other.toFixed(0).padStart(9)}`);
  }
  const k = boot({});
  const n = 2_000_000;
  const pfns = new Int32Array(64);
  const run = (): number => {
    const t0 = performance.now();
    for (let i = 0; i < n; i += 64) {
      for (let j = 0; j < 64; j++) pfns[j] = __alloc_pages_nodemask(k, GFP_KERNEL, 0);
      for (let j = 0; j < 64; j++) __free_pages(k, pfns[j]!, 0);
    }
    return performance.now() - t0;
  };
  run();
  const ms = run();
  log(`order-0 alloc+free pairs, nothing attached: ${((n / ms) * 1000 / 1e6).toFixed(2)} M/s`);
  benchFaults(log);
}

/**
 * The user fault path end to end: `memhog 1500M` on a 2 GiB machine takes a fault per page
 * (page tables, a zeroed page, the LRU, rmap) and frees them all at exit, with nothing attached.
 */
function benchFaults(log: (s: string) => void): void {
  const MB = 1500;
  const pages = (MB * 1024 * 1024) / 4096;
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const k = bootMachine({ mem: '2G', swap: '0' });
    const io = { stdout: () => {}, stderr: (s: string) => log(s), stdin: () => '' };
    const t0 = performance.now();
    const status = runCommands(k, `memhog ${MB}M`, io);
    times.push(performance.now() - t0);
    if (status !== 0) throw new Error(`memhog exited ${status}`);
  }
  times.sort((a, b) => a - b);
  const us = (times[1]! * 1000) / pages;
  log(`memhog ${MB}M, ${pages} faults and their teardown: ${times[1]!.toFixed(0)} ms, ${us.toFixed(2)} µs per page`);
}
