// The verifier's first passes, before any state is tracked: the opcode whitelist and ld_imm64
// checks of replace_map_fd_with_map_ptr, check_subprogs (where each BPF-to-BPF callee starts,
// jumps staying inside their function, no fall-through between functions) and check_cfg (a
// depth-first walk that finds unreachable instructions and, in 5.0, any loop at all).

import {
  BPF_ABS, BPF_ALU, BPF_ALU64, BPF_ATOMIC, BPF_CALL, BPF_CLASS, BPF_END, BPF_EXIT, BPF_IMM, BPF_IND, BPF_JA, BPF_JMP,
  BPF_JMP32, BPF_K, BPF_LD, BPF_LDX, BPF_MEM, BPF_MEMSX, BPF_MODE, BPF_OP, BPF_PSEUDO_CALL, BPF_PSEUDO_MAP_FD,
  BPF_PSEUDO_MAP_VALUE, BPF_SIZE, BPF_SRC, BPF_ST, BPF_STX, BPF_DW, BPF_W, type Insn,
} from '../isa.js';
import type { DialectRules } from './options.js';

/** bpf_opcode_in_insntable: the opcodes the interpreter implements, per dialect. */
export function opcodeInTable(code: number, d: DialectRules): boolean {
  const cls = BPF_CLASS(code);
  const op = BPF_OP(code);
  switch (cls) {
    case BPF_ALU:
    case BPF_ALU64:
      if (op === 0x80) return BPF_SRC(code) === BPF_K; // NEG
      if (op === BPF_END) return cls === BPF_ALU || (d.v4 && BPF_SRC(code) === BPF_K);
      return op <= 0xc0;
    case BPF_JMP:
      if (op === BPF_CALL || op === BPF_EXIT || op === BPF_JA) return BPF_SRC(code) === BPF_K;
      return op <= 0xd0 && op !== 0x80;
    case BPF_JMP32:
      if (!d.jmp32) return false;
      if (op === BPF_JA) return d.v4 && BPF_SRC(code) === BPF_K;
      return op !== 0 && op <= 0xd0 && op !== BPF_CALL && op !== BPF_EXIT;
    case BPF_STX:
      if (BPF_MODE(code) === BPF_MEM) return true;
      // 6.x admits every size here and rejects B and H in check_atomic.
      return BPF_MODE(code) === BPF_ATOMIC && (d.atomics || BPF_SIZE(code) === BPF_W || BPF_SIZE(code) === BPF_DW);
    case BPF_ST:
      return BPF_MODE(code) === BPF_MEM;
    case BPF_LDX:
      return BPF_MODE(code) === BPF_MEM || (d.v4 && BPF_MODE(code) === BPF_MEMSX && BPF_SIZE(code) !== BPF_DW);
    case BPF_LD:
      if (code === (BPF_LD | BPF_IMM | BPF_DW)) return true;
      return (BPF_MODE(code) === BPF_ABS || BPF_MODE(code) === BPF_IND) && BPF_SIZE(code) !== BPF_DW;
  }
  return false;
}

export interface PassError {
  message: string;
  errno: number;
}

const EINVAL = 22;
const EPERM = 1;
const E2BIG = 7;
const EBADF = 9;

/**
 * The per-instruction checks of replace_map_fd_with_map_ptr (5.0) / resolve_pseudo_ldimm64
 * (6.x): reserved fields of LDX/STX, well-formed ld_imm64 with a valid map fd, known opcodes.
 */
