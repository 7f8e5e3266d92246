// include/trace/events/vmscan.h, Linux 5.0. The kswapd events keep 5.0's zid field but print as
// the lecture's kernel (5.2+) does, without `zid=`: the lecture's captures are what learners
// compare against.

import { tracepoint } from '../tracepoint.js';

export const mm_vmscan_kswapd_sleep = tracepoint('vmscan', 'mm_vmscan_kswapd_sleep', 'mm_vmscan_kswapd_sleep', 'int nid', 'nid=%d');

export const mm_vmscan_kswapd_wake = tracepoint(
  'vmscan',
  'mm_vmscan_kswapd_wake',
  'mm_vmscan_kswapd_wake',
  'int nid; int zid; int order',
  'nid=%d order=%d',
);

export const mm_vmscan_wakeup_kswapd = tracepoint(
  'vmscan',
  'mm_vmscan_wakeup_kswapd',
  'mm_vmscan_wakeup_kswapd',
  'int nid; int zid; int order; gfp_t gfp_flags',
  'nid=%d order=%d gfp_flags=%s',
);

export const mm_vmscan_direct_reclaim_begin = tracepoint(
  'vmscan',
  'mm_vmscan_direct_reclaim_begin',
  'mm_vmscan_direct_reclaim_begin_template',
  'int order; int may_writepage; gfp_t gfp_flags; int classzone_idx',
  'order=%d may_writepage=%d gfp_flags=%s classzone_idx=%d',
);

export const mm_vmscan_direct_reclaim_end = tracepoint(
  'vmscan',
  'mm_vmscan_direct_reclaim_end',
  'mm_vmscan_direct_reclaim_end_template',
  'unsigned long nr_reclaimed',
  'nr_reclaimed=%lu',
);
