// bpftrace's SizedType (src/types.h): a type tag, a size in bytes and what the tag needs besides
// (signedness, tuple fields, pointee, stack mode). The semantic analyser assigns one to every
// expression and map; codegen lays out keys and values from it; output prints by it.

export type TypeTag =
  | 'none'
  | 'integer'
  | 'pointer'
  | 'record'
  | 'hist'
  | 'lhist'
  | 'count'
  | 'sum'
  | 'min'
  | 'max'
  | 'avg'
  | 'stats'
  | 'kstack'
  | 'ustack'
  | 'string'
  | 'ksym'
  | 'usym'
  | 'probe'
  | 'username'
  | 'inet'
  | 'stack_mode'
  | 'array'
  | 'buffer'
  | 'tuple'
  | 'timestamp'
  | 'mac_address'
  | 'cgroup_path'
  | 'strerror';

export type StackMode = 'bpftrace' | 'perf' | 'raw';

export interface TupleField {
  type: SizedType;
  offset: number;
}

export interface SizedType {
  type: TypeTag;
  /** Bytes the value occupies in a map key, map value or perf record. */
  size: number;
  isSigned: boolean;
  /** tuple: its elements with their offsets (bpftrace pads each to its alignment). */
  fields?: TupleField[];
  /** pointer and array: the element type. */
  element?: SizedType;
  /** record: the struct name (`struct task_struct`). */
  name?: string;
  /** kstack and ustack. */
  stack?: { mode: StackMode; limit: number };
  /** Pointers into kernel or user memory; reads go through probe_read_kernel/_user. */
  addrSpace?: 'none' | 'kernel' | 'user';
  /** The probe context (`args`, `ctx`), which codegen reads directly instead of through probe_read. */
  isCtxAccess?: boolean;
}

export const CreateNone = (): SizedType => ({ type: 'none', size: 0, isSigned: false });
export const CreateInteger = (bits: number, isSigned: boolean): SizedType => ({ type: 'integer', size: bits / 8, isSigned });
export const CreateInt64 = (): SizedType => CreateInteger(64, true);
export const CreateUInt64 = (): SizedType => CreateInteger(64, false);
export const CreateString = (size: number): SizedType => ({ type: 'string', size, isSigned: false });

/** lhist(value, min, max, step)'s constant arguments, fixed per map. */
export interface LhistArgs {
  min: bigint;
  max: bigint;
  step: bigint;
}

/**
 * What the semantic analyser settles about one `@map` (bpftrace's MapKey plus the map's value
 * type): codegen sizes the BPF map from it and output prints by it.
 */
export interface MapInfo {
  /** `@name`, or `@` for the anonymous map. */
  name: string;
  /** The key's parts in order; empty for a map used without keys. */
  key: SizedType[];
  value: SizedType;
  lhist?: LhistArgs;
}
