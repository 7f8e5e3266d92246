// kernel/bpf/disasm.c's print_bpf_insn: the text the verifier log and `bpftool prog dump xlated`
// show for each instruction, in two dialects. Linux 6.x (what bpftool and the verifier print on
// today's kernels) writes 32-bit operations on w registers and knows the v4 instructions; Linux
// 5.0 writes `(u32) r1 += (u32) r2` and prints BUG_... for what it does not know.

import { helperName, HELPER_COUNT_5_0 } from './helper_ids.js';
import {
  BPF_ABS, BPF_ALU, BPF_ALU64, BPF_ATOMIC, BPF_CALL, BPF_CLASS, BPF_CMPXCHG, BPF_DW, BPF_END, BPF_EXIT, BPF_FETCH,
  BPF_IMM, BPF_IND, BPF_JA, BPF_JMP, BPF_JMP32, BPF_LD, BPF_LDX, BPF_MEM, BPF_MEMSX, BPF_MODE, BPF_MOV, BPF_NEG,
  BPF_OP, BPF_PSEUDO_CALL, BPF_PSEUDO_KFUNC_CALL, BPF_PSEUDO_MAP_FD, BPF_PSEUDO_MAP_VALUE, BPF_SIZE, BPF_SRC, BPF_ST,
  BPF_STX, BPF_TO_BE, BPF_X, BPF_XCHG, BPF_DIV, BPF_MOD, type Insn,
} from './isa.js';

export type Dialect = '5.0' | '6.x';

const CLASS = ['ld', 'ldx', 'st', 'stx', 'alu', 'jmp', 'jmp32', 'alu64'];
const ALU: Record<number, string> = {
  0x00: '+=', 0x10: '-=', 0x20: '*=', 0x30: '/=', 0x40: '|=', 0x50: '&=', 0x60: '<<=', 0x70: '>>=',
  0x80: 'neg', 0x90: '%=', 0xa0: '^=', 0xb0: '=', 0xc0: 's>>=', 0xd0: 'endian',
};
const JMP: Record<number, string> = {
  0x00: 'jmp', 0x10: '==', 0x20: '>', 0x30: '>=', 0x40: '&', 0x50: '!=', 0x60: 's>', 0x70: 's>=',
  0x80: 'call', 0x90: 'exit', 0xa0: '<', 0xb0: '<=', 0xc0: 's<', 0xd0: 's<=',
};
const ATOMIC_ALU: Record<number, string> = { 0x00: 'add', 0x50: 'and', 0x40: 'or', 0xa0: 'xor' };
const LDST: Record<number, string> = { 0x00: 'u32', 0x08: 'u16', 0x10: 'u8', 0x18: 'u64' };
const LDSX: Record<number, string> = { 0x00: 's32', 0x08: 's16', 0x10: 's8' };
const MOVSX: Record<number, string> = { 8: '(s8)', 16: '(s16)', 32: '(s32)' };

const h2 = (n: number): string => n.toString(16).padStart(2, '0');
/** printf's %+d. */
const sd = (n: number): string => (n >= 0 ? `+${n}` : String(n));

export interface DisasmOptions {
  dialect?: Dialect;
  /**
   * How a 64-bit immediate prints (the kernel's cb_imm). The default is bpftool's: map[id:K] for
   * a map reference, map[id:K][0]+OFF for a map value, 0x... otherwise.
   */
  imm?: (ins: Insn, next: Insn | undefined, full: bigint) => string;
  /** Helper names for calls (the kernel's cb_call); the default is func_id_str. */
  call?: (ins: Insn) => string | undefined;
}

export function defaultImm(ins: Insn, next: Insn | undefined, full: bigint): string {
  if (ins.src === BPF_PSEUDO_MAP_FD) return `map[id:${ins.imm >>> 0}]`;
  if (ins.src === BPF_PSEUDO_MAP_VALUE) return `map[id:${ins.imm >>> 0}][0]+${(next?.imm ?? 0) >>> 0}`;
  return '0x' + full.toString(16);
}

