// Why a run stopped early. The VM never throws for anything a program does: it returns one of
// these, and the pc and address that caused it are left on the VM for the error message.

export const VM_OK = 0;
export const FAULT_READ = 1;
export const FAULT_WRITE = 2;
export const FAULT_BUDGET = 3;
export const FAULT_CALL_DEPTH = 4;
export const FAULT_BAD_HELPER = 5;
export const FAULT_HELPER_ARG = 6;
export const FAULT_FELL_OFF = 7;

export function faultMessage(code: number, pc: number, addr: bigint, detail = ''): string {
  const at = `at insn ${pc}`;
  const a = '0x' + addr.toString(16);
  switch (code) {
    case FAULT_READ: return `invalid memory read of ${detail} bytes at ${a} ${at}`;
    case FAULT_WRITE: return `invalid memory write of ${detail} bytes at ${a} ${at}`;
    case FAULT_BUDGET: return `instruction budget of ${detail} exhausted ${at}`;
    case FAULT_CALL_DEPTH: return `call depth exceeds ${detail} frames ${at}`;
    case FAULT_BAD_HELPER: return `call to unknown helper ${detail} ${at}`;
    case FAULT_HELPER_ARG: return `invalid argument to helper ${detail} ${at}`;
    case FAULT_FELL_OFF: return `fell off the end of the program ${at}`;
    default: return `fault ${code} ${at}`;
  }
}
