// Translation of a validated program into one JavaScript function, the way the kernel's JIT turns
// bytecode into machine code. The text is built only from fixed per-opcode templates and numbers
// taken from the instruction fields (register numbers, offsets, immediates): never from any
// string a user supplied, so there is nothing to inject.
//
// Registers become local int32 pairs (l0/h0 .. l10/h10) that V8 keeps in machine registers; a
// `switch (pc)` over basic-block leaders inside one loop carries the control flow; each block
// charges its length against the instruction budget on entry. When a block would overrun the
// budget the run continues in the interpreter at that block, so both engines fault at exactly the
// same instruction. The interpreter in vm.ts is the reference this translation is tested against.

import { FAULT_BAD_HELPER, FAULT_CALL_DEPTH, FAULT_FELL_OFF, FAULT_READ, FAULT_WRITE } from './fault.js';
import { MAX_BPF_STACK, MAX_CALL_FRAMES } from './isa.js';
import { REGION_HI_BASE } from './memory.js';
import type { LoadedProgram } from './program.js';
import { jumpTarget } from './validate.js';
import { HELPER_IMPLS } from './helpers.js';
import * as u64 from './u64.js';
import type { BpfVm } from './vm.js';

export type JitFn = (vm: BpfVm) => number;

const FRAME_WORDS = 11;
const lit = (n: number): string => (n < 0 ? `(${n})` : String(n));

interface Ctx {
  prog: LoadedProgram;
  /** Instructions left in the block after the one being emitted, to refund on a fault. */
  rest: number;
  pc: number;
}

/** Code that records a fault (a code, or 'st' when st already holds it) and leaves the loop. */
function fault(c: Ctx, code: number | 'st', extra = ''): string {
  const set = code === 'st' ? '' : ` st = ${code};`;
  return `{${set} fpc = ${c.pc}; left += ${c.rest};${extra} break main; }`;
}

/** Computes the address base + off into (a, b). */
function address(base: number, off: number): string {
  if (off === 0) return `a = l${base}; b = h${base};`;
  return `t = (l${base} >>> 0) + ${off}; a = t | 0; b = (h${base} + (t < 0 ? -1 : t > 4294967295 ? 1 : 0)) | 0;`;
}

/** Resolves (a, b) for `size` bytes into region R and offset o, or faults. */
function resolve(c: Ctx, size: number, write: boolean): string {
  const code = write ? FAULT_WRITE : FAULT_READ;
  const w = write ? ' || !R.writable' : '';
  return `i = (b - ${REGION_HI_BASE}) >>> 0; if (i >= RG.length) ${fault(c, code, ` fa = a; fb = b; fsz = ${size};`)}
R = RG[i]; o = (a ^ -2147483648) >>> 0; if (o > R.u8.length - ${size}${w}) ${fault(c, code, ` fa = a; fb = b; fsz = ${size};`)}`;
}

