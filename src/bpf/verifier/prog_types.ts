// Per program type: which helpers a program may call (the kernel's get_func_proto) and which
// context bytes it may touch (is_valid_access), in each dialect. kprobe programs see struct
// pt_regs, tracepoint programs the event record, socket filters struct __sk_buff.

import { HELPER_PROTOS, type HelperProto } from '../helpers.js';
import type { Dialect } from './options.js';

export type ProgTypeName = 'socket_filter' | 'kprobe' | 'tracepoint';

export const PROG_TYPE_IDS: Record<ProgTypeName, number> = { socket_filter: 1, kprobe: 2, tracepoint: 5 };

/** sizeof(struct pt_regs) on x86-64: 21 registers of 8 bytes. */
export const PT_REGS_SIZE = 168;
/**
 * PERF_MAX_TRACE_SIZE: the verifier's bound on a tracepoint record (2048 in 5.0, 8192 since 6.x);
 * attaching checks the event's real size.
 */
export const PERF_MAX_TRACE_SIZE: Record<Dialect, number> = { '5.0': 2048, '6.x': 8192 };

export interface CtxAccess {
  ok: boolean;
}

interface SkbField {
  off: number;
  size: number;
  name: string;
}

/** struct __sk_buff as Linux 5.0 lays it out (include/uapi/linux/bpf.h). */
const SKB_50: SkbField[] = [];
{
  const u32s = ['len', 'pkt_type', 'mark', 'queue_mapping', 'protocol', 'vlan_present', 'vlan_tci', 'vlan_proto', 'priority', 'ingress_ifindex', 'ifindex', 'tc_index'];
  let off = 0;
  for (const n of u32s) SKB_50.push({ off: (off += 4) - 4, size: 4, name: n });
  for (let i = 0; i < 5; i++) SKB_50.push({ off: (off += 4) - 4, size: 4, name: `cb${i}` });
  for (const n of ['hash', 'tc_classid', 'data', 'data_end', 'napi_id', 'family', 'remote_ip4', 'local_ip4']) SKB_50.push({ off: (off += 4) - 4, size: 4, name: n });
  for (let i = 0; i < 4; i++) SKB_50.push({ off: (off += 4) - 4, size: 4, name: `remote_ip6_${i}` });
  for (let i = 0; i < 4; i++) SKB_50.push({ off: (off += 4) - 4, size: 4, name: `local_ip6_${i}` });
  for (const n of ['remote_port', 'local_port', 'data_meta']) SKB_50.push({ off: (off += 4) - 4, size: 4, name: n });
  SKB_50.push({ off: 144, size: 8, name: 'flow_keys' });
  SKB_50.push({ off: 152, size: 8, name: 'tstamp' });
  SKB_50.push({ off: 160, size: 4, name: 'wire_len' });
}
const SKB_SIZE_50 = 168;
/** Linux 6.x appends gso_segs, sk, gso_size, tstamp_type and hwtstamp. */
const SKB_6: SkbField[] = [
  ...SKB_50,
  { off: 164, size: 4, name: 'gso_segs' },
  { off: 168, size: 8, name: 'sk' },
  { off: 176, size: 4, name: 'gso_size' },
  { off: 180, size: 1, name: 'tstamp_type' },
  { off: 184, size: 8, name: 'hwtstamp' },
];
const SKB_SIZE_6 = 192;

/** Fields a socket filter may never read (sk_filter_is_valid_access). */
const SK_FILTER_DENY = new Set(['tc_classid', 'data', 'data_meta', 'data_end', 'flow_keys', 'family', 'remote_ip4', 'local_ip4', 'remote_ip6_0', 'remote_ip6_1', 'remote_ip6_2', 'remote_ip6_3', 'local_ip6_0', 'local_ip6_1', 'local_ip6_2', 'local_ip6_3', 'remote_port', 'local_port', 'tstamp', 'wire_len', 'sk', 'hwtstamp', 'tstamp_type']);