export function checkInsnTable(insns: readonly Insn[], d: DialectRules, mapValid: (fd: number, src: number, off: number) => string | null): PassError | null {
  for (let i = 0; i < insns.length; i++) {
    const insn = insns[i]!;
    const cls = BPF_CLASS(insn.code);
    if (cls === BPF_LDX && ((BPF_MODE(insn.code) !== BPF_MEM && !(d.v4 && BPF_MODE(insn.code) === BPF_MEMSX)) || insn.imm !== 0)) {
      return { message: 'BPF_LDX uses reserved fields', errno: EINVAL };
    }
    if (cls === BPF_STX && ((BPF_MODE(insn.code) !== BPF_MEM && BPF_MODE(insn.code) !== BPF_ATOMIC) || (BPF_MODE(insn.code) === BPF_MEM && insn.imm !== 0) || (!d.atomics && insn.imm !== 0))) {
      return { message: 'BPF_STX uses reserved fields', errno: EINVAL };
    }
    if (insn.code === (BPF_LD | BPF_IMM | BPF_DW)) {
      const next = insns[i + 1];
      if (i === insns.length - 1 || !next || next.code !== 0 || next.dst !== 0 || next.src !== 0 || next.off !== 0) {
        return { message: 'invalid bpf_ld_imm64 insn', errno: EINVAL };
      }
      if (insn.src !== 0) {
        const allowed = insn.src === BPF_PSEUDO_MAP_FD || (d.name !== '5.0' && insn.src === BPF_PSEUDO_MAP_VALUE);
        if (!allowed) return { message: 'unrecognized bpf_ld_imm64 insn', errno: EINVAL };
        const err = mapValid(insn.imm, insn.src, next.imm >>> 0);
        if (err) return { message: err, errno: err.startsWith('fd ') ? EBADF : EINVAL };
      }
      i++;
      continue;
    }
    if (!opcodeInTable(insn.code, d)) {
      return { message: `unknown opcode ${insn.code.toString(16).padStart(2, '0')}`, errno: EINVAL };
    }
  }
  return null;
}

export interface Subprog {
  start: number;
  stackDepth: number;
}

const isJmp = (code: number, d: DialectRules): boolean => BPF_CLASS(code) === BPF_JMP || (d.jmp32 && BPF_CLASS(code) === BPF_JMP32);

/** check_subprogs: the functions of the program, and jumps confined to each. */
export function checkSubprogs(insns: readonly Insn[], d: DialectRules, privileged: boolean, log: (s: string) => void, logLevel: number): Subprog[] | PassError {
  const n = insns.length;
  const starts = new Set<number>([0]);
  for (let i = 0; i < n; i++) {
    const insn = insns[i]!;
    if (insn.code !== (BPF_JMP | BPF_CALL) || insn.src !== BPF_PSEUDO_CALL) continue;
    if (!privileged) {
      const message = d.name === '5.0'
        ? 'function calls to other bpf functions are allowed for root only'
        : 'loading/calling other bpf or kernel functions are allowed for CAP_BPF and CAP_SYS_ADMIN';
      return { message, errno: EPERM };
    }
    const off = i + insn.imm + 1;
    if (off >= n || off < 0) return { message: 'call to invalid destination', errno: EINVAL };
    starts.add(off);
    if (starts.size > 256) return { message: 'too many subprograms', errno: E2BIG };
  }
  const subprogs = [...starts].sort((a, b) => a - b).map((start) => ({ start, stackDepth: 0 }));
  if (logLevel > 1) subprogs.forEach((s, i) => log(`func#${i} @${s.start}\n`));
  const lddwTail = new Uint8Array(n + 1);
  for (let i = 0; i < n; i++) if (insns[i]!.code === (BPF_LD | BPF_IMM | BPF_DW)) lddwTail[++i] = 1;
  let cur = 0;
  let start = subprogs[0]!.start;
  let end = subprogs[1]?.start ?? n;
  for (let i = 0; i < n; i++) {
    const code = insns[i]!.code;
    if (isJmp(code, d) && BPF_OP(code) !== BPF_EXIT && BPF_OP(code) !== BPF_CALL) {
      const off = code === (BPF_JMP32 | BPF_JA) ? i + insns[i]!.imm + 1 : i + insns[i]!.off + 1;
      if (off < start || off >= end) return { message: `jump out of range from insn ${i} to ${off}`, errno: EINVAL };
      if (d.name !== '5.0' && lddwTail[off]) return { message: `jump into the middle of ldimm64 insn ${off - 1}`, errno: EINVAL };
    }
    if (i === end - 1) {
      // The last instruction of a function must end it: no fall-through into the next one.
      if (code !== (BPF_JMP | BPF_EXIT) && code !== (BPF_JMP | BPF_JA) && !(d.v4 && code === (BPF_JMP32 | BPF_JA))) {
        return { message: 'last insn is not an exit or jmp', errno: EINVAL };
      }
      start = end;
      cur++;
      end = subprogs[cur + 1]?.start ?? n;
    }
  }
  return subprogs;
}

