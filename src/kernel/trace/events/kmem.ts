// include/trace/events/kmem.h, Linux 5.0.

import { tracepoint } from '../tracepoint.js';

export const mm_page_alloc = tracepoint(
  'kmem',
  'mm_page_alloc',
  'mm_page_alloc',
  'unsigned long pfn; unsigned int order; gfp_t gfp_flags; int migratetype',
  'page=%p pfn=%lu order=%d migratetype=%d gfp_flags=%s',
);

export const mm_page_free = tracepoint(
  'kmem',
  'mm_page_free',
  'mm_page_free',
  'unsigned long pfn; unsigned int order',
  'page=%p pfn=%lu order=%d',
);

export const mm_page_free_batched = tracepoint(
  'kmem',
  'mm_page_free_batched',
  'mm_page_free_batched',
  'unsigned long pfn',
  'page=%p pfn=%lu order=0',
);

export const mm_page_alloc_zone_locked = tracepoint(
  'kmem',
  'mm_page_alloc_zone_locked',
  'mm_page',
  'unsigned long pfn; unsigned int order; int migratetype',
  'page=%p pfn=%lu order=%u migratetype=%d percpu_refill=%d',
);

export const mm_page_pcpu_drain = tracepoint(
  'kmem',
  'mm_page_pcpu_drain',
  'mm_page_pcpu_drain',
  'unsigned long pfn; unsigned int order; int migratetype',
  'page=%p pfn=%lu order=%d migratetype=%d',
);

export const mm_page_alloc_extfrag = tracepoint(
  'kmem',
  'mm_page_alloc_extfrag',
  'mm_page_alloc_extfrag',
  'unsigned long pfn; int alloc_order; int fallback_order; int alloc_migratetype; int fallback_migratetype; int change_ownership',
  'page=%p pfn=%lu alloc_order=%d fallback_order=%d pageblock_order=%d alloc_migratetype=%d fallback_migratetype=%d fragmenting=%d change_ownership=%d',
);

const ALLOC_FIELDS = 'unsigned long call_site; const void * ptr; size_t bytes_req; size_t bytes_alloc; gfp_t gfp_flags';
const ALLOC_FMT = 'call_site=%lx ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s';

export const kmalloc = tracepoint('kmem', 'kmalloc', 'kmem_alloc', ALLOC_FIELDS, ALLOC_FMT);
export const kmem_cache_alloc = tracepoint('kmem', 'kmem_cache_alloc', 'kmem_alloc', ALLOC_FIELDS, ALLOC_FMT);
export const kmalloc_node = tracepoint(
  'kmem',
  'kmalloc_node',
  'kmem_alloc_node',
  `${ALLOC_FIELDS}; int node`,
  `${ALLOC_FMT} node=%d`,
);
export const kmem_cache_alloc_node = tracepoint(
  'kmem',
  'kmem_cache_alloc_node',
  'kmem_alloc_node',
  `${ALLOC_FIELDS}; int node`,
  `${ALLOC_FMT} node=%d`,
);
export const kfree = tracepoint('kmem', 'kfree', 'kmem_free', 'unsigned long call_site; const void * ptr', 'call_site=%lx ptr=%p');
export const kmem_cache_free = tracepoint(
  'kmem',
  'kmem_cache_free',
  'kmem_free',
  'unsigned long call_site; const void * ptr',
  'call_site=%lx ptr=%p',
);