function alu64(op: number, d: number, s: number, off: number, imm: number, x: boolean): string {
  const D = `l${d}`, DH = `h${d}`;
  const S = x ? `l${s}` : lit(imm | 0);
  const SH = x ? `h${s}` : lit(imm >> 31);
  const SU = x ? `(l${s} >>> 0)` : String(imm >>> 0);
  switch (op) {
    case 0x00: return `t = (${D} >>> 0) + ${SU}; ${D} = t | 0; ${DH} = (${DH} + ${SH} + (t > 4294967295 ? 1 : 0)) | 0;`;
    case 0x10: return `t = (${D} >>> 0) - ${SU}; ${D} = t | 0; ${DH} = (${DH} - ${SH} - (t < 0 ? 1 : 0)) | 0;`;
    case 0x20: return `mul64(${D}, ${DH}, ${S}, ${SH}); ${D} = U[0]; ${DH} = U[1];`;
    case 0x30: {
      const fn = off === 1 ? 'sdiv64' : 'udiv64';
      return `if ((${S} | ${SH}) === 0) { ${D} = 0; ${DH} = 0; } else { ${fn}(${D}, ${DH}, ${S}, ${SH}); ${D} = U[0]; ${DH} = U[1]; }`;
    }
    case 0x90: {
      const fn = off === 1 ? 'smod64' : 'umod64';
      return `if ((${S} | ${SH}) !== 0) { ${fn}(${D}, ${DH}, ${S}, ${SH}); ${D} = U[0]; ${DH} = U[1]; }`;
    }
    case 0x40: return `${D} |= ${S}; ${DH} |= ${SH};`;
    case 0x50: return `${D} &= ${S}; ${DH} &= ${SH};`;
    case 0xa0: return `${D} ^= ${S}; ${DH} ^= ${SH};`;
    case 0x60: case 0x70: case 0xc0: {
      if (x) {
        const fn = op === 0x60 ? 'lsh64' : op === 0x70 ? 'rsh64' : 'arsh64';
        return `${fn}(${D}, ${DH}, l${s} & 63); ${D} = U[0]; ${DH} = U[1];`;
      }
      const n = imm & 63;
      if (n === 0) return '';
      if (op === 0x60) {
        return n < 32 ? `${DH} = (${DH} << ${n}) | (${D} >>> ${32 - n}); ${D} = ${D} << ${n};` : `${DH} = ${D} << ${n - 32}; ${D} = 0;`;
      }
      if (op === 0x70) {
        return n < 32 ? `${D} = (${D} >>> ${n}) | (${DH} << ${32 - n}); ${DH} = (${DH} >>> ${n}) | 0;` : `${D} = (${DH} >>> ${n - 32}) | 0; ${DH} = 0;`;
      }
      return n < 32 ? `${D} = (${D} >>> ${n}) | (${DH} << ${32 - n}); ${DH} = ${DH} >> ${n};` : `${D} = ${DH} >> ${n - 32}; ${DH} = ${DH} >> 31;`;
    }
    case 0x80: return `t = -${D} | 0; ${DH} = (~${DH} + (t === 0 ? 1 : 0)) | 0; ${D} = t;`;
    case 0xb0:
      if (!x) return `${D} = ${S}; ${DH} = ${SH};`;
      if (off === 8) return `${D} = (${S} << 24) >> 24; ${DH} = ${D} >> 31;`;
      if (off === 16) return `${D} = (${S} << 16) >> 16; ${DH} = ${D} >> 31;`;
      if (off === 32) return `${D} = ${S}; ${DH} = ${S} >> 31;`;
      return d === s ? '' : `${D} = ${S}; ${DH} = ${SH};`;
    case 0xd0: return bswap(d, imm);
  }
  throw new Error(`jit: alu64 op ${op}`);
}

function bswap(d: number, imm: number): string {
  const D = `l${d}`, DH = `h${d}`;
  if (imm === 16) return `${D} = ((${D} & 0xff) << 8) | ((${D} >>> 8) & 0xff); ${DH} = 0;`;
  if (imm === 32) return `${D} = bswap32(${D}); ${DH} = 0;`;
  return `t = bswap32(${D}); ${D} = bswap32(${DH}); ${DH} = t;`;
}

