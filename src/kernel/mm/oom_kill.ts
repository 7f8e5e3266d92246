// mm/oom_kill.c, Linux 5.0: when reclaim cannot make progress, pick the task whose death frees
// the most memory (oom_badness), log the report dmesg shows, kill it, and let the oom_reaper
// kthread tear down its anonymous memory without waiting for the victim to run again.

import type { Kernel } from '../machine.js';
import { send_sig, SIGKILL } from '../signal.js';
import { ArgKind, kfunc } from '../symbols.js';
import { formatGfpForPrintk } from './gfp.js';
import { MmCounter, type MmStruct } from './mm_types.js';
import { MAX_ORDER } from './page.js';
import { WMark, ZoneStat } from './mmzone.js';
import { zapRange } from './memory.js';
import { total_swap_pages, nr_swap_pages } from './swapfile.js';
import { finish_task_reaping, mark_victim, start_task_reaping, wake_reaper } from '../trace/events/oom.js';
import { BLOCKED, TaskState, type Task, type TaskBody } from '../sched/task.js';

const FILE = 'mm/oom_kill.c';
export const F_oom_badness = kfunc('oom_badness', { file: FILE, size: 0x100, global: true, args: [ArgKind.Vmalloc, ArgKind.Int, ArgKind.Int, ArgKind.Int] });
export const F_dump_header = kfunc('dump_header', { file: FILE, size: 0x2f0, args: [ArgKind.Vmalloc, ArgKind.Vmalloc] });
export const F_oom_kill_process = kfunc('oom_kill_process', { file: FILE, size: 0x2e0, args: [ArgKind.Vmalloc, ArgKind.Int] });
export const F_out_of_memory = kfunc('out_of_memory', { file: FILE, size: 0x1f0, global: true, args: [ArgKind.Vmalloc] });
export const F_dump_stack = kfunc('dump_stack', { file: 'lib/dump_stack.c', size: 0x85, global: true });
export const F_oom_reaper = kfunc('oom_reaper', { file: FILE, size: 0x380, args: [ArgKind.Int] });

const OOM_SCORE_ADJ_MIN = -1000;
const MAX_OOM_REAP_RETRIES = 10;

export function tskIsOomVictim(t: Task): boolean {
  return t.oomVictim;
}

function totalPages(k: Kernel): number {
  let ram = 0;
  for (const z of k.node.zones) ram += z.managedPages;
  return ram + total_swap_pages(k);
}

/** oom_badness: pages the kill would free, shifted by oom_score_adj per mille of memory. */
export function oom_badness(k: Kernel, t: Task, total: number): number {
  k.enter(F_oom_badness, -1, 0, 0, total);
  const mm = t.mm;
  if (!mm || t.pid === 1 || t.isKthread || t.oomScoreAdj === OOM_SCORE_ADJ_MIN || t.oomReaped) return k.leave(F_oom_badness, 0);
  let points = mm.rssPages + mm.rss[MmCounter.SwapEnts]! + Math.floor(mm.pgtablesBytes / 4096);
  points += t.oomScoreAdj * Math.floor(total / 1000);
  return k.leave(F_oom_badness, points > 0 ? points : 1);
}

function kB(pages: number): number {
  return pages * 4;
}

function dumpTasks(k: Kernel): void {
  k.printk('Tasks state (memory values in pages):');
  k.printk('[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name');
  for (const t of [...k.tasks.values()].sort((a, b) => a.pid - b.pid)) {
    const mm = t.mm;
    if (!mm || t.isKthread) continue;
    k.printk(
      `[${pad(t.pid, 7)}] ${pad(t.uid, 5)} ${pad(t.tgid, 5)} ${pad(mm.totalVm, 8)} ${pad(mm.rssPages, 8)} ${pad(mm.pgtablesBytes, 8)} ${pad(
        mm.rss[MmCounter.SwapEnts]!,
        8,
      )}         ${pad(t.oomScoreAdj, 5)} ${t.comm}`,
    );
  }
}

function pad(n: number, w: number): string {
  return String(n).padStart(w);
}