export interface CfgResult {
  /** Where the verifier looks for equivalent states: branch targets and after calls and jumps. */
  pruneHere: Uint8Array;
  /**
   * Where a jump, call or return can land (is_jmp_point): 6.x records every arrival there in the
   * jump history, sequential or not, for backtracking.
   */
  jmpPoint: Uint8Array;
}

/**
 * check_cfg: a non-recursive depth-first walk. A back-edge is a loop: rejected in 5.0, allowed
 * (and left to do_check's state comparison) with bounded loops. Every instruction must be reached.
 */
export function checkCfg(insns: readonly Insn[], d: DialectRules, privileged: boolean): CfgResult | PassError {
  const n = insns.length;
  const DISCOVERED = 0x10, EXPLORED = 0x20, FALLTHROUGH = 1, BRANCH = 2;
  const state = new Uint8Array(n);
  const prune = new Uint8Array(n + 1);
  const jmp = new Uint8Array(n + 1);
  const stack: number[] = [0];
  state[0] = DISCOVERED;
  let err: PassError | null = null;

  /** 1: pushed a tree edge; 0: edge done; -1: error (in err). */
  const pushInsn = (t: number, w: number, e: number): number => {
    if (e === FALLTHROUGH && state[t]! >= (DISCOVERED | FALLTHROUGH)) return 0;
    if (e === BRANCH && state[t]! >= (DISCOVERED | BRANCH)) return 0;
    if (w < 0 || w >= n) {
      err = { message: `jump out of range from insn ${t} to ${w}`, errno: EINVAL };
      return -1;
    }
    if (e === BRANCH) prune[w] = jmp[w] = 1;
    if (state[w] === 0) {
      state[t] = DISCOVERED | e;
      state[w] = DISCOVERED;
      stack.push(w);
      return 1;
    }
    if ((state[w]! & 0xf0) === DISCOVERED) {
      if (!(d.boundedLoops && privileged)) {
        err = { message: `back-edge from insn ${t} to ${w}`, errno: EINVAL };
        return -1;
      }
      state[t] = DISCOVERED | e;
      return 0;
    }
    state[t] = DISCOVERED | e;
    return 0;
  };

  while (stack.length) {
    const t = stack[stack.length - 1]!;
    const insn = insns[t]!;
    const cls = BPF_CLASS(insn.code);
    let r = 0;
    if (isJmp(insn.code, d)) {
      const op = BPF_OP(insn.code);
      if (op === BPF_EXIT) {
        r = 0;
      } else if (op === BPF_CALL) {
        r = pushInsn(t, t + 1, FALLTHROUGH);
        if (r === 0) {
          if (t + 1 < n) prune[t + 1] = jmp[t + 1] = 1;
          if (insn.src === BPF_PSEUDO_CALL) {
            prune[t] = 1;
            r = pushInsn(t, t + insn.imm + 1, BRANCH);
          }
        }
      } else if (op === BPF_JA) {
        const target = cls === BPF_JMP32 ? t + insn.imm + 1 : t + insn.off + 1;
        r = pushInsn(t, target, FALLTHROUGH);
        if (r === 0) {
          // 5.0 checks for equivalent states after every jump; 6.3 dropped that for `goto`.
          if (t + 1 < n && d.name === '5.0') prune[t + 1] = 1;
          prune[target] = jmp[target] = 1;
        }
      } else {
        prune[t] = 1;
        r = pushInsn(t, t + 1, FALLTHROUGH);
        if (r === 0) r = pushInsn(t, t + insn.off + 1, BRANCH);
      }
    } else {
      const next = insn.code === (BPF_LD | BPF_IMM | BPF_DW) ? t + 2 : t + 1;
      r = pushInsn(t, next, FALLTHROUGH);
      if (r === 0 && next === t + 2) state[t + 1] = EXPLORED;
    }
    if (r < 0) return err!;
    if (r === 1) continue;
    state[t] = EXPLORED;
    stack.pop();
  }
  for (let i = 0; i < n; i++) {
    if (state[i] !== EXPLORED) return { message: `unreachable insn ${i}`, errno: EINVAL };
  }
  return { pruneHere: prune, jmpPoint: jmp };
}

