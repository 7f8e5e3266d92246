// Kernel benchmarks: boot time and host bytes per page frame at several memory sizes, and the
// page allocator's raw rate with nothing attached.

import { boot } from '../kernel/boot.js';
import { GFP_KERNEL } from '../kernel/mm/gfp.js';
import { __alloc_pages_nodemask, __free_pages } from '../kernel/mm/page_alloc.js';

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
}
