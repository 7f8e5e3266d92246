// The BPF stack frame of one probe: bpftrace's allocas (CreateAllocaBPF), which LLVM hoists to the
// entry block and lets share slots once their lifetimes end (CreateLifetimeEnd). Here a slot is
// taken for a statement's temporaries and given back when the statement is done; $variables keep
// theirs for the whole probe. Every slot is 8-byte aligned, as LLVM aligns BPF allocas, so that
// the 5.0 verifier's strict stack alignment holds for every 8-byte access at a slot's start.

import { MAX_BPF_STACK } from '../../bpf/isa.js';

export class StackOverflowError extends Error {}

export class StackFrame {
  private top = 0;
  /** The deepest the frame got, for the error LLVM would give. */
  maxDepth = 0;

  /** A slot of `bytes` (rounded up to 8): its offset from r10, negative. */
  alloc(bytes: number): number {
    this.top += Math.max(8, Math.ceil(bytes / 8) * 8);
    if (this.top > MAX_BPF_STACK) {
      throw new StackOverflowError(`Looks like the BPF stack limit of ${MAX_BPF_STACK} bytes is exceeded. Please move large on stack variables into BPF per-cpu array map.`);
    }
    this.maxDepth = Math.max(this.maxDepth, this.top);
    return -this.top;
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }
}
