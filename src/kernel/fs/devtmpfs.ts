// /dev: the character devices programs open by name. /dev/null and /dev/zero as drivers/char/mem.c
// has them; /dev/tty and /dev/pts/0, the terminal the shell runs on, whose output is wherever the
// machine's user sits (the bpfbox command line); /dev/kmsg, the kernel log.

import type { Kernel } from '../machine.js';
import { send_sig, SIGINT } from '../signal.js';
import { kmsgRecord } from './proc/kmsg.js';
import { EAGAIN, EINVAL, File, Inode, O_RDONLY, O_WRONLY, S_IFCHR, WaitQueue, type FileOperations } from './inode.js';
import { addEntry, newDir, SimpleSuperBlock } from './libfs.js';

/** A terminal: output goes to the host; input is what the host typed, until end of file. */
export class Tty {
  /** Where the terminal's output appears. */
  write: (s: string) => void = () => {};
  /**
   * Where output written through the session's standard error goes. On a real terminal both
   * land on the same screen; the host keeps them apart so `bpfbox sh -c ... 2>/dev/null` works.
   */
  writeErr: (s: string) => void = (s) => this.write(s);
  private input = '';
  /** The host closed input (Ctrl-D, or a non-interactive run). */
  hungUp = true;
  readonly wait = new WaitQueue();
  /** Its device node, /dev/pts/0. */
  inode: Inode | null = null;
  /** The foreground process group (tcsetpgrp), which Ctrl-C interrupts; 0 for none. */
  foregroundPgrp = 0;

  /** Ctrl-C: SIGINT to every process of the foreground group (n_tty's isig). */
  interrupt(k: Kernel): void {
    if (!this.foregroundPgrp) return;
    for (const t of k.tasks.values()) if (t.pgid === this.foregroundPgrp) send_sig(k, SIGINT, t);
  }

  /** Host keystrokes, a line at a time. */
  feed(k: Kernel, text: string): void {
    this.input += text;
    this.wait.wakeUp(k);
  }

  take(count: number): string | number {
    if (!this.input) return this.hungUp ? '' : EAGAIN;
    // Canonical mode: a read returns at most one line, so a shell started from this one reads
    // the lines typed after it, not its parent.
    const nl = this.input.indexOf('\n');
    const out = this.input.slice(0, Math.min(count, nl < 0 ? this.input.length : nl + 1));
    this.input = this.input.slice(out.length);
    return out;
  }
}

const nullOps: FileOperations = {
  read: () => '',
  write: (_k, _f, data) => Buffer.byteLength(data),
};

const zeroOps: FileOperations = {
  read: (_k, _f, count) => '\0'.repeat(Math.min(count, 65536)),
  write: (_k, _f, data) => Buffer.byteLength(data),
};

function ttyOps(tty: Tty, err = false): FileOperations {
  return {
    read: (_k, _f, count) => tty.take(count),
    write: (_k, _f, data) => {
      if (err) tty.writeErr(data);
      else tty.write(data);
      return Buffer.byteLength(data);
    },
    waitQueue: () => tty.wait,
  };
}

/**
 * /dev/kmsg: each read returns one record, `level,seq,usec,-;text` (printk's devkmsg_read),
 * from the reader's position on; '' at the end (as with O_NONBLOCK, which dmesg uses).
 */
function kmsgOps(k: Kernel): FileOperations {
  return {
    read(_k, file) {
      const line = k.log[file.pos];
      if (!line) return '';
      file.pos++;
      return kmsgRecord(line, file.pos - 1);
    },
    write(_k, _f, data) {
      if (!data) return EINVAL;
      k.printk(data.replace(/\n$/, ''), 4);
      return Buffer.byteLength(data);
    },
  };
}

function chr(sb: SimpleSuperBlock, major: number, minor: number, perm: number, fop: FileOperations): Inode {
  const i = new Inode(sb, sb.nextIno(), S_IFCHR | perm);
  i.fop = fop;
  i.private = { major, minor };
  return i;
}

/** The /dev a booted Ubuntu shows, as far as programs here open it. */
export function devtmpfsRoot(k: Kernel, console: Tty): Inode {
  const sb = new SimpleSuperBlock('devtmpfs', 1);
  const root = newDir(k, sb, 0o755);
  addEntry(root, 'null', chr(sb, 1, 3, 0o666, nullOps));
  addEntry(root, 'zero', chr(sb, 1, 5, 0o666, zeroOps));
  addEntry(root, 'kmsg', chr(sb, 1, 11, 0o644, kmsgOps(k)));
  addEntry(root, 'tty', chr(sb, 5, 0, 0o666, ttyOps(console)));
  const pts = addEntry(root, 'pts', newDir(k, sb, 0o755));
  console.inode = addEntry(pts, '0', chr(sb, 136, 0, 0o620, ttyOps(console)));
  return root;
}

/**
 * The terminal opened for a login session's descriptor 0, 1 or 2: /dev/pts/0, with standard
 * error on the host's error stream.
 */
export function openConsole(k: Kernel, fd: 0 | 1 | 2): File {
  const tty = k.vfs.console;
  const inode = tty.inode!;
  const fop = fd === 2 ? ttyOps(tty, true) : inode.fop!;
  return new File(inode, fd === 0 ? O_RDONLY : O_WRONLY, '/dev/pts/0', fop);
}


