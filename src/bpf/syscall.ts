// The user-space face of the BPF machine, shaped like the bpf(2) commands of kernel/bpf/syscall.c:
// BPF_MAP_CREATE, BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM, BPF_MAP_DELETE_ELEM,
// BPF_MAP_GET_NEXT_KEY, BPF_PROG_LOAD and BPF_PROG_TEST_RUN, with file descriptors and ids, and
// the kernel's errno on every failure (returned negated, as the raw syscall does). The emulated
// kernel's bpf() syscall wraps this object.

import { E2BIG, EBADF, EFAULT, EINVAL, ENOMEM, ENOSPC } from './errno.js';
import { VM_OK } from './fault.js';
import type { BpfHost } from './host.js';
import type { Insn } from './isa.js';
import { AddressSpace, RegionKind } from './memory.js';
import { ArrayMap, arrayAllocCheck } from './maps/arraymap.js';
import { HashMap, htabAllocCheck, htabCostCheck } from './maps/hashtab.js';
import { BPF_MAP_TYPE, BPF_OBJ_NAME_LEN, type BpfMap, type MapAttr, type MapEnv } from './maps/map.js';
import { PerfEvent } from './maps/perf_event.js';
import { PerfEventArray, perfEventArrayAllocCheck } from './maps/perf_event_array.js';
import { RingBufMap, ringbufAllocCheck } from './maps/ringbuf.js';
import { StackTraceMap, stackAllocCheck } from './maps/stackmap.js';
import { loadProgram, progTag, LoadedProgram } from './program.js';
import type { Dialect } from './verifier/options.js';
import { BPF_MAXINSNS, DIALECTS } from './verifier/options.js';
import { PROG_TYPE_IDS, type ProgTypeName } from './verifier/prog_types.js';
import { bpfCheck, type VerifyResult } from './verifier/verifier.js';
import type { MapInfo } from './verifier/reg_state.js';
import { BpfVm } from './vm.js';

export const BPF_PROG_TYPE = {
  unspec: 0,
  socket_filter: 1,
  kprobe: 2,
  sched_cls: 3,
  sched_act: 4,
  tracepoint: 5,
  xdp: 6,
  perf_event: 7,
} as const;

export interface ProgLoadAttr {
  progType: number;
  insns: readonly Insn[];
  license?: string;
  name?: string;
  /** The verifier log's level: 0 (none), 1 or 2. */
  logLevel?: number;
  /** The size of the loader's log buffer (log_size), NUL included; unbounded when absent. */
  logSize?: number;
  /** A loader without CAP_SYS_ADMIN. */
  unprivileged?: boolean;
}

/** What BPF_PROG_LOAD hands back besides the fd. */
export interface ProgLoadLog {
  log: string;
  /** The verifier's result: per-instruction facts, statistics. */
  verdict?: VerifyResult;
}

/** A loaded program: struct bpf_prog's fields a user can see (bpftool prog show). */
export interface BpfProg {
  id: number;
  type: number;
  name: string;
  tag: string;
  gplCompatible: boolean;
  prog: LoadedProgram;
  runCnt: number;
  runTimeNs: number;
}

type FdObject = { kind: 'map'; map: BpfMap } | { kind: 'prog'; prog: BpfProg } | { kind: 'perf_event'; event: PerfEvent };

