// start_kernel, as far as the emulation needs: memory (mm_init), the swap device, init (pid 1)
// and kthreadd (pid 2), then the kernel threads a 5.0 boot starts, in their order, so kswapd0
// and oom_reaper get the pids the lecture shows (91 and 32).

import { Kernel } from './machine.js';
import type { MachineConfig } from './config.js';
import { mm_init } from './mm/init.js';
import { kmem_cache_init } from './mm/slub.js';
import { createBootCaches } from './mm/slab_common.js';
import { vmalloc_init } from './mm/vmalloc.js';
import { SwapInfo } from './mm/swapfile.js';
import { Task, TaskState, PF_KTHREAD, BLOCKED, type TaskBody } from './sched/task.js';
import { kthread_create } from './fork.js';
import { kswapd } from './mm/vmscan.js';
import { oom_reaper } from './mm/oom_kill.js';
import { layoutText } from './symbols.js';
import { mountRootfs } from './fs/mount.js';
import { create_boot_worker, workqueue_init_early } from './workqueue.js';
import { genhd_device_init } from './block/genhd.js';
import { LINUX_BANNER } from './fs/proc/version.js';

/** Boot-time kernel threads between kthreadd and kswapd0, as `ps` lists them on Ubuntu 5.0. */
function bootKthreads(cpus: number): string[] {
  const names = ['rcu_gp', 'rcu_par_gp', 'kworker/0:0', 'kworker/0:0H', 'kworker/u8:0', 'mm_percpu_wq', 'ksoftirqd/0', 'rcu_sched', 'migration/0', 'idle_inject/0', 'cpuhp/0'];
  for (let c = 1; c < cpus; c++) names.push(`cpuhp/${c}`, `idle_inject/${c}`, `migration/${c}`, `ksoftirqd/${c}`, `kworker/${c}:0`, `kworker/${c}:0H`);
  return names;
}

const AFTER_REAPER = ['kdevtmpfs', 'netns', 'rcu_tasks_kthre', 'kauditd', 'khungtaskd', 'writeback', 'kcompactd0', 'ksmd', 'khugepaged', 'crypto', 'kintegrityd', 'kblockd', 'tpm_dev_wq', 'ata_sff', 'md', 'edac-poller', 'devfreq_wq', 'watchdogd'];

/** A kernel thread that waits for work that, in this emulation, never comes. */
function* idleKthread(t: Task): TaskBody {
  for (;;) {
    t.state = TaskState.Idle;
    yield BLOCKED;
  }
}

export function boot(config: Partial<MachineConfig> = {}): Kernel {
  layoutText();
  const k = new Kernel(config);
  k.printk(LINUX_BANNER.trimEnd(), 5);
  mm_init(k);
  // 5.0's mm_init brings up SLUB right after the buddy allocator; start_kernel then creates
  // the caches fork, the VFS and the rest use.
  kmem_cache_init(k);
  vmalloc_init(k);
  createBootCaches(k);
  // vfs_caches_init, then init's mounts: the root filesystem, /proc, /dev, /tmp.
  mountRootfs(k);
  if (k.config.swapBytes > 0) k.swap = new SwapInfo(Math.floor(k.config.swapBytes / 4096));

  // rest_init: kernel_init becomes pid 1, kthreadd pid 2.
  const init = new Task(k.allocPid(), 1, 'systemd');
  init.state = TaskState.Interruptible;
  init.body = idleKthread(init);
  k.tasks.set(init.pid, init);
  const kthreadd = new Task(k.allocPid(), 2, 'kthreadd');
  kthreadd.flags |= PF_KTHREAD;
  kthreadd.state = TaskState.Interruptible;
  kthreadd.body = idleKthread(kthreadd);
  k.tasks.set(kthreadd.pid, kthreadd);

  workqueue_init_early(k);
  for (const name of bootKthreads(k.config.cpus)) if (!create_boot_worker(k, name)) kthread_create(k, name, idleKthread);
  // oom_init runs as a subsys_initcall: oom_reaper is next, pid 32 on the lecture's 4-CPU VM.
  k.reservePidsBelow(32);
  k.oomReaper = kthread_create(k, 'oom_reaper', (t) => oom_reaper(k, t));
  for (const name of AFTER_REAPER) kthread_create(k, name, idleKthread);
  // kswapd_init is a module_init: by then driver threads have taken pids up to 90.
  k.reservePidsBelow(91);
  const kswapd0 = kthread_create(k, 'kswapd0', (t) => kswapd(k, k.node, t));
  k.node.kswapd = kswapd0;
  // The disks' probes (and udev's poll setting for sr0) follow once the kthreads are up.
  genhd_device_init(k);
  // Every kthread runs once to reach its first sleep.
  for (const t of k.tasks.values()) if (t.state === TaskState.Interruptible && t.pid > 2) k.sched.wakeUp(t);
  k.sched.run(1_000_000);
  return k;
}
