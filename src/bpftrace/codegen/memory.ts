// bpftrace's CREATE_MEMSET, CREATE_MEMCPY and integer loads and stores of 1 to 8 bytes, as LLVM's
// BPF backend expands them: inline loads and stores, each as wide as the alignment of both sides
// allows, since Linux 5.0's verifier rejects a misaligned stack access. An integer lives in a
// register as 64 bits, extended from its size by its signedness (LLVM's sext/zext to i64).

import { BPF_AND, BPF_ARSH, BPF_LSH, BPF_RSH } from '../../bpf/isa.js';
import { FP, type Emitter, type Reg } from './emitter.js';

/** The widest access (8, 4, 2, 1) that `a` and `b` are both aligned to and `left` can hold. */
function chunk(a: number, b: number, left: number): number {
  for (const c of [8, 4, 2, 1]) if (c <= left && a % c === 0 && b % c === 0) return c;
  return 1;
}

/** Zeroes `size` bytes at r10 + off. */
export function memsetStack(em: Emitter, off: number, size: number): void {
  let done = 0;
  while (done < size) {
    const c = chunk(((off + done) % 8 + 8) % 8, 0, size - done);
    em.st(c, FP, off + done, 0);
    done += c;
  }
}

/**
 * Copies `size` bytes from src + srcOff to dst + dstOff through `tmp`. The alignment of each side
 * is the offset's when its base is r10 and 8 otherwise (map values and slots are 8-aligned).
 */
export function memcpy(em: Emitter, dst: Reg, dstOff: number, src: Reg, srcOff: number, size: number, tmp: Reg): void {
  let done = 0;
  while (done < size) {
    const c = chunk(((dstOff + done) % 8 + 8) % 8, ((srcOff + done) % 8 + 8) % 8, size - done);
    em.ldx(c, tmp, src, srcOff + done);
    em.stx(c, dst, dstOff + done, tmp);
    done += c;
  }
}

/** Writes the bytes of `data` (then zeroes up to `size`) at r10 + off, through `tmp`. */
export function storeBytes(em: Emitter, off: number, data: Uint8Array, size: number, tmp: Reg): void {
  let done = 0;
  while (done < size) {
    const c = chunk(((off + done) % 8 + 8) % 8, 0, size - done);
    let v = 0n;
    for (let i = c - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[done + i] ?? 0);
    if (c < 8 || v < 0x80000000n) {
      // ST's imm is 32 bits, sign-extended: exact for every chunk below 8 bytes.
      em.st(c, FP, off + done, Number(BigInt.asIntN(32, v)));
    } else {
      em.lddw(tmp, v);
      em.stx(8, FP, off + done, tmp);
    }
    done += c;
  }
}

/** Extends the low `size` bytes of `r` to 64 bits: LLVM's sext or zext to i64. */
export function extend(em: Emitter, r: Reg, size: number, signed: boolean): void {
  if (size >= 8) return;
  const bits = 64 - size * 8;
  if (signed) {
    em.aluImm(BPF_LSH, r, bits);
    em.aluImm(BPF_ARSH, r, bits);
  } else if (size === 4) {
    em.aluImm(BPF_LSH, r, 32);
    em.aluImm(BPF_RSH, r, 32);
  } else {
    em.aluImm(BPF_AND, r, size === 2 ? 0xffff : 0xff);
  }
}

/** r = the `size`-byte integer at base + off, extended by `signed`. */
export function loadInt(em: Emitter, r: Reg, base: Reg, off: number, size: number, signed: boolean): void {
  em.ldx(size, r, base, off);
  if (signed) extend(em, r, size, true);
}

/**
 * Stores the low `size` bytes of `r` at r10 + off; a misaligned integer (after a string in a map
 * key) goes byte by byte, as LLVM stores an align-1 integer. `tmp` is clobbered then.
 */
export function storeIntStack(em: Emitter, off: number, r: Reg, size: number, tmp: Reg): void {
  if (((off % size) + size) % size === 0) {
    em.stx(size, FP, off, r);
    return;
  }
  em.mov(tmp, r);
  for (let i = 0; i < size; i++) {
    em.stx(1, FP, off + i, tmp);
    if (i < size - 1) em.aluImm(BPF_RSH, tmp, 8);
  }
}
