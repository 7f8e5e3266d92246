// block/blk-exec.c: run a driver-built request and wait for it (blk_execute_rq), as SCSI
// commands from the kernel itself (scsi_execute) do.

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc } from '../symbols.js';
import { TaskState } from '../sched/task.js';
import { io_schedule } from './blk-core.js';
import { blk_mq_try_issue_directly, type Request } from './blk-mq.js';

export const F_blk_execute_rq = kfunc('blk_execute_rq', { file: 'block/blk-exec.c', size: 0xb0, global: true, args: [ArgKind.Direct, ArgKind.Direct, ArgKind.Direct, ArgKind.Int] });

/** blk_execute_rq: issue, then wait_for_completion_io until blk_end_sync_rq. Returns the status. */
export function* blk_execute_rq(k: Kernel, rq: Request): Generator<number, number, void> {
  k.enter(F_blk_execute_rq, rq.q.addr, 0, rq.addr, 1);
  const waiter = k.current;
  let done = false;
  rq.endIo = (kk) => {
    done = true;
    kk.sched.wakeUp(waiter);
  };
  rq.startNs = k.now;
  blk_mq_try_issue_directly(k, rq);
  while (!done) {
    waiter.state = TaskState.Uninterruptible;
    yield* io_schedule(k);
  }
  k.leaveVoid(F_blk_execute_rq);
  return rq.status;
}