const GPL_COMPATIBLE = new Set(['GPL', 'GPL v2', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MIT/GPL', 'Dual MPL/GPL']);

const validName = (name: string): boolean => name.length < BPF_OBJ_NAME_LEN && /^[A-Za-z0-9_.]*$/.test(name);

export class BpfSubsystem {
  readonly as = new AddressSpace();
  private readonly fds: (FdObject | undefined)[] = [];
  private nextMapId = 1;
  private nextProgId = 1;
  private readonly vms: BpfVm[] = [];
  readonly mapEnv: MapEnv;

  /** The verifier's dialect and the kernel whose bpf() this is. */
  constructor(readonly host: BpfHost, readonly kernel: Dialect = '5.0') {
    this.mapEnv = { as: this.as, nrCpus: host.nrCpus, cpu: () => host.cpu(), random32: () => host.random32() };
  }

  /** The VM of a CPU: each CPU has its own registers and stack, as each has its own kernel stack. */
  vm(cpu = this.host.cpu()): BpfVm {
    let vm = this.vms[cpu];
    if (!vm) {
      vm = new BpfVm(this.as, this.host);
      this.vms[cpu] = vm;
    }
    return vm;
  }

  private allocFd(obj: FdObject): number {
    let fd = 3;
    while (this.fds[fd]) fd++;
    this.fds[fd] = obj;
    return fd;
  }

  /** The map behind fd, or null. */
  mapByFd(fd: number): BpfMap | null {
    const o = this.fds[fd];
    return o?.kind === 'map' ? o.map : null;
  }

  /** What the verifier knows of the map behind fd. */
  mapInfo(fd: number): MapInfo | null {
    const map = this.mapByFd(fd);
    if (!map) return null;
    return { type: map.type, keySize: map.keySize, valueSize: map.valueSize, maxEntries: map.maxEntries, id: map.id, addr: map.header.address() };
  }

  progByFd(fd: number): BpfProg | null {
    const o = this.fds[fd];
    return o?.kind === 'prog' ? o.prog : null;
  }

  perfEventByFd(fd: number): PerfEvent | null {
    const o = this.fds[fd];
    return o?.kind === 'perf_event' ? o.event : null;
  }

  close(fd: number): number {
    const o = this.fds[fd];
    if (!o) return -EBADF;
    this.fds[fd] = undefined;
    if (o.kind === 'map' && !this.fds.some((x) => x?.kind === 'map' && x.map === o.map) && !this.mapInUse(o.map)) o.map.free();
    return 0;
  }

  private mapInUse(map: BpfMap): boolean {
    return this.fds.some((x) => x?.kind === 'prog' && x.prog.prog.maps.includes(map));
  }

  /** BPF_MAP_CREATE: a new fd, or -errno. */
  mapCreate(attr: MapAttr): number {
    const name = attr.name ?? '';
    if (!validName(name)) return -EINVAL;
    const env = this.mapEnv;
    let check: number;
    let make: () => BpfMap;
    switch (attr.mapType) {
      case BPF_MAP_TYPE.hash:
      case BPF_MAP_TYPE.percpu_hash:
      case BPF_MAP_TYPE.lru_hash:
      case BPF_MAP_TYPE.lru_percpu_hash:
        check = htabAllocCheck(attr) || htabCostCheck(attr, this.host.nrCpus, this.kernel === '5.0');
        make = () => new HashMap(env, attr);
        break;
      case BPF_MAP_TYPE.array:
      case BPF_MAP_TYPE.percpu_array:
        check = arrayAllocCheck(attr);
        make = () => new ArrayMap(env, attr);
        break;
      case BPF_MAP_TYPE.stack_trace:
        check = stackAllocCheck(attr);
        make = () => new StackTraceMap(env, attr);
        break;
      case BPF_MAP_TYPE.perf_event_array:
        check = perfEventArrayAllocCheck(attr);
        make = () => new PerfEventArray(env, attr, (fd) => this.perfEventByFd(fd));
        break;
      case BPF_MAP_TYPE.ringbuf:
        check = ringbufAllocCheck(attr);
        make = () => new RingBufMap(env, attr);
        break;
      default:
        return -EINVAL;
    }
    if (check) return check;
    let map: BpfMap;
    try {
      map = make();
    } catch (e) {
      // bpf_map_area_alloc failing: here, the host cannot back a table that large.
      if (e instanceof RangeError) return -ENOMEM;
      throw e;
    }
    map.id = this.nextMapId++;
    return this.allocFd({ kind: 'map', map });
  }

  private keyFor(map: BpfMap, key: Uint8Array | null): number {
    if (key && key.length < map.keySize) return -EFAULT;
    return 0;
  }

  /** BPF_MAP_LOOKUP_ELEM: copies the value (every CPU's, for per-CPU maps) into `value`. */
  mapLookupElem(fd: number, key: Uint8Array, value: Uint8Array): number {
    const map = this.mapByFd(fd);
    if (!map) return -EBADF;
    if (this.keyFor(map, key) || value.length < map.userValueSize) return -EFAULT;
    return map.sysLookup(key, value);
  }

  mapUpdateElem(fd: number, key: Uint8Array, value: Uint8Array, flags = 0): number {
    const map = this.mapByFd(fd);
    if (!map) return -EBADF;
    if (this.keyFor(map, key) || value.length < map.userValueSize) return -EFAULT;
    return map.sysUpdate(key, value, flags);
  }

  mapDeleteElem(fd: number, key: Uint8Array): number {
    const map = this.mapByFd(fd);
    if (!map) return -EBADF;
    if (this.keyFor(map, key)) return -EFAULT;
    return map.sysDelete(key);
  }

  /** BPF_MAP_GET_NEXT_KEY: `key` null asks for the first key. */
  mapGetNextKey(fd: number, key: Uint8Array | null, next: Uint8Array): number {
    const map = this.mapByFd(fd);
    if (!map) return -EBADF;
    if (this.keyFor(map, key) || next.length < map.keySize) return -EFAULT;
    return map.sysGetNextKey(key, next);
  }

  /** Every key of a map in get_next_key order, as user space walks it. */
  mapKeys(fd: number): Uint8Array[] {
    const map = this.mapByFd(fd);
    if (!map) return [];
    const keys: Uint8Array[] = [];
    let prev: Uint8Array | null = null;
    for (;;) {
      const next = new Uint8Array(map.keySize);
      if (this.mapGetNextKey(fd, prev, next) !== 0) break;
      keys.push(next);
      prev = next;
      if (keys.length > map.maxEntries * 2 + 16) break;
    }
    return keys;
  }

  /**
   * perf_event_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_BPF_OUTPUT) on `cpu` with a ring of `pages`
   * pages: the fd user space stores in a perf_event_array.
   */
  perfEventOpen(cpu: number, pages = 8): number {
    if (cpu < 0 || cpu >= this.host.nrCpus) return -EINVAL;
    if (pages <= 0 || (pages & (pages - 1)) !== 0) return -EINVAL;
    return this.allocFd({ kind: 'perf_event', event: new PerfEvent(cpu, pages) });
  }

  /**
   * BPF_PROG_LOAD: the verifier (in this machine's dialect) must accept the program. Returns the
   * fd, or -errno; the verifier's log goes to `out.log`.
   */
  progLoad(attr: ProgLoadAttr, out: ProgLoadLog = { log: '' }): number {
    const name = attr.name ?? '';
    if (!validName(name)) return -EINVAL;
    const typeName = (Object.keys(PROG_TYPE_IDS) as ProgTypeName[]).find((k) => PROG_TYPE_IDS[k] === attr.progType);
    if (!typeName) return -EINVAL;
    const n = attr.insns.length;
    if (n === 0 || n > (attr.unprivileged ? BPF_MAXINSNS : DIALECTS[this.kernel].maxInsnsPrivileged)) return -E2BIG;
    const gpl = GPL_COMPATIBLE.has(attr.license ?? '');
    const verdict = bpfCheck(attr.insns, {
      progType: typeName,
      kernel: this.kernel,
      logLevel: attr.logLevel ?? 0,
      privileged: !attr.unprivileged,
      gplCompatible: gpl,
      resolveMap: (fd) => this.mapInfo(fd),
      nrCpus: this.host.nrCpus,
    });
    out.verdict = verdict;
    const logSize = attr.logSize;
    // A full buffer fails the load with ENOSPC, whatever the verifier decided. 5.0 keeps what came
    // first and counts the buffer full one byte early (bpf_verifier_log_full); 6.x's log rotates
    // by default and keeps what came last (bpf_vlog_finalize).
    const full = this.kernel === '5.0' ? verdict.log.length >= (logSize ?? 0) - 1 : verdict.log.length >= (logSize ?? 0);
    if (logSize !== undefined && (attr.logLevel ?? 0) > 0 && full) {
      out.log = this.kernel === '5.0' ? verdict.log.slice(0, logSize - 1) : verdict.log.slice(verdict.log.length - (logSize - 1));
      return -ENOSPC;
    }
    out.log = verdict.log;
    if (!verdict.ok) return -verdict.errno;
    const loaded = loadProgram(attr.insns, (fd) => this.mapByFd(fd));
    if (!(loaded instanceof LoadedProgram)) {
      out.log += loaded.message + '\n';
      return -EINVAL;
    }
    const prog: BpfProg = {
      id: this.nextProgId++,
      type: attr.progType,
      name,
      tag: progTag(attr.insns, this.kernel),
      gplCompatible: gpl,
      prog: loaded,
      runCnt: 0,
      runTimeNs: 0,
    };
    return this.allocFd({ kind: 'prog', prog });
  }

  /**
   * BPF_PROG_TEST_RUN: runs the program once with `ctx` as its context (r1) and, for packet
   * programs, `data` as the packet. Returns r0 or -errno.
   */
  progTestRun(fd: number, opts: { ctx?: Uint8Array; data?: Uint8Array } = {}): { err: number; retval: bigint; error?: string } {
    const p = this.progByFd(fd);
    if (!p) return { err: -EBADF, retval: 0n };
    const vm = this.vm();
    const ctx = opts.ctx ? this.as.add(RegionKind.Ctx, opts.ctx, true, 'ctx') : null;
    const pkt = opts.data ? this.as.add(RegionKind.Packet, opts.data, true, 'packet') : null;
    vm.setContext(ctx);
    vm.packet = pkt;
    const status = vm.run(p.prog);
    vm.packet = null;
    if (ctx) this.as.remove(ctx);
    if (pkt) this.as.remove(pkt);
    p.runCnt++;
    if (status !== VM_OK) return { err: -EFAULT, retval: 0n, error: vm.faultText(status) };
    return { err: 0, retval: vm.r0 };
  }
}

