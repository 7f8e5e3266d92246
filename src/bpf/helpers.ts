// BPF helper functions (kernel/bpf/helpers.c, kernel/trace/bpf_trace.c, kernel/bpf/stackmap.c,
// kernel/bpf/ringbuf.c): their prototypes, which the verifier checks calls against, and their
// bodies. A helper reads its arguments from r1-r5 and leaves its result in r0; it returns a
// fault code only when an unverified program hands it something a verified one never could.

import { EFAULT, EINVAL } from './errno.js';
import { FAULT_HELPER_ARG, VM_OK } from './fault.js';
import { helperName, HELPER_NAMES } from './helper_ids.js';
import { copyBytes, type Region } from './memory.js';
import { PerfEventArray } from './maps/perf_event_array.js';
import { RingBufMap } from './maps/ringbuf.js';
import { StackTraceMap, BPF_F_USER_STACK, BPF_F_SKIP_FIELD_MASK, PERF_MAX_STACK_DEPTH, BPF_F_USER_BUILD_ID } from './maps/stackmap.js';
import type { BpfMap } from './maps/map.js';
import type { BpfHost } from './host.js';
import type { BpfVm } from './vm.js';

export type ArgType =
  | 'ARG_DONTCARE'
  | 'ARG_CONST_MAP_PTR'
  | 'ARG_PTR_TO_MAP_KEY'
  | 'ARG_PTR_TO_MAP_VALUE'
  | 'ARG_PTR_TO_UNINIT_MAP_VALUE'
  | 'ARG_PTR_TO_MEM'
  | 'ARG_PTR_TO_MEM_OR_NULL'
  | 'ARG_PTR_TO_UNINIT_MEM'
  | 'ARG_CONST_SIZE'
  | 'ARG_CONST_SIZE_OR_ZERO'
  | 'ARG_PTR_TO_CTX'
  | 'ARG_ANYTHING'
  | 'ARG_PTR_TO_ALLOC_MEM'
  | 'ARG_CONST_ALLOC_SIZE_OR_ZERO';

export type RetType =
  | 'RET_INTEGER'
  | 'RET_VOID'
  | 'RET_PTR_TO_MAP_VALUE_OR_NULL'
  | 'RET_PTR_TO_ALLOC_MEM_OR_NULL';

/** struct bpf_func_proto, plus the kernel version that introduced the helper. */
export interface HelperProto {
  id: number;
  name: string;
  gplOnly: boolean;
  ret: RetType;
  args: readonly ArgType[];
  since: string;
}

export type HelperFn = (vm: BpfVm) => number;

// ---------------------------------------------------------------------------------------------
// Argument and result plumbing.

const TWO32 = 4294967296;

/** r0 = v, for any integer |v| < 2^53 (errnos are negative). */
export function setR0(vm: BpfVm, v: number): void {
  vm.rl[0] = v | 0;
  vm.rh[0] = v >= 0 ? Math.floor(v / TWO32) | 0 : v >= -TWO32 / 2 ? -1 : Math.floor(v / TWO32) | 0;
}

/** The memory argument in register `r`, `size` bytes, in `vm.argOff`; null if invalid. */
function memArg(vm: BpfVm, r: number, size: number, write: boolean): Region | null {
  const reg = vm.as.resolve(vm.rl[r]!, vm.rh[r]!, size, write);
  if (reg) vm.argOff = vm.as.off;
  return reg;
}

function mapArg(vm: BpfVm, r: number): BpfMap | null {
  return vm.as.mapAt(vm.rl[r]!, vm.rh[r]!);
}

/** A size argument: the low word, or -1 when it cannot be a size (negative or above 4 GiB). */
const sizeArg = (vm: BpfVm, r: number): number => (vm.rh[r] === 0 && vm.rl[r]! >= 0 ? vm.rl[r]! : -1);

/** A flags argument as a number; flags with high bits set read as out of range. */
const flagsArg = (vm: BpfVm, r: number): number => (vm.rh[r] === 0 ? vm.rl[r]! >>> 0 : TWO32);

// ---------------------------------------------------------------------------------------------
// Maps.