/** show_free_areas' summary, the "Mem-Info:" block of the OOM report. */
function showMem(k: Kernel): void {
  const n = k.node.vmstat;
  let free = 0;
  let pagetables = 0;
  for (const z of k.node.zones) {
    free += z.freePages();
    pagetables += z.vmstat[ZoneStat.NR_PAGETABLE]!;
  }
  k.printk('Mem-Info:');
  k.printk(
    `active_anon:${n[1]} inactive_anon:${n[0]} isolated_anon:0\n active_file:${n[3]} inactive_file:${n[2]} isolated_file:0\n unevictable:${n[4]} dirty:0 writeback:0 unstable:0\n slab_reclaimable:${n[5]} slab_unreclaimable:${n[6]}\n mapped:${n[15]} shmem:0 pagetables:${pagetables} bounce:0\n free:${free} free_pcp:${freePcp(k)} free_cma:0`,
  );
  for (const z of k.node.zones) {
    if (!z.managedPages) continue;
    k.printk(
      `Node 0 ${z.name} free:${kB(z.freePages())}kB min:${kB(z.watermark[WMark.Min]!)}kB low:${kB(z.watermark[WMark.Low]!)}kB high:${kB(
        z.watermark[WMark.High]!,
      )}kB active_anon:${kB(z.vmstat[ZoneStat.NR_ZONE_ACTIVE_ANON]!)}kB inactive_anon:${kB(z.vmstat[ZoneStat.NR_ZONE_INACTIVE_ANON]!)}kB active_file:${kB(
        z.vmstat[ZoneStat.NR_ZONE_ACTIVE_FILE]!,
      )}kB inactive_file:${kB(z.vmstat[ZoneStat.NR_ZONE_INACTIVE_FILE]!)}kB unevictable:${kB(z.vmstat[ZoneStat.NR_ZONE_UNEVICTABLE]!)}kB writepending:0kB present:${kB(
        z.presentPages,
      )}kB managed:${kB(z.managedPages)}kB mlocked:0kB kernel_stack:${z.vmstat[ZoneStat.NR_KERNEL_STACK_KB]}kB pagetables:${kB(
        z.vmstat[ZoneStat.NR_PAGETABLE]!,
      )}kB bounce:0kB free_pcp:${kB(z.pageset.reduce((s, p) => s + p.count, 0))}kB local_pcp:${kB(z.pageset[k.cpu]!.count)}kB free_cma:0kB`,
    );
    k.printk(`lowmem_reserve[]: ${Array.from(z.lowmemReserve).join(' ')}`);
  }
  for (const z of k.node.zones) {
    if (!z.managedPages) continue;
    const parts: string[] = [];
    let total = 0;
    for (let o = 0; o < MAX_ORDER; o++) {
      parts.push(`${z.nrFree[o]}*${4 << o}kB`);
      total += z.nrFree[o]! * (4 << o);
    }
    k.printk(`Node 0 ${z.name}: ${parts.join(' ')} = ${total}kB`);
  }
  k.printk(`${k.swapCachePages} pages in swap cache`);
  k.printk(`Free swap  = ${kB(nr_swap_pages(k))}kB`);
  k.printk(`Total swap = ${kB(total_swap_pages(k))}kB`);
  k.printk(`${k.node.nodePresentPages} pages RAM`);
}

function freePcp(k: Kernel): number {
  let n = 0;
  for (const z of k.node.zones) for (const p of z.pageset) n += p.count;
  return n;
}

function dump_header(k: Kernel, gfp: number, order: number, victim: Task | null): void {
  k.enter(F_dump_header, -1, -1);
  const cur = k.current;
  k.printk(`${cur.comm} invoked oom-killer: gfp_mask=0x${gfp.toString(16)}(${formatGfpForPrintk(gfp)}), order=${order}, oom_score_adj=${cur.oomScoreAdj}`, 4);
  k.printk(`CPU: ${k.cpu} PID: ${cur.pid} Comm: ${cur.comm} Not tainted 5.0.0 #1`, 4);
  k.printk(`Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.10.2-1ubuntu1 04/01/2014`, 4);
  k.printk('Call Trace:', 4);
  k.enter(F_dump_stack);
  for (const fn of k.stackFrames()) k.printk(` ${fn}`, 4);
  k.leaveVoid(F_dump_stack);
  showMem(k);
  dumpTasks(k);
  if (victim)
    k.printk(
      `oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=${victim.comm},pid=${victim.pid},uid=${victim.uid}`,
    );
  k.leaveVoid(F_dump_header);
}

