// What LLVM's BPF backend does for bpftrace's IRBuilderBPF, done by hand: instructions appended in
// order, basic blocks as labels, forward jumps patched once their target is bound. Code after an
// unconditional jump or an exit that no label makes reachable again is never emitted, as LLVM
// drops bpftrace's "deadcode" and "unreach" blocks: the verifier rejects unreachable instructions.

import {
  BPF_ALU, BPF_ALU64, BPF_CALL, BPF_DW, BPF_EXIT, BPF_IMM, BPF_JA, BPF_JMP, BPF_K, BPF_LD, BPF_LDX, BPF_MEM,
  BPF_MOV, BPF_PSEUDO_MAP_FD, BPF_END, BPF_TO_BE, BPF_ST, BPF_STX, BPF_X, BPF_B, BPF_H, BPF_W, insn, type Insn,
} from '../../bpf/isa.js';

export type Reg = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
export const FP: Reg = 10;

/** A jump target; bound to an instruction index once. */
export interface Label {
  readonly id: number;
}

/** A map reference: the lddw at `insn` names the map with this index in CompiledProgram.maps. */
export interface MapRelocation {
  insn: number;
  map: number;
}

/** BPF_SIZE for a byte count of 1, 2, 4 or 8. */
export function sizeCode(bytes: number): number {
  switch (bytes) {
    case 1: return BPF_B;
    case 2: return BPF_H;
    case 4: return BPF_W;
    case 8: return BPF_DW;
    default: throw new Error(`no BPF load or store of ${bytes} bytes`);
  }
}

export class Emitter {
  readonly insns: Insn[] = [];
  readonly relocations: MapRelocation[] = [];
  private readonly bound: number[] = [];
  private readonly pending = new Map<number, number[]>();
  /** False after a jump or exit until a label with incoming jumps is bound. */
  private reachable = true;

  get isReachable(): boolean {
    return this.reachable;
  }

  newLabel(): Label {
    this.bound.push(-1);
    return { id: this.bound.length - 1 };
  }

  bind(l: Label): void {
    if (this.bound[l.id]! >= 0) throw new Error('label bound twice');
    const at = this.insns.length;
    this.bound[l.id] = at;
    const refs = this.pending.get(l.id);
    if (refs) {
      for (const i of refs) this.insns[i]!.off = at - i - 1;
      this.pending.delete(l.id);
      this.reachable = true;
    }
  }

  private push(i: Insn): void {
    if (this.reachable) this.insns.push(i);
  }

  private target(l: Label): number {
    const at = this.bound[l.id]!;
    const here = this.insns.length;
    if (at >= 0) return at - here - 1;
    const refs = this.pending.get(l.id) ?? [];
    refs.push(here);
    this.pending.set(l.id, refs);
    return 0;
  }

  movImm(dst: Reg, imm: number): void {
    this.push(insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm | 0));
  }

  mov(dst: Reg, src: Reg): void {
    this.push(insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src));
  }

  /** dst = v, exact for any 64-bit value: a mov when it fits a sign-extended imm32, else lddw. */
  loadConst(dst: Reg, v: bigint): void {
    const s = BigInt.asIntN(64, v);
    if (s >= -0x80000000n && s <= 0x7fffffffn) {
      this.movImm(dst, Number(s));
      return;
    }
    this.lddw(dst, BigInt.asUintN(64, v));
  }

  lddw(dst: Reg, v: bigint, src = 0): void {
    if (!this.reachable) return;
    this.insns.push(insn(BPF_LD | BPF_IMM | BPF_DW, dst, src, 0, Number(BigInt.asIntN(32, v))));
    this.insns.push(insn(0, 0, 0, 0, Number(BigInt.asIntN(32, v >> 32n))));
  }

  /** dst = the map with index `map`, as libbpf will patch in its fd. */
  ldMap(dst: Reg, map: number): void {
    if (!this.reachable) return;
    this.relocations.push({ insn: this.insns.length, map });
    this.lddw(dst, BigInt(map + 1), BPF_PSEUDO_MAP_FD);
  }

  alu(op: number, dst: Reg, src: Reg): void {
    this.push(insn(BPF_ALU64 | op | BPF_X, dst, src));
  }

  aluImm(op: number, dst: Reg, imm: number): void {
    this.push(insn(BPF_ALU64 | op | BPF_K, dst, 0, 0, imm | 0));
  }

  /** A 32-bit mov, which zero-extends: w0 = w0 is LLVM's zext from i32. */
  mov32(dst: Reg, src: Reg): void {
    this.push(insn(BPF_ALU | BPF_MOV | BPF_X, dst, src));
  }

  /** dst = byte-swapped low `bits` of dst (BPF_TO_BE on a little-endian machine), zero-extended. */
  toBe(dst: Reg, bits: 16 | 32 | 64): void {
    this.push(insn(BPF_ALU | BPF_END | BPF_TO_BE, dst, 0, 0, bits));
  }

  ldx(bytes: number, dst: Reg, src: Reg, off: number): void {
    this.push(insn(BPF_LDX | BPF_MEM | sizeCode(bytes), dst, src, off));
  }

  stx(bytes: number, dst: Reg, off: number, src: Reg): void {
    this.push(insn(BPF_STX | BPF_MEM | sizeCode(bytes), dst, src, off));
  }

  st(bytes: number, dst: Reg, off: number, imm: number): void {
    this.push(insn(BPF_ST | BPF_MEM | sizeCode(bytes), dst, 0, off, imm | 0));
  }

  ja(l: Label): void {
    if (!this.reachable) return;
    this.insns.push(insn(BPF_JMP | BPF_JA, 0, 0, this.target(l)));
    this.reachable = false;
  }

  jcc(op: number, dst: Reg, src: Reg, l: Label): void {
    if (!this.reachable) return;
    this.insns.push(insn(BPF_JMP | op | BPF_X, dst, src, this.target(l)));
  }

  jccImm(op: number, dst: Reg, imm: number, l: Label): void {
    if (!this.reachable) return;
    this.insns.push(insn(BPF_JMP | op | BPF_K, dst, 0, this.target(l), imm | 0));
  }

  call(helper: number): void {
    this.push(insn(BPF_JMP | BPF_CALL, 0, 0, 0, helper));
  }

  exit(): void {
    this.push(insn(BPF_JMP | BPF_EXIT));
    this.reachable = false;
  }

  /** The finished program; every jump must have found its label. */
  finish(): Insn[] {
    if (this.pending.size) throw new Error('jump to a label never bound');
    return this.insns;
  }
}
