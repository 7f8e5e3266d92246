// An assembler for the two ways eBPF is written down:
// - the kernel's text, as the disassembler, the verifier log and bpftool print it
//   (`0: (b7) r0 = 0`, `r1 = *(u64 *)(r10 -8)`, `if r1 > 0x5 goto pc+3`, `call bpf_map_lookup_elem#1`),
//   in the 6.x dialect (w registers) and the 5.0 one (`(u32) r1 += (u32) r2`);
// - the ubpf style of the eBPF conformance suites (`mov %r0, 1`, `ldxdw %r0, [%r1+8]`,
//   `jeq %r1, 0, +2`, `lddw %r0, 0x1122334455667788`, labels, `lock fetch add [%r1], %r2`).
// Either may be mixed line by line. A `.data` file of the conformance suite is read from its
// `-- asm` section. Every error names its line.

import { helperId } from './helper_ids.js';
import {
  BPF_ALU, BPF_ALU64, BPF_ATOMIC, BPF_B, BPF_CALL, BPF_CMPXCHG, BPF_DW, BPF_END, BPF_EXIT, BPF_FETCH, BPF_H, BPF_IMM,
  BPF_JA, BPF_JMP, BPF_JMP32, BPF_K, BPF_LD, BPF_LDX, BPF_MEM, BPF_MEMSX, BPF_MOV, BPF_NEG, BPF_PSEUDO_CALL,
  BPF_PSEUDO_MAP_FD, BPF_PSEUDO_MAP_VALUE, BPF_ST, BPF_STX, BPF_TO_BE, BPF_TO_LE, BPF_W, BPF_X, BPF_XCHG, BPF_ABS,
  BPF_IND, insn, type Insn,
} from './isa.js';

export class AsmError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

const ALU_OPS: Record<string, number> = {
  add: 0x00, sub: 0x10, mul: 0x20, div: 0x30, sdiv: 0x30, or: 0x40, and: 0x50, lsh: 0x60, rsh: 0x70,
  neg: 0x80, mod: 0x90, smod: 0x90, xor: 0xa0, mov: 0xb0, arsh: 0xc0,
};
const ALU_SYM: Record<string, number> = {
  '+=': 0x00, '-=': 0x10, '*=': 0x20, '/=': 0x30, '|=': 0x40, '&=': 0x50, '<<=': 0x60, '>>=': 0x70,
  '%=': 0x90, '^=': 0xa0, '=': 0xb0, 's>>=': 0xc0, 's/=': 0x30, 's%=': 0x90,
};
const JMP_OPS: Record<string, number> = {
  jeq: 0x10, jgt: 0x20, jge: 0x30, jset: 0x40, jne: 0x50, jsgt: 0x60, jsge: 0x70, jlt: 0xa0, jle: 0xb0, jslt: 0xc0, jsle: 0xd0,
};
const JMP_SYM: Record<string, number> = {
  '==': 0x10, '>': 0x20, '>=': 0x30, '&': 0x40, '!=': 0x50, 's>': 0x60, 's>=': 0x70, '<': 0xa0, '<=': 0xb0, 's<': 0xc0, 's<=': 0xd0,
};
const SIZES: Record<string, number> = { u8: BPF_B, u16: BPF_H, u32: BPF_W, u64: BPF_DW, s8: BPF_B, s16: BPF_H, s32: BPF_W };
const UBPF_SIZES: Record<string, number> = { b: BPF_B, h: BPF_H, w: BPF_W, dw: BPF_DW };
const ATOMIC_ALU: Record<string, number> = { add: 0x00, or: 0x40, and: 0x50, xor: 0xa0 };

interface Pending {
  /** Index of the instruction whose target is a label. */
  at: number;
  label: string;
  line: number;
  /** Where the pc-relative distance goes: offset (jumps) or imm (calls, gotol). */
  field: 'off' | 'imm';
}