function mmKb(mm: MmStruct, c: MmCounter): number {
  return kB(mm.rss[c]!);
}

/** __oom_kill_process: SIGKILL, mark_oom_victim, hand the mm to the reaper. */
function killTask(k: Kernel, victim: Task): void {
  const mm = victim.mm!;
  send_sig(k, SIGKILL, victim);
  victim.oomVictim = true;
  if (k.tpOn[mark_victim.id] !== 0) k.traceEvent(mark_victim, victim.pid);
  k.printk(
    `Killed process ${victim.pid} (${victim.comm}) total-vm:${kB(mm.totalVm)}kB, anon-rss:${mmKb(mm, MmCounter.AnonPages)}kB, file-rss:${mmKb(
      mm,
      MmCounter.FilePages,
    )}kB, shmem-rss:${mmKb(mm, MmCounter.ShmemPages)}kB`,
    3,
  );
  k.oomVictims.add(victim);
  // A victim asleep must run to die; wake it so it reaches its exit.
  k.sched.wakeUp(victim);
  if (k.tpOn[wake_reaper.id] !== 0) k.traceEvent(wake_reaper, victim.pid);
  k.oomReapQueue.push(victim);
  if (k.oomReaper) k.sched.wakeUp(k.oomReaper);
}

/** out_of_memory: true if a victim was chosen (or one is already dying), so retrying makes sense. */
export function out_of_memory(k: Kernel, gfp: number, order: number): boolean {
  k.enter(F_out_of_memory, -1);
  // A victim still exiting frees memory soon: wait for it rather than kill another.
  for (const v of k.oomVictims) {
    if (!v.oomReaped) return k.leave(F_out_of_memory, 1) === 1;
  }
  const total = totalPages(k);
  let chosen: Task | null = null;
  let points = 0;
  for (const t of k.tasks.values()) {
    const p = oom_badness(k, t, total);
    // oom_evaluate_task: a later task with equal points takes over, as for_each_process walks.
    if (p > 0 && p >= points) {
      chosen = t;
      points = p;
    }
  }
  if (!chosen) {
    dump_header(k, gfp, order, null);
    k.printk('Out of memory and no killable processes...', 0);
    return k.leave(F_out_of_memory, 0) === 1;
  }
  // oom_kill_process prints the report from inside, so its frame is in the dumped stack.
  k.enter(F_oom_kill_process, -1, 0);
  dump_header(k, gfp, order, chosen);
  k.printk(`Out of memory: Kill process ${chosen.pid} (${chosen.comm}) score ${Math.floor((points * 1000) / total)} or sacrifice child`, 3);
  killTask(k, chosen);
  k.leaveVoid(F_oom_kill_process);
  return k.leave(F_out_of_memory, 1) === 1;
}

/** The oom_reaper kthread: unmap a victim's anonymous memory while it is on its way out. */
export function* oom_reaper(k: Kernel, task: Task): TaskBody {
  for (;;) {
    const victim = k.oomReapQueue.shift();
    if (!victim) {
      task.state = TaskState.Interruptible;
      yield BLOCKED;
      continue;
    }
    k.enter(F_oom_reaper, 0);
    let tries = 0;
    while (tries++ < MAX_OOM_REAP_RETRIES && !reapTask(k, victim)) {
      k.sched.sleepUntil(task, k.now + 100_000_000);
      yield BLOCKED;
    }
    k.leaveVoid(F_oom_reaper);
    victim.oomReaped = true;
    yield 0;
  }
}

function reapTask(k: Kernel, victim: Task): boolean {
  const mm = victim.mm;
  if (k.tpOn[start_task_reaping.id] !== 0) k.traceEvent(start_task_reaping, victim.pid);
  if (mm) {
    for (const v of mm.vmas) if (!v.file) zapRange(k, mm, v.start, v.end, false);
  }
  if (k.tpOn[finish_task_reaping.id] !== 0) k.traceEvent(finish_task_reaping, victim.pid);
  k.printk(
    `oom_reaper: reaped process ${victim.pid} (${victim.comm}), now anon-rss:${mm ? mmKb(mm, MmCounter.AnonPages) : 0}kB, file-rss:${
      mm ? mmKb(mm, MmCounter.FilePages) : 0
    }kB, shmem-rss:${mm ? mmKb(mm, MmCounter.ShmemPages) : 0}kB`,
  );
  return true;
}
