// /proc/slabinfo (mm/slab_common.c slab_show): a row per cache in slab_caches, newest first.

import type { Kernel } from '../../machine.js';
import { get_slabinfo } from '../../mm/slub.js';
import { slabState } from '../../mm/slab_state.js';
import { formatSlabinfo } from './format/slabinfo.js';

export function slabinfo(k: Kernel): string {
  const caches = slabState(k).slab_caches;
  const rows = [];
  for (let i = caches.length - 1; i >= 0; i--) rows.push(get_slabinfo(k, caches[i]!));
  return formatSlabinfo({ caches: rows });
}
