// The maps a bpftrace program needs, shaped as 0.17 creates them (RequiredResources::create_maps,
// IMap and Map's constructors): user maps first in name order, then the stack-id maps, join,
// elapsed, and the `printf` perf event array last. A map's id is its place in that list, which is
// what print/clear/zero records carry. The BPF object name is `AT_x` for `@x`, cut to 15
// characters as libbpf cuts it.

import { BPF_OBJ_NAME_LEN, BPF_MAP_TYPE } from '../../bpf/maps/map.js';
import type { LhistArgs, MapInfo, SizedType } from '../types.js';
import { JOIN_ARGNUM, JOIN_ARGSIZE } from '../async_action.js';
import type { ResourceResult, StackType } from '../passes/resource_analyser.js';

/** Stack-id maps get 128K entries (bpftrace's comment in map.cpp explains the collisions). */
export const STACK_MAP_ENTRIES = 128 << 10;

export type CompiledMapKind = 'user' | 'stack' | 'join' | 'elapsed' | 'perf_event';

export interface CompiledMap {
  /** bpftrace's map id: this map's index in CompiledProgram.maps. */
  id: number;
  kind: CompiledMapKind;
  /** `@x`, or `stack`, `join`, `elapsed`, `printf`. */
  name: string;
  /** The name handed to BPF_MAP_CREATE. */
  bpfName: string;
  mapType: number;
  keySize: number;
  valueSize: number;
  /** For the perf event array: 0 here, the number of possible CPUs at creation. */
  maxEntries: number;
  /** User maps: what the semantic analyser settled, for output. */
  info?: MapInfo;
  lhist?: LhistArgs;
  /** Stack-id maps: the mode and frame limit the stacks are printed by. */
  stack?: StackType;
}

const AGGREGATES = new Set(['count', 'sum', 'min', 'max', 'avg', 'stats', 'hist', 'lhist']);

/** What a value occupies in a map: integers always as 64 bits (bpftrace stores an i64). */
export function mapValueSize(t: SizedType): number {
  return t.type === 'integer' || AGGREGATES.has(t.type) ? 8 : t.size;
}

/** Key bytes before a hist/lhist bucket or avg/stats slot: the key parts back to back. */
export const keyPartsSize = (info: MapInfo): number => info.key.reduce((n, k) => n + k.size, 0);

/** Whether the map holds per-bucket (hist/lhist) or count/total (avg/stats) entries under extra u64 keys. */
export const hasBucketKey = (info: MapInfo): boolean =>
  info.value.type === 'hist' || info.value.type === 'lhist' || info.value.type === 'avg' || info.value.type === 'stats';

/** IMap: a keyless count() is a per-CPU array, other aggregations per-CPU hashes, the rest hashes. */
export function userMapType(info: MapInfo): number {
  if (info.value.type === 'count' && info.key.length === 0) return BPF_MAP_TYPE.percpu_array;
  if (AGGREGATES.has(info.value.type)) return BPF_MAP_TYPE.percpu_hash;
  return BPF_MAP_TYPE.hash;
}

/** bpf_map_delete_elem works on it (a per-CPU array's entries cannot be deleted, only zeroed). */
export const isClearable = (m: CompiledMap): boolean => m.mapType !== BPF_MAP_TYPE.percpu_array;

const bpfName = (name: string): string => (name.startsWith('@') ? 'AT_' + name.slice(1) : name).slice(0, BPF_OBJ_NAME_LEN - 1);

/**
 * The maps, user maps with `mapmax` entries (BPFTRACE_MAP_KEYS_MAX). 0.17's Map constructor takes
 * it as an int, which BPF_MAP_CREATE reads as a u32: only its low 32 bits reach the kernel.
 */
export function layoutMaps(res: ResourceResult, mapmax: bigint): CompiledMap[] {
  const maps: CompiledMap[] = [];
  const add = (m: Omit<CompiledMap, 'id' | 'bpfName'>): void => {
    maps.push({ ...m, id: maps.length, bpfName: bpfName(m.name) });
  };
  for (const info of res.maps) {
    let keySize = keyPartsSize(info) + (hasBucketKey(info) ? 8 : 0);
    if (keySize === 0) keySize = 8;
    let maxEntries = Number(BigInt.asUintN(32, mapmax));
    const mapType = userMapType(info);
    if (mapType === BPF_MAP_TYPE.percpu_array) {
      keySize = 4;
      maxEntries = 1;
    }
    const lhist = res.lhistArgs.get(info.name) ?? info.lhist;
    add({ kind: 'user', name: info.name, mapType, keySize, valueSize: mapValueSize(info.value), maxEntries, info, ...(lhist ? { lhist } : {}) });
  }
  for (const stack of res.stackidMaps) {
    add({ kind: 'stack', name: 'stack', mapType: BPF_MAP_TYPE.stack_trace, keySize: 4, valueSize: 8 * stack.limit, maxEntries: STACK_MAP_ENTRIES, stack });
  }
  if (res.needsJoinMap) {
    add({ kind: 'join', name: 'join', mapType: BPF_MAP_TYPE.percpu_array, keySize: 4, valueSize: 16 + JOIN_ARGNUM * JOIN_ARGSIZE, maxEntries: 1 });
  }
  if (res.needsElapsedMap) {
    add({ kind: 'elapsed', name: 'elapsed', mapType: BPF_MAP_TYPE.hash, keySize: 8, valueSize: 8, maxEntries: 1 });
  }
  add({ kind: 'perf_event', name: 'printf', mapType: BPF_MAP_TYPE.perf_event_array, keySize: 4, valueSize: 4, maxEntries: 0 });
  return maps;
}