function alu32(op: number, d: number, s: number, off: number, imm: number, x: boolean): string {
  const D = `l${d}`, DH = `h${d}`;
  const S = x ? `l${s}` : lit(imm | 0);
  const SU = x ? `(l${s} >>> 0)` : String(imm >>> 0);
  let body: string;
  switch (op) {
    case 0x00: body = `${D} = (${D} + ${S}) | 0;`; break;
    case 0x10: body = `${D} = (${D} - ${S}) | 0;`; break;
    case 0x20: body = `${D} = Math.imul(${D}, ${S});`; break;
    case 0x30:
      body = off === 1
        ? `${D} = ${S} === 0 ? 0 : Math.trunc(${D} / ${S}) | 0;`
        : `${D} = ${S} === 0 ? 0 : Math.floor((${D} >>> 0) / ${SU}) | 0;`;
      break;
    case 0x90:
      body = off === 1
        ? `if (${S} !== 0) ${D} = (${D} % ${S}) | 0;`
        : `if (${S} !== 0) ${D} = ((${D} >>> 0) % ${SU}) | 0;`;
      break;
    case 0x40: body = `${D} |= ${S};`; break;
    case 0x50: body = `${D} &= ${S};`; break;
    case 0xa0: body = `${D} ^= ${S};`; break;
    case 0x60: body = `${D} = ${D} << (${S} & 31);`; break;
    case 0x70: body = `${D} = (${D} >>> (${S} & 31)) | 0;`; break;
    case 0xc0: body = `${D} = ${D} >> (${S} & 31);`; break;
    case 0x80: body = `${D} = -${D} | 0;`; break;
    case 0xb0:
      body = !x ? `${D} = ${S};` : off === 8 ? `${D} = (${S} << 24) >> 24;` : off === 16 ? `${D} = (${S} << 16) >> 16;` : `${D} = ${S};`;
      break;
    case 0xd0:
      if (x) return bswap(d, imm); // BE on a little-endian machine swaps
      return imm === 16 ? `${D} &= 0xffff; ${DH} = 0;` : imm === 32 ? `${DH} = 0;` : '';
    default:
      throw new Error(`jit: alu32 op ${op}`);
  }
  return `${body} ${DH} = 0;`;
}

function condition(op: number, cls: number, d: number, s: number, imm: number, x: boolean): string {
  const D = `l${d}`, DH = `h${d}`;
  const S = x ? `l${s}` : lit(imm | 0);
  const SH = x ? `h${s}` : lit(imm >> 31);
  const DU = `(${D} >>> 0)`, SU = x ? `(l${s} >>> 0)` : String(imm >>> 0);
  const DHU = `(${DH} >>> 0)`, SHU = x ? `(h${s} >>> 0)` : String((imm >> 31) >>> 0);
  const is32 = cls === 6;
  const u = (cmp: string): string => (is32 ? `${DU} ${cmp} ${SU}` : `(${DHU} ${cmp[0]} ${SHU} || (${DH} === ${SH} && ${DU} ${cmp} ${SU}))`);
  const sg = (cmp: string): string => (is32 ? `${D} ${cmp} ${S}` : `(${DH} ${cmp[0]} ${SH} || (${DH} === ${SH} && ${DU} ${cmp} ${SU}))`);
  switch (op) {
    case 0x10: return is32 ? `${D} === ${S}` : `${D} === ${S} && ${DH} === ${SH}`;
    case 0x50: return is32 ? `${D} !== ${S}` : `(${D} !== ${S} || ${DH} !== ${SH})`;
    case 0x40: return is32 ? `(${D} & ${S}) !== 0` : `((${D} & ${S}) !== 0 || (${DH} & ${SH}) !== 0)`;
    case 0x20: return u('>');
    case 0x30: return u('>=');
    case 0xa0: return u('<');
    case 0xb0: return u('<=');
    case 0x60: return sg('>');
    case 0x70: return sg('>=');
    case 0xc0: return sg('<');
    case 0xd0: return sg('<=');
  }
  throw new Error(`jit: jump op ${op}`);
}

const LOADS: Record<number, [size: number, read: (D: string, DH: string) => string]> = {
  0x61: [4, (D, DH) => `${D} = R.dv.getInt32(o, true); ${DH} = 0;`],
  0x69: [2, (D, DH) => `${D} = R.dv.getUint16(o, true); ${DH} = 0;`],
  0x71: [1, (D, DH) => `${D} = R.u8[o]; ${DH} = 0;`],
  0x79: [8, (D, DH) => `${D} = R.dv.getInt32(o, true); ${DH} = R.dv.getInt32(o + 4, true);`],
  0x81: [4, (D, DH) => `${D} = R.dv.getInt32(o, true); ${DH} = ${D} >> 31;`],
  0x89: [2, (D, DH) => `${D} = R.dv.getInt16(o, true); ${DH} = ${D} >> 31;`],
  0x91: [1, (D, DH) => `${D} = R.dv.getInt8(o); ${DH} = ${D} >> 31;`],
};