function mapLookupElem(vm: BpfVm): number {
  const map = mapArg(vm, 1);
  if (!map) return FAULT_HELPER_ARG;
  const key = memArg(vm, 2, map.keySize, false);
  if (!key) return FAULT_HELPER_ARG;
  const off = map.lookup(key.u8, vm.argOff);
  if (off < 0) {
    vm.rl[0] = 0;
    vm.rh[0] = 0;
  } else {
    const v = map.values!;
    vm.rl[0] = v.lo(off);
    vm.rh[0] = v.hi;
  }
  return VM_OK;
}

function mapUpdateElem(vm: BpfVm): number {
  const map = mapArg(vm, 1);
  if (!map) return FAULT_HELPER_ARG;
  const key = memArg(vm, 2, map.keySize, false);
  if (!key) return FAULT_HELPER_ARG;
  const ko = vm.argOff;
  const val = memArg(vm, 3, map.valueSize, false);
  if (!val) return FAULT_HELPER_ARG;
  setR0(vm, map.update(key.u8, ko, val.u8, vm.argOff, flagsArg(vm, 4)));
  return VM_OK;
}

function mapDeleteElem(vm: BpfVm): number {
  const map = mapArg(vm, 1);
  if (!map) return FAULT_HELPER_ARG;
  const key = memArg(vm, 2, map.keySize, false);
  if (!key) return FAULT_HELPER_ARG;
  setR0(vm, map.delete(key.u8, vm.argOff));
  return VM_OK;
}

// ---------------------------------------------------------------------------------------------
// Memory.

/**
 * Copies from the 64-bit address in `src` (lo, hi): the program's own regions are kernel memory
 * too, so a probe_read of the stack or a map value works as it does in Linux.
 */
function readAny(vm: BpfVm, dst: Uint8Array, dstOff: number, size: number, lo: number, hi: number, user: boolean): boolean {
  if (!user) {
    const r = vm.as.resolve(lo, hi, size, false);
    if (r) {
      copyBytes(dst, dstOff, r.u8, vm.as.off, size);
      return true;
    }
  }
  return vm.host.readMemory(dst, dstOff, size, lo, hi, user);
}

function probeReadImpl(user: boolean): HelperFn {
  return (vm) => {
    const size = sizeArg(vm, 2);
    if (size < 0) return FAULT_HELPER_ARG;
    const dst = memArg(vm, 1, size, true);
    if (!dst) return FAULT_HELPER_ARG;
    const off = vm.argOff;
    if (readAny(vm, dst.u8, off, size, vm.rl[3]!, vm.rh[3]!, user)) {
      setR0(vm, 0);
    } else {
      dst.u8.fill(0, off, off + size);
      setR0(vm, -EFAULT);
    }
    return VM_OK;
  };
}

/** strncpy_from_unsafe: bytes copied including the NUL, or -EFAULT (dst zeroed in 5.0's way). */
function probeReadStrImpl(user: boolean): HelperFn {
  return (vm) => {
    const size = sizeArg(vm, 2);
    if (size < 0) return FAULT_HELPER_ARG;
    const dst = memArg(vm, 1, size, true);
    if (!dst) return FAULT_HELPER_ARG;
    const off = vm.argOff;
    if (size === 0) {
      setR0(vm, 0);
      return VM_OK;
    }
    setR0(vm, readStr(vm, dst.u8, off, size, vm.rl[3]!, vm.rh[3]!, user));
    return VM_OK;
  };
}

function readStr(vm: BpfVm, dst: Uint8Array, off: number, size: number, lo: number, hi: number, user: boolean): number {
  const one = vm.byte;
  for (let i = 0; i < size - 1; i++) {
    const t = (lo >>> 0) + i;
    if (!readAny(vm, one, 0, 1, t | 0, (hi + (t >= TWO32 ? 1 : 0)) | 0, user)) {
      if (i === 0) {
        dst.fill(0, off, off + size);
        return -EFAULT;
      }
      dst[off + i] = 0;
      return i + 1;
    }
    dst[off + i] = one[0]!;
    if (one[0] === 0) return i + 1;
  }
  dst[off + size - 1] = 0;
  return size;
}

