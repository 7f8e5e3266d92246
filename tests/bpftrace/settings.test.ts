// The BPFTRACE_* environment variables: the command line reads them as 0.17's parse_env does and
// hands the settings on; the library takes them only as options. What the real tool prints for
// each is in the golden corpus (tests/golden/bpftrace/*/env_* and err_env_*); these check the
// reading itself where the corpus cannot show it, and the library without a command line.

import { describe, expect, it } from 'vitest';
import { bpftraceCommand, type BpftraceOptions } from '../../src/cli/bpftrace.js';
import { compile } from '../../src/bpftrace/compile.js';
import { Diagnostics } from '../../src/bpftrace/diagnostics.js';
import { DEFAULT_SETTINGS, type BpftraceSettings } from '../../src/bpftrace/settings.js';

/** The settings bpftraceCommand hands the runtime for this environment, or what it printed instead. */
async function settingsFor(env: Record<string, string>, args = ['-e', 'BEGIN {}']): Promise<BpftraceSettings | { status: number; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  let got: BpftraceOptions | undefined;
  const io = { stdout: (s: string) => void (stdout += s), stderr: (s: string) => void (stderr += s), stdin: () => '', getenv: (name: string) => env[name] };
  const status = await bpftraceCommand(args, io, {
    version: '0',
    runProgram: (opts) => {
      got = opts;
      return 0;
    },
  });
  return got ? got.settings : { status, stderr, stdout };
}

describe('parse_env', () => {
  it('leaves 0.17\'s defaults without the variables, or without an environment at all', async () => {
    expect(await settingsFor({})).toEqual(DEFAULT_SETTINGS);
    let got: BpftraceOptions | undefined;
    const io = { stdout: () => {}, stderr: () => {}, stdin: () => '' };
    await bpftraceCommand(['-e', 'BEGIN {}'], io, { version: '0', runProgram: (o) => ((got = o), 0) });
    expect(got?.settings).toEqual(DEFAULT_SETTINGS);
  });

  it('reads a number as `stream >> uint64_t` does: white space, a sign, digits up to anything else', async () => {
    const mapmax = async (text: string) => ((await settingsFor({ BPFTRACE_MAP_KEYS_MAX: text })) as BpftraceSettings).mapmax;
    expect(await mapmax('2')).toBe(2n);
    expect(await mapmax(' \t\n+12abc')).toBe(12n);
    expect(await mapmax('0x10')).toBe(0n);
    expect(await mapmax('007')).toBe(7n);
    expect(await mapmax('18446744073709551615')).toBe(18446744073709551615n);
    expect(await mapmax('-1')).toBe(18446744073709551615n);
    expect(await mapmax('-18446744073709551615')).toBe(1n);
    for (const bad of ['', 'abc', '-', '+-1', '- 1', '18446744073709551616', '-18446744073709551616']) {
      expect(await settingsFor({ BPFTRACE_MAP_KEYS_MAX: bad }), JSON.stringify(bad)).toEqual({
        status: 1,
        stdout: '',
        stderr: "ERROR: Env var 'BPFTRACE_MAP_KEYS_MAX' did not contain a valid uint64_t, or was zero-valued.\n",
      });
    }
  });

  it('sets each limit from its variable', async () => {
    expect(
      await settingsFor({
        BPFTRACE_STRLEN: '200',
        BPFTRACE_MAP_KEYS_MAX: '1',
        BPFTRACE_MAX_PROBES: '2',
        BPFTRACE_MAX_BPF_PROGS: '3',
        BPFTRACE_LOG_SIZE: '4',
        BPFTRACE_PERF_RB_PAGES: '8',
        BPFTRACE_CAT_BYTES_MAX: '5',
        BPFTRACE_NODE_MAX: '6',
      }),
    ).toEqual({ strlen: 200, mapmax: 1n, maxProbes: 2n, maxPrograms: 3n, logSize: 4n, perfRbPages: 8n, catBytesMax: 5n, astMaxNodes: 6n });
  });

  it('checks the environment before listing probes, after the options', async () => {
    const bad = { BPFTRACE_NO_USER_SYMBOLS: 'yes' };
    expect(await settingsFor(bad, ['-l', 'tracepoint:oom:*'])).toEqual({
      status: 1,
      stdout: '',
      stderr: "ERROR: Env var 'BPFTRACE_NO_USER_SYMBOLS' did not contain a valid value (0 or 1).\n",
    });
    expect(await settingsFor(bad, ['-f', 'xml', '-e', 'BEGIN {}'])).toMatchObject({ status: 1, stderr: 'ERROR: Invalid output format "xml"\nValid formats: \'text\', \'json\'\n' });
  });
});

describe('the settings in the library', () => {
  const typeOfStr = (settings?: BpftraceSettings) => {
    const c = compile('BEGIN { @ = str(0); }', new Diagnostics(), { filename: 'stdin', params: [], unsafe: false, ...(settings ? { settings } : {}) });
    return c?.sem.maps.get('@')?.value;
  };

  it('sizes str() by strlen, 64 by default', () => {
    expect(typeOfStr()?.size).toBe(64);
    expect(typeOfStr({ ...DEFAULT_SETTINGS, strlen: 16 })?.size).toBe(16);
  });

  it('gives user maps mapmax entries, as the int 0.17 passes to BPF_MAP_CREATE', () => {
    const entries = (mapmax: bigint) =>
      compile('BEGIN { @[1] = 1; @c = count(); }', new Diagnostics(), { filename: 'stdin', params: [], unsafe: false, settings: { ...DEFAULT_SETTINGS, mapmax } })!.compiled.maps.map((m) => [m.name, m.maxEntries]);
    expect(entries(4096n)).toEqual([['@', 4096], ['@c', 1], ['printf', 0]]);
    expect(entries((1n << 32n) + 5n)).toEqual([['@', 5], ['@c', 1], ['printf', 0]]);
  });
});
