// block/genhd.c: the machine's disks and the media-event polling of removable ones. An Ubuntu VM
// has its root disk (sda, 8:0) and a virtual CD-ROM drive (sr0, 11:0). udev sets
// block.events_dfl_poll_msecs to 2000 (60-block.rules), so every two seconds a kworker runs
// disk_events_workfn for sr0, which asks the drive for media events (sr_check_events). That
// command's 8-byte reply buffer is on the kworker's stack, so blk_rq_map_kern bounces it through
// an alloc_page(GFP_NOIO) page: the order-0 GFP_NOIO mm_page_alloc lines an idle VM's trace shows
// from kworker/N:M.

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc } from '../symbols.js';
import { DelayedWork, queue_delayed_work_on, system_freezable_power_efficient_wq, WORK_CPU_UNBOUND } from '../workqueue.js';
import { blk_mq_alloc_rqs, RequestQueue } from './blk-mq.js';
import { sr_check_events } from './sr.js';

const FILE = 'block/genhd.c';
export const F_disk_events_workfn = kfunc('disk_events_workfn', { file: FILE, size: 0x20, args: [ArgKind.Direct] });
export const F_disk_check_events = kfunc('disk_check_events', { file: FILE, size: 0x150, args: [ArgKind.Direct, ArgKind.Direct] });

/** block.events_dfl_poll_msecs as udev sets it. */
const EVENTS_POLL_NS = 2000 * 1_000_000;

/** Direct-map addresses of the queues and of sr0's struct disk_events (kmalloc'ed at probe). */
const SDA_QUEUE_ADDR = 0x3d40_0000;
const SR0_QUEUE_ADDR = 0x3d48_0000;
const SR0_EVENTS_ADDR = 0x3d4c_0400;

/** MKDEV: the kernel's dev_t has a 20-bit minor. */
function mkdev(major: number, minor: number): number {
  return major * 2 ** 20 + minor;
}

interface BlockState {
  readonly sda: RequestQueue;
  readonly sr0: RequestQueue;
  readonly sr0Events: DelayedWork;
}

const states = new WeakMap<Kernel, BlockState>();

function state(k: Kernel): BlockState {
  const s = states.get(k);
  if (!s) throw new Error('no block devices (genhd_device_init has not run)');
  return s;
}

/** The queue of the disk the root filesystem lives on. */
export function rootQueue(k: Kernel): RequestQueue {
  return state(k).sda;
}

export function sr0Queue(k: Kernel): RequestQueue {
  return state(k).sr0;
}

/**
 * The SCSI probes of both disks (their tag sets) and udev's poll setting, which starts sr0's
 * event polling from the CPU udev ran on.
 */
export function genhd_device_init(k: Kernel): void {
  // A virtual SSD-backed disk: ~0.1 ms per command, ~1 GB/s, now and then a multi-ms stall.
  const sda = new RequestQueue('sda', mkdev(8, 0), SDA_QUEUE_ADDR, { baseNs: 80_000, perSectorNs: 500, jitterNs: 200_000, seekOneIn: 16, seekNs: 8_000_000 });
  // An empty ATAPI drive answering status commands.
  const sr0 = new RequestQueue('sr0', mkdev(11, 0), SR0_QUEUE_ADDR, { baseNs: 150_000, perSectorNs: 0, jitterNs: 100_000, seekOneIn: 8, seekNs: 2_000_000 });
  if (!blk_mq_alloc_rqs(k, sda, 64) || !blk_mq_alloc_rqs(k, sr0, 1)) throw new Error('cannot allocate the disks\' requests at boot');
  const sr0Events = new DelayedWork(disk_events_workfn, SR0_EVENTS_ADDR);
  states.set(k, { sda, sr0, sr0Events });
  const save = k.cpu;
  k.cpu = k.prng.below(k.cpus.length);
  queue_delayed_work_on(k, WORK_CPU_UNBOUND, system_freezable_power_efficient_wq(k), sr0Events, EVENTS_POLL_NS);
  k.cpu = save;
}

/** disk_events_workfn → disk_check_events: poll the drive, then re-arm the poll. */
function* disk_events_workfn(k: Kernel): Generator<number, void, void> {
  const s = state(k);
  k.enter(F_disk_events_workfn, s.sr0Events.work.addr);
  k.enter(F_disk_check_events, SR0_EVENTS_ADDR, 0);
  yield* sr_check_events(k, s.sr0);
  queue_delayed_work_on(k, WORK_CPU_UNBOUND, system_freezable_power_efficient_wq(k), s.sr0Events, EVENTS_POLL_NS);
  k.leaveVoid(F_disk_check_events);
  k.leaveVoid(F_disk_events_workfn);
}
