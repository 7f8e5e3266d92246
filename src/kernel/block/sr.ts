// drivers/scsi/sr.c: the SCSI CD-ROM driver's media-event check. GET EVENT STATUS NOTIFICATION
// reads 8 bytes into a buffer on the caller's stack (sr_get_events), then TEST UNIT READY, which
// carries no data, checks the medium.

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc } from '../symbols.js';
import { GFP_NOIO } from '../mm/gfp.js';
import { REQ_OP_SCSI_IN } from './bio.js';
import { blk_get_request, blk_put_request } from './blk-core.js';
import { blk_execute_rq } from './blk-exec.js';
import { blk_rq_map_kern } from './blk-map.js';
import type { RequestQueue } from './blk-mq.js';

const FILE = 'drivers/scsi/sr.c';
export const F_sr_check_events = kfunc('sr_check_events', { file: FILE, size: 0x290, args: [ArgKind.Direct, ArgKind.Int, ArgKind.Int], ret: ArgKind.Int });
export const F_sr_get_events = kfunc('sr_get_events', { file: FILE, size: 0xf0, args: [ArgKind.Direct], ret: ArgKind.Int });

/** Where sr_get_events' `u8 buf[8]` sits below the top of a 16 KiB kernel stack. */
const BUF_STACK_OFFSET = 0x3c80;

/** GET EVENT STATUS NOTIFICATION, polled, media class, 8-byte allocation length. */
const GPCMD_GET_EVENT_STATUS_NOTIFICATION = '4a 01 00 00 10 00 00 00 08 00';
const TEST_UNIT_READY = '00 00 00 00 00 00';

/** scsi_execute_req: one command, waited for; `len` bytes read into the stack buffer. */
function* scsiExecute(k: Kernel, q: RequestQueue, cdb: string, len: number): Generator<number, number, void> {
  const rq = yield* blk_get_request(k, q, REQ_OP_SCSI_IN);
  rq.cmd = cdb;
  if (len > 0) {
    const stack = k.current.stackVa;
    const err = blk_rq_map_kern(k, rq, stack < 0 ? 0 : stack + BUF_STACK_OFFSET, len, GFP_NOIO);
    if (err) {
      blk_put_request(k, rq);
      return err;
    }
  }
  const status = yield* blk_execute_rq(k, rq);
  blk_put_request(k, rq);
  return status;
}

function* sr_get_events(k: Kernel, q: RequestQueue): Generator<number, number, void> {
  k.enter(F_sr_get_events, q.addr);
  yield* scsiExecute(k, q, GPCMD_GET_EVENT_STATUS_NOTIFICATION, 8);
  // An empty tray reports no events.
  return k.leave(F_sr_get_events, 0);
}

/** sr_check_events: the drive's media and eject events (none, for an empty virtual drive). */
export function* sr_check_events(k: Kernel, q: RequestQueue): Generator<number, number, void> {
  k.enter(F_sr_check_events, q.addr, 0, 0);
  const events = yield* sr_get_events(k, q);
  // scsi_test_unit_ready: no data phase, so no buffer to map.
  yield* scsiExecute(k, q, TEST_UNIT_READY, 0);
  return k.leave(F_sr_check_events, events);
}
