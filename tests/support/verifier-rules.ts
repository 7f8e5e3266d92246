// One accepted and one rejected program per verifier rule, with the verdict of each dialect.
// 5.0's messages come from the v5.0 source (kernel/bpf/verifier.c); every 6.x verdict and message
// was checked against Linux 6.18's bpf() by scripts/check-verifier-rules.ts.

import type { ProgTypeName } from '../../src/bpf/verifier/prog_types.js';

/** 'accept', or the rejection's message (the log's last line). */
export type Want = string;
export interface RuleCase {
  src: string;
  type?: ProgTypeName;
  maps?: string[];
  privileged?: boolean;
  gpl?: boolean;
  /** A line the log must hold before the message, for rejections Linux explains in two lines. */
  logs?: string;
  '5.0': Want;
  '6.x': Want;
}

export const OK = 'accept';

const same = (w: Want): { '5.0': Want; '6.x': Want } => ({ '5.0': w, '6.x': w });

// A hash map lookup with the key built on the stack, as bpftrace emits it.
const LOOKUP = `*(u32 *)(r10 -4) = 0
r1 = map[id:1]
r2 = r10
r2 += -4
call bpf_map_lookup_elem#1`;
const HASH = ['hash:4:8:16'];

export const RULES: Record<string, Record<string, RuleCase>> = {
  'control flow': {
    'every instruction reachable': { src: 'r0 = 0\nexit', ...same(OK) },
    'an instruction no path reaches': { src: 'r0 = 0\nexit\nr0 = 1\nexit', ...same('unreachable insn 2') },
    'a jump past the end': { src: 'r0 = 0\nif r1 == 0x0 goto pc+5\nexit', ...same('jump out of range from insn 1 to 7') },
    'a jump before the start': { src: 'r0 = 0\ngoto pc-3\nexit', ...same('jump out of range from insn 1 to -1') },
    'a program that ends without exit': { src: 'r0 = 0\nexit\nr0 = 1', ...same('last insn is not an exit or jmp') },
    'a jump into the second half of an lddw': {
      src: 'r0 = 0\nif r1 == 0x0 goto pc+1\nr2 = 0x1234567890\nexit',
      '5.0': 'invalid BPF_LD_IMM insn',
      '6.x': 'jump into the middle of ldimm64 insn 2',
    },
    'an opcode Linux does not know': { src: 'raw ff00000000000000\nexit', ...same('unknown opcode ff') },
    'reserved fields set': { src: 'raw 0701010000000000\nr0 = 0\nexit', ...same('BPF_ALU uses reserved fields') },
    'a loop': {
      src: 'r0 = 0\nr1 = 4\nloop:\nr0 += 1\nr1 += -1\nif r1 != 0x0 goto loop\nexit',
      '5.0': 'back-edge from insn 4 to 2',
      '6.x': OK,
    },
    'a loop with no end': {
      src: 'r0 = 0\nloop:\nr0 = 1\ngoto loop\nexit',
      '5.0': 'back-edge from insn 2 to 1',
      '6.x': 'unreachable insn 3',
    },
    'a loop whose counter never settles': {
      src: 'r0 = 0\nloop:\nif r0 == 0x0 goto loop\nexit',
      '5.0': 'back-edge from insn 1 to 1',
      '6.x': 'infinite loop detected at insn 1',
    },
  },

  'BPF-to-BPF calls': {
    'a call with its own frame': { src: 'r1 = 1\ncall pc+2\nr0 = 0\nexit\nr0 = r1\nexit', ...same(OK) },
    'a callee reading a callee-saved register': {
      src: 'call pc+2\nr0 = 0\nexit\nr0 = r6\nexit',
      ...same('R6 !read_ok'),
    },
    'calls for the unprivileged': {
      src: 'call pc+2\nr0 = 0\nexit\nr0 = 0\nexit',
      privileged: false,
      type: 'socket_filter',
      '5.0': 'function calls to other bpf functions are allowed for root only',
      '6.x': 'loading/calling other bpf or kernel functions are allowed for CAP_BPF and CAP_SYS_ADMIN',
    },
    'a call out of the program': { src: 'call pc+5\nr0 = 0\nexit', ...same('call to invalid destination') },
    'a callee returning a pointer into its own stack': {
      src: 'call pc+2\nr0 = 0\nexit\nr0 = r10\nexit',
      ...same('cannot return stack pointer to the caller'),
    },
  },

  'registers': {
    'reading a register never written': { src: 'r0 = r2\nexit', ...same('R2 !read_ok') },
    'writing the frame pointer': { src: 'r10 = 0\nr0 = 0\nexit', ...same('frame pointer is read only') },
    'r1-r5 after a call': {
      src: 'r6 = r1\ncall bpf_ktime_get_ns#5\nr0 = r6\nr0 = r1\nexit',
      ...same('R1 !read_ok'),
    },
    'r6-r9 survive a call': { src: 'r6 = 7\ncall bpf_ktime_get_ns#5\nr0 = r6\nexit', ...same(OK) },
    'exit without r0': { src: 'exit', ...same('R0 !read_ok') },
    'returning a pointer, privileged': { src: 'r0 = r1\nexit', ...same(OK) },
    'returning a pointer, unprivileged': {
      src: 'r0 = r10\nexit',
      type: 'socket_filter',
      privileged: false,
      ...same('R0 leaks addr as return value'),
    },
  },

  'arithmetic on pointers': {
    'a constant added to the stack pointer': { src: 'r1 = r10\nr1 += -8\n*(u64 *)(r1 +0) = 0\nr0 = 0\nexit', ...same(OK) },
    'multiplying a pointer': {
      src: 'r1 *= 2\nr0 = 0\nexit',
      '5.0': 'R1 pointer arithmetic with *= operator prohibited',
      '6.x': 'R1 pointer arithmetic with *= operator prohibited',
    },
    'masking a pointer': { src: 'r1 &= 4\nr0 = 0\nexit', ...same('R1 bitwise operator &= on pointer prohibited') },
    'arithmetic on a pointer that may be null': {
      src: `${LOOKUP}\nr0 += 8\nr0 = 0\nexit`,
      maps: HASH,
      '5.0': 'R0 pointer arithmetic on map_value_or_null prohibited, null-check it first',
      '6.x': 'R0 pointer arithmetic on map_value_or_null prohibited, null-check it first',
    },
    'adding two pointers': { src: 'r1 += r10\nr0 = 0\nexit', ...same('R1 pointer += pointer prohibited') },
    'a scalar minus a pointer': { src: 'r2 = 0\nr2 -= r1\nr0 = 0\nexit', ...same('R2 tried to subtract pointer from scalar') },
    'a scalar that may be negative added to a map value pointer': {
      src: `${LOOKUP}\nif r0 == 0x0 goto out\nr6 = r0\ncall bpf_get_prandom_u32#7\nr6 += r0\nr0 = *(u8 *)(r6 +0)\nout:\nr0 = 0\nexit`,
      maps: ['array:4:64:4'],
      ...same('math between map_value pointer and register with unbounded min value is not allowed'),
    },
    'a scalar with no upper bound added to a map value pointer': {
      src: `${LOOKUP}\nif r0 == 0x0 goto out\nr6 = r0\ncall bpf_get_prandom_u32#7\nr0 >>= 1\nr6 += r0\nr0 = *(u8 *)(r6 +0)\nout:\nr0 = 0\nexit`,
      maps: ['array:4:64:4'],
      '5.0': 'R6 unbounded memory access, make sure to bounds check any array access into a map',
      '6.x': 'R6 unbounded memory access, make sure to bounds check any such access',
    },
    'a masked scalar added to a map value pointer': {
      src: `${LOOKUP}\nif r0 == 0x0 goto out\nr6 = r0\ncall bpf_get_prandom_u32#7\nr0 &= 63\nr6 += r0\nr0 = *(u8 *)(r6 +0)\nout:\nr0 = 0\nexit`,
      maps: ['array:4:64:4'],
      ...same(OK),
    },
  },

  'pointer leaks and comparisons': {
    'a pointer stored into a map value, privileged': {
      src: `${LOOKUP}\nif r0 == 0x0 goto out\n*(u64 *)(r0 +0) = r10\nout:\nr0 = 0\nexit`,
      maps: HASH,
      ...same(OK),
    },
    'a pointer stored into a map value, unprivileged': {
      src: `${LOOKUP}\nif r0 == 0x0 goto out\n*(u64 *)(r0 +0) = r10\nout:\nr0 = 0\nexit`,
      maps: HASH,
      type: 'socket_filter',
      privileged: false,
      ...same('R10 leaks addr into map'),
    },
    'comparing pointers, privileged': { src: 'if r1 > r10 goto pc+0\nr0 = 0\nexit', ...same(OK) },
    'comparing pointers, unprivileged': {
      src: 'if r1 > r10 goto pc+0\nr0 = 0\nexit',
      type: 'socket_filter',
      privileged: false,
      // The source operand is checked first.
      ...same('R10 pointer comparison prohibited'),
    },
  },

  'the stack': {
    'the bottom slot of the frame': { src: '*(u64 *)(r10 -512) = 0\nr0 = *(u64 *)(r10 -512)\nexit', ...same(OK) },
    'below the frame': {
      src: 'r0 = *(u64 *)(r10 -520)\nexit',
      '5.0': 'invalid stack off=-520 size=8',
      '6.x': 'invalid read from stack R10 off=-520 size=8',
    },
    'above the frame': {
      src: '*(u64 *)(r10 +0) = 0\nr0 = 0\nexit',
      '5.0': 'invalid stack off=0 size=8',
      '6.x': 'invalid write to stack R10 off=0 size=8',
    },
    'a misaligned slot': {
      src: '*(u64 *)(r10 -4) = 0\nr0 = 0\nexit',
      '5.0': 'misaligned stack access off (0x0; 0x0)+0+-4 size 8',
      '6.x': 'misaligned stack access off 0+0+-4 size 8',
    },
    'reading what was never written': {
      src: 'r0 = *(u64 *)(r10 -8)\nexit',
      '5.0': 'invalid read from stack off -8+0 size 8',
      '6.x': OK,
    },
    'reading what was never written, unprivileged': {
      src: 'r0 = *(u64 *)(r10 -8)\nexit',
      type: 'socket_filter',
      privileged: false,
      '5.0': 'invalid read from stack off -8+0 size 8',
      // Without CAP_BPF only the stack written so far is in bounds.
      '6.x': 'invalid read from stack R10 off=-8 size=8',
    },
    'reading an unwritten slot below a written one, unprivileged': {
      src: '*(u64 *)(r10 -16) = 0\nr0 = *(u64 *)(r10 -8)\nexit',
      type: 'socket_filter',
      privileged: false,
      ...same('invalid read from stack off -8+0 size 8'),
    },
    'a spilled pointer keeps its type': {
      src: '*(u64 *)(r10 -8) = r1\nr1 = *(u64 *)(r10 -8)\nr0 = *(u64 *)(r1 +0)\nexit',
      ...same(OK),
    },
    'half of a spilled pointer': {
      src: '*(u64 *)(r10 -8) = r1\nr0 = *(u32 *)(r10 -8)\nexit',
      '5.0': 'invalid size of register spill',
      '6.x': 'invalid size of register fill',
    },
    'a spilled pointer partly overwritten, unprivileged': {
      src: '*(u64 *)(r10 -8) = r10\n*(u32 *)(r10 -8) = 0\nr0 = 0\nexit',
      type: 'socket_filter',
      privileged: false,
      ...same('attempt to corrupt spilled pointer on stack'),
    },
  },

  'context access': {
    'kprobe: a pt_regs field': { src: 'r0 = *(u64 *)(r1 +112)\nexit', ...same(OK) },
    'kprobe: past struct pt_regs': { src: 'r0 = *(u64 *)(r1 +168)\nexit', ...same('invalid bpf_context access off=168 size=8') },
    'kprobe: misaligned': { src: 'r0 = *(u64 *)(r1 +4)\nexit', ...same('invalid bpf_context access off=4 size=8') },
    'kprobe: a register stored': { src: 'r2 = 0\n*(u64 *)(r1 +0) = r2\nr0 = 0\nexit', ...same('invalid bpf_context access off=0 size=8') },
    'kprobe: an immediate stored': {
      src: '*(u64 *)(r1 +0) = 0\nr0 = 0\nexit',
      '5.0': 'BPF_ST stores into R1 ctx is not allowed',
      '6.x': 'invalid bpf_context access off=0 size=8',
    },
    'tracepoint: inside the record': { src: 'r0 = *(u64 *)(r1 +2040)\nexit', type: 'tracepoint', ...same(OK) },
    'tracepoint: past 5.0\'s PERF_MAX_TRACE_SIZE': {
      src: 'r0 = *(u64 *)(r1 +2048)\nexit',
      type: 'tracepoint',
      '5.0': 'invalid bpf_context access off=2048 size=8',
      '6.x': OK,
    },
    'socket_filter: skb->len': { src: 'r0 = *(u32 *)(r1 +0)\nexit', type: 'socket_filter', ...same(OK) },
    'socket_filter: writing skb->len': {
      src: '*(u32 *)(r1 +0) = 0\nr0 = 0\nexit',
      type: 'socket_filter',
      '5.0': 'BPF_ST stores into R1 ctx is not allowed',
      '6.x': 'invalid bpf_context access off=0 size=4',
    },
    'a moved ctx pointer': {
      src: 'r1 += 8\nr0 = *(u64 *)(r1 +0)\nexit',
      '5.0': 'dereference of modified ctx ptr R1 off=8 disallowed',
      '6.x': 'dereference of modified ctx ptr R1 off=8 disallowed',
    },
    'a scalar as a pointer': { src: 'r1 = 0\nr0 = *(u64 *)(r1 +0)\nexit', '5.0': "R1 invalid mem access 'inv'", '6.x': "R1 invalid mem access 'scalar'" },
  },

  'map values': {
    'a null-checked lookup': {
      src: `${LOOKUP}\nif r0 == 0x0 goto out\nr0 = *(u64 *)(r0 +0)\nout:\nr0 = 0\nexit`,
      maps: HASH,
      ...same(OK),
    },
    'no null check': {
      src: `${LOOKUP}\nr0 = *(u64 *)(r0 +0)\nexit`,
      maps: HASH,
      ...same("R0 invalid mem access 'map_value_or_null'"),
    },
    'the null branch': {
      src: `${LOOKUP}\nif r0 != 0x0 goto out\nr0 = *(u64 *)(r0 +0)\nout:\nr0 = 0\nexit`,
      maps: HASH,
      '5.0': "R0 invalid mem access 'inv'",
      '6.x': "R0 invalid mem access 'scalar'",
    },
    'past value_size': {
      src: `${LOOKUP}\nif r0 == 0x0 goto out\nr0 = *(u64 *)(r0 +8)\nout:\nr0 = 0\nexit`,
      maps: HASH,
      logs: 'invalid access to map value, value_size=8 off=8 size=8',
      '5.0': 'R0 min value is outside of the array range',
      '6.x': 'R0 min value is outside of the allowed memory range',
    },
    'a variable offset with a bound that is one too loose': {
      src: `${LOOKUP}\nif r0 == 0x0 goto out\nr6 = r0\ncall bpf_get_prandom_u32#7\nif r0 > 0x39 goto out\nr6 += r0\nr0 = *(u64 *)(r6 +0)\nout:\nr0 = 0\nexit`,
      maps: ['array:4:64:4'],
      logs: 'invalid access to map value, value_size=64 off=57 size=8',
      '5.0': 'R6 max value is outside of the array range',
      '6.x': 'R6 max value is outside of the allowed memory range',
    },
  },

  'helper arguments': {
    'map, key on the stack': { src: `${LOOKUP}\nr0 = 0\nexit`, maps: HASH, ...same(OK) },
    'a scalar for the map': {
      src: '*(u32 *)(r10 -4) = 0\nr1 = 0\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem#1\nr0 = 0\nexit',
      '5.0': 'R1 type=inv expected=map_ptr',
      '6.x': 'R1 type=scalar expected=map_ptr',
    },
    'a key never written': {
      src: 'r1 = map[id:1]\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem#1\nr0 = 0\nexit',
      maps: HASH,
      '5.0': 'invalid indirect read from stack off -4+0 size 4',
      '6.x': OK,
    },
    'a key never written, unprivileged': {
      src: 'r1 = map[id:1]\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem#1\nr0 = 0\nexit',
      maps: HASH,
      type: 'socket_filter',
      privileged: false,
      '5.0': 'invalid indirect read from stack off -4+0 size 4',
      '6.x': 'invalid read from stack R2 off=-4 size=4',
    },
    'a key in an unwritten slot below a written one, unprivileged': {
      src: '*(u64 *)(r10 -16) = 0\nr1 = map[id:1]\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem#1\nr0 = 0\nexit',
      maps: HASH,
      type: 'socket_filter',
      privileged: false,
      '5.0': 'invalid indirect read from stack off -4+0 size 4',
      '6.x': 'invalid read from stack R2 off -4+0 size 4',
    },
    'a value that may be null where a value is wanted': {
      src: `${LOOKUP}\nr3 = r0\nr1 = map[id:1]\nr2 = r10\nr2 += -4\nr4 = 0\ncall bpf_map_update_elem#2\nr0 = 0\nexit`,
      maps: HASH,
      '5.0': 'R3 type=map_value_or_null expected=fp',
      '6.x': 'R3 type=map_value_or_null expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_',
    },
    'memory and its size: probe_read into the stack': {
      src: 'r3 = *(u64 *)(r1 +112)\nr1 = r10\nr1 += -16\nr2 = 16\ncall bpf_probe_read#4\nr0 = 0\nexit',
      ...same(OK),
    },
    'a size that may be negative': {
      src: 'r6 = r1\ncall bpf_get_prandom_u32#7\nr2 = r0\nr1 = r10\nr1 += -16\nr3 = *(u64 *)(r6 +112)\ncall bpf_probe_read#4\nr0 = 0\nexit',
      ...same("R2 min value is negative, either use unsigned or 'var &= const'"),
    },
    'a size past the buffer': {
      src: 'r3 = *(u64 *)(r1 +112)\nr1 = r10\nr1 += -16\nr2 = 24\ncall bpf_probe_read#4\nr0 = 0\nexit',
      '5.0': 'invalid stack type R1 off=-16 access_size=24',
      '6.x': 'invalid write to stack R1 off=-16 size=24',
    },
    'an argument never set (ARG_ANYTHING)': {
      src: 'r1 = r10\nr1 += -16\nr2 = 16\ncall bpf_probe_read#4\nr0 = 0\nexit',
      ...same('R3 !read_ok'),
    },
    'the context where the helper wants it': {
      src: 'r2 = map[id:1]\nr3 = 0xffffffff ll\n*(u64 *)(r10 -8) = 0\nr4 = r10\nr4 += -8\nr5 = 8\ncall bpf_perf_event_output#25\nr0 = 0\nexit',
      maps: ['perf_event_array:4:4:4'],
      ...same(OK),
    },
    'not the context': {
      src: 'r1 = r10\nr2 = map[id:1]\nr3 = 0xffffffff ll\n*(u64 *)(r10 -8) = 0\nr4 = r10\nr4 += -8\nr5 = 8\ncall bpf_perf_event_output#25\nr0 = 0\nexit',
      maps: ['perf_event_array:4:4:4'],
      '5.0': 'R1 type=fp expected=ctx',
      '6.x': 'R1 type=fp expected=ctx',
    },
    'a map of the wrong type for the helper': {
      src: 'r2 = map[id:1]\nr3 = 0\ncall bpf_get_stackid#27\nr0 = 0\nexit',
      maps: HASH,
      ...same('cannot pass map_type 1 into func bpf_get_stackid#27'),
    },
  },

  'helpers by program type, id and license': {
    'ktime in a socket filter': { src: 'call bpf_ktime_get_ns#5\nr0 = 0\nexit', type: 'socket_filter', ...same(OK) },
    'probe_read in a socket filter': {
      src: 'r1 = r10\nr1 += -8\nr2 = 8\nr3 = 0\ncall bpf_probe_read#4\nr0 = 0\nexit',
      type: 'socket_filter',
      '5.0': 'unknown func bpf_probe_read#4',
      '6.x': 'program of this type cannot use helper bpf_probe_read#4',
    },
    'a helper id that does not exist': { src: 'call 999\nr0 = 0\nexit', ...same('invalid func unknown#999') },
    'a GPL-only helper from a non-GPL program': {
      src: 'r1 = r10\nr1 += -8\nr2 = 8\nr3 = 0\ncall bpf_probe_read#4\nr0 = 0\nexit',
      gpl: false,
      ...same('cannot call GPL-restricted function from non-GPL compatible program'),
    },
  },
};
