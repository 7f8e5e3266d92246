// Loops whose iterations never look alike, against Linux 6.18 (figures from kernel-verify.py):
// the walk ends where the kernel's does, with the same checkpoints on the way. A walk that cost
// more per instruction the longer it ran took minutes to reach the limit here.

import { describe, expect, it } from 'vitest';
import { parseCorpusProgram } from '../../support/corpus.js';
import { verify } from '../../support/verify.js';

/**
 * `BEGIN { $j = 0; while ($j <= curtask) { $j++; } exit(); }` as bpfbox's bpftrace compiles it:
 * every iteration has a new constant $j, so no state prunes the next one. `boundCheck` goes where
 * r1 holds $j in the loop, `exitCheck` at the top of the path after it.
 */
const curtaskLoop = (boundCheck = '', exitCheck = ''): string => `# map: perf_event_array:4:4:4
r6 = r1
*(u64 *)(r10 -8) = 0
r0 = 0
*(u64 *)(r10 -8) = r0
goto +0
loop:
r0 = *(u64 *)(r10 -8)
*(u64 *)(r10 -16) = r0
call bpf_get_current_task#35
r2 = r0
r1 = *(u64 *)(r10 -16)
${boundCheck}
r0 = 1
if r1 <= r2 goto +1
r0 = 0
if r0 == 0x0 goto out
r0 = *(u64 *)(r10 -8)
r1 = r0
r1 += 1
*(u64 *)(r10 -8) = r1
goto loop
out:
${exitCheck}
*(u64 *)(r10 -16) = 30000
r1 = r6
r2 = map[id:1]
r3 = 0xffffffff
r4 = r10
r4 += -16
r5 = 8
call bpf_perf_event_output#25
done:
r0 = 0
exit`;

function run(src: string, kernel: '5.0' | '6.x', logLevel = 1) {
  const p = parseCorpusProgram('loop', src);
  const r = verify(p.insns, { maps: p.maps, kernel, logLevel });
  return { ok: r.ok, errno: r.errno, message: r.message, log: r.log };
}

describe('a loop bounded by an unknown 64-bit value', () => {
  it('6.x: rejected after BPF_COMPLEXITY_LIMIT_INSNS, at the checkpoints Linux 6.18 keeps', () => {
    expect(run(curtaskLoop(), '6.x', 0)).toEqual({
      ok: false,
      errno: 7,
      message: 'BPF program is too large. Processed 1000001 insn',
      log: 'processed 1000001 insns (limit 1000000) max_states_per_insn 3 total_states 13338 peak_states 13338 mark_read 0\n',
    });
  });

  it('5.0: rejected as a back-edge before the walk', () => {
    expect(run(curtaskLoop(), '5.0')).toEqual({ ok: false, errno: 22, message: 'back-edge from insn 18 to 5', log: 'back-edge from insn 18 to 5\n' });
  });

  // The left operand of `if r1 <= r2` is a constant, so the first iteration's jump is known; the
  // exit path is pruned at its first checkpoint on later iterations, which reads only r0 and r6.
  it('6.x: with a constant bound too, accepted after the instructions Linux 6.18 processes', () => {
    expect(run(curtaskLoop('if r1 > 3000 goto out'), '6.x')).toEqual({
      ok: true,
      errno: 0,
      message: '',
      log: 'processed 48044 insns (limit 1000000) max_states_per_insn 3 total_states 757 peak_states 757 mark_read 0\n',
    });
  });

  // Here the exit path needs $j precise, so it is walked anew each iteration and its checkpoints
  // keep the loop's own from being taken: only the jump history's length (over 40) forces them.
  it('6.x: an exit path that is never pruned leaves the loop checkpoints forced by the jump history', () => {
    expect(run(curtaskLoop('if r1 > 3000 goto out', 'r1 = *(u64 *)(r10 -8)\nif r1 > 1000000000 goto done'), '6.x')).toEqual({
      ok: true,
      errno: 0,
      message: '',
      log: 'processed 81037 insns (limit 1000000) max_states_per_insn 4 total_states 3005 peak_states 510 mark_read 0\n',
    });
  });
});
