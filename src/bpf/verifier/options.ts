// The two dialects as named switches of one rule engine. `5.0` is the emulated kernel's verifier
// (the lecture's); `6.x` is today's, checkable against the bpf() syscall of the machine bpfbox is
// developed on.

import type { Dialect } from '../disasm.js';

export type { Dialect };

export interface DialectRules {
  readonly name: Dialect;
  /** 5.3+: loops are verified by state equivalence instead of rejected as back-edges. */
  readonly boundedLoops: boolean;
  /** 5.19+: privileged programs may read stack bytes they never wrote (as unknown scalars). */
  readonly uninitStackReads: boolean;
  /** 5.1+: the JMP32 class. */
  readonly jmp32: boolean;
  /** 6.6+ (cpu v4): sdiv, smod, movsx, bswap, sign-extending loads, gotol. */
  readonly v4: boolean;
  /** 5.12+: atomic and/or/xor, fetch variants, xchg, cmpxchg; 5.0 has only xadd. */
  readonly atomics: boolean;
  /** 5.7+: separate bounds for the low 32 bits of each register. */
  readonly sub32: boolean;
  /** 5.2+: the statistics line ends every log, a rejection's too. */
  readonly statsOnFailure: boolean;
  /** 5.x+: at log level 1 the log keeps only the path that failed. */
  readonly levelOneFailingPathOnly: boolean;
  /** 6.x: a ctx pointer may carry a fixed offset into its accesses. */
  readonly ctxFixedOff: boolean;
  /** BPF_COMPLEXITY_LIMIT_INSNS: instructions the walk may process (131072 until 5.2). */
  readonly complexityLimitInsns: number;
  /** The program-size limit for privileged loads: BPF_MAXINSNS until 5.2, then the complexity limit. */
  readonly maxInsnsPrivileged: number;
  /** Branches waiting to be walked: BPF_COMPLEXITY_LIMIT_STACK in 5.0, _JMP_SEQ from 5.2. */
  readonly jmpSeqLimit: number;
}

export const DIALECTS: Record<Dialect, DialectRules> = {
  '5.0': {
    name: '5.0',
    boundedLoops: false,
    uninitStackReads: false,
    jmp32: false,
    v4: false,
    atomics: false,
    sub32: false,
    statsOnFailure: false,
    levelOneFailingPathOnly: false,
    ctxFixedOff: false,
    complexityLimitInsns: 131_072,
    maxInsnsPrivileged: 4096,
    jmpSeqLimit: 1024,
  },
  '6.x': {
    name: '6.x',
    boundedLoops: true,
    uninitStackReads: true,
    jmp32: true,
    v4: true,
    atomics: true,
    sub32: true,
    statsOnFailure: true,
    levelOneFailingPathOnly: true,
    ctxFixedOff: false,
    complexityLimitInsns: 1_000_000,
    maxInsnsPrivileged: 1_000_000,
    jmpSeqLimit: 8192,
  },
};

/** BPF_MAXINSNS: the program-size limit for unprivileged loads. */
export const BPF_MAXINSNS = 4096;
export const BPF_COMPLEXITY_LIMIT_STATES = 64;
export const BPF_MAX_VAR_OFF = 1 << 29;
export const BPF_MAX_VAR_SIZ = 1 << 29;
