// block/blk-map.c: attach a kernel buffer to a passthrough request. A buffer on the stack (or
// misaligned) cannot be mapped for DMA, so it is bounced through pages bio_copy_kern allocates.

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc } from '../symbols.js';
import { bio_copy_kern } from './bio.js';
import type { Request } from './blk-mq.js';

export const F_blk_rq_map_kern = kfunc('blk_rq_map_kern', { file: 'block/blk-map.c', size: 0x190, global: true, args: [ArgKind.Direct, ArgKind.Direct, ArgKind.Vmalloc, ArgKind.Int, ArgKind.Int], ret: ArgKind.Int });

const ENOMEM = -12;

/** blk_rq_map_kern for a read into `len` bytes of a stack buffer at `bufAddr`. */
export function blk_rq_map_kern(k: Kernel, rq: Request, bufAddr: number, len: number, gfp: number): number {
  k.enter(F_blk_rq_map_kern, rq.q.addr, rq.addr, bufAddr, len, gfp);
  const bio = bio_copy_kern(k, bufAddr, len, gfp, rq.q.bounceGfp);
  if (!bio) return k.leave(F_blk_rq_map_kern, ENOMEM);
  rq.bio = bio;
  rq.nrSectors = Math.ceil(len / 512);
  rq.bytes = len;
  return k.leave(F_blk_rq_map_kern, 0);
}