function store(size: number, lo: string, hi: string): string {
  switch (size) {
    case 1: return `R.u8[o] = ${lo};`;
    case 2: return `R.dv.setInt16(o, ${lo}, true);`;
    case 4: return `R.dv.setInt32(o, ${lo}, true);`;
    default: return `R.dv.setInt32(o, ${lo}, true); R.dv.setInt32(o + 4, ${hi}, true);`;
  }
}

const sizeOf = (code: number): number => [4, 2, 1, 8][(code >> 3) & 3]!;

function atomic(c: Ctx, code: number, d: number, s: number, off: number, imm: number): string {
  const wide = code === 0xdb;
  const out: string[] = [address(d, off), resolve(c, wide ? 8 : 4, true)];
  const S = `l${s}`, SH = `h${s}`;
  const fetch = (imm & 1) !== 0 && imm !== 0xf1;
  if (!wide) {
    out.push('t = R.dv.getInt32(o, true);');
    switch (imm & ~1) {
      case 0x00: out.push(`R.dv.setInt32(o, (t + ${S}) | 0, true);`); break;
      case 0x40: out.push(`R.dv.setInt32(o, t | ${S}, true);`); break;
      case 0x50: out.push(`R.dv.setInt32(o, t & ${S}, true);`); break;
      case 0xa0: out.push(`R.dv.setInt32(o, t ^ ${S}, true);`); break;
      case 0xe0: out.push(`R.dv.setInt32(o, ${S}, true);`); break;
      case 0xf0: out.push(`if (t === l0) R.dv.setInt32(o, ${S}, true); l0 = t; h0 = 0;`); break;
    }
    if (fetch) out.push(`${S} = t; ${SH} = 0;`);
    return out.join('\n');
  }
  out.push('t = R.dv.getInt32(o, true); i = R.dv.getInt32(o + 4, true);');
  switch (imm & ~1) {
    case 0x00:
      out.push(`a = (t >>> 0) + (${S} >>> 0); R.dv.setInt32(o, a | 0, true); R.dv.setInt32(o + 4, (i + ${SH} + (a > 4294967295 ? 1 : 0)) | 0, true);`);
      break;
    case 0x40: out.push(`R.dv.setInt32(o, t | ${S}, true); R.dv.setInt32(o + 4, i | ${SH}, true);`); break;
    case 0x50: out.push(`R.dv.setInt32(o, t & ${S}, true); R.dv.setInt32(o + 4, i & ${SH}, true);`); break;
    case 0xa0: out.push(`R.dv.setInt32(o, t ^ ${S}, true); R.dv.setInt32(o + 4, i ^ ${SH}, true);`); break;
    case 0xe0: out.push(`R.dv.setInt32(o, ${S}, true); R.dv.setInt32(o + 4, ${SH}, true);`); break;
    case 0xf0:
      out.push(`if (t === l0 && i === h0) { R.dv.setInt32(o, ${S}, true); R.dv.setInt32(o + 4, ${SH}, true); } l0 = t; h0 = i;`);
      break;
  }
  if (fetch) out.push(`${S} = t; ${SH} = i;`);
  return out.join('\n');
}

function spill(from: number, to: number): string {
  let s = '';
  for (let r = from; r <= to; r++) s += `L[${r}] = l${r}; H[${r}] = h${r}; `;
  return s;
}

