// The limits bpftrace 0.17 keeps on its BPFtrace object (bpftrace.h) and main.cpp's parse_env
// sets from BPFTRACE_* environment variables. The library takes them as values: only the command
// line reads the environment, so every other caller says what it wants, or takes 0.17's defaults.

export interface BpftraceSettings {
  /**
   * strlen_ (BPFTRACE_STRLEN): the string str() and path() make and the most buf() keeps. A
   * size in bytes; the command line refuses more than 200, as 0.17 does.
   */
  strlen: number;
  /** mapmax_ (BPFTRACE_MAP_KEYS_MAX): max_entries of the program's maps. */
  mapmax: bigint;
  /** max_probes_ (BPFTRACE_MAX_PROBES): the most attachments prerun lets through. */
  maxProbes: bigint;
  /** max_programs_ (BPFTRACE_MAX_BPF_PROGS): the most programs codegen makes for expanded probes. */
  maxPrograms: bigint;
  /** log_size_ (BPFTRACE_LOG_SIZE): the verifier log buffer each program loads with under -v. */
  logSize: bigint;
  /** perf_rb_pages_ (BPFTRACE_PERF_RB_PAGES): pages of each CPU's perf buffer. */
  perfRbPages: bigint;
  /** cat_bytes_max_ (BPFTRACE_CAT_BYTES_MAX): the most of a file cat() prints. */
  catBytesMax: bigint;
  /** ast_max_nodes_ (BPFTRACE_NODE_MAX): the NodeCounter pass fails a program with this many nodes or more. */
  astMaxNodes: bigint;
}

const UINT64_MAX = (1n << 64n) - 1n;

/** What 0.17 runs with when no variable is set (main.cpp leaves ast_max_nodes_ at UINT64_MAX). */
export const DEFAULT_SETTINGS: Readonly<BpftraceSettings> = Object.freeze({
  strlen: 64,
  mapmax: 4096n,
  maxProbes: 512n,
  maxPrograms: 512n,
  logSize: 1_000_000n,
  perfRbPages: 64n,
  catBytesMax: 10240n,
  astMaxNodes: UINT64_MAX,
});
