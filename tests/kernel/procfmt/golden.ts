// Fixtures for the /proc formatter tests: the expected text and the snapshot that should print it.
// JSON has no bigint, so 64-bit values are stored as strings like "0xffffffff81000000n".

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = 'tests/golden/proc';

export function golden(name: string): string {
  return readFileSync(join(dir, name), 'utf8');
}

export function snapshot<T>(name: string): T {
  return JSON.parse(golden(name), (_key, v: unknown) =>
    typeof v === 'string' && /^0x[0-9a-f]+n$/.test(v) ? BigInt(v.slice(0, -1)) : v,
  ) as T;
}
