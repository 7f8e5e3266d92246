// The BPF virtual machine: registers, stack frames, and the reference interpreter
// (kernel/bpf/core.c's ___bpf_prog_run). A program runs either here or as JavaScript translated by
// jit.ts; both follow RFC 9669 to the bit and are tested against each other.
//
// Registers are (lo, hi) int32 pairs so that every 64-bit value is exact; nothing is allocated
// per instruction. Every load and store goes through the address space's bounds check, whatever
// the bytecode: an unverified program can fault, never corrupt the host.

import {
  FAULT_BAD_HELPER, FAULT_BUDGET, FAULT_CALL_DEPTH, FAULT_FELL_OFF, FAULT_HELPER_ARG, FAULT_READ, FAULT_WRITE, VM_OK,
  faultMessage,
} from './fault.js';
import type { BpfHost } from './host.js';
import { HELPER_IMPLS, type HelperFn } from './helpers.js';
import { MAX_BPF_STACK, MAX_CALL_FRAMES } from './isa.js';
import { AddressSpace, REGION_HI_BASE, REGION_LO_BASE, Region, RegionKind } from './memory.js';
import { PERF_MAX_STACK_DEPTH } from './maps/stackmap.js';
import type { LoadedProgram } from './program.js';
import {
  R64, arsh64, bswap16, bswap32, lsh64, mul64, rsh64, scmp64, sdiv64, smod64, toU64, ucmp64, udiv64, umod64,
} from './u64.js';

export const STACK_SIZE = MAX_BPF_STACK * MAX_CALL_FRAMES;
export const DEFAULT_BUDGET = 1 << 30;

/** Callee-saved state of one BPF-to-BPF call: return pc, then r6..r10 as (lo, hi). */
const FRAME_WORDS = 11;

export class BpfVm {
  readonly rl = new Int32Array(16);
  readonly rh = new Int32Array(16);
  readonly stack: Region;
  /** Saved frames of BPF-to-BPF calls. */
  readonly frames = new Int32Array(MAX_CALL_FRAMES * FRAME_WORDS);
  /** Instruction budget per run: a run that would execute more faults instead of hanging the host. */
  budget = DEFAULT_BUDGET;
  /** Instructions executed by the last run. */
  executed = 0;
  /** Where and why the last run faulted. */
  faultPc = 0;
  faultLo = 0;
  faultHi = 0;
  faultSize = 0;
  /** Legacy packet access (LD_ABS/LD_IND) reads from this region, as from skb->data. */
  packet: Region | null = null;
  /** Scratch owned by helpers, allocated once. */
  argOff = 0;
  readonly pair = new Int32Array(2);
  readonly byte = new Uint8Array(1);
  readonly comm = new Uint8Array(16);
  readonly strBuf = new Uint8Array(64);
  readonly trace = new Uint32Array(PERF_MAX_STACK_DEPTH * 2);
  helpers: (HelperFn | undefined)[] = HELPER_IMPLS;
  /** Set while a program runs: a probe hit inside a helper must not re-enter (bpf_prog_active). */
  running = false;

  /**
   * `stackSize` below the default makes stray stack accesses fault at a frame's own edge; the
   * soundness tests run single-frame programs with exactly the 512 bytes the verifier allows.
   */
  constructor(readonly as: AddressSpace, readonly host: BpfHost, stackSize = STACK_SIZE) {
    this.stack = as.add(RegionKind.Stack, new Uint8Array(stackSize), true, 'stack');
  }

  /** r10 of the outermost frame: the top of the stack region. */
  get fpLo(): number {
    return this.stack.lo(this.stack.size);
  }

  /** r0 of the last run, exact. */
  get r0(): bigint {
    return toU64(this.rl[0]!, this.rh[0]!);
  }

