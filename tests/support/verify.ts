// Runs bpfbox's verifier the way `bpfbox bpf verify` and kernel-verify.py do: maps from
// TYPE:KEY:VALUE:MAX specs, numbered 1.. for map-fd ld_imm64 immediates.

import { StandaloneHost } from '../../src/bpf/host.js';
import type { Insn } from '../../src/bpf/isa.js';
import { BPF_MAP_TYPE, type MapTypeName } from '../../src/bpf/maps/map.js';
import { relocateMapRefs } from '../../src/bpf/program.js';
import { BpfSubsystem } from '../../src/bpf/syscall.js';
import type { Dialect } from '../../src/bpf/verifier/options.js';
import type { ProgTypeName } from '../../src/bpf/verifier/prog_types.js';
import { bpfCheck, type VerifyResult } from '../../src/bpf/verifier/verifier.js';

export function verify(insns: readonly Insn[], opts: { type?: ProgTypeName; maps?: string[]; kernel?: Dialect; logLevel?: number; privileged?: boolean; gplCompatible?: boolean } = {}): VerifyResult {
  const bpf = new BpfSubsystem(new StandaloneHost({ nrCpus: 4 }));
  const fds = (opts.maps ?? []).map((spec) => {
    const [t, k, v, n] = spec.split(':');
    const fd = bpf.mapCreate({ mapType: BPF_MAP_TYPE[t as MapTypeName], keySize: Number(k), valueSize: Number(v), maxEntries: Number(n) });
    if (fd < 0) throw new Error(`map ${spec}: ${fd}`);
    return fd;
  });
  return bpfCheck(relocateMapRefs(insns, fds), {
    progType: opts.type ?? 'kprobe',
    kernel: opts.kernel ?? '5.0',
    logLevel: opts.logLevel ?? 1,
    privileged: opts.privileged ?? true,
    gplCompatible: opts.gplCompatible ?? true,
    resolveMap: (fd) => bpf.mapInfo(fd),
    nrCpus: bpf.host.nrCpus,
  });
}
