// Reading a bpftrace map out of the BPF machine the way bpftrace's print_map does: every key by
// get_next_key, every value by lookup (one word per CPU for the per-CPU aggregation maps), hist
// and lhist buckets and avg/stats slots gathered under the key they extend.

import type { BpfSubsystem } from '../../bpf/syscall.js';
import { BPF_MAP_TYPE } from '../../bpf/maps/map.js';
import type { CompiledMap } from '../codegen/maps.js';
import { hasBucketKey, keyPartsSize } from '../codegen/maps.js';
import type { MapEntry, MapSnapshot, MapValue, Value } from '../output/value.js';
import type { MapInfo } from '../types.js';
import { decodeValue, readU64, type Resolver } from './decode.js';

const isPerCpu = (t: number): boolean => t === BPF_MAP_TYPE.percpu_hash || t === BPF_MAP_TYPE.percpu_array;

/** The key parts of a raw key, decoded by the map's key types. */
function decodeKey(info: MapInfo, raw: Uint8Array, r: Resolver): Value[] {
  const key: Value[] = [];
  let off = 0;
  for (const t of info.key) {
    key.push(decodeValue(raw, off, t, r));
    off += t.size;
  }
  return key;
}

/** One value slot per CPU, as a per-CPU lookup returns them (each rounded up to 8 bytes). */
function perCpuWords(bytes: Uint8Array, nrCpus: number, valueSize: number): bigint[] {
  const stride = (valueSize + 7) & ~7;
  const words: bigint[] = [];
  for (let c = 0; c < nrCpus; c++) words.push(readU64(bytes, c * stride));
  return words;
}

export function readMap(bpf: BpfSubsystem, fd: number, m: CompiledMap, r: Resolver): MapSnapshot {
  const info = m.info!;
  const nrCpus = bpf.host.nrCpus;
  const perCpu = isPerCpu(m.mapType);
  const value = new Uint8Array(perCpu ? nrCpus * ((m.valueSize + 7) & ~7) : m.valueSize);
  const entries: MapEntry[] = [];
  const lookup = (key: Uint8Array): boolean => bpf.mapLookupElem(fd, key, value) === 0;

  if (m.mapType === BPF_MAP_TYPE.percpu_array) {
    // A keyless count(): its one slot always exists, so it always prints (`@c: 0`).
    lookup(new Uint8Array(4));
    entries.push({ key: [], value: { perCpu: perCpuWords(value, nrCpus, m.valueSize) } });
    return { info, entries };
  }

  const keys = bpf.mapKeys(fd);
  if (hasBucketKey(info)) {
    const partsSize = keyPartsSize(info);
    const grouped = new Map<string, MapEntry>();
    const isHist = info.value.type === 'hist' || info.value.type === 'lhist';
    for (const raw of keys) {
      if (!lookup(raw)) continue;
      const parts = raw.subarray(0, partsSize);
      const id = Buffer.from(parts).toString('latin1');
      let e = grouped.get(id);
      if (!e) {
        const v: MapValue = isHist ? { buckets: new Map() } : { count: new Array<bigint>(nrCpus).fill(0n), total: new Array<bigint>(nrCpus).fill(0n) };
        e = { key: decodeKey(info, parts, r), rawKey: parts.slice(), value: v };
        grouped.set(id, e);
        entries.push(e);
      }
      const slot = Number(readU64(raw, partsSize));
      const words = perCpuWords(value, nrCpus, m.valueSize);
      const v = e.value as { buckets?: Map<number, bigint[]>; count?: bigint[]; total?: bigint[] };
      if (v.buckets) v.buckets.set(slot, words);
      else if (slot === 0) v.count = words;
      else v.total = words;
    }
    return { info, entries };
  }

  for (const raw of keys) {
    if (!lookup(raw)) continue;
    const key = info.key.length ? decodeKey(info, raw, r) : [];
    const v: MapValue = perCpu ? { perCpu: perCpuWords(value, nrCpus, m.valueSize) } : decodeValue(value, 0, info.value, r);
    entries.push({ key, rawKey: raw.slice(), value: v });
  }
  return { info, entries };
}
