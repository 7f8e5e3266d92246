// include/trace/events/block.h, Linux 5.0: the request-level events. Arguments are passed in
// field order; `dev` is the kernel's dev_t (major << 20 | minor), which TP_printk prints as
// MAJOR(dev),MINOR(dev); `cmd` is the SCSI CDB in hex for passthrough requests, else empty.

import { tracepoint } from '../tracepoint.js';

export const block_rq_issue = tracepoint(
  'block',
  'block_rq_issue',
  'block_rq',
  'dev_t dev; sector_t sector; unsigned int nr_sector; unsigned int bytes; char rwbs[8]; char comm[16]; __data_loc char[] cmd',
  '%d,%d %s %u (%s) %llu + %u [%s]',
);

export const block_rq_complete = tracepoint(
  'block',
  'block_rq_complete',
  'block_rq_complete',
  'dev_t dev; sector_t sector; unsigned int nr_sector; int error; char rwbs[8]; __data_loc char[] cmd',
  '%d,%d %s (%s) %llu + %u [%d]',
);
