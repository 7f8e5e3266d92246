// Kernel text: every emulated function is declared once here with its Linux name, source file
// and size, and gets an address in the image's .text, as vmlinux's link would give it. The
// declarations are module-level so the table is the same for every machine; what differs per
// machine (KASLR slide, attached probes) lives on the Kernel.

/** How an argument becomes a register value when a probe asks for pt_regs. */
export const enum ArgKind {
  /** A plain integer (sign-extended into the register). */
  Int = 0,
  /** A pfn standing for its `struct page *` in vmemmap. */
  Page = 1,
  /** An offset into the direct map (a kernel virtual address of memory). */
  Direct = 2,
  /** An offset into the vmalloc area. */
  Vmalloc = 3,
  /** A user virtual address (below TASK_SIZE_MAX, exact as a double). */
  User = 4,
}

export interface KfuncSpec {
  /** The source file Linux 5.0 keeps it in; decides its place in the image. */
  readonly file: string;
  /** Bytes of code; `func+0x0/0xSIZE` in kprobe output. */
  readonly size: number;
  /** `T` (global) rather than `t` (static) in /proc/kallsyms. */
  readonly global?: boolean;
  /**
   * The function ends in a tail call, so while its callee runs its frame is gone and stack
   * traces skip it (alloc_pages_current, do_page_fault, __x64_sys_bpf).
   */
  readonly tail?: boolean;
  /** Argument kinds in calling-convention order (rdi, rsi, rdx, rcx, r8, r9). */
  readonly args?: readonly ArgKind[];
  /** What the return value means, for kretprobes' rax. */
  readonly ret?: ArgKind;
}

export class KernelFunction {
  /** Offset from _text; set once by layoutText. */
  offset = 0;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly file: string,
    readonly size: number,
    readonly global: boolean,
    readonly inStack: boolean,
    readonly args: readonly ArgKind[],
    readonly ret: ArgKind,
  ) {}
}

const functions: KernelFunction[] = [];
const byName = new Map<string, KernelFunction>();
let laidOut = false;

export function kfunc(name: string, spec: KfuncSpec): KernelFunction {
  if (byName.has(name)) throw new Error(`kernel function ${name} declared twice`);
  if (laidOut) throw new Error(`kernel function ${name} declared after the text was laid out`);
  const fn = new KernelFunction(
    functions.length,
    name,
    spec.file,
    spec.size,
    spec.global ?? false,
    !(spec.tail ?? false),
    spec.args ?? [],
    spec.ret ?? ArgKind.Int,
  );
  functions.push(fn);
  byName.set(name, fn);
  return fn;
}

export function lookupKfunc(name: string): KernelFunction | undefined {
  return byName.get(name);
}

/**
 * The link order of the object files bpfbox emulates, as vmlinux places them: arch code first,
 * then kernel/, mm/, fs/, block/. Files not listed are not emulated.
 */
const LINK_ORDER: readonly string[] = [
  'arch/x86/entry/entry_64.S',
  'arch/x86/entry/common.c',
  'arch/x86/kernel/process_64.c',
  'arch/x86/mm/fault.c',
  'arch/x86/mm/pgtable.c',
  'arch/x86/mm/tlb.c',
  'kernel/fork.c',
  'kernel/exit.c',
  'kernel/signal.c',
  'kernel/sys.c',
  'kernel/kthread.c',
  'kernel/cred.c',
  'kernel/workqueue.c',
  'kernel/pid.c',
  'kernel/sched/core.c',
  'kernel/sched/fair.c',
  'kernel/time/hrtimer.c',
  'kernel/printk/printk.c',
  'lib/dump_stack.c',
  'kernel/bpf/core.c',
  'kernel/bpf/syscall.c',
  'kernel/bpf/verifier.c',
  'kernel/bpf/percpu_freelist.c',
  'kernel/trace/bpf_trace.c',
  'mm/filemap.c',
  'mm/oom_kill.c',
  'mm/compaction.c',
  'mm/page_alloc.c',
  'mm/readahead.c',
  'mm/swap.c',
  'mm/truncate.c',
  'mm/vmscan.c',
  'mm/shmem.c',
  'mm/util.c',
  'mm/slab_common.c',
  'mm/memory.c',
  'mm/mmap.c',
  'mm/mmu_gather.c',
  'mm/rmap.c',
  'mm/vmalloc.c',
  'mm/mempolicy.c',
  'mm/slub.c',
  'mm/swap_state.c',
  'mm/swapfile.c',
  'mm/page_io.c',
  'fs/exec.c',
  'fs/file.c',
  'fs/fs_struct.c',
  'fs/read_write.c',
  'fs/open.c',
  'fs/pipe.c',
  'fs/namei.c',
  'fs/readdir.c',
  'fs/stat.c',
  'fs/mpage.c',
  'block/bio.c',
  'block/blk-core.c',
  'block/blk-exec.c',
  'block/blk-map.c',
  'block/blk-mq.c',
  'block/genhd.c',
  'drivers/scsi/sr.c',
];

/**
 * Assigns every declared function its offset from _text. Each file starts after a gap standing
 * for the code bpfbox does not emulate (derived from the file name, so the layout is fixed), and
 * functions follow in declaration order, 16-byte aligned as gcc aligns them.
 */
export function layoutText(): readonly KernelFunction[] {
  if (laidOut) return functions;
  laidOut = true;
  const files = new Map<string, KernelFunction[]>();
  for (const fn of functions) {
    if (!LINK_ORDER.includes(fn.file)) throw new Error(`kernel function ${fn.name}: file ${fn.file} is not in LINK_ORDER`);
    let list = files.get(fn.file);
    if (!list) files.set(fn.file, (list = []));
    list.push(fn);
  }
  let at = 0;
  for (const file of LINK_ORDER) {
    at += 0x1000 + (fileHash(file) % 0x18000);
    for (const fn of files.get(file) ?? []) {
      at = (at + 15) & ~15;
      at += (fileHash(fn.name) % 0x20) * 16;
      fn.offset = at;
      at += fn.size;
    }
  }
  return functions;
}


function fileHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