// ---------------------------------------------------------------------------------------------
// The current task, time, CPU.

/** A helper whose result is a number from the host below 2^53. */
const fromHost = (f: (h: BpfHost) => number): HelperFn => (vm) => {
  setR0(vm, f(vm.host));
  return VM_OK;
};

/** A helper whose 64-bit result the host writes as a (lo, hi) pair. */
const pairFromHost = (f: (h: BpfHost, out: Int32Array) => void): HelperFn => (vm) => {
  f(vm.host, vm.pair);
  vm.rl[0] = vm.pair[0]!;
  vm.rh[0] = vm.pair[1]!;
  return VM_OK;
};

const ktimeGetNs = fromHost((h) => h.ktimeGetNs());
const ktimeGetBootNs = fromHost((h) => h.ktimeGetBootNs());
const jiffies64 = fromHost((h) => h.jiffies64());
const getPrandomU32 = fromHost((h) => h.prandomU32());
const getSmpProcessorId = fromHost((h) => h.cpu());
const getNumaNodeId = fromHost((h) => h.numaNodeId());
const getCurrentTask = pairFromHost((h, out) => h.currentTask(out));
const getCurrentCgroupId = pairFromHost((h, out) => h.currentCgroupId(out));
const getFuncIp = pairFromHost((h, out) => h.funcIp(out));

function getCurrentPidTgid(vm: BpfVm): number {
  vm.rl[0] = vm.host.currentPid() | 0;
  vm.rh[0] = vm.host.currentTgid() | 0;
  return VM_OK;
}

function getCurrentUidGid(vm: BpfVm): number {
  vm.rl[0] = vm.host.currentUid() | 0;
  vm.rh[0] = vm.host.currentGid() | 0;
  return VM_OK;
}

function getCurrentComm(vm: BpfVm): number {
  const size = sizeArg(vm, 2);
  if (size <= 0) return FAULT_HELPER_ARG;
  const dst = memArg(vm, 1, size, true);
  if (!dst) return FAULT_HELPER_ARG;
  const off = vm.argOff;
  const comm = vm.comm;
  vm.host.currentComm(comm, 0);
  // strncpy(buf, comm, size) then buf[size - 1] = 0: NUL padding after the name.
  let ended = false;
  for (let i = 0; i < size; i++) {
    const c = ended || i >= comm.length ? 0 : comm[i]!;
    if (c === 0) ended = true;
    dst.u8[off + i] = c;
  }
  dst.u8[off + size - 1] = 0;
  setR0(vm, 0);
  return VM_OK;
}

function sendSignal(vm: BpfVm): number {
  setR0(vm, vm.host.sendSignal(vm.rl[1]!));
  return VM_OK;
}

function overrideReturn(vm: BpfVm): number {
  setR0(vm, vm.host.overrideReturn(vm.rl[2]!, vm.rh[2]!));
  return VM_OK;
}

// ---------------------------------------------------------------------------------------------
// Output: perf events, the ring buffer, trace_printk.

function perfEventOutput(vm: BpfVm): number {
  const map = mapArg(vm, 2);
  if (!(map instanceof PerfEventArray)) return FAULT_HELPER_ARG;
  const size = sizeArg(vm, 5);
  if (size < 0) return FAULT_HELPER_ARG;
  const data = memArg(vm, 4, size, false);
  if (!data) return FAULT_HELPER_ARG;
  // Flags above BPF_F_INDEX_MASK are invalid; what remains is the index (or BPF_F_CURRENT_CPU).
  const flags = vm.rh[3] === 0 ? vm.rl[3]! >>> 0 : -1;
  if (flags < 0) {
    setR0(vm, -EINVAL);
    return VM_OK;
  }
  setR0(vm, map.output(flags, data.u8, vm.argOff, size));
  return VM_OK;
}

function ringbufOutput(vm: BpfVm): number {
  const map = mapArg(vm, 1);
  if (!(map instanceof RingBufMap)) return FAULT_HELPER_ARG;
  const size = sizeArg(vm, 3);
  if (size < 0) return FAULT_HELPER_ARG;
  const data = memArg(vm, 2, size, false);
  if (!data) return FAULT_HELPER_ARG;
  setR0(vm, map.output(data.u8, vm.argOff, size, flagsArg(vm, 4)));
  return VM_OK;
}

