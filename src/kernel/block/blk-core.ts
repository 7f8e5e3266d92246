// block/blk-core.c: the entry of block IO (submit_bio → generic_make_request → the queue's
// make_request_fn), the IO accounting at either end of a request's life, and blk_get_request /
// blk_put_request for commands a driver builds itself. io_schedule (kernel/sched/core.c) is here
// because only block IO waits use it in this emulation.

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc } from '../symbols.js';
import { BLOCKED } from '../sched/task.js';
import type { Bio } from './bio.js';
import { blk_mq_free_request, blk_mq_get_request, blk_mq_make_request, type Request, type RequestQueue } from './blk-mq.js';

const FILE = 'block/blk-core.c';
export const F_submit_bio = kfunc('submit_bio', { file: FILE, size: 0x150, global: true, args: [ArgKind.Direct], ret: ArgKind.Int });
export const F_generic_make_request = kfunc('generic_make_request', { file: FILE, size: 0x300, global: true, args: [ArgKind.Direct], ret: ArgKind.Int });
export const F_blk_account_io_start = kfunc('blk_account_io_start', { file: FILE, size: 0x1d0, global: true, args: [ArgKind.Direct, ArgKind.Int] });
export const F_blk_account_io_done = kfunc('blk_account_io_done', { file: FILE, size: 0x1b0, global: true, args: [ArgKind.Direct, ArgKind.Int] });
export const F_blk_get_request = kfunc('blk_get_request', { file: FILE, size: 0x100, global: true, args: [ArgKind.Direct, ArgKind.Int, ArgKind.Int], ret: ArgKind.Direct });
export const F_blk_put_request = kfunc('blk_put_request', { file: FILE, size: 0x30, global: true, args: [ArgKind.Direct] });
export const F_io_schedule = kfunc('io_schedule', { file: 'kernel/sched/core.c', size: 0x20, global: true });

/** io_schedule: the caller set its sleeping state and a wakeup; this is its time in D state. */
export function* io_schedule(k: Kernel): Generator<number, void, void> {
  k.enter(F_io_schedule);
  yield BLOCKED;
  k.leaveVoid(F_io_schedule);
}

/** submit_bio: may sleep for a tag, as generic_make_request does on a full queue. */
export function* submit_bio(k: Kernel, q: RequestQueue, bio: Bio): Generator<number, void, void> {
  k.enter(F_submit_bio, bio.addr);
  k.enter(F_generic_make_request, bio.addr);
  yield* blk_mq_make_request(k, q, bio);
  k.leave(F_generic_make_request, 0);
  k.leave(F_submit_bio, 0);
}

/** blk_account_io_start: the request is new IO for the disk's statistics. */
export function blk_account_io_start(k: Kernel, rq: Request): void {
  k.enter(F_blk_account_io_start, rq.addr, 1);
  rq.startNs = k.now;
  k.leaveVoid(F_blk_account_io_start);
}

/** blk_account_io_done: called for every finished request; `now` is its completion time. */
export function blk_account_io_done(k: Kernel, rq: Request, now: number): void {
  k.enter(F_blk_account_io_done, rq.addr, now);
  rq.q.inFlight--;
  rq.q.completed++;
  k.leaveVoid(F_blk_account_io_done);
}

/** blk_get_request: a request for a driver-built command, waiting for a tag if need be. */
export function* blk_get_request(k: Kernel, q: RequestQueue, op: number): Generator<number, Request, void> {
  k.enter(F_blk_get_request, q.addr, op, 0);
  const rq = yield* blk_mq_get_request(k, q);
  rq.op = op;
  rq.sector = 0;
  rq.nrSectors = 0;
  rq.bytes = 0;
  rq.rahead = false;
  rq.cmd = '';
  k.leave(F_blk_get_request, rq.addr);
  return rq;
}

export function blk_put_request(k: Kernel, rq: Request): void {
  k.enter(F_blk_put_request, rq.addr);
  blk_mq_free_request(k, rq);
  k.leaveVoid(F_blk_put_request);
}
