// Runs a program on both engines and insists they agree on everything observable: status, r0,
// the instruction count, and the memory the program was given.

import { expect } from 'vitest';
import { assemble } from '../../src/bpf/asm.js';
import { VM_OK } from '../../src/bpf/fault.js';
import { StandaloneHost } from '../../src/bpf/host.js';
import type { Insn } from '../../src/bpf/isa.js';
import { AddressSpace, RegionKind } from '../../src/bpf/memory.js';
import { loadProgram, LoadedProgram } from '../../src/bpf/program.js';
import { BpfVm } from '../../src/bpf/vm.js';

export interface RunResult {
  status: number;
  r0: bigint;
  executed: number;
  mem: Uint8Array;
  fault: string;
}

export function runOnce(prog: LoadedProgram, mem: Uint8Array, engine: 'jit' | 'interp', budget?: number): RunResult {
  const as = new AddressSpace();
  const vm = new BpfVm(as, new StandaloneHost());
  if (budget !== undefined) vm.budget = budget;
  const copy = mem.slice();
  const region = copy.length ? as.add(RegionKind.Mem, copy, true, 'mem') : null;
  vm.setContext(region, copy.length);
  const status = vm.run(prog, engine);
  return { status, r0: vm.r0, executed: vm.executed, mem: copy, fault: status === VM_OK ? '' : vm.faultText(status) };
}

export function load(src: string | readonly Insn[]): LoadedProgram {
  const insns = typeof src === 'string' ? assemble(src) : src;
  const prog = loadProgram(insns);
  if (!(prog instanceof LoadedProgram)) throw new Error(`invalid program: insn ${prog.insn}: ${prog.message}`);
  return prog;
}

/** Runs on both engines, checks they agree, returns the interpreter's result. */
export function runBoth(src: string | readonly Insn[], mem: Uint8Array = new Uint8Array(0), budget?: number): RunResult {
  const prog = load(src);
  const a = runOnce(prog, mem, 'interp', budget);
  const b = runOnce(prog, mem, 'jit', budget);
  expect(b.status, `jit status (${b.fault}) vs interpreter (${a.fault})`).toBe(a.status);
  expect(b.r0).toBe(a.r0);
  expect(b.executed).toBe(a.executed);
  expect(Buffer.from(b.mem).toString('hex')).toBe(Buffer.from(a.mem).toString('hex'));
  if (a.status !== VM_OK) expect(b.fault).toBe(a.fault);
  return a;
}

/** r0 of a program that must exit cleanly on both engines. */
export function r0Of(src: string, mem?: Uint8Array): bigint {
  const r = runBoth(src, mem);
  expect(r.fault).toBe('');
  return r.r0;
}