  /**
   * Runs `prog` with r1..r5 as already set in `rl`/`rh` (callers set r1 to the context) and r10 at
   * the stack's top. Returns VM_OK or a fault code; r0 is in rl[0]/rh[0].
   */
  run(prog: LoadedProgram, engine: 'jit' | 'interp' = 'jit'): number {
    this.rl[10] = this.fpLo;
    this.rh[10] = this.stack.hi;
    this.running = true;
    const fn = engine === 'jit' ? prog.jitted() : null;
    const status = fn ? fn(this) : this.interpret(prog);
    this.running = false;
    return status;
  }

  /** Sets r1 to the start of `ctx` (or 0) and clears r2..r5. */
  setContext(ctx: Region | null, r2 = 0): void {
    this.rl.fill(0);
    this.rh.fill(0);
    if (ctx) {
      this.rl[1] = ctx.lo(0);
      this.rh[1] = ctx.hi;
    }
    this.rl[2] = r2;
  }

  faultText(status: number): string {
    const detail =
      status === FAULT_BUDGET ? String(this.budget)
      : status === FAULT_CALL_DEPTH ? String(MAX_CALL_FRAMES)
      : status === FAULT_BAD_HELPER || status === FAULT_HELPER_ARG ? `#${this.faultSize}`
      : String(this.faultSize);
    return faultMessage(status, this.faultPc, toU64(this.faultLo, this.faultHi), detail);
  }

  /** Records a memory fault at pc for an access of `size` bytes at (lo, hi). */
  memFault(code: number, pc: number, lo: number, hi: number, size: number): number {
    this.faultPc = pc;
    this.faultLo = lo;
    this.faultHi = hi;
    this.faultSize = size;
    return code;
  }

  /** Continues a run in the interpreter, where the translated code hands over near its budget. */
  resume(prog: LoadedProgram, pc: number, depth: number, left: number): number {
    return this.interpret(prog, pc, depth, left);
  }

  /** A legacy LD_ABS/LD_IND packet read, big-endian; -1 when out of the packet. */
  packetLoad(at: number, size: number): number {
    const p = this.packet;
    if (!p || at + size > p.u8.length) return -1;
    return size === 4 ? p.dv.getUint32(at, false) : size === 2 ? p.dv.getUint16(at, false) : p.u8[at]!;
  }

