// The kernel soak: a random shell script of background workloads runs on a fresh machine while
// the memory manager's invariants are checked at every slice of virtual time.

import fc from 'fast-check';
import { bootMachine } from '../../src/cli/sh.js';
import { mark_victim } from '../../src/kernel/trace/events/oom.js';
import { TaskState } from '../../src/kernel/sched/task.js';
import { startSession } from '../../src/userland/session.js';
import { checkLruInvariants, checkPageInvariants, checkPageTableAccounting, checkSlabAccounting } from './kernel.js';

export type SoakJob =
  | { kind: 'memhog'; mb: number; hold: number }
  | { kind: 'python'; stepMb: number; maxMb: number }
  | { kind: 'forkstorm'; n: number; hold: number }
  | { kind: 'pagecache'; piped: boolean }
  | { kind: 'tmpfs'; lines: number }
  | { kind: 'procfs' }
  | { kind: 'watch'; tenths: number };

export interface SoakGroup {
  background: SoakJob[];
  sleepTenths: number;
  /** Kill the group's first job (`kill $!` of the first `&`) after the sleep. */
  kill: boolean;
}

export interface SoakCase {
  memMb: number;
  swapMb: number;
  cpus: number;
  seed: number;
  groups: SoakGroup[];
}

export interface SoakResult {
  status: number;
  stderr: string;
  /** How many times every invariant was checked. */
  checks: number;
  oomKills: number;
  /** User processes or address spaces still present after the script ended (should be none). */
  leftover: string[];
}

const job = fc.oneof(
  fc.record({ kind: fc.constant('memhog' as const), mb: fc.integer({ min: 4, max: 400 }), hold: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ kind: fc.constant('python' as const), stepMb: fc.integer({ min: 8, max: 64 }), maxMb: fc.integer({ min: 16, max: 600 }) }),
  fc.record({ kind: fc.constant('forkstorm' as const), n: fc.integer({ min: 1, max: 60 }), hold: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant('pagecache' as const), piped: fc.boolean() }),
  fc.record({ kind: fc.constant('tmpfs' as const), lines: fc.integer({ min: 1, max: 3000 }) }),
  fc.record({ kind: fc.constant('procfs' as const) }),
  fc.record({ kind: fc.constant('watch' as const), tenths: fc.integer({ min: 1, max: 6 }) }),
);

const group = fc.record({
  background: fc.array(job, { minLength: 1, maxLength: 4 }),
  sleepTenths: fc.integer({ min: 0, max: 10 }),
  kill: fc.boolean(),
});

/** A random case of up to `maxGroups` groups of background jobs. */
export const soakCase = (maxGroups: number): fc.Arbitrary<SoakCase> =>
  fc.record({
  memMb: fc.constantFrom(256, 320, 384),
  swapMb: fc.constantFrom(0, 64, 1024),
  cpus: fc.integer({ min: 1, max: 4 }),
  seed: fc.nat(1000),
  groups: fc.array(group, { minLength: 1, maxLength: maxGroups }),
});

const DATA = '/usr/share/bpfbox/data-16M.bin';

function command(j: SoakJob, id: string): string {
  switch (j.kind) {
    case 'memhog':
      return `memhog ${j.mb}M --hold ${j.hold / 10}`;
    case 'python':
      return `python --step ${j.stepMb}M --every 0.05 --max ${j.maxMb}M`;
    case 'forkstorm':
      return `forkstorm ${j.n} --hold ${j.hold / 10}`;
    case 'pagecache':
      return j.piped ? `cat ${DATA} | wc -c > /dev/null` : `cat ${DATA} > /dev/null`;
    case 'tmpfs':
      return `{ seq 1 ${j.lines} > /tmp/soak${id}; sort -r /tmp/soak${id} | head -1 > /dev/null; }`;
    case 'procfs':
      return 'cat /proc/slabinfo /proc/meminfo /proc/vmallocinfo /proc/buddyinfo /proc/zoneinfo /proc/1/maps > /dev/null';
    case 'watch':
      return `timeout 0.${j.tenths} watch -n 0.1 free > /dev/null`;
  }
}

/** The bash script of a case: each group's jobs in the background, a sleep, maybe a kill, a wait. */
export function soakScript(c: SoakCase): string {
  return c.groups
    .map((g, gi) => {
      const jobs = g.background.map((j, ji) => `${command(j, `${gi}${ji}`)} &${ji === 0 ? ' first=$!;' : ''}`).join(' ');
      return `${jobs} sleep ${g.sleepTenths / 10};${g.kill ? ' kill $first 2>/dev/null;' : ''} wait`;
    })
    .join('; ');
}

const SLICE_NS = 20_000_000;
const LIMIT_NS = 600e9;

export function soakRun(c: SoakCase): SoakResult {
  const k = bootMachine({ mem: `${c.memMb}M`, cpus: String(c.cpus), seed: String(c.seed), swap: `${c.swapMb}M` });
  let stderr = '';
  let oomKills = 0;
  k.listenTracepoint(mark_victim, () => void oomKills++);
  const tty = k.vfs.console;
  tty.write = () => {};
  tty.writeErr = (s) => void (stderr += s);
  const script = soakScript(c);
  const pid = startSession(k, ['bash', '-c', script]);
  const task = k.tasks.get(pid)!;
  let checks = 0;
  const check = (): void => {
    try {
      checkPageInvariants(k);
      checkLruInvariants(k);
      checkPageTableAccounting(k);
      checkSlabAccounting(k);
    } catch (e) {
      throw new Error(`at ${k.now} ns of ${script}: ${(e as Error).message}`);
    }
    checks++;
  };
  check();
  for (let t = k.now; task.state !== TaskState.Dead && task.state !== TaskState.Zombie; ) {
    t += SLICE_NS;
    k.sched.run(t);
    check();
    if (t > LIMIT_NS) throw new Error(`still running after ${LIMIT_NS / 1e9} s: ${script}`);
  }
  // Let the exits' deferred work (the reaper, lazy vfree) run before the final census.
  k.sched.run(k.now + 1_000_000_000);
  check();
  const leftover: string[] = [];
  const live = new Set<unknown>();
  for (const t of k.tasks.values()) {
    if (t.isKthread || t.mm === null) continue;
    live.add(t.mm);
    if (t.pid !== 1) leftover.push(`task ${t.pid} ${t.comm}`);
  }
  for (const [id, mm] of k.mms) if (!live.has(mm)) leftover.push(`mm ${id}`);
  const ws = task.exitCode;
  return { status: ws & 0x7f ? 128 + (ws & 0x7f) : (ws >> 8) & 0xff, stderr, checks, oomKills, leftover };
}