function ringbufReserve(vm: BpfVm): number {
  const map = mapArg(vm, 1);
  if (!(map instanceof RingBufMap)) return FAULT_HELPER_ARG;
  const size = sizeArg(vm, 2);
  const at = size < 0 || flagsArg(vm, 3) !== 0 ? -1 : map.reserve(size);
  if (at < 0) {
    vm.rl[0] = 0;
    vm.rh[0] = 0;
  } else {
    vm.rl[0] = map.values!.lo(at);
    vm.rh[0] = map.values!.hi;
  }
  return VM_OK;
}

function ringbufCommit(discard: boolean): HelperFn {
  return (vm) => {
    const r = vm.as.resolve(vm.rl[1]!, vm.rh[1]!, 0, true);
    const map = r?.map;
    if (!r || !(map instanceof RingBufMap) || r !== map.values) return FAULT_HELPER_ARG;
    if (!map.commit(vm.as.off, flagsArg(vm, 2), discard)) return FAULT_HELPER_ARG;
    setR0(vm, 0);
    return VM_OK;
  };
}

function ringbufQuery(vm: BpfVm): number {
  const map = mapArg(vm, 1);
  if (!(map instanceof RingBufMap)) return FAULT_HELPER_ARG;
  setR0(vm, map.query(flagsArg(vm, 2)));
  return VM_OK;
}

const textDecoder = new TextDecoder('latin1');

/**
 * bpf_trace_printk as Linux 5.0 checks and formats it: at most three of %d %i %u %x with l or ll,
 * %p, and one %s read from kernel memory; anything else is -EINVAL. Returns the text's length.
 */
function tracePrintk(vm: BpfVm): number {
  const fmtSize = sizeArg(vm, 2);
  if (fmtSize <= 0) return FAULT_HELPER_ARG;
  const fr = memArg(vm, 1, fmtSize, false);
  if (!fr) return FAULT_HELPER_ARG;
  const fmt = fr.u8.subarray(vm.argOff, vm.argOff + fmtSize);
  const text = formatTracePrintk(vm, fmt);
  if (text === null) {
    setR0(vm, -EINVAL);
    return VM_OK;
  }
  vm.host.tracePrintk(text);
  setR0(vm, text.length);
  return VM_OK;
}

const isPrint = (c: number): boolean => c >= 0x20 && c < 0x7f;
const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isPunct = (c: number): boolean => isPrint(c) && !isSpace(c) && !/[0-9A-Za-z]/.test(String.fromCharCode(c));