function helperCall(c: Ctx, id: string, known: boolean): string {
  const check = known ? '' : `if (!(i >= 0 && i < HF.length && HF[i] !== undefined)) ${fault(c, FAULT_BAD_HELPER, ' fsz = i;')}\n`;
  return `${check}${spill(1, 5)}
st = HF[${id}](vm); if (st !== 0) ${fault(c, 'st', ` fsz = ${id};`)}
l0 = L[0]; h0 = H[0];`;
}

function emit(c: Ctx, i: number): string {
  const { prog } = c;
  const w = prog.code[i]!;
  const op = w & 0xff;
  const d = (w >>> 8) & 0xf;
  const s = (w >>> 12) & 0xf;
  const off = w >> 16;
  const imm = prog.imm[i]!;
  const cls = op & 7;
  switch (cls) {
    case 7: return alu64(op & 0xf0, d, s, off, imm, (op & 8) !== 0);
    case 4: return alu32(op & 0xf0, d, s, off, imm, (op & 8) !== 0);
    case 0:
      if (op === 0x18) return `l${d} = ${lit(imm)}; h${d} = ${lit(prog.imm[i + 1]!)};`;
      {
        const size = op & 0x18 ? (op & 0x10 ? 1 : 2) : 4;
        const at = op & 0x40 ? `((l${s} + ${lit(imm)}) >>> 0)` : String(imm >>> 0);
        return `t = vm.packetLoad(${at}, ${size}); if (t < 0) { l0 = 0; h0 = 0; st = 0; left += ${c.rest}; break main; } l0 = t | 0; h0 = 0;`;
      }
    case 1: {
      const [size, read] = LOADS[op]!;
      return `${address(s, off)}\n${resolve(c, size, false)}\n${read(`l${d}`, `h${d}`)}`;
    }
    case 2: {
      const size = sizeOf(op);
      return `${address(d, off)}\n${resolve(c, size, true)}\n${store(size, lit(imm), lit(imm >> 31))}`;
    }
    case 3: {
      if ((op & 0xe0) === 0xc0) return atomic(c, op, d, s, off, imm);
      const size = sizeOf(op);
      return `${address(d, off)}\n${resolve(c, size, true)}\n${store(size, `l${s}`, `h${s}`)}`;
    }
    default: {
      // JMP and JMP32
      if (op === 0x05) return `pc = ${i + 1 + off}; continue main;`;
      if (op === 0x06) return `pc = ${i + 1 + imm}; continue main;`;
      if (op === 0x95) {
        return `if (depth === 0) { st = 0; break main; }
depth--; f = depth * ${FRAME_WORDS}; pc = F[f] + 1;
l6 = F[f + 1]; h6 = F[f + 2]; l7 = F[f + 3]; h7 = F[f + 4]; l8 = F[f + 5]; h8 = F[f + 6]; l9 = F[f + 7]; h9 = F[f + 8]; l10 = F[f + 9]; h10 = F[f + 10];
continue main;`;
      }
      if (op === 0x85 && s === 1) {
        const target = i + 1 + imm;
        return `if (depth + 1 >= ${MAX_CALL_FRAMES}) ${fault(c, FAULT_CALL_DEPTH)}
f = depth * ${FRAME_WORDS}; F[f] = ${i};
F[f + 1] = l6; F[f + 2] = h6; F[f + 3] = l7; F[f + 4] = h7; F[f + 5] = l8; F[f + 6] = h8; F[f + 7] = l9; F[f + 8] = h9; F[f + 9] = l10; F[f + 10] = h10;
depth++; l10 = (l10 - ${MAX_BPF_STACK}) | 0; pc = ${target}; continue main;`;
      }
      if (op === 0x85) {
        if (imm < 0 || imm >= HELPER_IMPLS.length || HELPER_IMPLS[imm] === undefined) return fault(c, FAULT_BAD_HELPER, ` fsz = ${imm};`);
        return helperCall(c, String(imm), true);
      }
      if (op === 0x8d) return `i = l${d};\n${helperCall(c, 'i', false)}`;
      return `if (${condition(op & 0xf0, cls, d, s, imm, (op & 8) !== 0)}) { pc = ${i + 1 + off}; continue main; }`;
    }
  }
}

