// Command-line options as glibc's getopt_long reads them for the GNU tools: options and operands
// in any order (`grep foo file -n`), `--` ending options, short options clustered (`-nv`) with an
// argument attached or following (`-n5`, `-n 5`), long options by any unambiguous prefix
// (`--lin=5`). Errors are glibc's words; the tool adds its "Try '... --help'" line.

export interface LongOption {
  name: string;
  /** The short option it stands for, or a key of its own when there is none. */
  key: string;
  /** 'optional': only as `--name=value`. */
  arg: boolean | 'optional';
}

export interface Option {
  key: string;
  /** The option's argument, or null for an option without one. */
  value: string | null;
}

export type GetoptResult = { options: Option[]; operands: string[] } | { error: string };

/**
 * SHORT is getopt's option string (`n:` takes an argument; a leading `+` stops at the first
 * operand, as env needs to leave its command's options alone; `#` takes digits as one option
 * whose value they are, grep's -NUM). ARGS excludes argv[0]; PROG is how errors name the tool.
 * IS_OPERAND picks out arguments that are operands though they start with `-` (seq's `-3`).
 */
export function getopt(prog: string, args: readonly string[], short: string, long: readonly LongOption[] = [], isOperand?: (arg: string) => boolean): GetoptResult {
  const options: Option[] = [];
  const operands: string[] = [];
  const inOrder = short.startsWith('+');
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const operand = !a.startsWith('-') || a === '-' || isOperand?.(a) === true;
    if (a === '--' || (inOrder && operand)) {
      operands.push(...args.slice(a === '--' ? i + 1 : i));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const exact = long.find((o) => o.name === name);
      const candidates = exact ? [exact] : long.filter((o) => o.name.startsWith(name));
      if (candidates.length === 0) return { error: `${prog}: unrecognized option '${a}'` };
      if (new Set(candidates.map((o) => o.key)).size > 1) {
        return { error: `${prog}: option '${a.slice(0, eq < 0 ? undefined : eq)}' is ambiguous; possibilities:${candidates.map((o) => ` '--${o.name}'`).join('')}` };
      }
      const opt = candidates[0]!;
      if (opt.arg === 'optional') options.push({ key: opt.key, value: eq >= 0 ? a.slice(eq + 1) : null });
      else if (!opt.arg) {
        if (eq >= 0) return { error: `${prog}: option '--${opt.name}' doesn't allow an argument` };
        options.push({ key: opt.key, value: null });
      } else if (eq >= 0) options.push({ key: opt.key, value: a.slice(eq + 1) });
      else if (i + 1 < args.length) options.push({ key: opt.key, value: args[++i]! });
      else return { error: `${prog}: option '--${opt.name}' requires an argument` };
      continue;
    }
    if (operand) {
      operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (c >= '0' && c <= '9' && short.includes('#')) {
        const digits = /^[0-9]+/.exec(a.slice(j))![0];
        options.push({ key: '#', value: digits });
        j += digits.length - 1;
        continue;
      }
      const at = c === ':' || c === '+' || c === '#' ? -1 : short.indexOf(c);
      if (at < 0) return { error: `${prog}: invalid option -- '${c}'` };
      if (short[at + 1] !== ':') {
        options.push({ key: c, value: null });
        continue;
      }
      if (j + 1 < a.length) options.push({ key: c, value: a.slice(j + 1) });
      else if (i + 1 < args.length) options.push({ key: c, value: args[++i]! });
      else return { error: `${prog}: option requires an argument -- '${c}'` };
      break;
    }
  }
  return { options, operands };
}

/**
 * getopt for a utility that needs an operand: the options and operands, or null once the usage
 * error (a bad option, or `missing operand`) is written.
 */
export function getoptOperands(
  prog: string,
  args: readonly string[],
  short: string,
  long: readonly LongOption[],
  stderr: (s: string) => void,
): { options: Option[]; operands: string[] } | null {
  const parsed = getopt(prog, args, short, long);
  if ('error' in parsed) {
    stderr(usageError(prog, parsed.error));
    return null;
  }
  if (parsed.operands.length === 0) {
    stderr(usageError(prog, `${prog}: missing operand`));
    return null;
  }
  return parsed;
}

/** The usual ending of a usage error: the error, then where to find help. */
export function usageError(prog: string, error: string): string {
  return `${error}\nTry '${prog} --help' for more information.\n`;
}

const MULTIPLIERS: Record<string, number> = { b: 512, k: 1024, K: 1024, m: 1024 ** 2, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4, P: 1024 ** 5, E: 1024 ** 6, Z: 1024 ** 7, Y: 1024 ** 8 };

/**
 * A count as gnulib's xstrtoumax reads one for head, tail and friends: decimal digits and an
 * optional multiplier (`b` 512, `K` 1024, `kB` 1000, `KiB` 1024, `M`, `G`, ... likewise).
 * Null if S is not one. Counts too large to matter are Infinity.
 */
export function parseCount(s: string): number | null {
  const m = /^\+?([0-9]+)(?:([bkKmMGTPEZY])(B|iB)?)?$/.exec(s);
  if (!m) return null;
  const n = Number(m[1]);
  if (m[2] === undefined) return n;
  if (m[2] === 'b' && m[3] !== undefined) return null;
  const unit = m[3] === 'B' ? 1000 ** Math.round(Math.log(MULTIPLIERS[m[2]]!) / Math.log(1024)) : MULTIPLIERS[m[2]]!;
  return n * unit;
}