/** Parses an integer the way both syntaxes write them: decimal, 0x hex, optional sign. */
function parseInt64(text: string, line: number): bigint {
  const m = /^([+-]?)(0x[0-9a-f]+|\d+)$/i.exec(text.trim());
  if (!m) throw new AsmError(line, `invalid number '${text}'`);
  const v = BigInt(m[2]!);
  return m[1] === '-' ? -v : v;
}

function imm32(text: string, line: number): number {
  const v = parseInt64(text, line);
  const isHex = /0x/i.test(text);
  if (isHex ? v < -0xffffffffn || v > 0xffffffffn : v < -0x80000000n || v > 0x7fffffffn) {
    throw new AsmError(line, `immediate ${text} out of 32-bit range`);
  }
  return Number(BigInt.asIntN(32, v));
}

function off16(text: string, line: number): number {
  const v = parseInt64(text, line);
  if (v < -0x8000n || v > 0xffffn || (!/0x/i.test(text) && v > 0x7fffn)) throw new AsmError(line, `offset ${text} out of 16-bit range`);
  return Number(BigInt.asIntN(16, v));
}

function regNum(text: string, line: number, prefix = '[rw]'): number {
  const m = new RegExp(`^%?${prefix}(\\d+)$`).exec(text.trim());
  if (!m || Number(m[1]) > 10) throw new AsmError(line, `invalid register '${text.trim()}'`);
  return Number(m[1]);
}

