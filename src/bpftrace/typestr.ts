// bpftrace's names for types as its messages print them (src/types.cpp): `typestr(Type)` names a
// bare tag (`integer`, `stack mode`), and `operator<<(SizedType)` a sized type (`int64`,
// `unsigned int32`, `string[64]`, `(int64,string[2])`, `struct task_struct *`).

import type { SizedType, TypeTag } from './types.js';

const TAG_NAMES: Record<TypeTag, string> = {
  none: 'none',
  integer: 'integer',
  pointer: 'pointer',
  record: 'record',
  hist: 'hist',
  lhist: 'lhist',
  count: 'count',
  sum: 'sum',
  min: 'min',
  max: 'max',
  avg: 'avg',
  stats: 'stats',
  kstack: 'kstack',
  ustack: 'ustack',
  string: 'string',
  ksym: 'ksym',
  usym: 'usym',
  probe: 'probe',
  username: 'username',
  inet: 'inet',
  stack_mode: 'stack mode',
  array: 'array',
  buffer: 'buffer',
  tuple: 'tuple',
  timestamp: 'timestamp',
  mac_address: 'mac_address',
  cgroup_path: 'cgroup_path',
  strerror: 'strerror',
};

/** typestr(Type): the tag alone. */
export function typestr(tag: TypeTag): string {
  return TAG_NAMES[tag];
}

/** operator<<(std::ostream&, const SizedType&). */
export function formatType(t: SizedType): string {
  switch (t.type) {
    case 'record':
      return t.name ?? '';
    case 'pointer':
      return `${t.isCtxAccess ? '(ctx) ' : ''}${t.element ? formatType(t.element) : 'none'} *`;
    case 'integer':
      return `${t.isSigned ? '' : 'unsigned '}int${8 * t.size}`;
    case 'array': {
      const el = t.element;
      const n = el && el.size > 0 ? t.size / el.size : 0;
      return `${el ? formatType(el) : 'none'}[${n}]`;
    }
    case 'string':
    case 'buffer':
      return `${typestr(t.type)}[${t.size}]`;
    case 'tuple':
      return `(${(t.fields ?? []).map((f) => formatType(f.type)).join(',')})`;
    default:
      return typestr(t.type);
  }
}
