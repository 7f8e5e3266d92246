// block/bio.c: struct bio, the unit of block IO the page cache submits, and bio_copy_kern, the
// bounce copy blk_rq_map_kern makes when a driver's buffer cannot be mapped directly (it lives on
// the stack): a page from alloc_page(GFP_NOIO) that is copied back and freed on completion.

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc } from '../symbols.js';
import { alloc_pages } from '../mm/mempolicy.js';
import { __free_pages } from '../mm/page_alloc.js';

const FILE = 'block/bio.c';
export const F_bio_endio = kfunc('bio_endio', { file: FILE, size: 0x150, global: true, args: [ArgKind.Direct] });
export const F_bio_copy_kern = kfunc('bio_copy_kern', { file: FILE, size: 0x1b0, global: true, args: [ArgKind.Direct, ArgKind.Vmalloc, ArgKind.Int, ArgKind.Int, ArgKind.Int], ret: ArgKind.Direct });
export const F_bio_copy_kern_endio_read = kfunc('bio_copy_kern_endio_read', { file: FILE, size: 0x90, args: [ArgKind.Direct] });

export const REQ_OP_READ = 0;
export const REQ_OP_WRITE = 1;
/** SCSI passthrough (REQ_OP_SCSI_IN): a command the driver sends as is, not a data transfer. */
export const REQ_OP_SCSI_IN = 32;

export const BLK_STS_OK = 0;
export const BLK_STS_IOERR = 10;

/** Direct-map addresses standing for bios, which 5.0 takes from the bio-0 slab's mempool. */
const BIO_ADDR_BASE = 0x3f00_0000;
const BIO_SIZE = 0xc0;
let bioSeq = 0;

/** struct bio: `pages` are the bio_vec pages, in order on the device from `sector`. */
export class Bio {
  status = BLK_STS_OK;
  /** REQ_RAHEAD: readahead, which the block layer may drop under congestion. */
  rahead = false;
  readonly addr = BIO_ADDR_BASE + (bioSeq++ % 0x10000) * BIO_SIZE;
  constructor(
    readonly op: number,
    readonly sector: number,
    readonly pages: readonly number[],
    /** bi_end_io, in the completing CPU's interrupt context. */
    readonly endIo: (k: Kernel, bio: Bio) => void,
  ) {}
}

/** bio_endio: the IO is over; hand the bio to its owner's completion. */
export function bio_endio(k: Kernel, bio: Bio): void {
  k.enter(F_bio_endio, bio.addr);
  bio.endIo(k, bio);
  k.leaveVoid(F_bio_endio);
}

/**
 * bio_copy_kern for a read: one bounce page per PAGE_SIZE of the buffer, from
 * alloc_page(q->bounce_gfp | gfp_mask); null if a page cannot be had.
 */
export function bio_copy_kern(k: Kernel, bufAddr: number, len: number, gfp: number, bounceGfp: number): Bio | null {
  k.enter(F_bio_copy_kern, 0, bufAddr, len, gfp, 1);
  const pages: number[] = [];
  for (let done = 0; done < len; done += 4096) {
    const pfn = alloc_pages(k, bounceGfp | gfp, 0);
    if (pfn < 0) {
      for (const p of pages) __free_pages(k, p, 0);
      k.leave(F_bio_copy_kern, 0);
      return null;
    }
    pages.push(pfn);
  }
  const bio = new Bio(REQ_OP_SCSI_IN, 0, pages, bio_copy_kern_endio_read);
  k.leave(F_bio_copy_kern, bio.addr);
  return bio;
}

/** bio_copy_kern_endio_read: copy the data back to the caller's buffer, free the bounce pages. */
function bio_copy_kern_endio_read(k: Kernel, bio: Bio): void {
  k.enter(F_bio_copy_kern_endio_read, bio.addr);
  for (const pfn of bio.pages) __free_pages(k, pfn, 0);
  k.leaveVoid(F_bio_copy_kern_endio_read);
}
