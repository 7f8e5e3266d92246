// block/blk-mq.c, Linux 5.0: a request queue with one hardware queue and no IO scheduler
// (elevator "none", so requests go straight to the driver), and a tag set
// whose requests are preallocated in pages as blk_mq_alloc_rqs does, so a request's address is a
// real direct-map pointer. The device behind it serves requests one at a time in order; each
// takes a service time drawn from the machine's PRNG, and its completion arrives as an interrupt
// on the CPU that submitted it (blk-mq completes on the submitting CPU when they share a cache).

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc } from '../symbols.js';
import { __GFP_NORETRY, __GFP_NOWARN, __GFP_ZERO, GFP_NOIO } from '../mm/gfp.js';
import { alloc_pages } from '../mm/mempolicy.js';
import { page_address } from '../mm/page_alloc.js';
import { TaskState, type Task } from '../sched/task.js';
import { BLK_STS_OK, bio_endio, REQ_OP_READ, REQ_OP_SCSI_IN, REQ_OP_WRITE, type Bio } from './bio.js';
import { block_rq_complete, block_rq_issue } from '../trace/events/block.js';
import { blk_account_io_done, blk_account_io_start, io_schedule } from './blk-core.js';

const FILE = 'block/blk-mq.c';
export const F_blk_mq_alloc_rqs = kfunc('blk_mq_alloc_rqs', { file: FILE, size: 0x2c0, global: true, args: [ArgKind.Direct, ArgKind.Direct, ArgKind.Int, ArgKind.Int], ret: ArgKind.Int });
export const F_blk_mq_get_request = kfunc('blk_mq_get_request', { file: FILE, size: 0x2f0, args: [ArgKind.Direct, ArgKind.Direct, ArgKind.Direct], ret: ArgKind.Direct });
export const F_blk_mq_free_request = kfunc('blk_mq_free_request', { file: FILE, size: 0x140, global: true, args: [ArgKind.Direct] });
export const F_blk_mq_start_request = kfunc('blk_mq_start_request', { file: FILE, size: 0xd0, global: true, args: [ArgKind.Direct] });
export const F_blk_mq_try_issue_directly = kfunc('blk_mq_try_issue_directly', { file: FILE, size: 0x1a0, args: [ArgKind.Direct, ArgKind.Direct, ArgKind.Direct] });
export const F_blk_mq_make_request = kfunc('blk_mq_make_request', { file: FILE, size: 0x5a0, args: [ArgKind.Direct, ArgKind.Direct], ret: ArgKind.Int });
export const F_blk_mq_complete_request = kfunc('blk_mq_complete_request', { file: FILE, size: 0x20, global: true, args: [ArgKind.Direct] });
export const F_blk_mq_end_request = kfunc('blk_mq_end_request', { file: FILE, size: 0x110, global: true, args: [ArgKind.Direct, ArgKind.Int] });
export const F___blk_mq_end_request = kfunc('__blk_mq_end_request', { file: FILE, size: 0xc0, global: true, args: [ArgKind.Direct, ArgKind.Int] });

/** sizeof(struct request) plus the SCSI driver's per-command data, cache-line aligned. */
const RQ_SIZE = 640;
/** blk_mq_alloc_rqs tries blocks of up to order 4 (64 KiB) for the request array. */
const RQ_MAX_ORDER = 4;
/** Per-request CPU cost of building and issuing it (blk_mq_make_request, queue_rq). */
const COST_SUBMIT = 2_000;
/** Per-request CPU cost of the completion interrupt and the softirq behind it. */
const COST_COMPLETE = 1_500;

/** struct request: a tag of the queue's tag set, reused for every IO that holds the tag. */
export class Request {
  bio: Bio | null = null;
  op = 0;
  sector = 0;
  nrSectors = 0;
  /** rq->start_time_ns (blk_account_io_start) and rq->io_start_time_ns (blk_mq_start_request). */
  startNs = 0;
  ioStartNs = 0;
  /** The submitting CPU (rq->mq_ctx->cpu), where the completion runs. */
  cpu = 0;
  /** rq->end_io: set by blk_execute_rq for passthrough commands; null frees at completion. */
  endIo: ((k: Kernel, rq: Request, status: number) => void) | null = null;
  status = BLK_STS_OK;
  /** Bytes of data (blk_rq_bytes). */
  bytes = 0;
  /** REQ_RAHEAD: a readahead read, 'RA' in rwbs. */
  rahead = false;
  /** The SCSI CDB of a passthrough command, in hex as blk_cmd_buf prints it. */
  cmd = '';
  constructor(
    readonly q: RequestQueue,
    readonly tag: number,
    readonly addr: number,
  ) {}
}