  /** The reference interpreter, from `pc` with `depth` call frames live and `left` instructions of budget. */
  interpret(prog: LoadedProgram, pc = 0, depth = 0, left = this.budget): number {
    const code = prog.code;
    const imms = prog.imm;
    const L = this.rl;
    const H = this.rh;
    const regions = this.as.regions;
    const len = prog.len;
    let status = VM_OK;
    // Address and region of the current memory access.
    let alo = 0, ahi = 0, o = 0;
    let R: Region;

    const addr = (base: number, off: number): void => {
      const t = (L[base]! >>> 0) + off;
      alo = t | 0;
      ahi = (H[base]! + (t < 0 ? -1 : t > 0xffffffff ? 1 : 0)) | 0;
    };
    /** Resolves [alo,ahi] for `size` bytes; false (and status set) on a fault. */
    const access = (size: number, write: boolean): boolean => {
      const i = (ahi - REGION_HI_BASE) >>> 0;
      if (i < regions.length) {
        R = regions[i]!;
        o = (alo ^ REGION_LO_BASE) >>> 0;
        if (o + size <= R.u8.length && (!write || R.writable)) return true;
      }
      status = this.memFault(write ? FAULT_WRITE : FAULT_READ, pc, alo, ahi, size);
      return false;
    };

    for (;;) {
      if (pc >= len) {
        this.faultPc = pc;
        status = FAULT_FELL_OFF;
        break;
      }
      if (--left < 0) {
        this.faultPc = pc;
        status = FAULT_BUDGET;
        break;
      }
      const w = code[pc]!;
      const op = w & 0xff;
      const d = (w >>> 8) & 0x0f;
      const s = (w >>> 12) & 0x0f;
      const off = w >> 16;
      const imm = imms[pc]!;
      const immHi = imm >> 31;

      switch (op) {
        // ---- ALU64 ----------------------------------------------------------------------------
        case 0x07: case 0x0f: { // add
          const bl = op & 8 ? L[s]! : imm, bh = op & 8 ? H[s]! : immHi;
          const t = (L[d]! >>> 0) + (bl >>> 0);
          L[d] = t | 0;
          H[d] = (H[d]! + bh + (t > 0xffffffff ? 1 : 0)) | 0;
          break;
        }
        case 0x17: case 0x1f: { // sub
          const bl = op & 8 ? L[s]! : imm, bh = op & 8 ? H[s]! : immHi;
          const t = (L[d]! >>> 0) - (bl >>> 0);
          L[d] = t | 0;
          H[d] = (H[d]! - bh - (t < 0 ? 1 : 0)) | 0;
          break;
        }
        case 0x27: case 0x2f: // mul
          mul64(L[d]!, H[d]!, op & 8 ? L[s]! : imm, op & 8 ? H[s]! : immHi);
          L[d] = R64[0]!; H[d] = R64[1]!;
          break;
        case 0x37: case 0x3f: { // div, sdiv (off 1)
          const bl = op & 8 ? L[s]! : imm, bh = op & 8 ? H[s]! : immHi;
          if (bl === 0 && bh === 0) { L[d] = 0; H[d] = 0; break; }
          if (off === 1) sdiv64(L[d]!, H[d]!, bl, bh);
          else udiv64(L[d]!, H[d]!, bl, bh);
          L[d] = R64[0]!; H[d] = R64[1]!;
          break;
        }
        case 0x47: case 0x4f: L[d] = L[d]! | (op & 8 ? L[s]! : imm); H[d] = H[d]! | (op & 8 ? H[s]! : immHi); break;
        case 0x57: case 0x5f: L[d] = L[d]! & (op & 8 ? L[s]! : imm); H[d] = H[d]! & (op & 8 ? H[s]! : immHi); break;
        case 0x67: case 0x6f: lsh64(L[d]!, H[d]!, (op & 8 ? L[s]! : imm) & 63); L[d] = R64[0]!; H[d] = R64[1]!; break;
        case 0x77: case 0x7f: rsh64(L[d]!, H[d]!, (op & 8 ? L[s]! : imm) & 63); L[d] = R64[0]!; H[d] = R64[1]!; break;
        case 0x87: { // neg
          const nl = -L[d]! | 0;
          H[d] = (~H[d]! + (nl === 0 ? 1 : 0)) | 0;
          L[d] = nl;
          break;
        }
        case 0x97: case 0x9f: { // mod, smod (off 1)
          const bl = op & 8 ? L[s]! : imm, bh = op & 8 ? H[s]! : immHi;
          if (bl === 0 && bh === 0) break;
          if (off === 1) smod64(L[d]!, H[d]!, bl, bh);
          else umod64(L[d]!, H[d]!, bl, bh);
          L[d] = R64[0]!; H[d] = R64[1]!;
          break;
        }
        case 0xa7: case 0xaf: L[d] = L[d]! ^ (op & 8 ? L[s]! : imm); H[d] = H[d]! ^ (op & 8 ? H[s]! : immHi); break;
        case 0xb7: L[d] = imm; H[d] = immHi; break;
        case 0xbf: // mov, movsx
          if (off === 0) { L[d] = L[s]!; H[d] = H[s]!; }
          else if (off === 8) { L[d] = (L[s]! << 24) >> 24; H[d] = L[d]! >> 31; }
          else if (off === 16) { L[d] = (L[s]! << 16) >> 16; H[d] = L[d]! >> 31; }
          else { L[d] = L[s]!; H[d] = L[s]! >> 31; }
          break;
        case 0xc7: case 0xcf: arsh64(L[d]!, H[d]!, (op & 8 ? L[s]! : imm) & 63); L[d] = R64[0]!; H[d] = R64[1]!; break;
        case 0xd7: // bswap
          if (imm === 16) { L[d] = bswap16(L[d]!); H[d] = 0; }
          else if (imm === 32) { L[d] = bswap32(L[d]!); H[d] = 0; }
          else { const t = bswap32(L[d]!); L[d] = bswap32(H[d]!); H[d] = t; }
          break;

        // ---- ALU (32-bit, zero-extending) -------------------------------------------------------
        case 0x04: case 0x0c: L[d] = (L[d]! + (op & 8 ? L[s]! : imm)) | 0; H[d] = 0; break;
        case 0x14: case 0x1c: L[d] = (L[d]! - (op & 8 ? L[s]! : imm)) | 0; H[d] = 0; break;
        case 0x24: case 0x2c: L[d] = Math.imul(L[d]!, op & 8 ? L[s]! : imm); H[d] = 0; break;
        case 0x34: case 0x3c: { // div, sdiv
          const b = op & 8 ? L[s]! : imm;
          if (b === 0) L[d] = 0;
          else if (off === 1) L[d] = Math.trunc(L[d]! / b) | 0;
          else L[d] = Math.floor((L[d]! >>> 0) / (b >>> 0)) | 0;
          H[d] = 0;
          break;
        }
        case 0x44: case 0x4c: L[d] = L[d]! | (op & 8 ? L[s]! : imm); H[d] = 0; break;
        case 0x54: case 0x5c: L[d] = L[d]! & (op & 8 ? L[s]! : imm); H[d] = 0; break;
        case 0x64: case 0x6c: L[d] = L[d]! << ((op & 8 ? L[s]! : imm) & 31); H[d] = 0; break;
        case 0x74: case 0x7c: L[d] = L[d]! >>> ((op & 8 ? L[s]! : imm) & 31); H[d] = 0; break;
        case 0x84: L[d] = -L[d]! | 0; H[d] = 0; break;
        case 0x94: case 0x9c: { // mod, smod: by zero leaves dst (truncated to 32 bits)
          const b = op & 8 ? L[s]! : imm;
          if (b !== 0) L[d] = off === 1 ? L[d]! % b | 0 : (L[d]! >>> 0) % (b >>> 0) | 0;
          H[d] = 0;
          break;
        }
        case 0xa4: case 0xac: L[d] = L[d]! ^ (op & 8 ? L[s]! : imm); H[d] = 0; break;
        case 0xb4: L[d] = imm; H[d] = 0; break;
        case 0xbc:
          L[d] = off === 8 ? (L[s]! << 24) >> 24 : off === 16 ? (L[s]! << 16) >> 16 : L[s]!;
          H[d] = 0;
          break;
        case 0xc4: case 0xcc: L[d] = L[d]! >> ((op & 8 ? L[s]! : imm) & 31); H[d] = 0; break;
        case 0xd4: // le: truncate on a little-endian machine
          if (imm === 16) { L[d] = L[d]! & 0xffff; H[d] = 0; }
          else if (imm === 32) H[d] = 0;
          break;
        case 0xdc: // be
          if (imm === 16) { L[d] = bswap16(L[d]!); H[d] = 0; }
          else if (imm === 32) { L[d] = bswap32(L[d]!); H[d] = 0; }
          else { const t = bswap32(L[d]!); L[d] = bswap32(H[d]!); H[d] = t; }
          break;

        // ---- Loads and stores -------------------------------------------------------------------
        case 0x18: L[d] = imm; H[d] = imms[pc + 1]!; pc++; break;
        case 0x61: addr(s, off); if (!access(4, false)) break; L[d] = R!.dv.getInt32(o, true); H[d] = 0; break;
        case 0x69: addr(s, off); if (!access(2, false)) break; L[d] = R!.dv.getUint16(o, true); H[d] = 0; break;
        case 0x71: addr(s, off); if (!access(1, false)) break; L[d] = R!.u8[o]!; H[d] = 0; break;
        case 0x79: addr(s, off); if (!access(8, false)) break; L[d] = R!.dv.getInt32(o, true); H[d] = R!.dv.getInt32(o + 4, true); break;
        case 0x81: addr(s, off); if (!access(4, false)) break; L[d] = R!.dv.getInt32(o, true); H[d] = L[d]! >> 31; break;
        case 0x89: addr(s, off); if (!access(2, false)) break; L[d] = R!.dv.getInt16(o, true); H[d] = L[d]! >> 31; break;
        case 0x91: addr(s, off); if (!access(1, false)) break; L[d] = R!.dv.getInt8(o); H[d] = L[d]! >> 31; break;
        case 0x62: addr(d, off); if (!access(4, true)) break; R!.dv.setInt32(o, imm, true); break;
        case 0x6a: addr(d, off); if (!access(2, true)) break; R!.dv.setInt16(o, imm, true); break;
        case 0x72: addr(d, off); if (!access(1, true)) break; R!.u8[o] = imm; break;
        case 0x7a: addr(d, off); if (!access(8, true)) break; R!.dv.setInt32(o, imm, true); R!.dv.setInt32(o + 4, immHi, true); break;
        case 0x63: addr(d, off); if (!access(4, true)) break; R!.dv.setInt32(o, L[s]!, true); break;
        case 0x6b: addr(d, off); if (!access(2, true)) break; R!.dv.setInt16(o, L[s]!, true); break;
        case 0x73: addr(d, off); if (!access(1, true)) break; R!.u8[o] = L[s]!; break;
        case 0x7b: addr(d, off); if (!access(8, true)) break; R!.dv.setInt32(o, L[s]!, true); R!.dv.setInt32(o + 4, H[s]!, true); break;
        case 0xc3: { // atomic, 32-bit
          addr(d, off);
          if (!access(4, true)) break;
          const old = R!.dv.getInt32(o, true);
          const v = L[s]!;
          switch (imm & ~1) {
            case 0x00: R!.dv.setInt32(o, (old + v) | 0, true); break;
            case 0x40: R!.dv.setInt32(o, old | v, true); break;
            case 0x50: R!.dv.setInt32(o, old & v, true); break;
            case 0xa0: R!.dv.setInt32(o, old ^ v, true); break;
            case 0xe0: R!.dv.setInt32(o, v, true); break;
            case 0xf0: // cmpxchg: r0 gets the old value either way
              if (old === L[0]) R!.dv.setInt32(o, v, true);
              L[0] = old; H[0] = 0;
              break;
          }
          if (imm & 1 && imm !== 0xf1) { L[s] = old; H[s] = 0; }
          break;
        }
        case 0xdb: { // atomic, 64-bit
          addr(d, off);
          if (!access(8, true)) break;
          const dv = R!.dv;
          const ol = dv.getInt32(o, true), oh = dv.getInt32(o + 4, true);
          const vl = L[s]!, vh = H[s]!;
          let nl = ol, nh = oh;
          switch (imm & ~1) {
            case 0x00: { const t = (ol >>> 0) + (vl >>> 0); nl = t | 0; nh = (oh + vh + (t > 0xffffffff ? 1 : 0)) | 0; break; }
            case 0x40: nl = ol | vl; nh = oh | vh; break;
            case 0x50: nl = ol & vl; nh = oh & vh; break;
            case 0xa0: nl = ol ^ vl; nh = oh ^ vh; break;
            case 0xe0: nl = vl; nh = vh; break;
            case 0xf0:
              if (ol === L[0] && oh === H[0]) { nl = vl; nh = vh; }
              L[0] = ol; H[0] = oh;
              break;
          }
          dv.setInt32(o, nl, true);
          dv.setInt32(o + 4, nh, true);
          if (imm & 1 && imm !== 0xf1) { L[s] = ol; H[s] = oh; }
          break;
        }
        case 0x20: case 0x28: case 0x30: case 0x40: case 0x48: case 0x50: { // legacy packet loads
          const v = this.packetLoad((op & 0x40 ? L[s]! + imm : imm) >>> 0, op & 0x18 ? (op & 0x10 ? 1 : 2) : 4);
          // Out-of-bounds packet access ends the program with 0, as in Linux.
          L[0] = v < 0 ? 0 : v | 0;
          H[0] = 0;
          if (v < 0) return this.finish(left);
          break;
        }

        // ---- Jumps ----------------------------------------------------------------------------------
        case 0x05: pc += off; break;
        case 0x06: pc += imm; break;
        case 0x85: case 0x8d: { // call
          if (op === 0x85 && s === 1) { // BPF-to-BPF
            if (depth + 1 >= MAX_CALL_FRAMES) {
              this.faultPc = pc;
              status = FAULT_CALL_DEPTH;
              break;
            }
            const f = depth * FRAME_WORDS;
            const F = this.frames;
            F[f] = pc;
            for (let r = 6; r <= 10; r++) { F[f + 1 + (r - 6) * 2] = L[r]!; F[f + 2 + (r - 6) * 2] = H[r]!; }
            depth++;
            L[10] = (L[10]! - MAX_BPF_STACK) | 0;
            pc += imm;
            break;
          }
          const id = op === 0x8d ? L[d]! : imm;
          const fn = id >= 0 && id < this.helpers.length ? this.helpers[id] : undefined;
          if (!fn) {
            this.faultPc = pc;
            this.faultSize = id;
            status = FAULT_BAD_HELPER;
            break;
          }
          const st = fn(this);
          if (st !== VM_OK) {
            this.faultPc = pc;
            this.faultSize = id;
            status = st;
          }
          break;
        }
        case 0x95: // exit
          if (depth === 0) return this.finish(left);
          depth--;
          {
            const f = depth * FRAME_WORDS;
            const F = this.frames;
            pc = F[f]!;
            for (let r = 6; r <= 10; r++) { L[r] = F[f + 1 + (r - 6) * 2]!; H[r] = F[f + 2 + (r - 6) * 2]!; }
          }
          break;
        default:
          if ((op & 0x07) === 0x05 || (op & 0x07) === 0x06) {
            if (cond(op, L[d]!, H[d]!, op & 8 ? L[s]! : imm, op & 8 ? H[s]! : immHi)) pc += off;
            break;
          }
          // Load-time validation admits no other opcode.
          this.faultPc = pc;
          status = FAULT_FELL_OFF;
      }
      if (status !== VM_OK) break;
      pc++;
    }
    this.executed = this.budget - Math.max(left, 0);
    return status;
  }