/** One instruction as print_bpf_insn prints it, without the leading index: `(b7) r0 = 0`. */
export function formatInsn(ins: Insn, next: Insn | undefined, opts: DisasmOptions = {}): string {
  const d50 = opts.dialect === '5.0';
  const { code, dst, src, off, imm } = ins;
  const cls = BPF_CLASS(code);
  const c = `(${h2(code)})`;
  const w = (alu32: boolean): string => (alu32 && !d50 ? 'w' : 'r');

  if (cls === BPF_ALU || cls === BPF_ALU64) {
    const op = BPF_OP(code);
    const a32 = cls === BPF_ALU;
    if (op === BPF_END) {
      if (!a32) return d50 ? `BUG_alu64_${h2(code)}` : `${c} r${dst} = bswap${imm} r${dst}`;
      return `${c} r${dst} = ${BPF_SRC(code) === BPF_TO_BE ? 'be' : 'le'}${imm} r${dst}`;
    }
    if (op === BPF_NEG) {
      if (d50) return `${c} r${dst} = ${a32 ? '(u32) ' : ''}-r${dst}`;
      return `${c} ${w(a32)}${dst} = -${w(a32)}${dst}`;
    }
    const signed = !d50 && (op === BPF_DIV || op === BPF_MOD) && off === 1;
    const opstr = signed ? (op === BPF_DIV ? 's/=' : 's%=') : ALU[op] ?? '?';
    if (d50) {
      const u = a32 ? '(u32) ' : '';
      if (BPF_SRC(code) === BPF_X) return `${c} ${u}r${dst} ${opstr} ${u}r${src}`;
      return `${c} ${u}r${dst} ${opstr} ${u}${imm}`;
    }
    if (BPF_SRC(code) === BPF_X) {
      const sx = op === BPF_MOV && (off === 8 || off === 16 || off === 32) ? MOVSX[off]! : '';
      return `${c} ${w(a32)}${dst} ${opstr} ${sx}${w(a32)}${src}`;
    }
    return `${c} ${w(a32)}${dst} ${opstr} ${imm}`;
  }

  if (cls === BPF_STX) {
    const mode = BPF_MODE(code);
    const sz = LDST[BPF_SIZE(code)]!;
    if (mode === BPF_MEM) return `${c} *(${sz} *)(r${dst} ${sd(off)}) = r${src}`;
    if (mode === BPF_ATOMIC) {
      if (d50) return `${c} lock *(${sz} *)(r${dst} ${sd(off)}) += r${src}`;
      const bits = BPF_SIZE(code) === BPF_DW ? '64' : '';
      if (imm === 0x00 || imm === 0x50 || imm === 0x40 || imm === 0xa0) {
        return `${c} lock *(${sz} *)(r${dst} ${sd(off)}) ${ALU[imm]} r${src}`;
      }
      if ((imm & BPF_FETCH) && ATOMIC_ALU[imm & ~BPF_FETCH] !== undefined && imm !== BPF_XCHG && imm !== BPF_CMPXCHG) {
        return `${c} r${src} = atomic${bits}_fetch_${ATOMIC_ALU[imm & ~BPF_FETCH]}((${sz} *)(r${dst} ${sd(off)}), r${src})`;
      }
      if (imm === BPF_CMPXCHG) return `${c} r0 = atomic${bits}_cmpxchg((${sz} *)(r${dst} ${sd(off)}), r0, r${src})`;
      if (imm === BPF_XCHG) return `${c} r${src} = atomic${bits}_xchg((${sz} *)(r${dst} ${sd(off)}), r${src})`;
    }
    return `BUG_${h2(code)}`;
  }

  if (cls === BPF_ST) {
    if (BPF_MODE(code) !== BPF_MEM) return `BUG_st_${h2(code)}`;
    return `${c} *(${LDST[BPF_SIZE(code)]} *)(r${dst} ${sd(off)}) = ${imm}`;
  }

  if (cls === BPF_LDX) {
    const mode = BPF_MODE(code);
    if (mode === BPF_MEM) return `${c} r${dst} = *(${LDST[BPF_SIZE(code)]} *)(r${src} ${sd(off)})`;
    if (mode === BPF_MEMSX && !d50) return `${c} r${dst} = *(${LDSX[BPF_SIZE(code)]} *)(r${src} ${sd(off)})`;
    return `BUG_ldx_${h2(code)}`;
  }

  if (cls === BPF_LD) {
    const mode = BPF_MODE(code);
    const sz = LDST[BPF_SIZE(code)]!;
    if (mode === BPF_ABS) return `${c} r0 = *(${sz} *)skb[${imm}]`;
    if (mode === BPF_IND) return `${c} r0 = *(${sz} *)skb[r${src} + ${imm}]`;
    if (mode === BPF_IMM && BPF_SIZE(code) === BPF_DW) {
      const full = (BigInt((next?.imm ?? 0) >>> 0) << 32n) | BigInt(imm >>> 0);
      return `${c} r${dst} = ${(opts.imm ?? defaultImm)(ins, next, full)}`;
    }
    return `BUG_ld_${h2(code)}`;
  }

  if (cls === BPF_JMP || (cls === BPF_JMP32 && !d50)) {
    const op = BPF_OP(code);
    const j32 = cls === BPF_JMP32;
    if (op === BPF_CALL) {
      if (BPF_SRC(code) === BPF_X) return `${c} callx r${dst}`;
      if (src === BPF_PSEUDO_CALL) return `${c} call pc${sd(imm)}`;
      const name =
        (src === 0 ? helperName(imm, d50 ? HELPER_COUNT_5_0 : undefined) : undefined) ??
        opts.call?.(ins) ??
        (src === BPF_PSEUDO_KFUNC_CALL ? 'kernel-function' : 'unknown');
      return `${c} call ${name}#${imm}`;
    }
    if (code === (BPF_JMP | BPF_JA)) return `${c} goto pc${sd(off)}`;
    if (code === (BPF_JMP32 | BPF_JA)) return `${c} gotol pc${sd(imm)}`;
    if (code === (BPF_JMP | BPF_EXIT)) return `${c} exit`;
    const r = j32 ? 'w' : 'r';
    if (BPF_SRC(code) === BPF_X) return `${c} if ${r}${dst} ${JMP[op]} ${r}${src} goto pc${sd(off)}`;
    return `${c} if ${r}${dst} ${JMP[op]} 0x${(imm >>> 0).toString(16)} goto pc${sd(off)}`;
  }

  return `${c} ${d50 && cls === BPF_JMP32 ? 'BUG' : CLASS[cls]}`;
}

/** A whole program, one line per instruction (lddw's second slot skipped), bpftool-style `% 4d: `. */
export function disassemble(insns: readonly Insn[], opts: DisasmOptions & { indexWidth?: number } = {}): string[] {
  const lines: string[] = [];
  const width = opts.indexWidth ?? 4;
  for (let i = 0; i < insns.length; i++) {
    const ins = insns[i]!;
    lines.push(`${String(i).padStart(width)}: ${formatInsn(ins, insns[i + 1], opts)}`);
    if (ins.code === (BPF_LD | BPF_IMM | BPF_DW)) i++;
  }
  return lines;
}
