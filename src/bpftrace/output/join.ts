// join(array, delim): bpftrace copies up to join_argnum elements of join_argsize bytes each into
// the record; userspace prints them as C strings, stopping at the first empty one.

import { cString } from './output.js';

/**
 * The line join() prints (write it with `out.message('join', text)`, which ends it with a newline
 * in text). `elems` are the record's slots as byte strings, `argSize` their size.
 */
export function joinToStr(elems: string[], delim: string, argSize: number): string {
  const parts: string[] = [];
  for (const e of elems) {
    const s = cString(e, argSize);
    if (s.length === 0) break;
    parts.push(s);
  }
  return parts.join(delim);
}