/** The device model: how long the hardware takes for a request of `nrSectors`. */
export interface BlockDeviceModel {
  /** Fixed command overhead, ns. */
  readonly baseNs: number;
  /** Transfer time per 512-byte sector, ns. */
  readonly perSectorNs: number;
  /** Uniform jitter added to every request, ns. */
  readonly jitterNs: number;
  /** One request in `seekOneIn` also pays up to `seekNs` (a seek, a flash erase, a host hiccup). */
  readonly seekOneIn: number;
  readonly seekNs: number;
}

/** struct request_queue with its single blk_mq_hw_ctx and tag set. */
export class RequestQueue {
  readonly rqs: Request[] = [];
  readonly freeTags: number[] = [];
  /** Tasks sleeping in blk_mq_get_tag for a free tag. */
  readonly tagWaiters: Task[] = [];
  /** When the device finishes the request it is working on. */
  busyUntil = 0;
  /** Requests issued and completed: the in_flight and ios columns of /proc/diskstats. */
  inFlight = 0;
  completed = 0;
  /** q->bounce_gfp: 0 for devices that can reach all memory. */
  readonly bounceGfp = 0;
  constructor(
    readonly name: string,
    /** The disk's dev_t, MKDEV(major, minor). */
    readonly devt: number,
    readonly addr: number,
    readonly device: BlockDeviceModel,
  ) {}
}

/** blk_fill_rwbs for the operations emulated: R, RA, W, or N for passthrough. */
function rwbs(rq: Request): string {
  if (rq.op === REQ_OP_READ) return rq.rahead ? 'RA' : 'R';
  if (rq.op === REQ_OP_WRITE) return 'W';
  return 'N';
}

function isPassthrough(rq: Request): boolean {
  return rq.op === REQ_OP_SCSI_IN;
}

/**
 * blk_mq_alloc_rqs: carve `depth` requests out of blocks of up to order 4, each block as large
 * as what is left needs. Returns false if memory runs out.
 */
export function blk_mq_alloc_rqs(k: Kernel, q: RequestQueue, depth: number): boolean {
  k.enter(F_blk_mq_alloc_rqs, 0, 0, 0, depth);
  let left = RQ_SIZE * depth;
  let i = 0;
  while (i < depth) {
    let order = RQ_MAX_ORDER;
    while (order && left < 4096 << (order - 1)) order--;
    const pfn = alloc_pages(k, GFP_NOIO | __GFP_NOWARN | __GFP_NORETRY | __GFP_ZERO, order);
    if (pfn < 0) return k.leave(F_blk_mq_alloc_rqs, -12) === 0;
    const base = page_address(pfn);
    const fit = Math.floor((4096 << order) / RQ_SIZE);
    for (let j = 0; j < fit && i < depth; j++, i++) {
      q.rqs.push(new Request(q, i, base + j * RQ_SIZE));
      q.freeTags.push(i);
      left -= RQ_SIZE;
    }
  }
  return k.leave(F_blk_mq_alloc_rqs, 0) === 0;
}

/** blk_mq_get_request: a free tag's request, sleeping in io_schedule while all are in use. */
export function* blk_mq_get_request(k: Kernel, q: RequestQueue): Generator<number, Request, void> {
  k.enter(F_blk_mq_get_request, q.addr, 0, 0);
  while (q.freeTags.length === 0) {
    const t = k.current;
    q.tagWaiters.push(t);
    t.state = TaskState.Uninterruptible;
    yield* io_schedule(k);
  }
  const rq = q.rqs[q.freeTags.pop()!]!;
  rq.bio = null;
  rq.endIo = null;
  rq.status = BLK_STS_OK;
  rq.cpu = k.cpu;
  k.leave(F_blk_mq_get_request, rq.addr);
  return rq;
}

/** blk_mq_free_request: the tag goes back and a task waiting for one wakes. */
export function blk_mq_free_request(k: Kernel, rq: Request): void {
  k.enter(F_blk_mq_free_request, rq.addr);
  const q = rq.q;
  rq.bio = null;
  q.freeTags.push(rq.tag);
  const waiter = q.tagWaiters.shift();
  if (waiter) k.sched.wakeUp(waiter);
  k.leaveVoid(F_blk_mq_free_request);
}