function skFilterAccess(off: number, size: number, write: boolean, dialect: Dialect): boolean {
  const fields = dialect === '5.0' ? SKB_50 : SKB_6;
  const total = dialect === '5.0' ? SKB_SIZE_50 : SKB_SIZE_6;
  if (off < 0 || off >= total) return false;
  if (off % size !== 0) return false;
  const f = fields.find((x) => off >= x.off && off < x.off + x.size);
  if (!f) return false;
  if (SK_FILTER_DENY.has(f.name)) return false;
  const isCb = f.name.startsWith('cb');
  if (write && !isCb) return false;
  if (isCb) return off + size <= 68;
  if (write) return size === 4;
  // Narrow loads: 5.0 only from a field's first byte, 6.x from any aligned offset inside it.
  if (size > f.size || (size & (size - 1)) !== 0) return false;
  return dialect === '5.0' ? off === f.off : true;
}

export function ctxAccessOk(type: ProgTypeName, off: number, size: number, write: boolean, dialect: Dialect): boolean {
  switch (type) {
    case 'kprobe':
      return off >= 0 && off < PT_REGS_SIZE && !write && off % size === 0 && off + size <= PT_REGS_SIZE;
    case 'tracepoint':
      return off >= 8 && off < PERF_MAX_TRACE_SIZE[dialect] && !write && off % size === 0;
    case 'socket_filter':
      return skFilterAccess(off, size, write, dialect);
  }
}

/** The context size, for the 6.x bound on the fixed offset of a ctx pointer. */
export const ctxSize = (type: ProgTypeName, dialect: Dialect): number =>
  type === 'kprobe' ? PT_REGS_SIZE : type === 'tracepoint' ? PERF_MAX_TRACE_SIZE[dialect] : dialect === '5.0' ? SKB_SIZE_50 : SKB_SIZE_6;

// 5.0 from tracing_func_proto, kprobe_prog_func_proto, tp_prog_func_proto and
// sk_filter_func_proto; 6.x as Linux 6.18 answers for a privileged loader (whose kernel is built
// without CONFIG_BPF_KPROBE_OVERRIDE, so bpf_override_return is refused).
const TRACING_50 = [1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 35, 42, 45, 80];
const TRACING_6 = [...TRACING_50, 25, 27, 67, 109, 112, 113, 114, 115, 118, 125, 130, 131, 132, 133, 134, 173];
const HELPERS: Record<Dialect, Record<ProgTypeName, Set<number>>> = {
  '5.0': {
    kprobe: new Set([...TRACING_50, 25, 27, 58, 67]),
    tracepoint: new Set([...TRACING_50, 25, 27, 67]),
    socket_filter: new Set([1, 2, 3, 5, 7, 8, 42]),
  },
  '6.x': {
    kprobe: new Set(TRACING_6),
    tracepoint: new Set(TRACING_6),
    socket_filter: new Set(TRACING_6.filter((id) => ![4, 27, 45, 67, 173].includes(id))),
  },
};

/** Helpers a socket filter gets only with CAP_SYS_ADMIN (5.0). */
const SOCKET_FILTER_PRIVILEGED: Record<Dialect, number[]> = { '5.0': [6], '6.x': [] };

/** get_func_proto: the helper's prototype if this program type may call it. */
export function funcProto(type: ProgTypeName, id: number, dialect: Dialect, privileged: boolean): HelperProto | null {
  const p = HELPER_PROTOS.get(id);
  if (!p) return null;
  if (HELPERS[dialect][type].has(id)) return p;
  if (type === 'socket_filter' && privileged && SOCKET_FILTER_PRIVILEGED[dialect].includes(id)) return p;
  return null;
}

/** Program types whose context is an skb, the only ones LD_ABS and LD_IND may run in. */
export const mayAccessSkb = (type: ProgTypeName): boolean => type === 'socket_filter';
