// bpftrace's Struct and StructManager (src/struct.cpp): the records the semantic analyser resolves
// `->field` against (the tracepoint `args` structs, and the program's own C definitions as the
// ClangParser lays them out), and the tuple layout, which follows llvm::StructLayout so codegen,
// the perf records and output agree on every offset.

import type { SizedType, TupleField } from '../types.js';
import type { TracepointArg } from '../tracepoint_format_parser.js';
import { CreateInteger, CreateInt64, CreateNone, CreateString } from '../types.js';

/**
 * How codegen reads a bitfield: `readBytes` bytes from the field's offset, shifted right by
 * `accessRshift`, then and-ed with `mask`; reading only the bytes the bits occupy never goes past
 * the end of the struct.
 */
export interface Bitfield {
  readBytes: number;
  accessRshift: number;
  mask: bigint;
}

export interface StructField {
  type: SizedType;
  offset: number;
  bitfield?: Bitfield;
}

export interface Struct {
  name: string;
  /** Bytes; -2 (clang's CXTypeLayoutError_Incomplete) for a struct only ever seen behind a pointer. */
  size: number;
  /** In declaration order; a name seen twice keeps its first field (Struct::AddField). */
  fields: Map<string, StructField>;
}

/** SizedType::GetAlignment. */
export function getAlignment(t: SizedType): number {
  if (t.type === 'string') return 1;
  if (t.type === 'tuple') return tupleAlign(t);
  if (t.size <= 2) return t.size;
  if (t.type === 'array' && t.element) return getAlignment(t.element);
  if (isByteArray(t) || t.size <= 4) return 4;
  return 8;
}

function tupleAlign(t: SizedType): number {
  return (t.fields ?? []).reduce((a, f) => Math.max(a, getAlignment(f.type)), 1);
}

/** SizedType::IsByteArray. */
export function isByteArray(t: SizedType): boolean {
  return ['string', 'usym', 'inet', 'buffer', 'timestamp', 'mac_address', 'cgroup_path'].includes(t.type);
}

/** Struct::CreateTuple: each element padded to its alignment, the whole to the largest one. */
export function CreateTuple(elems: readonly SizedType[]): SizedType {
  const fields: TupleField[] = [];
  let offset = 0;
  let structAlign = 1;
  for (const type of elems) {
    const align = Math.max(getAlignment(type), 1);
    structAlign = Math.max(align, structAlign);
    offset += (align - (offset % align)) % align;
    fields.push({ type, offset });
    offset += type.size;
  }
  const size = offset + ((structAlign - (offset % structAlign)) % structAlign);
  return { type: 'tuple', size, isSigned: false, fields };
}

/**
 * The member types ClangParser gives the struct TracepointFormatParser writes for an event: char
 * arrays are strings, other arrays arrays, pointers pointers, a __data_loc field an int64, and
 * integers keep the format's size and sign.
 */
export function tracepointFieldType(arg: TracepointArg): SizedType {
  if (arg.isDataLoc) return CreateInt64();
  if (arg.arrayLen) {
    if (arg.typeName === 'char' || arg.typeName === 'unsigned char') return CreateString(arg.arrayLen);
    const elemSize = arg.size / arg.arrayLen;
    const element = CreateInteger(elemSize * 8, arg.isSigned);
    return { type: 'array', size: arg.size, isSigned: false, element };
  }
  const ptr = /^(?:const\s+)?(.*?)\s*\*$/.exec(arg.typeName);
  if (ptr) {
    const pointee = ptr[1]!;
    const element: SizedType = pointee.startsWith('struct ')
      ? { type: 'record', size: 0, isSigned: false, name: pointee }
      : pointee === 'void'
        ? CreateNone()
        : pointee === 'char'
          ? CreateInteger(8, true)
          : CreateNone();
    return { type: 'pointer', size: 8, isSigned: false, element };
  }
  return CreateInteger(arg.size * 8, arg.isSigned);
}

/** The `struct _tracepoint_CAT_EVENT` for an event's fields. */
export function tracepointStruct(name: string, args: readonly TracepointArg[]): Struct {
  const fields = new Map<string, StructField>();
  let end = 0;
  for (const a of args) {
    fields.set(a.name, { type: tracepointFieldType(a), offset: a.offset });
    end = Math.max(end, a.offset + a.size);
  }
  return { name, size: (end + 7) & ~7, fields };
}
