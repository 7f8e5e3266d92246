// /proc/kallsyms, Linux 5.0 kernel/kallsyms.c s_show: "%px %c %s\n", and "%px %c %s\t[%s]\n" for
// module symbols. BPF programs (get_ksymbol_bpf, bpf_get_kallsym) carry no module name in 5.0;
// the `\t[bpf]` 6.18 prints arrived later, so this follows 5.0.

export interface KallsymsCoreSymbol {
  readonly kind: 'core';
  readonly value: bigint;
  /** The letter kallsyms recorded for vmlinux: t/T, d/D, b/B, r/R, W, ... */
  readonly type: string;
  readonly name: string;
}

export interface KallsymsModuleSymbol {
  readonly kind: 'module';
  readonly value: bigint;
  /** The symbol's letter from the module's ELF symbol table. */
  readonly type: string;
  readonly name: string;
  readonly module: string;
  /** EXPORT_SYMBOL'd symbols print their letter in upper case, the rest in lower case. */
  readonly exported: boolean;
}

export interface KallsymsBpfSymbol {
  readonly kind: 'bpf';
  /** prog->bpf_func. */
  readonly value: bigint;
  /** prog->tag as 16 lower-case hex digits. */
  readonly tag: string;
  /** The BTF function name if the program has func info, else prog->aux->name (may be empty). */
  readonly progName: string;
}

export type KallsymsEntry = KallsymsCoreSymbol | KallsymsModuleSymbol | KallsymsBpfSymbol;

export interface KallsymsSnapshot {
  /** kallsyms_show_value(): false prints every address as zeros. */
  readonly showValue: boolean;
  /** Core symbols, module symbols, then BPF programs, as the iterator visits them. */
  readonly entries: readonly KallsymsEntry[];
}

/** BPF_SYM_ELF_TYPE. */
const BPF_SYM_TYPE = 't';

/** bpf_get_prog_name. */
const bpfProgName = (sym: KallsymsBpfSymbol): string =>
  `bpf_prog_${sym.tag}${sym.progName === '' ? '' : `_${sym.progName}`}`;

export function formatKallsyms(snap: KallsymsSnapshot): string {
  let out = '';
  for (const e of snap.entries) {
    const value = (snap.showValue ? e.value : 0n).toString(16).padStart(16, '0');
    if (e.kind === 'bpf') {
      out += `${value} ${BPF_SYM_TYPE} ${bpfProgName(e)}\n`;
    } else if (e.name === '') {
      // "Some debugging symbols have no name.  Ignore them."
      continue;
    } else if (e.kind === 'module') {
      const type = e.exported ? e.type.toUpperCase() : e.type.toLowerCase();
      out += `${value} ${type} ${e.name}\t[${e.module}]\n`;
    } else {
      out += `${value} ${e.type} ${e.name}\n`;
    }
  }
  return out;
}