/** blk_mq_start_request: the driver has the request; the IO clock starts. */
export function blk_mq_start_request(k: Kernel, rq: Request): void {
  k.enter(F_blk_mq_start_request, rq.addr);
  rq.ioStartNs = k.now;
  rq.q.inFlight++;
  if (k.tpOn[block_rq_issue.id] !== 0) {
    const pt = isPassthrough(rq);
    k.traceEvent(block_rq_issue, rq.q.devt, pt ? 0 : rq.sector, pt ? 0 : rq.nrSectors, rq.bytes, rwbs(rq), k.current.comm, rq.cmd);
  }
  k.leaveVoid(F_blk_mq_start_request);
}

/** The device's service time for one request, from the machine's PRNG. */
function serviceNs(k: Kernel, d: BlockDeviceModel, nrSectors: number): number {
  let ns = d.baseNs + d.perSectorNs * nrSectors + k.prng.below(d.jitterNs);
  if (k.prng.below(d.seekOneIn) === 0) ns += k.prng.below(d.seekNs);
  return ns;
}

/**
 * The driver's queue_rq (scsi_queue_rq): start the request and hand it to the device, which
 * raises its completion interrupt when done.
 */
function queueRq(k: Kernel, rq: Request): void {
  const q = rq.q;
  blk_mq_start_request(k, rq);
  const done = Math.max(k.now, q.busyUntil) + serviceNs(k, q.device, rq.nrSectors);
  q.busyUntil = done;
  k.sched.addTimer(done, rq.cpu, () => blk_mq_complete_request(k, rq));
}

/** blk_mq_try_issue_directly → __blk_mq_issue_directly: no scheduler, straight to the driver. */
export function blk_mq_try_issue_directly(k: Kernel, rq: Request): void {
  k.enter(F_blk_mq_try_issue_directly, 0, rq.addr, 0);
  k.charge(COST_SUBMIT);
  queueRq(k, rq);
  k.leaveVoid(F_blk_mq_try_issue_directly);
}

/** blk_mq_make_request: a bio becomes a request (blk_mq_bio_to_request) and is issued. */
export function* blk_mq_make_request(k: Kernel, q: RequestQueue, bio: Bio): Generator<number, void, void> {
  k.enter(F_blk_mq_make_request, q.addr, bio.addr);
  const rq = yield* blk_mq_get_request(k, q);
  rq.bio = bio;
  rq.op = bio.op;
  rq.sector = bio.sector;
  rq.nrSectors = bio.pages.length * 8;
  rq.bytes = bio.pages.length * 4096;
  rq.rahead = bio.rahead;
  rq.cmd = '';
  blk_account_io_start(k, rq);
  blk_mq_try_issue_directly(k, rq);
  k.leave(F_blk_mq_make_request, 0);
}

/** blk_mq_complete_request: the device's interrupt, on the submitting CPU. */
export function blk_mq_complete_request(k: Kernel, rq: Request): void {
  k.enter(F_blk_mq_complete_request, rq.addr);
  k.charge(COST_COMPLETE);
  // __blk_mq_complete_request → blk_done_softirq → scsi_softirq_done → scsi_finish_command.
  blk_mq_end_request(k, rq, rq.status);
  k.leaveVoid(F_blk_mq_complete_request);
}

/** blk_mq_end_request: finish the bio (blk_update_request → bio_endio), then the request. */
export function blk_mq_end_request(k: Kernel, rq: Request, status: number): void {
  k.enter(F_blk_mq_end_request, rq.addr, status);
  // blk_update_request: the data part is done.
  if (k.tpOn[block_rq_complete.id] !== 0) {
    const pt = isPassthrough(rq);
    k.traceEvent(block_rq_complete, rq.q.devt, pt ? 0 : rq.sector, pt ? 0 : rq.bytes >> 9, status ? -5 : 0, rwbs(rq), rq.cmd);
  }
  const bio = rq.bio;
  if (bio) {
    bio.status = status;
    bio_endio(k, bio);
  }
  __blk_mq_end_request(k, rq, status);
  k.leaveVoid(F_blk_mq_end_request);
}

export function __blk_mq_end_request(k: Kernel, rq: Request, status: number): void {
  k.enter(F___blk_mq_end_request, rq.addr, status);
  blk_account_io_done(k, rq, k.now);
  if (rq.endIo) rq.endIo(k, rq, status);
  else blk_mq_free_request(k, rq);
  k.leaveVoid(F___blk_mq_end_request);
}
