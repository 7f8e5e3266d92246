// Values decoded from map and perf-record bytes, as bpftrace's userspace resolves them (checked
// against the real bpftrace 0.17: `printf("%s %s\n", usym(0x1234), macaddr(1))` prints
// `0x1234 00:00:00:00:00:00`, `ntop(0x0100007f)` prints `127.0.0.1`).

import { describe, expect, it } from 'vitest';
import { decodeValue, type Resolver } from '../../src/bpftrace/runtime/decode.js';
import type { SizedType } from '../../src/bpftrace/types.js';
import { RecordValue } from '../../src/bpftrace/output/value.js';
import { argumentValue } from '../../src/bpftrace/output/output.js';
import { createOutput } from '../../src/bpftrace/output/index.js';

const none: Resolver = {
  stack: () => null,
  ksym: (a) => `0x${a.toString(16)}`,
  probe: (id) => `probe${id}`,
  username: (uid) => String(uid),
  timestamp: () => '',
  record: (name) =>
    name === 'struct bx_rec'
      ? {
          name,
          size: 8,
          fields: new Map([
            ['id', { type: { type: 'integer' as const, size: 4, isSigned: true }, offset: 0 }],
            ['name', { type: { type: 'string' as const, size: 4, isSigned: false }, offset: 4 }],
          ]),
        }
      : undefined,
};
const t = (type: SizedType['type'], size: number, isSigned = false): SizedType => ({ type, size, isSigned });

describe('decodeValue', () => {
  it('reads a struct field by field, as its definition lays it out', () => {
    const b = new Uint8Array([0xfb, 0xff, 0xff, 0xff, 0x61, 0x62, 0, 0]);
    const v = decodeValue(b, 0, { type: 'record', size: 8, isSigned: false, name: 'struct bx_rec' }, none);
    expect(v).toBeInstanceOf(RecordValue);
    expect((v as RecordValue).fields.map((f) => [f.name, f.offset, f.value])).toEqual([
      ['id', 0, -5n],
      ['name', 4, 'ab'],
    ]);
    const rec: SizedType = { type: 'record', size: 8, isSigned: false, name: 'struct bx_rec' };
    expect(createOutput('text').valueToStr(rec, v, 1)).toBe('{ .id = -5, .name = ab }');
    expect(createOutput('json').valueToStr(rec, v, 1)).toBe('{ "id": -5, "name": "ab" }');
    expect(argumentValue(rec, v)).toBe('{.id=-5,.name=ab}');
  });

  it('prints an unresolvable user symbol as its address, and a MAC in upper-case hex', () => {
    const usym = new Uint8Array(16);
    new DataView(usym.buffer).setBigUint64(0, 0x1234n, true);
    expect(decodeValue(usym, 0, t('usym', 16), none)).toBe('0x1234');
    expect(decodeValue(new Uint8Array(16), 0, t('usym', 16), none)).toBe('0');
    expect(decodeValue(Uint8Array.of(0, 0x1b, 0xa, 0xff, 0, 1), 0, t('mac_address', 6), none)).toBe('00:1B:0A:FF:00:01');
  });

  it('prints inet addresses as inet_ntop does', () => {
    const v4 = new Uint8Array(24);
    v4[0] = 2;
    v4.set([127, 0, 0, 1], 8);
    expect(decodeValue(v4, 0, t('inet', 24), none)).toBe('127.0.0.1');
    const v6 = new Uint8Array(24);
    v6[0] = 10;
    v6[8] = 0xfe;
    v6[9] = 0x80;
    v6[23] = 1;
    expect(decodeValue(v6, 0, t('inet', 24), none)).toBe('fe80::1');
  });

  it('reads integers at their width and signedness, and strings up to their NUL', () => {
    const b = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x61, 0x62, 0, 0x63);
    expect(decodeValue(b, 0, t('integer', 4, true), none)).toBe(-1n);
    expect(decodeValue(b, 0, t('integer', 4), none)).toBe(0xffffffffn);
    expect(decodeValue(b, 4, t('string', 4), none)).toBe('ab');
  });
});