function formatTracePrintk(vm: BpfVm, fmt: Uint8Array): string | null {
  const n = fmt.length - 1;
  if (fmt[n] !== 0) return null;
  let out = '';
  let argi = 0;
  let strSeen = false;
  for (let i = 0; i < n; i++) {
    const c = fmt[i]!;
    if ((!isPrint(c) && !isSpace(c)) || c > 0x7f) return null;
    if (c !== 0x25 /* % */) {
      out += String.fromCharCode(c);
      continue;
    }
    if (argi >= 3) return null;
    const reg = 3 + argi;
    const lo = vm.rl[reg]!, hi = vm.rh[reg]!;
    i++;
    let mod = 0;
    if (fmt[i] === 0x6c /* l */) {
      mod++;
      i++;
    } else if (fmt[i] === 0x70 /* p */ || fmt[i] === 0x73 /* s */) {
      const next = fmt[i + 1]!;
      if (next !== 0 && !isSpace(next) && !isPunct(next)) return null;
      argi++;
      if (fmt[i] === 0x70) {
        out += vm.host.formatPointer(lo, hi);
      } else {
        if (strSeen) return null;
        strSeen = true;
        const buf = vm.strBuf;
        const len = readStr(vm, buf, 0, buf.length, lo, hi, false);
        out += len > 0 ? textDecoder.decode(buf.subarray(0, len - 1)) : '';
      }
      continue;
    }
    if (fmt[i] === 0x6c) {
      mod++;
      i++;
    }
    const conv = fmt[i];
    if (conv !== 0x69 && conv !== 0x64 && conv !== 0x75 && conv !== 0x78) return null;
    argi++;
    const v64 = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    const v = mod === 0 ? BigInt(lo >>> 0) : v64;
    const bits = mod === 0 ? 32 : 64;
    if (conv === 0x78) out += v.toString(16);
    else if (conv === 0x75) out += v.toString();
    else out += BigInt.asIntN(bits, v).toString();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Stacks.

function getStackid(vm: BpfVm): number {
  const map = mapArg(vm, 2);
  if (!(map instanceof StackTraceMap)) return FAULT_HELPER_ARG;
  const flags = flagsArg(vm, 3);
  if (flags >= TWO32) {
    setR0(vm, -EINVAL);
    return VM_OK;
  }
  const n = vm.host.getStack((flags & BPF_F_USER_STACK) !== 0, vm.trace);
  setR0(vm, map.getStackid(vm.trace, n, flags));
  return VM_OK;
}

function getStack(vm: BpfVm): number {
  const size = sizeArg(vm, 3);
  if (size < 0) return FAULT_HELPER_ARG;
  const buf = memArg(vm, 2, size, true);
  if (!buf) return FAULT_HELPER_ARG;
  const off = vm.argOff;
  const flags = flagsArg(vm, 4);
  const user = (flags & BPF_F_USER_STACK) !== 0;
  let err = -EINVAL;
  if (!(flags & ~(BPF_F_SKIP_FIELD_MASK | BPF_F_USER_STACK | BPF_F_USER_BUILD_ID)) && !(flags & BPF_F_USER_BUILD_ID) && size % 8 === 0) {
    const numElem = size / 8;
    const initNr = PERF_MAX_STACK_DEPTH < numElem ? 0 : PERF_MAX_STACK_DEPTH - numElem;
    const n = Math.min(vm.host.getStack(user, vm.trace), PERF_MAX_STACK_DEPTH - initNr);
    const skip = flags & BPF_F_SKIP_FIELD_MASK;
    if (n >= skip) {
      const nr = Math.min(n - skip, numElem);
      const dv = buf.dv;
      for (let i = 0; i < nr; i++) {
        dv.setUint32(off + i * 8, vm.trace[(skip + i) * 2]!, true);
        dv.setUint32(off + i * 8 + 4, vm.trace[(skip + i) * 2 + 1]!, true);
      }
      buf.u8.fill(0, off + nr * 8, off + size);
      setR0(vm, nr * 8);
      return VM_OK;
    }
    err = -EFAULT;
  }
  buf.u8.fill(0, off, off + size);
  setR0(vm, err);
  return VM_OK;
}

// ---------------------------------------------------------------------------------------------
// The table.

const P = (
  id: number,
  ret: RetType,
  args: readonly ArgType[],
  gplOnly: boolean,
  since = '5.0',
): HelperProto => ({ id, name: helperName(id) ?? `#${id}`, gplOnly, ret, args, since });

const MEM_SIZE = ['ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING'] as const;

/** Prototypes of the helpers bpfbox implements, keyed by id (Linux 5.0's where it had them). */
export const HELPER_PROTOS: ReadonlyMap<number, HelperProto> = new Map(
  [
    P(1, 'RET_PTR_TO_MAP_VALUE_OR_NULL', ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_KEY'], false),
    P(2, 'RET_INTEGER', ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_KEY', 'ARG_PTR_TO_MAP_VALUE', 'ARG_ANYTHING'], false),
    P(3, 'RET_INTEGER', ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MAP_KEY'], false),
    P(4, 'RET_INTEGER', MEM_SIZE, true),
    P(5, 'RET_INTEGER', [], false),
    P(6, 'RET_INTEGER', ['ARG_PTR_TO_MEM', 'ARG_CONST_SIZE'], true),
    P(7, 'RET_INTEGER', [], false),
    P(8, 'RET_INTEGER', [], false),
    P(14, 'RET_INTEGER', [], false),
    P(15, 'RET_INTEGER', [], false),
    P(16, 'RET_INTEGER', ['ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE'], false),
    P(25, 'RET_INTEGER', ['ARG_PTR_TO_CTX', 'ARG_CONST_MAP_PTR', 'ARG_ANYTHING', 'ARG_PTR_TO_MEM', 'ARG_CONST_SIZE_OR_ZERO'], true),
    P(27, 'RET_INTEGER', ['ARG_PTR_TO_CTX', 'ARG_CONST_MAP_PTR', 'ARG_ANYTHING'], true),
    P(35, 'RET_INTEGER', [], true),
    P(42, 'RET_INTEGER', [], false),
    P(45, 'RET_INTEGER', MEM_SIZE, true),
    P(58, 'RET_INTEGER', ['ARG_PTR_TO_CTX', 'ARG_ANYTHING'], true),
    P(67, 'RET_INTEGER', ['ARG_PTR_TO_CTX', 'ARG_PTR_TO_UNINIT_MEM', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING'], true),
    P(80, 'RET_INTEGER', [], false),
    P(109, 'RET_INTEGER', ['ARG_ANYTHING'], false, '5.3'),
    P(112, 'RET_INTEGER', MEM_SIZE, true, '5.5'),
    P(113, 'RET_INTEGER', MEM_SIZE, true, '5.5'),
    P(114, 'RET_INTEGER', MEM_SIZE, true, '5.5'),
    P(115, 'RET_INTEGER', MEM_SIZE, true, '5.5'),
    P(118, 'RET_INTEGER', [], false, '5.5'),
    P(125, 'RET_INTEGER', [], false, '5.8'),
    P(130, 'RET_INTEGER', ['ARG_CONST_MAP_PTR', 'ARG_PTR_TO_MEM', 'ARG_CONST_SIZE_OR_ZERO', 'ARG_ANYTHING'], false, '5.8'),
    P(131, 'RET_PTR_TO_ALLOC_MEM_OR_NULL', ['ARG_CONST_MAP_PTR', 'ARG_CONST_ALLOC_SIZE_OR_ZERO', 'ARG_ANYTHING'], false, '5.8'),
    P(132, 'RET_VOID', ['ARG_PTR_TO_ALLOC_MEM', 'ARG_ANYTHING'], false, '5.8'),
    P(133, 'RET_VOID', ['ARG_PTR_TO_ALLOC_MEM', 'ARG_ANYTHING'], false, '5.8'),
    P(134, 'RET_INTEGER', ['ARG_CONST_MAP_PTR', 'ARG_ANYTHING'], false, '5.8'),
    P(173, 'RET_INTEGER', ['ARG_PTR_TO_CTX'], true, '5.15'),
  ].map((p) => [p.id, p]),
);

/** Helper bodies indexed by id; a hole is a helper the machine does not have. */
export const HELPER_IMPLS: (HelperFn | undefined)[] = (() => {
  const t: (HelperFn | undefined)[] = new Array(HELPER_NAMES.length);
  t[1] = mapLookupElem;
  t[2] = mapUpdateElem;
  t[3] = mapDeleteElem;
  t[4] = probeReadImpl(false);
  t[5] = ktimeGetNs;
  t[6] = tracePrintk;
  t[7] = getPrandomU32;
  t[8] = getSmpProcessorId;
  t[14] = getCurrentPidTgid;
  t[15] = getCurrentUidGid;
  t[16] = getCurrentComm;
  t[25] = perfEventOutput;
  t[27] = getStackid;
  t[35] = getCurrentTask;
  t[42] = getNumaNodeId;
  t[45] = probeReadStrImpl(false);
  t[58] = overrideReturn;
  t[67] = getStack;
  t[80] = getCurrentCgroupId;
  t[109] = sendSignal;
  t[112] = probeReadImpl(true);
  t[113] = probeReadImpl(false);
  t[114] = probeReadStrImpl(true);
  t[115] = probeReadStrImpl(false);
  t[118] = jiffies64;
  t[125] = ktimeGetBootNs;
  t[130] = ringbufOutput;
  t[131] = ringbufReserve;
  t[132] = ringbufCommit(false);
  t[133] = ringbufCommit(true);
  t[134] = ringbufQuery;
  t[173] = getFuncIp;
  return t;
})();
