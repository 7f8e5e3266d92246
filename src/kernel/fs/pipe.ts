// fs/pipe.c: a pipe is a ring of up to 16 buffers, each a page from the allocator
// (GFP_HIGHUSER | __GFP_ACCOUNT, as pipe_write asks), freed once its bytes are read. A reader
// with nothing to read and writers still open sleeps; a writer to a full pipe sleeps; writing
// with no reader left is EPIPE (and SIGPIPE). Bytes are counted as characters: the emulation's
// text is ASCII.

import type { Kernel } from '../machine.js';
import { ArgKind, kfunc } from '../symbols.js';
import { alloc_pages } from '../mm/mempolicy.js';
import { __free_pages } from '../mm/page_alloc.js';
import { __GFP_ACCOUNT, GFP_HIGHUSER } from '../mm/gfp.js';
import { EAGAIN, ENOMEM, EPIPE, File, Inode, O_RDONLY, O_WRONLY, S_IFIFO, WaitQueue, type FileOperations, type SuperBlock } from './inode.js';

const FILE = 'fs/pipe.c';
export const F_pipe_read = kfunc('pipe_read', { file: FILE, size: 0x290, args: [ArgKind.Vmalloc, ArgKind.Vmalloc] });
export const F_pipe_write = kfunc('pipe_write', { file: FILE, size: 0x3e0, args: [ArgKind.Vmalloc, ArgKind.Vmalloc] });
export const F_do_pipe2 = kfunc('do_pipe2', { file: FILE, size: 0xe0, args: [ArgKind.User, ArgKind.Int] });
export const F___x64_sys_pipe = kfunc('__x64_sys_pipe', { file: FILE, size: 0x20, global: true, args: [ArgKind.Vmalloc] });

const PIPE_DEF_BUFFERS = 16;
const PAGE_SIZE = 4096;

interface PipeBuffer {
  pfn: number;
  text: string;
}

/** struct pipe_inode_info. */
export class PipeInodeInfo {
  readonly bufs: PipeBuffer[] = [];
  readers = 0;
  writers = 0;
  readonly wait = new WaitQueue();
}

const pipefs: SuperBlock = { type: 'pipefs', nextIno: (() => { let n = 10000; return () => ++n; })() };

function pipeOf(file: File): PipeInodeInfo {
  return file.inode.private as PipeInodeInfo;
}

const pipeFileOps: FileOperations = {
  read(k, file, count) {
    const pipe = pipeOf(file);
    k.enter(F_pipe_read, -1, -1);
    let out = '';
    while (out.length < count && pipe.bufs.length) {
      const b = pipe.bufs[0]!;
      const take = b.text.slice(0, count - out.length);
      out += take;
      b.text = b.text.slice(take.length);
      if (!b.text) {
        pipe.bufs.shift();
        __free_pages(k, b.pfn, 0);
      }
    }
    if (out) pipe.wait.wakeUp(k);
    const r = out || (pipe.writers === 0 ? '' : EAGAIN);
    k.leave(F_pipe_read, typeof r === 'string' ? r.length : r);
    return r;
  },
  write(k, file, data) {
    const pipe = pipeOf(file);
    k.enter(F_pipe_write, -1, -1);
    if (pipe.readers === 0) return k.leave(F_pipe_write, EPIPE);
    let n = 0;
    while (n < data.length) {
      const last = pipe.bufs[pipe.bufs.length - 1];
      if (last && last.text.length < PAGE_SIZE) {
        const take = data.slice(n, n + PAGE_SIZE - last.text.length);
        last.text += take;
        n += take.length;
        continue;
      }
      if (pipe.bufs.length >= PIPE_DEF_BUFFERS) break;
      const pfn = alloc_pages(k, GFP_HIGHUSER | __GFP_ACCOUNT, 0);
      if (pfn < 0) {
        if (n === 0) return k.leave(F_pipe_write, ENOMEM);
        break;
      }
      pipe.bufs.push({ pfn, text: '' });
    }
    if (n) pipe.wait.wakeUp(k);
    return k.leave(F_pipe_write, n || EAGAIN);
  },
  release(k, file) {
    const pipe = pipeOf(file);
    if (file.readable) pipe.readers--;
    else pipe.writers--;
    pipe.wait.wakeUp(k);
    if (pipe.readers === 0 && pipe.writers === 0) for (const b of pipe.bufs.splice(0)) __free_pages(k, b.pfn, 0);
  },
  waitQueue: (file) => pipeOf(file).wait,
};

/** create_pipe_files: the read end and the write end of a new pipe. */
export function createPipeFiles(k: Kernel): [File, File] {
  k.enter(F_do_pipe2, -1, 0);
  const inode = new Inode(pipefs, pipefs.nextIno(), S_IFIFO | 0o600);
  const pipe = new PipeInodeInfo();
  pipe.readers = pipe.writers = 1;
  inode.private = pipe;
  inode.fop = pipeFileOps;
  const r = new File(inode, O_RDONLY, `pipe:[${inode.ino}]`, pipeFileOps);
  const w = new File(inode, O_WRONLY, `pipe:[${inode.ino}]`, pipeFileOps);
  k.leaveVoid(F_do_pipe2);
  return [r, w];
}
