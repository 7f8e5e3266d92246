// mm/swapfile.c: one swap device, /dev/zram0, the compressed RAM disk the lecture mentions.
// swap_map counts the references to each slot (page tables and the swap cache); a slot is free
// at zero. Writes cost virtual time; zram compresses in the writer's context, so a swap-out takes
// as long as compressing a page.

import type { Kernel } from '../machine.js';

export class SwapInfo {
  readonly map: Uint16Array;
  inuse = 0;
  private cursor = 0;

  constructor(readonly pages: number) {
    this.map = new Uint16Array(pages);
  }

  /** get_swap_page: the next free slot after the last one handed out (scan_swap_map's cluster walk). */
  get(): number {
    const n = this.pages;
    for (let i = 0; i < n; i++) {
      const s = (this.cursor + i) % n;
      if (this.map[s] === 0) {
        this.map[s] = 1;
        this.inuse++;
        this.cursor = s + 1;
        return s;
      }
    }
    return -1;
  }

  dup(slot: number): void {
    this.map[slot]!++;
  }

  /** swap_free: drop one reference. */
  put(slot: number): void {
    const c = --this.map[slot]!;
    if (c === 0) this.inuse--;
  }
}

/** nr_swap_pages: free swap slots. */
export function nr_swap_pages(k: Kernel): number {
  const si = k.swap;
  return si ? si.pages - si.inuse : 0;
}

export function total_swap_pages(k: Kernel): number {
  return k.swap ? k.swap.pages : 0;
}