  private finish(left: number): number {
    this.executed = this.budget - left;
    return VM_OK;
  }
}

/** A conditional jump's verdict: JMP compares 64 bits, JMP32 the low 32. */
export function cond(op: number, al: number, ah: number, bl: number, bh: number): boolean {
  const is32 = (op & 7) === 6;
  switch (op & 0xf0) {
    case 0x10: return al === bl && (is32 || ah === bh);
    case 0x50: return al !== bl || (!is32 && ah !== bh);
    case 0x40: return (al & bl) !== 0 || (!is32 && (ah & bh) !== 0);
    case 0x20: return is32 ? al >>> 0 > bl >>> 0 : ucmp64(al, ah, bl, bh) > 0;
    case 0x30: return is32 ? al >>> 0 >= bl >>> 0 : ucmp64(al, ah, bl, bh) >= 0;
    case 0xa0: return is32 ? al >>> 0 < bl >>> 0 : ucmp64(al, ah, bl, bh) < 0;
    case 0xb0: return is32 ? al >>> 0 <= bl >>> 0 : ucmp64(al, ah, bl, bh) <= 0;
    case 0x60: return is32 ? al > bl : scmp64(al, ah, bl, bh) > 0;
    case 0x70: return is32 ? al >= bl : scmp64(al, ah, bl, bh) >= 0;
    case 0xc0: return is32 ? al < bl : scmp64(al, ah, bl, bh) < 0;
    case 0xd0: return is32 ? al <= bl : scmp64(al, ah, bl, bh) <= 0;
    default: return false;
  }
}