/** Strips comments and a listing's `N:` index and `(xx)` opcode; returns the opcode if given. */
function stripListing(raw: string): { text: string; opcode: number | null } {
  let text = raw.replace(/\s(#|\/\/|;).*$/, '').replace(/^\s*(#|\/\/|;).*$/, '').trim();
  const idx = /^\d+:\s*/.exec(text);
  if (idx) text = text.slice(idx[0].length);
  let opcode: number | null = null;
  const op = /^\(([0-9a-f]{2})\)\s*/i.exec(text);
  if (op) {
    opcode = parseInt(op[1]!, 16);
    text = text.slice(op[0].length);
  }
  return { text: text.trim(), opcode };
}

/** The `-- asm` section of a conformance `.data` file, or the whole text if it has no sections. */
export function asmSection(source: string): { text: string; firstLine: number } {
  const lines = source.split('\n');
  const start = lines.findIndex((l) => l.trim() === '-- asm');
  if (start < 0) return { text: source, firstLine: 1 };
  let end = lines.findIndex((l, i) => i > start && l.startsWith('-- '));
  if (end < 0) end = lines.length;
  return { text: lines.slice(start + 1, end).join('\n'), firstLine: start + 2 };
}

export function assemble(source: string): Insn[] {
  const { text, firstLine } = asmSection(source);
  const out: Insn[] = [];
  const labels = new Map<string, number>();
  const pending: Pending[] = [];
  let sawExit = false;
  text.split('\n').forEach((raw, k) => {
    const line = firstLine + k;
    const { text: t, opcode } = stripListing(raw);
    if (!t) return;
    const label = /^([A-Za-z_.][\w.]*):$/.exec(t);
    if (label) {
      if (labels.has(label[1]!)) throw new AsmError(line, `duplicate label '${label[1]}'`);
      labels.set(label[1]!, out.length);
      return;
    }
    // The conformance assembler names the first exit `exit`, so `ja exit` works.
    if (t === 'exit' && !sawExit) {
      sawExit = true;
      if (!labels.has('exit')) labels.set('exit', out.length);
    }
    const insns = isKernelSyntax(t) ? parseKernel(t, line, out.length, pending, opcode) : parseUbpf(t, line, out.length, pending);
    if (opcode !== null && insns[0]!.code !== opcode) {
      throw new AsmError(line, `opcode (${opcode.toString(16).padStart(2, '0')}) does not match the instruction, which encodes as (${insns[0]!.code.toString(16).padStart(2, '0')})`);
    }
    out.push(...insns);
  });
  for (const p of pending) {
    const target = labels.get(p.label);
    if (target === undefined) throw new AsmError(p.line, `undefined label '${p.label}'`);
    const dist = target - p.at - 1;
    if (p.field === 'off') {
      if (dist < -0x8000 || dist > 0x7fff) throw new AsmError(p.line, `jump to '${p.label}' out of 16-bit range`);
      out[p.at]!.off = dist;
    } else {
      out[p.at]!.imm = dist;
    }
  }
  return out;
}

/** Which of the two syntaxes a line is in; `exit` reads the same in both. */
function isKernelSyntax(t: string): boolean {
  if (/^(\*\(|\(u32\)|[rw]\d+\s|if\s|goto\s|gotol\s|callx\s|exit$)/.test(t)) return true;
  if (/^call\s/.test(t)) return /^call\s+(pc[+-]|[A-Za-z_]\w*#|bpf_)/.test(t);
  if (/^lock\s/.test(t)) return /^lock\s+\*\(/.test(t);
  return false;
}

// ---------------------------------------------------------------------------------------------
// ubpf / conformance syntax.

/** `[%r1+8]`, `[%r1-8]`, `[%r1]`. */
function memOperand(text: string, line: number): { reg: number; off: number } {
  const m = /^\[\s*(%?r\d+)\s*(?:([+-])\s*(0x[0-9a-f]+|\d+))?\s*\]$/i.exec(text.trim());
  if (!m) throw new AsmError(line, `invalid memory operand '${text.trim()}'`);
  const off = m[2] ? off16(m[2] + m[3], line) : 0;
  return { reg: regNum(m[1]!, line, 'r'), off };
}

function target(text: string, line: number, at: number, pending: Pending[], field: 'off' | 'imm'): number {
  const t = text.trim();
  if (/^[+-]/.test(t)) return field === 'off' ? off16(t, line) : imm32(t, line);
  if (!/^[A-Za-z_.][\w.]*$/.test(t)) throw new AsmError(line, `invalid jump target '${t}'`);
  pending.push({ at, label: t, line, field });
  return 0;
}

function parseUbpf(t: string, line: number, at: number, pending: Pending[]): Insn[] {
  const sp = t.search(/\s/);
  const mnem = (sp < 0 ? t : t.slice(0, sp)).toLowerCase();
  const ops = sp < 0 ? [] : splitOperands(t.slice(sp + 1));
  const need = (n: number): void => {
    if (ops.length !== n) throw new AsmError(line, `'${mnem}' takes ${n} operand${n === 1 ? '' : 's'}, got ${ops.length}`);
  };
  const isReg = (s: string): boolean => /^%r\d+$/.test(s.trim());

  if (mnem === 'exit') {
    need(0);
    return [insn(BPF_JMP | BPF_EXIT)];
  }
  if (mnem === 'ja' || mnem === 'ja32') {
    need(1);
    if (mnem === 'ja') return [insn(BPF_JMP | BPF_JA, 0, 0, target(ops[0]!, line, at, pending, 'off'))];
    return [insn(BPF_JMP32 | BPF_JA, 0, 0, 0, target(ops[0]!, line, at, pending, 'imm'))];
  }
  if (mnem === 'call') {
    const [mode, tgt] = ops.length === 1 ? ['helper', ops[0]!] : ops.length === 2 ? [ops[0]!, ops[1]!] : ['', ''];
    if (!tgt) throw new AsmError(line, `'call' takes a target`);
    if (mode === 'helper') {
      if (isReg(tgt)) return [insn(BPF_JMP | BPF_CALL | BPF_X, regNum(tgt, line, 'r'))];
      return [insn(BPF_JMP | BPF_CALL, 0, 0, 0, imm32(tgt, line))];
    }
    if (mode === 'local') return [insn(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, target(tgt, line, at, pending, 'imm'))];
    if (mode === 'runtime') return [insn(BPF_JMP | BPF_CALL, 0, 2, 0, imm32(tgt, line))];
    throw new AsmError(line, `invalid call mode '${mode}'`);
  }
  if (mnem === 'lddw') {
    need(2);
    const v = BigInt.asUintN(64, parseInt64(ops[1]!, line));
    return [insn(BPF_LD | BPF_IMM | BPF_DW, regNum(ops[0]!, line, 'r'), 0, 0, Number(BigInt.asIntN(32, v))), insn(0, 0, 0, 0, Number(BigInt.asIntN(32, v >> 32n)))];
  }
  if (mnem === 'lock') {
    // lock [fetch] op [dst], src
    const words = t.slice(sp + 1).trim().split(/\s+/);
    let fetch = false;
    if (words[0] === 'fetch') {
      fetch = true;
      words.shift();
    }
    const opname = words.shift() ?? '';
    const rest = splitOperands(words.join(' '));
    if (rest.length !== 2) throw new AsmError(line, `'lock ${opname}' takes 2 operands`);
    const wide = !opname.endsWith('32');
    const base = wide ? opname : opname.slice(0, -2);
    let imm: number;
    if (base === 'xchg') imm = BPF_XCHG;
    else if (base === 'cmpxchg') imm = BPF_CMPXCHG;
    else if (base in ATOMIC_ALU) imm = ATOMIC_ALU[base]! | (fetch ? BPF_FETCH : 0);
    else throw new AsmError(line, `invalid atomic operation '${opname}'`);
    const m = memOperand(rest[0]!, line);
    return [insn(BPF_STX | BPF_ATOMIC | (wide ? BPF_DW : BPF_W), m.reg, regNum(rest[1]!, line, 'r'), m.off, imm)];
  }
  let m = /^ldx(s?)(b|h|w|dw)$/.exec(mnem);
  if (m) {
    need(2);
    const mo = memOperand(ops[1]!, line);
    if (m[1] && m[2] === 'dw') throw new AsmError(line, `invalid mnemonic '${mnem}'`);
    return [insn(BPF_LDX | (m[1] ? BPF_MEMSX : BPF_MEM) | UBPF_SIZES[m[2]!]!, regNum(ops[0]!, line, 'r'), mo.reg, mo.off)];
  }
  m = /^(st|stx)(b|h|w|dw)$/.exec(mnem);
  if (m) {
    need(2);
    const mo = memOperand(ops[0]!, line);
    if (m[1] === 'st') return [insn(BPF_ST | BPF_MEM | UBPF_SIZES[m[2]!]!, mo.reg, 0, mo.off, imm32(ops[1]!, line))];
    return [insn(BPF_STX | BPF_MEM | UBPF_SIZES[m[2]!]!, mo.reg, regNum(ops[1]!, line, 'r'), mo.off)];
  }
  m = /^ld(abs|ind)(b|h|w)$/.exec(mnem);
  if (m) {
    if (m[1] === 'abs') {
      need(1);
      return [insn(BPF_LD | BPF_ABS | UBPF_SIZES[m[2]!]!, 0, 0, 0, imm32(ops[0]!, line))];
    }
    need(2);
    return [insn(BPF_LD | BPF_IND | UBPF_SIZES[m[2]!]!, 0, regNum(ops[0]!, line, 'r'), 0, imm32(ops[1]!, line))];
  }
  m = /^(be|le|swap|bswap)(16|32|64)$/.exec(mnem);
  if (m) {
    need(1);
    const code = m[1] === 'le' ? BPF_ALU | BPF_END | BPF_TO_LE : m[1] === 'be' ? BPF_ALU | BPF_END | BPF_TO_BE : BPF_ALU64 | BPF_END;
    return [insn(code, regNum(ops[0]!, line, 'r'), 0, 0, Number(m[2]))];
  }
  m = /^(j[a-z]+?)(32)?$/.exec(mnem);
  if (m && JMP_OPS[m[1]!] !== undefined) {
    need(3);
    const cls = m[2] ? BPF_JMP32 : BPF_JMP;
    const d = regNum(ops[0]!, line, 'r');
    const off = target(ops[2]!, line, at, pending, 'off');
    if (isReg(ops[1]!)) return [insn(cls | JMP_OPS[m[1]!]! | BPF_X, d, regNum(ops[1]!, line, 'r'), off)];
    return [insn(cls | JMP_OPS[m[1]!]! | BPF_K, d, 0, off, imm32(ops[1]!, line))];
  }
  m = /^movsx(8|16|32)(32|64)$/.exec(mnem);
  if (m) {
    need(2);
    const cls = m[2] === '32' ? BPF_ALU : BPF_ALU64;
    return [insn(cls | BPF_MOV | BPF_X, regNum(ops[0]!, line, 'r'), regNum(ops[1]!, line, 'r'), Number(m[1]))];
  }
  m = /^([a-z]+?)(32|64)?$/.exec(mnem);
  if (m && ALU_OPS[m[1]!] !== undefined) {
    const op = ALU_OPS[m[1]!]!;
    const cls = m[2] === '32' ? BPF_ALU : BPF_ALU64;
    const signed = m[1] === 'sdiv' || m[1] === 'smod' ? 1 : 0;
    if (op === BPF_NEG) {
      need(1);
      return [insn(cls | BPF_NEG, regNum(ops[0]!, line, 'r'))];
    }
    need(2);
    const d = regNum(ops[0]!, line, 'r');
    if (isReg(ops[1]!)) return [insn(cls | op | BPF_X, d, regNum(ops[1]!, line, 'r'), signed)];
    return [insn(cls | op | BPF_K, d, 0, signed, imm32(ops[1]!, line))];
  }
  throw new AsmError(line, `invalid mnemonic '${mnem}'`);
}

function splitOperands(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if ((ch === ',' || /\s/.test(ch)) && depth === 0) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

// ---------------------------------------------------------------------------------------------
// The kernel's text.

const REG = '([rw]\\d+)';
const NUM = '([+-]?(?:0x[0-9a-f]+|\\d+))';
const MEM = `\\*\\(([us]\\d+) \\*\\)\\(r(\\d+) ([+-]\\d+)\\)`;

function jumpTarget(text: string, line: number, at: number, pending: Pending[], field: 'off' | 'imm'): number {
  const m = /^pc([+-]\d+)$/.exec(text);
  if (m) return field === 'off' ? off16(m[1]!, line) : imm32(m[1]!, line);
  return target(text, line, at, pending, field);
}

function parseKernel(t: string, line: number, at: number, pending: Pending[], opcode: number | null): Insn[] {
  let m: RegExpExecArray | null;
  const s = t.replace(/\s+/g, ' ');
  if (s === 'exit') return [insn(BPF_JMP | BPF_EXIT)];
  if ((m = /^goto (\S+)$/.exec(s))) return [insn(BPF_JMP | BPF_JA, 0, 0, jumpTarget(m[1]!, line, at, pending, 'off'))];
  if ((m = /^gotol (\S+)$/.exec(s))) return [insn(BPF_JMP32 | BPF_JA, 0, 0, 0, jumpTarget(m[1]!, line, at, pending, 'imm'))];
  if ((m = /^callx %?r(\d+)$/.exec(s))) return [insn(BPF_JMP | BPF_CALL | BPF_X, regNum('r' + m[1], line))];
  if ((m = /^call (pc[+-]\d+)$/.exec(s))) return [insn(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, jumpTarget(m[1]!, line, at, pending, 'imm'))];
  if ((m = /^call ([A-Za-z_][\w]*)(?:#(-?\d+))?$/.exec(s))) {
    const byName = helperId(m[1]!);
    if (m[2] === undefined && byName < 0) throw new AsmError(line, `unknown helper '${m[1]}'`);
    const id = m[2] !== undefined ? imm32(m[2], line) : byName;
    if (m[2] !== undefined && byName >= 0 && byName !== id) throw new AsmError(line, `helper ${m[1]} is #${byName}, not #${id}`);
    return [insn(BPF_JMP | BPF_CALL, 0, 0, 0, id)];
  }
  if ((m = new RegExp(`^if ${REG} (==|!=|&|>|>=|<|<=|s>|s>=|s<|s<=) (?:${REG}|${NUM}) goto (\\S+)$`, 'i').exec(s))) {
    const cls = m[1]!.startsWith('w') ? BPF_JMP32 : BPF_JMP;
    const d = regNum(m[1]!, line);
    const op = JMP_SYM[m[2]!]!;
    const off = jumpTarget(m[5]!, line, at, pending, 'off');
    if (m[3]) {
      if (m[3][0] !== m[1]![0]) throw new AsmError(line, `mixed register widths in '${s}'`);
      return [insn(cls | op | BPF_X, d, regNum(m[3], line), off)];
    }
    return [insn(cls | op | BPF_K, d, 0, off, imm32(m[4]!, line))];
  }
  // Stores: *(u32 *)(r10 -4) = r1 | = 5
  if ((m = new RegExp(`^${MEM} = (?:r(\\d+)|${NUM})$`, 'i').exec(s))) {
    const size = SIZES[m[1]!];
    if (size === undefined || m[1]!.startsWith('s')) throw new AsmError(line, `invalid store size '${m[1]}'`);
    const dst = regNum('r' + m[2], line);
    const off = off16(m[3]!, line);
    if (m[4] !== undefined) return [insn(BPF_STX | BPF_MEM | size, dst, regNum('r' + m[4], line), off)];
    return [insn(BPF_ST | BPF_MEM | size, dst, 0, off, imm32(m[5]!, line))];
  }
  // Atomic add/or/and/xor: lock *(u64 *)(r1 +0) += r2
  if ((m = new RegExp(`^lock ${MEM} (\\+=|\\|=|&=|\\^=) r(\\d+)$`, 'i').exec(s))) {
    const size = SIZES[m[1]!]!;
    return [insn(BPF_STX | BPF_ATOMIC | size, regNum('r' + m[2], line), regNum('r' + m[5], line), off16(m[3]!, line), ALU_SYM[m[4]!]!)];
  }
  // r2 = atomic64_fetch_add((u64 *)(r1 +0), r2) | xchg | r0 = atomic_cmpxchg((u32 *)(r1 +0), r0, r2)
  if ((m = /^r(\d+) = atomic(64)?_(fetch_add|fetch_or|fetch_and|fetch_xor|xchg|cmpxchg)\(\((u\d+) \*\)\(r(\d+) ([+-]\d+)\), (?:r0, )?r(\d+)\)$/.exec(s))) {
    const size = SIZES[m[4]!]!;
    const kind = m[3]!;
    const imm = kind === 'xchg' ? BPF_XCHG : kind === 'cmpxchg' ? BPF_CMPXCHG : ATOMIC_ALU[kind.slice(6)]! | BPF_FETCH;
    if ((size === BPF_DW) !== (m[2] === '64')) throw new AsmError(line, `atomic width does not match (${m[4]} *)`);
    return [insn(BPF_STX | BPF_ATOMIC | size, regNum('r' + m[5], line), regNum('r' + m[7], line), off16(m[6]!, line), imm)];
  }
  // Loads: r0 = *(u32 *)(r1 +4), and legacy packet loads
  if ((m = new RegExp(`^r(\\d+) = ${MEM}$`, 'i').exec(s))) {
    const size = SIZES[m[2]!];
    if (size === undefined || m[2] === 's64') throw new AsmError(line, `invalid load size '${m[2]}'`);
    const mode = m[2]!.startsWith('s') ? BPF_MEMSX : BPF_MEM;
    return [insn(BPF_LDX | mode | size, regNum('r' + m[1], line), regNum('r' + m[3], line), off16(m[4]!, line))];
  }
  if ((m = /^r0 = \*\((u\d+) \*\)skb\[(?:r(\d+) \+ )?([+-]?\d+)\]$/.exec(s))) {
    const size = SIZES[m[1]!]!;
    if (m[2] !== undefined) return [insn(BPF_LD | BPF_IND | size, 0, regNum('r' + m[2], line), 0, imm32(m[3]!, line))];
    return [insn(BPF_LD | BPF_ABS | size, 0, 0, 0, imm32(m[3]!, line))];
  }
  // Byte swaps: r1 = be16 r1 | le32 | bswap64
  if ((m = /^r(\d+) = (be|le|bswap)(16|32|64) r(\d+)$/.exec(s))) {
    if (m[1] !== m[4]) throw new AsmError(line, `byte swap must name the same register twice`);
    const code = m[2] === 'bswap' ? BPF_ALU64 | BPF_END : BPF_ALU | BPF_END | (m[2] === 'be' ? BPF_TO_BE : BPF_TO_LE);
    return [insn(code, regNum('r' + m[1], line), 0, 0, Number(m[3]))];
  }
  // 64-bit immediates: r1 = 0x..., r1 = 5 ll, map[id:K], map[id:K][0]+OFF
  if ((m = /^r(\d+) = map\[(?:id|fd):(\d+)\](?:\[0\]\+(\d+))?$/.exec(s))) {
    const src = m[3] !== undefined ? BPF_PSEUDO_MAP_VALUE : BPF_PSEUDO_MAP_FD;
    return [insn(BPF_LD | BPF_IMM | BPF_DW, regNum('r' + m[1], line), src, 0, Number(m[2]) | 0), insn(0, 0, 0, 0, Number(m[3] ?? 0) | 0)];
  }
  // LLVM's objdump marks the 64-bit form with `ll`; the kernel's listing by the opcode or the hex.
  if ((m = new RegExp(`^r(\\d+) = ${NUM}( ll)?$`, 'i').exec(s)) && (m[3] || opcode === 0x18 || (opcode === null && /0x/i.test(m[2]!)))) {
    const v = BigInt.asUintN(64, parseInt64(m[2]!, line));
    return [insn(BPF_LD | BPF_IMM | BPF_DW, regNum('r' + m[1], line), 0, 0, Number(BigInt.asIntN(32, v))), insn(0, 0, 0, 0, Number(BigInt.asIntN(32, v >> 32n)))];
  }
  // Negation: r1 = -r1 | w1 = -w1 | r1 = (u32) -r1
  if ((m = /^(?:\(u32\) )?([rw])(\d+) = (\(u32\) )?-([rw])(\d+)$/.exec(s))) {
    if (m[2] !== m[5]) throw new AsmError(line, `negation must name the same register twice`);
    const a32 = m[1] === 'w' || m[3] !== undefined;
    return [insn((a32 ? BPF_ALU : BPF_ALU64) | BPF_NEG, regNum('r' + m[2], line))];
  }
  // ALU: w1 += w2 | r1 s>>= 3 | r1 = (s8)r2 | (u32) r1 += (u32) r2 | (u32) r1 = (u32) 5
  if ((m = /^(\(u32\) )?([rw])(\d+) (\+=|-=|\*=|\/=|\|=|&=|<<=|>>=|%=|\^=|=|s>>=|s\/=|s%=) (\(u32\) )?(\(s(?:8|16|32)\))?(?:([rw])(\d+)|([+-]?(?:0x[0-9a-f]+|\d+)))$/i.exec(s))) {
    const a32 = m[2] === 'w' || m[1] !== undefined;
    const cls = a32 ? BPF_ALU : BPF_ALU64;
    const op = ALU_SYM[m[4]!]!;
    const d = regNum('r' + m[3], line);
    const signedOff = m[4]!.startsWith('s/') || m[4]!.startsWith('s%') ? 1 : 0;
    if (m[7] !== undefined) {
      if (m[7] !== m[2] && !(m[1] && m[5])) throw new AsmError(line, `mixed register widths in '${s}'`);
      const sx = m[6] ? Number(m[6].slice(2, -1)) : 0;
      if (sx && op !== BPF_MOV) throw new AsmError(line, `sign extension only applies to '='`);
      return [insn(cls | op | BPF_X, d, regNum('r' + m[8], line), sx || signedOff)];
    }
    if (m[6]) throw new AsmError(line, `sign extension needs a register`);
    return [insn(cls | op | BPF_K, d, 0, signedOff, imm32(m[9]!, line))];
  }
  throw new AsmError(line, `cannot parse '${t}'`);
}
