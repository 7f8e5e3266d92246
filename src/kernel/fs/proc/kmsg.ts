// The kernel log as /dev/kmsg hands it out (kernel/printk/printk.c devkmsg_read): one record per
// line, `level,seq,usec,flags;text`, with the text's control characters and backslashes escaped
// as \xNN (msg_print_ext_body). Every record comes from facility 0 (kernel) and none continues a
// previous one, since printk here logs whole lines.

import type { Kernel, LogLine } from '../../machine.js';

/** msg_print_ext_body's escaping. */
function escape(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\uffff\\]/g, (c) => {
    const code = c.charCodeAt(0);
    // Non-ASCII text is UTF-8 in the log buffer; each byte >= 127 is escaped.
    if (code < 0x80) return `\\x${code.toString(16).padStart(2, '0')}`;
    return [...new TextEncoder().encode(c)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
  });
}

/** One record: the prefix carries (facility << 3) | level, the sequence number, the time in µs. */
export function kmsgRecord(line: LogLine, seq: number): string {
  return `${line.level},${seq},${Math.floor(line.time / 1000)},-;${escape(line.text)}\n`;
}

/** /dev/kmsg read from the start of the buffer: every record still in it. */
export function devkmsg(k: Kernel): string {
  return k.log.map(kmsgRecord).join('');
}