/** Translates `prog` (already validated) into a function that runs it on a VM. */
export function compileProgram(prog: LoadedProgram): JitFn {
  const n = prog.len;
  const leaders = new Uint8Array(n + 1);
  leaders[0] = 1;
  const isLddwTail = new Uint8Array(n + 1);
  for (let i = 0; i < n; i++) {
    const op = prog.code[i]! & 0xff;
    if (op === 0x18) {
      isLddwTail[i + 1] = 1;
      i++;
      continue;
    }
    const cls = op & 7;
    if (cls === 5 || cls === 6) {
      leaders[i + 1] = 1;
      const ins = { code: op, dst: 0, src: (prog.code[i]! >>> 12) & 0xf, off: prog.code[i]! >> 16, imm: prog.imm[i]! };
      const t = jumpTarget(ins, i);
      if (t !== null) leaders[t] = 1;
    }
    // Legacy packet loads can end the program, which ends a block for budget purposes.
    if (cls === 0) leaders[i + 1] = 1;
  }
  // Block length (in executed instructions) from each leader.
  const blockLen = new Int32Array(n + 1);
  for (let i = n - 1; i >= 0; i--) {
    if (isLddwTail[i]) continue;
    const next = (prog.code[i]! & 0xff) === 0x18 ? i + 2 : i + 1;
    blockLen[i] = 1 + (next < n && !leaders[next] ? blockLen[next]! : 0);
  }

  const parts: string[] = [];
  const c: Ctx = { prog, rest: 0, pc: 0 };
  for (let i = 0; i < n; i++) {
    if (isLddwTail[i]) continue;
    if (leaders[i]) {
      parts.push(`case ${i}:`);
      parts.push(`if ((left -= ${blockLen[i]}) < 0) { left += ${blockLen[i]}; pc = ${i}; st = -1; break main; }`);
    }
    c.pc = i;
    // Instructions of this block after i, refunded if i faults.
    const next = (prog.code[i]! & 0xff) === 0x18 ? i + 2 : i + 1;
    c.rest = next < n && !leaders[next] ? blockLen[next]! : 0;
    parts.push(emit(c, i));
  }
  parts.push(`st = ${FAULT_FELL_OFF}; fpc = ${n}; break main;`);

  const regs = Array.from({ length: 11 }, (_, r) => `l${r} = L[${r}], h${r} = H[${r}]`).join(', ');
  const body = `
const L = vm.rl, H = vm.rh, RG = vm.as.regions, F = vm.frames, HF = vm.helpers;
let ${regs};
let pc = 0, depth = 0, left = vm.budget, st = 0, fpc = 0, fa = 0, fb = 0, fsz = 0;
let t = 0, a = 0, b = 0, i = 0, o = 0, f = 0, R = null;
main: for (;;) {
switch (pc) {
${parts.join('\n')}
default: st = ${FAULT_FELL_OFF}; fpc = pc; break main;
}
}
${spill(0, 10)}
if (st === -1) return vm.resume(prog, pc, depth, left);
vm.executed = vm.budget - left;
if (st !== 0) { vm.faultPc = fpc; vm.faultLo = fa; vm.faultHi = fb; vm.faultSize = fsz; }
return st;`;
  const factory = new Function(
    'prog', 'U', 'mul64', 'udiv64', 'umod64', 'sdiv64', 'smod64', 'lsh64', 'rsh64', 'arsh64', 'bswap32',
    `return function bpf_prog(vm) {${body}\n};`,
  ) as (...deps: unknown[]) => JitFn;
  return factory(prog, u64.R64, u64.mul64, u64.udiv64, u64.umod64, u64.sdiv64, u64.smod64, u64.lsh64, u64.rsh64, u64.arsh64, u64.bswap32);
}
