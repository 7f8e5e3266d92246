// The helper calls IRBuilderBPF emits (CreateMapLookupElem, CreateMapUpdateElem,
// CreatePerfEventOutput, CreateProbeRead, CreateGetStackId, ...), with arguments in r1-r5 as the
// BPF calling convention wants them. A call clobbers r0-r5; the probe's context stays in r6.
// On Linux 5.0 bpftrace picks bpf_probe_read and bpf_probe_read_str: the _kernel/_user variants
// came in 5.5.

import { BPF_JEQ, BPF_RSH, BPF_LSH } from '../../bpf/isa.js';
import { helperId } from '../../bpf/helper_ids.js';
import { FP, type Emitter, type Reg } from './emitter.js';
import { memcpy, memsetStack } from './memory.js';

export const CTX: Reg = 6;

const H = {
  map_lookup_elem: helperId('map_lookup_elem'),
  map_update_elem: helperId('map_update_elem'),
  map_delete_elem: helperId('map_delete_elem'),
  probe_read: helperId('probe_read'),
  probe_read_str: helperId('probe_read_str'),
  ktime_get_ns: helperId('ktime_get_ns'),
  get_prandom_u32: helperId('get_prandom_u32'),
  get_smp_processor_id: helperId('get_smp_processor_id'),
  get_current_pid_tgid: helperId('get_current_pid_tgid'),
  get_current_uid_gid: helperId('get_current_uid_gid'),
  get_current_comm: helperId('get_current_comm'),
  perf_event_output: helperId('perf_event_output'),
  get_stackid: helperId('get_stackid'),
  get_current_task: helperId('get_current_task'),
  get_numa_node_id: helperId('get_numa_node_id'),
  get_current_cgroup_id: helperId('get_current_cgroup_id'),
  send_signal: helperId('send_signal'),
  override_return: helperId('override_return'),
} as const;

export { H as HELPER };

/** BPF_F_CURRENT_CPU: perf_event_output into this CPU's ring. */
const BPF_F_CURRENT_CPU = 0xffffffffn;
/** BPF_F_USER_STACK. */
const BPF_F_USER_STACK = 1 << 8;

/** r0 = bpf_map_lookup_elem(map, r10 + keyOff): a map value pointer or NULL. */
export function mapLookup(em: Emitter, map: number, keyOff: number): void {
  em.ldMap(1, map);
  em.mov(2, FP);
  em.aluImm(0x00, 2, keyOff);
  em.call(H.map_lookup_elem);
}

/**
 * The value of map[key] into r0 (an integer) or `dst` (an aggregate of `size` bytes), 0 when the
 * key is absent: CreateMapLookupElem's success and failure blocks.
 */
export function mapLookupValue(em: Emitter, map: number, keyOff: number, dst: { off: number; size: number } | null): void {
  mapLookup(em, map, keyOff);
  const fail = em.newLabel();
  const done = em.newLabel();
  em.jccImm(BPF_JEQ, 0, 0, fail);
  if (dst) memcpy(em, FP, dst.off, 0, 0, dst.size, 1);
  else em.ldx(8, 0, 0, 0);
  em.ja(done);
  em.bind(fail);
  if (dst) memsetStack(em, dst.off, dst.size);
  else em.movImm(0, 0);
  em.bind(done);
}

export function mapUpdate(em: Emitter, map: number, keyOff: number, valOff: number): void {
  em.ldMap(1, map);
  em.mov(2, FP);
  em.aluImm(0x00, 2, keyOff);
  em.mov(3, FP);
  em.aluImm(0x00, 3, valOff);
  em.movImm(4, 0);
  em.call(H.map_update_elem);
}

export function mapDelete(em: Emitter, map: number, keyOff: number): void {
  em.ldMap(1, map);
  em.mov(2, FP);
  em.aluImm(0x00, 2, keyOff);
  em.call(H.map_delete_elem);
}

/** bpf_perf_event_output(ctx, printf map, BPF_F_CURRENT_CPU, r10 + off, size). */
export function perfEventOutput(em: Emitter, perfMap: number, off: number, size: number): void {
  em.mov(1, CTX);
  em.ldMap(2, perfMap);
  em.lddw(3, BPF_F_CURRENT_CPU);
  em.mov(4, FP);
  em.aluImm(0x00, 4, off);
  em.movImm(5, size);
  em.call(H.perf_event_output);
}

/** bpf_probe_read(r10 + dstOff, size, r3): the source address must already be in r3. */
export function probeReadToStack(em: Emitter, dstOff: number, size: number): void {
  em.mov(1, FP);
  em.aluImm(0x00, 1, dstOff);
  em.movImm(2, size);
  em.call(H.probe_read);
}

/** bpf_probe_read_str(r10 + dstOff, r2, r3): size in r2 and source in r3 already. */
export function probeReadStrToStack(em: Emitter, dstOff: number): void {
  em.mov(1, FP);
  em.aluImm(0x00, 1, dstOff);
  em.call(H.probe_read_str);
}

/** r0 = bpf_get_stackid(ctx, stack map, flags). */
export function getStackid(em: Emitter, stackMap: number, user: boolean): void {
  em.mov(1, CTX);
  em.ldMap(2, stackMap);
  em.movImm(3, user ? BPF_F_USER_STACK : 0);
  em.call(H.get_stackid);
}

/** bpf_get_current_comm(r10 + off, size). */
export function getCurrentComm(em: Emitter, off: number, size: number): void {
  em.mov(1, FP);
  em.aluImm(0x00, 1, off);
  em.movImm(2, size);
  em.call(H.get_current_comm);
}

/** r0 = the low 32 bits of r0, zero-extended (LLVM's `and 0xffffffff` on an i64). */
export function low32(em: Emitter): void {
  em.aluImm(BPF_LSH, 0, 32);
  em.aluImm(BPF_RSH, 0, 32);
}
