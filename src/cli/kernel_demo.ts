// `npm start`: the emulated kernel at work, driven by bash on its own terminal. A memory hog
// takes most of a 512 MiB machine: /proc/buddyinfo loses its high-order blocks and
// /proc/zoneinfo's free pages fall toward the watermarks (kswapd wakes), then the hog exits and the
// buddies merge back. Everything printed is the machine's own /proc, read at that moment.
// Then bpftrace traces a bigger hog, one that needs swap, on a fresh machine: where its pages come
// from (the kernel stacks into the page allocator), their orders, kswapd waking and the hog
// reclaiming memory itself.

import { bootMachine, runCommands } from './sh.js';
import { bpftraceCommand } from './bpftrace.js';
import { runBpftrace } from './bpftrace_run.js';
import { VERSION, type Io } from './main.js';

const SCRIPT = `
echo '$ uname -r'; uname -r
echo; echo '$ grep -A 7 DMA32 /proc/zoneinfo   # watermarks from min_free_kbytes'
grep -A 7 DMA32 /proc/zoneinfo
echo; echo '$ cat /proc/buddyinfo   # free blocks of order 0..10, before'
cat /proc/buddyinfo
echo; echo '$ memhog 440M --hold 2 &   # touches 440 MiB, holds it 2 s'
memhog 440M --hold 2 &
sleep 1
echo; echo '$ cat /proc/buddyinfo   # during: the high orders are gone'
cat /proc/buddyinfo
echo; echo '$ grep -A 4 "zone    DMA32" /proc/zoneinfo | tail -4   # DMA32 pushed toward its watermarks'
grep -A 4 "zone    DMA32" /proc/zoneinfo | tail -4
echo; echo '$ ps -e | grep -E "kswapd|memhog"'
ps -e | grep -E "kswapd|memhog"
wait
sleep 0.5
echo; echo '$ cat /proc/buddyinfo   # after: the hog exited, its pages merged back into order-10 blocks'
cat /proc/buddyinfo
echo; echo '$ grep -E "^(MemTotal|MemFree|Cached|SwapFree)" /proc/meminfo'
grep -E "^(MemTotal|MemFree|Cached|SwapFree)" /proc/meminfo
`;

const TRACE = `tracepoint:kmem:mm_page_alloc /comm == "memhog"/ { @order = lhist(args->order, 0, 4, 1); }
kprobe:__alloc_pages_nodemask /comm == "memhog"/ { @stacks[kstack(6)] = count(); }
tracepoint:vmscan:mm_vmscan_kswapd_wake { printf("kswapd%d wakes up (order %d)\\n", args->nid, args->order); }
tracepoint:vmscan:mm_vmscan_direct_reclaim_begin { @direct_reclaim[comm] = count(); }`;

export async function kernelDemo(io: Io): Promise<number> {
  io.stdout('bpfbox: an emulated Linux 5.0 machine (512 MiB, 4 CPUs) running bash; try `bpfbox shell`\n\n');
  const status = runCommands(bootMachine({ mem: '512M' }), SCRIPT, io);
  if (status !== 0) return status;
  const args = ['--mem', '512M', '-c', 'memhog 600M', '-e', TRACE];
  io.stdout(`\nbpftrace on a fresh machine, tracing a hog larger than its RAM (it has 1 GiB of swap):\n\n$ bpfbox ${args.slice(0, 4).join(' ').replace('memhog 600M', "'memhog 600M'")} -e '\n${TRACE}'\n`);
  return bpftraceCommand(args, io, { version: VERSION, runProgram: runBpftrace });
}
