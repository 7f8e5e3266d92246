// Signal names and numbers (x86-64), as kill and timeout accept them: `9`, `KILL`, `SIGKILL`.

const NAMES: readonly string[] = [
  '', 'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM',
  'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO', 'PWR', 'SYS',
];

/** A signal's number from its number or name (with or without SIG, any case), or null. */
export function signalNumber(spec: string): number | null {
  if (/^[0-9]+$/.test(spec)) {
    const n = Number(spec);
    return n < 65 ? n : null;
  }
  const name = spec.toUpperCase().replace(/^SIG/, '');
  const i = NAMES.indexOf(name);
  return i > 0 ? i : null;
}
