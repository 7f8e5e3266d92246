// Dev script: writes the verifier corpus, tests/golden/verifier/corpus/*.s. Hand-written cases
// exercise one rule each; the rest are mutations of the code shapes the bpftrace compiler emits
// (map lookups with and without null checks, stack-built keys, histogram bucket arithmetic,
// ctx reads, probe_read to the stack, perf_event_output records). Each file's header names the
// program type and maps. scripts/capture-verifier-corpus.ts then asks the real kernel for the
// verdict of each. Run: npx tsx scripts/gen-verifier-corpus.ts

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = 'tests/golden/verifier/corpus';

interface Case {
  name: string;
  type?: 'kprobe' | 'tracepoint' | 'socket_filter';
  maps?: string[];
  body: string;
}

const cases: Case[] = [];
const add = (name: string, body: string, opts: Omit<Case, 'name' | 'body'> = {}): void => {
  cases.push({ name, body, ...opts });
};
const HASH = ['hash:4:8:16'];
const HASH8 = ['hash:8:8:64'];
const ARRAY = ['array:4:64:4'];

// ---- control flow --------------------------------------------------------------------------
add('cfg-ok-minimal', 'r0 = 0\nexit');
add('cfg-unreachable', 'r0 = 0\nexit\nr0 = 1\nexit');
add('cfg-jump-out-of-range', 'r0 = 0\ngoto pc+40\nexit');
add('cfg-jump-negative-out', 'goto pc-5\nr0 = 0\nexit');
add('cfg-last-not-exit', 'r0 = 0\nr0 += 1');
add('cfg-fallthrough-end-cond', 'r0 = 0\nif r1 == 0x0 goto pc-2');
add('cfg-jump-into-lddw', 'r0 = 0\nif r1 == 0x0 goto pc+1\nr2 = 0x1234567890\nexit');
add('cfg-unknown-opcode', 'raw ff00000000000000\nr0 = 0\nexit');
add('cfg-unknown-alu-op', 'r0 = 0\nraw f700000000000000\nexit');
add('cfg-neg-with-x', 'r0 = 0\nraw 8f00000000000000\nexit');
add('cfg-back-edge-simple', 'r0 = 0\nr1 = 5\nr1 += -1\nif r1 != 0x0 goto pc-2\nexit');
add('cfg-infinite-loop', 'r0 = 0\nr1 = 1\nif r1 > 0x0 goto pc-2\nexit');
add('cfg-loop-bounded-unknown', 'call bpf_get_prandom_u32#7\nr1 = r0\nr1 &= 15\nr0 = 0\nloop:\nr0 += 1\nr1 += -1\nif r1 s> 0x0 goto loop\nexit');
add('cfg-goto-self', 'r0 = 0\ngoto pc-1\nexit');
add('cfg-ja-ok', 'r0 = 0\ngoto pc+1\nr0 = 1\nexit');
add('cfg-diamond', 'call bpf_get_prandom_u32#7\nif r0 > 0x5 goto pc+2\nr0 = 1\ngoto pc+1\nr0 = 2\nexit');

// ---- registers -----------------------------------------------------------------------------
add('reg-uninit-r2', 'r0 = r2\nexit');
add('reg-uninit-r9', 'r0 = 0\nr0 += r9\nexit');
add('reg-r0-not-set', 'exit');
add('reg-r0-after-call-clobber', 'r6 = 1\ncall bpf_ktime_get_ns#5\nr0 = r1\nexit');
add('reg-r6-survives-call', 'r6 = 1\ncall bpf_ktime_get_ns#5\nr0 = r6\nexit');
add('reg-write-fp', 'r10 = 0\nr0 = 0\nexit');
add('reg-fp-add', 'r10 += 8\nr0 = 0\nexit');
add('reg-return-ctx', 'r0 = r1\nexit');
add('reg-return-fp', 'r0 = r10\nexit');

// ---- the stack -----------------------------------------------------------------------------
add('stack-read-uninit', 'r0 = *(u64 *)(r10 -8)\nexit');
add('stack-read-uninit-partial', '*(u32 *)(r10 -8) = 1\nr0 = *(u64 *)(r10 -8)\nexit');
add('stack-write-read-ok', '*(u64 *)(r10 -8) = 7\nr0 = *(u64 *)(r10 -8)\nexit');
add('stack-off-520', 'r0 = *(u64 *)(r10 -520)\nexit');
add('stack-write-520', '*(u64 *)(r10 -520) = 0\nr0 = 0\nexit');
add('stack-off-512-ok', '*(u64 *)(r10 -512) = 0\nr0 = *(u64 *)(r10 -512)\nexit');
add('stack-off-zero', 'r0 = *(u64 *)(r10 +0)\nexit');
add('stack-write-above', '*(u64 *)(r10 +8) = 0\nr0 = 0\nexit');
add('stack-straddle-top', '*(u64 *)(r10 -4) = 0\nr0 = 0\nexit');
add('stack-misaligned-read', '*(u64 *)(r10 -8) = 0\nr0 = *(u32 *)(r10 -6)\nexit');
add('stack-misaligned-write', '*(u32 *)(r10 -6) = 0\nr0 = 0\nexit');
add('stack-spill-fill-ptr', '*(u64 *)(r10 -8) = r1\nr1 = *(u64 *)(r10 -8)\nr0 = *(u64 *)(r1 +0)\nexit');
add('stack-spill-narrow-fill', '*(u64 *)(r10 -8) = r1\nr0 = *(u32 *)(r10 -8)\nexit');
add('stack-spill-scalar-narrow', 'r1 = 5\n*(u64 *)(r10 -8) = r1\nr0 = *(u32 *)(r10 -8)\nexit');
add('stack-overwrite-spill', '*(u64 *)(r10 -8) = r1\n*(u32 *)(r10 -8) = 0\nr0 = *(u32 *)(r10 -8)\nexit');
add('stack-var-off-read', 'call bpf_get_prandom_u32#7\nr0 &= 7\nr1 = r10\nr1 += -16\nr1 += r0\n*(u64 *)(r10 -16) = 0\n*(u64 *)(r10 -8) = 0\nr0 = *(u8 *)(r1 +0)\nexit');
add('stack-byte-writes', '*(u8 *)(r10 -1) = 1\n*(u8 *)(r10 -2) = 2\nr0 = *(u8 *)(r10 -2)\nexit');
add('stack-ptr-store-via-copy', 'r2 = r10\nr2 += -16\n*(u64 *)(r2 +8) = 3\nr0 = *(u64 *)(r10 -8)\nexit');

// ---- context -------------------------------------------------------------------------------
add('ctx-kprobe-read-di', 'r0 = *(u64 *)(r1 +112)\nexit');
add('ctx-kprobe-read-last', 'r0 = *(u64 *)(r1 +160)\nexit');
add('ctx-kprobe-read-168', 'r0 = *(u64 *)(r1 +168)\nexit');
add('ctx-kprobe-read-u32', 'r0 = *(u32 *)(r1 +4)\nexit');
add('ctx-kprobe-misaligned', 'r0 = *(u64 *)(r1 +4)\nexit');
add('ctx-kprobe-negative', 'r0 = *(u64 *)(r1 -8)\nexit');
add('ctx-kprobe-write', '*(u64 *)(r1 +0) = r1\nr0 = 0\nexit');
add('ctx-kprobe-st', '*(u64 *)(r1 +0) = 0\nr0 = 0\nexit');
add('ctx-modified-ptr', 'r1 += 8\nr0 = *(u64 *)(r1 +0)\nexit');
add('ctx-copy-ok', 'r6 = r1\nr0 = *(u64 *)(r6 +104)\nexit');
add('ctx-tp-read-8', 'r0 = *(u64 *)(r1 +8)\nexit', { type: 'tracepoint' });
add('ctx-tp-read-0', 'r0 = *(u64 *)(r1 +0)\nexit', { type: 'tracepoint' });
add('ctx-tp-read-u32-16', 'r0 = *(u32 *)(r1 +16)\nexit', { type: 'tracepoint' });
add('ctx-tp-read-2048', 'r0 = *(u64 *)(r1 +2048)\nexit', { type: 'tracepoint' });
add('ctx-tp-read-2040', 'r0 = *(u64 *)(r1 +2040)\nexit', { type: 'tracepoint' });
add('ctx-tp-write', '*(u64 *)(r1 +8) = r1\nr0 = 0\nexit', { type: 'tracepoint' });
add('ctx-skb-len', 'r0 = *(u32 *)(r1 +0)\nexit', { type: 'socket_filter' });
add('ctx-skb-len-narrow', 'r0 = *(u16 *)(r1 +0)\nexit', { type: 'socket_filter' });
add('ctx-skb-len-narrow-hi', 'r0 = *(u16 *)(r1 +2)\nexit', { type: 'socket_filter' });
add('ctx-skb-data', 'r0 = *(u32 *)(r1 +76)\nexit', { type: 'socket_filter' });
add('ctx-skb-cb-write', 'r2 = 1\n*(u32 *)(r1 +48) = r2\nr0 = 0\nexit', { type: 'socket_filter' });
add('ctx-skb-mark-write', 'r2 = 1\n*(u32 *)(r1 +8) = r2\nr0 = 0\nexit', { type: 'socket_filter' });
add('ctx-skb-u64-len', 'r0 = *(u64 *)(r1 +0)\nexit', { type: 'socket_filter' });
add('ctx-skb-past-end', 'r0 = *(u32 *)(r1 +200)\nexit', { type: 'socket_filter' });
add('ctx-skb-hash', 'r0 = *(u32 *)(r1 +68)\nexit', { type: 'socket_filter' });

// ---- maps ----------------------------------------------------------------------------------
const lookup = (key = '*(u32 *)(r10 -4) = 0', keyPtr = 'r2 = r10\nr2 += -4'): string => `${key}\nr1 = map[id:1]\n${keyPtr}\ncall bpf_map_lookup_elem#1`;
add('map-lookup-no-null-check', `${lookup()}\nr0 = *(u64 *)(r0 +0)\nexit`, { maps: HASH });
add('map-lookup-null-check-ok', `${lookup()}\nif r0 == 0x0 goto out\nr0 = *(u64 *)(r0 +0)\nexit\nout:\nr0 = 0\nexit`, { maps: HASH });
add('map-lookup-null-check-ne', `${lookup()}\nif r0 != 0x0 goto pc+2\nr0 = 0\nexit\nr0 = *(u64 *)(r0 +0)\nexit`, { maps: HASH });
add('map-value-off-8', `${lookup()}\nif r0 == 0x0 goto out\nr0 = *(u64 *)(r0 +8)\nexit\nout:\nr0 = 0\nexit`, { maps: HASH });
add('map-value-off-4-u64', `${lookup()}\nif r0 == 0x0 goto out\nr0 = *(u64 *)(r0 +4)\nexit\nout:\nr0 = 0\nexit`, { maps: HASH });
add('map-value-off-4-u32', `${lookup()}\nif r0 == 0x0 goto out\nr0 = *(u32 *)(r0 +4)\nexit\nout:\nr0 = 0\nexit`, { maps: HASH });
add('map-value-negative', `${lookup()}\nif r0 == 0x0 goto out\nr0 = *(u8 *)(r0 -1)\nexit\nout:\nr0 = 0\nexit`, { maps: HASH });
add('map-key-uninit', `r1 = map[id:1]\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem#1\nr0 = 0\nexit`, { maps: HASH });
add('map-key-partial', `*(u16 *)(r10 -4) = 0\nr1 = map[id:1]\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem#1\nr0 = 0\nexit`, { maps: HASH });
add('map-key-too-high', `*(u32 *)(r10 -4) = 0\nr1 = map[id:1]\nr2 = r10\nr2 += -2\ncall bpf_map_lookup_elem#1\nr0 = 0\nexit`, { maps: HASH });
add('map-key-scalar', `r1 = map[id:1]\nr2 = 0\ncall bpf_map_lookup_elem#1\nr0 = 0\nexit`, { maps: HASH });
add('map-key-ctx', `r2 = r1\nr1 = map[id:1]\ncall bpf_map_lookup_elem#1\nr0 = 0\nexit`, { maps: HASH });
add('map-ptr-scalar', `*(u32 *)(r10 -4) = 0\nr1 = 5\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem#1\nr0 = 0\nexit`, { maps: HASH });
add('map-ptr-arith', `r1 = map[id:1]\nr1 += 8\nr0 = 0\nexit`, { maps: HASH });
add('map-ptr-deref', `r1 = map[id:1]\nr0 = *(u64 *)(r1 +0)\nexit`, { maps: HASH });
add('map-or-null-arith', `${lookup()}\nr0 += 8\nr0 = 0\nexit`, { maps: HASH });
add('map-or-null-as-key', `${lookup()}\nr2 = r0\nr1 = map[id:1]\ncall bpf_map_lookup_elem#1\nr0 = 0\nexit`, { maps: HASH });
add('map-value-as-key-ok', `${lookup()}\nif r0 == 0x0 goto out\nr2 = r0\nr1 = map[id:1]\ncall bpf_map_lookup_elem#1\nout:\nr0 = 0\nexit`, { maps: HASH });
add('map-update-ok', `*(u32 *)(r10 -4) = 0\n*(u64 *)(r10 -16) = 1\nr1 = map[id:1]\nr2 = r10\nr2 += -4\nr3 = r10\nr3 += -16\nr4 = 0\ncall bpf_map_update_elem#2\nr0 = 0\nexit`, { maps: HASH });
add('map-update-value-uninit', `*(u32 *)(r10 -4) = 0\nr1 = map[id:1]\nr2 = r10\nr2 += -4\nr3 = r10\nr3 += -16\nr4 = 0\ncall bpf_map_update_elem#2\nr0 = 0\nexit`, { maps: HASH });
add('map-update-flags-ptr', `*(u32 *)(r10 -4) = 0\n*(u64 *)(r10 -16) = 1\nr1 = map[id:1]\nr2 = r10\nr2 += -4\nr3 = r10\nr3 += -16\nr4 = r10\ncall bpf_map_update_elem#2\nr0 = 0\nexit`, { maps: HASH });
add('map-delete-ok', `*(u32 *)(r10 -4) = 0\nr1 = map[id:1]\nr2 = r10\nr2 += -4\ncall bpf_map_delete_elem#3\nr0 = 0\nexit`, { maps: HASH });
add('map-store-into-value', `${lookup()}\nif r0 == 0x0 goto out\nr1 = 1\n*(u64 *)(r0 +0) = r1\nout:\nr0 = 0\nexit`, { maps: HASH });
add('map-store-ptr-into-value', `${lookup()}\nif r0 == 0x0 goto out\n*(u64 *)(r0 +0) = r10\nout:\nr0 = 0\nexit`, { maps: HASH });
add('map-xadd-value', `${lookup()}\nif r0 == 0x0 goto out\nr1 = 1\nlock *(u64 *)(r0 +0) += r1\nout:\nr0 = 0\nexit`, { maps: HASH });
add('map-array-index-bounded', `${lookup()}\nif r0 == 0x0 goto out\ncall bpf_get_prandom_u32#7\nr0 &= 7\nr0 = 0\nexit\nout:\nr0 = 0\nexit`, { maps: ARRAY });
const arrIdx = (check: string): string =>
  `r6 = 0\n*(u32 *)(r10 -4) = r6\nr1 = map[id:1]\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem#1\nif r0 == 0x0 goto out\nr7 = r0\ncall bpf_get_prandom_u32#7\n${check}\nr7 += r0\nr0 = *(u8 *)(r7 +0)\nexit\nout:\nr0 = 0\nexit`;
add('map-var-off-masked', arrIdx('r0 &= 63'), { maps: ARRAY });
add('map-var-off-mask-too-big', arrIdx('r0 &= 127'), { maps: ARRAY });
add('map-var-off-unbounded', arrIdx('r0 += 0'), { maps: ARRAY });
add('map-var-off-lt-check', arrIdx('if r0 < 0x40 goto pc+2\nr0 = 0\nexit'), { maps: ARRAY });
add('map-var-off-le-check-off-by-one', arrIdx('if r0 <= 0x40 goto pc+2\nr0 = 0\nexit'), { maps: ARRAY });
add('map-var-off-signed-check', arrIdx('if r0 s< 0x40 goto pc+2\nr0 = 0\nexit'), { maps: ARRAY });
add('map-var-off-signed-both', arrIdx('if r0 s< 0x40 goto pc+2\nr0 = 0\nexit\nif r0 s>= 0x0 goto pc+2\nr0 = 0\nexit'), { maps: ARRAY });
add('map-var-off-shift', arrIdx('r0 >>= 58'), { maps: ARRAY });
add('map-var-off-shift-57', arrIdx('r0 >>= 57'), { maps: ARRAY });
add('map-var-off-mod', arrIdx('r0 %= 64'), { maps: ARRAY });
add('map-var-off-mul', arrIdx('r0 &= 7\nr0 *= 8'), { maps: ARRAY });
add('map-var-off-mul-9', arrIdx('r0 &= 7\nr0 *= 9'), { maps: ARRAY });
add('map-var-off-32bit-and', arrIdx('w0 &= 63'), { maps: ARRAY });
add('map-var-off-sub', arrIdx('r0 &= 63\nr0 += -1'), { maps: ARRAY });

// ---- helpers -------------------------------------------------------------------------------
add('helper-unknown-id', 'call unknown#300\nr0 = 0\nexit');
add('helper-not-for-type', `r0 = 0\ncall bpf_get_current_pid_tgid#14\nexit`, { type: 'socket_filter' });
add('helper-ktime-socket-ok', `call bpf_ktime_get_ns#5\nexit`, { type: 'socket_filter' });
add('helper-override-tracepoint', `r2 = 0\ncall bpf_override_return#58\nr0 = 0\nexit`, { type: 'tracepoint' });
add('helper-probe-read-ok', `r3 = *(u64 *)(r1 +112)\nr1 = r10\nr1 += -16\nr2 = 16\ncall bpf_probe_read#4\nr0 = *(u64 *)(r10 -16)\nexit`);
add('helper-probe-read-too-big', `r3 = *(u64 *)(r1 +112)\nr1 = r10\nr1 += -16\nr2 = 17\ncall bpf_probe_read#4\nr0 = 0\nexit`);
add('helper-probe-read-dst-ctx', `r3 = 0\nr2 = 8\ncall bpf_probe_read#4\nr0 = 0\nexit`);
add('helper-probe-read-size-unbounded', `r6 = r1\ncall bpf_get_prandom_u32#7\nr2 = r0\nr1 = r10\nr1 += -16\nr3 = *(u64 *)(r6 +112)\ncall bpf_probe_read#4\nr0 = 0\nexit`);
add('helper-probe-read-size-bounded', `r6 = r1\ncall bpf_get_prandom_u32#7\nr2 = r0\nr2 &= 15\nr1 = r10\nr1 += -16\nr3 = *(u64 *)(r6 +112)\ncall bpf_probe_read#4\nr0 = 0\nexit`);
add('helper-probe-read-size-ptr', `r2 = r10\nr1 = r10\nr1 += -16\nr3 = 0\ncall bpf_probe_read#4\nr0 = 0\nexit`);
add('helper-probe-read-size-zero', `r1 = r10\nr1 += -16\nr2 = 0\nr3 = 0\ncall bpf_probe_read#4\nr0 = 0\nexit`);
add('helper-probe-read-str-retval', `r3 = *(u64 *)(r1 +112)\nr1 = r10\nr1 += -64\nr2 = 64\ncall bpf_probe_read_str#45\nr0 &= 63\nexit`);
add('helper-comm-ok', `r1 = r10\nr1 += -16\nr2 = 16\ncall bpf_get_current_comm#16\nr0 = *(u64 *)(r10 -16)\nexit`);
add('helper-comm-size-zero', `r1 = r10\nr1 += -16\nr2 = 0\ncall bpf_get_current_comm#16\nr0 = 0\nexit`);
add('helper-trace-printk', `*(u32 *)(r10 -8) = 680997\nr1 = r10\nr1 += -8\nr2 = 4\ncall bpf_trace_printk#6\nr0 = 0\nexit`);
add('helper-trace-printk-uninit', `r1 = r10\nr1 += -8\nr2 = 4\ncall bpf_trace_printk#6\nr0 = 0\nexit`);
add('helper-arg-leak-ptr', `r1 = r10\ncall bpf_send_signal#109\nr0 = 0\nexit`);
const perf = (body: string): string => `r6 = r1\n*(u64 *)(r10 -8) = 1\n*(u64 *)(r10 -16) = 2\n${body}\nr0 = 0\nexit`;
add('perf-output-ok', perf('r1 = r6\nr2 = map[id:1]\nr3 = 0xffffffff\nr4 = r10\nr4 += -16\nr5 = 16\ncall bpf_perf_event_output#25'), { maps: ['perf_event_array:4:4:4'] });
add('perf-output-too-big', perf('r1 = r6\nr2 = map[id:1]\nr3 = 0xffffffff\nr4 = r10\nr4 += -16\nr5 = 24\ncall bpf_perf_event_output#25'), { maps: ['perf_event_array:4:4:4'] });
add('perf-output-uninit', perf('r1 = r6\nr2 = map[id:1]\nr3 = 0xffffffff\nr4 = r10\nr4 += -32\nr5 = 32\ncall bpf_perf_event_output#25'), { maps: ['perf_event_array:4:4:4'] });
add('perf-output-not-ctx', perf('r1 = r10\nr2 = map[id:1]\nr3 = 0xffffffff\nr4 = r10\nr4 += -16\nr5 = 16\ncall bpf_perf_event_output#25'), { maps: ['perf_event_array:4:4:4'] });
add('perf-output-wrong-map', perf('r1 = r6\nr2 = map[id:1]\nr3 = 0xffffffff\nr4 = r10\nr4 += -16\nr5 = 16\ncall bpf_perf_event_output#25'), { maps: HASH });
add('perf-output-map-lookup', `*(u32 *)(r10 -4) = 0\nr1 = map[id:1]\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem#1\nr0 = 0\nexit`, { maps: ['perf_event_array:4:4:4'] });
add('stackid-ok', 'r2 = map[id:1]\nr3 = 0\ncall bpf_get_stackid#27\nexit', { maps: ['stack_trace:4:1016:1024'] });
add('stackid-wrong-map', 'r2 = map[id:1]\nr3 = 0\ncall bpf_get_stackid#27\nexit', { maps: HASH });
add('stackid-lookup', `*(u32 *)(r10 -4) = 0\nr1 = map[id:1]\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem#1\nr0 = 0\nexit`, { maps: ['stack_trace:4:1016:1024'] });
add('stackid-tracepoint', 'r2 = map[id:1]\nr3 = 0\ncall bpf_get_stackid#27\nexit', { type: 'tracepoint', maps: ['stack_trace:4:1016:1024'] });
add('get-stack-ok', 'r2 = r10\nr2 += -64\nr3 = 64\nr4 = 0\ncall bpf_get_stack#67\nr0 = 0\nexit');
add('get-stack-unaligned-size', 'r2 = r10\nr2 += -64\nr3 = 60\nr4 = 0\ncall bpf_get_stack#67\nr0 = 0\nexit');

// ---- ALU -----------------------------------------------------------------------------------
add('alu-div-zero-imm', 'r0 = 1\nr0 /= 0\nexit');
add('alu-mod-zero-imm', 'r0 = 1\nr0 %= 0\nexit');
add('alu-div-reg-ok', 'r0 = 10\nr1 = 0\nr0 /= r1\nexit');
add('alu-shift-64', 'r0 = 1\nr0 <<= 64\nexit');
add('alu-shift-32-w', 'w0 = 1\nw0 <<= 32\nexit');
add('alu-shift-neg', 'r0 = 1\nr0 >>= -1\nexit');
add('alu-ptr-mul', 'r1 *= 2\nr0 = 0\nexit');
add('alu-ptr-and', 'r1 &= 2\nr0 = 0\nexit');
add('alu-ptr-32bit', 'w1 += 2\nr0 = 0\nexit');
add('alu-ptr-neg', 'r1 = -r1\nr0 = 0\nexit');
add('alu-ptr-minus-ptr', 'r0 = r10\nr0 -= r1\nexit');
add('alu-ptr-plus-ptr', 'r0 = r10\nr0 += r1\nexit');
add('alu-fp-sub', 'r2 = r10\nr2 -= 8\nr0 = 0\nexit');
add('alu-fp-sub-reg', 'r2 = r10\nr3 = 8\nr2 -= r3\nr0 = 0\nexit');
add('alu-scalar-minus-ptr', 'r0 = 5\nr0 -= r10\nexit');
add('alu-mov32-ptr', 'w0 = w1\nexit');
add('alu-end-ptr', 'r1 = be16 r1\nr0 = 0\nexit');
add('alu-ptr-plus-unbounded', 'r6 = r10\ncall bpf_get_prandom_u32#7\nr6 += r0\nr0 = 0\nexit');
add('alu-ptr-plus-bounded', 'r6 = r10\ncall bpf_get_prandom_u32#7\nr0 &= 7\nr6 += r0\nr0 = 0\nexit');
add('alu-ptr-plus-huge', 'r6 = r10\nr6 += 0x20000000\nr0 = 0\nexit');
add('alu-neg-scalar', 'r0 = 5\nr0 = -r0\nexit');
add('alu-bswap-scalar', 'r0 = 5\nr0 = be64 r0\nexit');

// ---- jumps ---------------------------------------------------------------------------------
add('jmp-ptr-compare-scalar', 'if r1 == 0x5 goto pc+0\nr0 = 0\nexit');
add('jmp-ptr-compare-ptr', 'if r1 > r10 goto pc+0\nr0 = 0\nexit');
add('jmp-uninit-src', 'if r1 > r2 goto pc+0\nr0 = 0\nexit');
add('jmp-reserved-src', 'r0 = 0\nraw 1510000000000000\nexit');
add('jmp-reserved-imm-x', 'r0 = 0\nraw 1d01000001000000\nexit');
add('alu-reserved-src', 'r0 = 0\nraw 0710000005000000\nexit');
add('alu-reserved-off', 'r0 = 0\nraw 0700010005000000\nexit');
add('mov-reserved-imm', 'raw bf10000001000000\nr0 = 0\nexit');
add('ldx-reserved-imm', 'raw 7910000001000000\nr0 = 0\nexit');
add('st-reserved-src', 'raw 7a1af8ff00000000\nr0 = 0\nexit');
add('call-reserved-dst', 'raw 8501000005000000\nr0 = 0\nexit');
add('exit-reserved-imm', 'r0 = 0\nraw 9500000001000000');
add('ja-reserved-imm', 'raw 0500000001000000\nr0 = 0\nexit');
add('lddw-reserved-off', 'raw 1800010001000000\nraw 0000000000000000\nr0 = 0\nexit');
add('lddw-bad-second', 'raw 1800000001000000\nraw 0001000000000000\nr0 = 0\nexit');
add('lddw-unknown-pseudo', 'raw 1810000001000000\nraw 0000000000000000\nr0 = 0\nexit');
add('lddw-truncated', 'r0 = 0\nraw 1800000001000000');
add('end-reserved-imm', 'r0 = 0\nraw d400000008000000\nexit');
add('jmp-dead-branch-bad', 'r0 = 0\nr1 = 5\nif r1 == 0x5 goto pc+1\nr0 = r2\nexit');
add('jmp-const-taken-bad', 'r0 = 0\nr1 = 5\nif r1 == 0x5 goto pc+1\nexit\nr0 = r2\nexit');
add('jmp32-simple', 'call bpf_get_prandom_u32#7\nif w0 > 0x5 goto pc+1\nr0 = 0\nexit');

// ---- BPF-to-BPF calls ----------------------------------------------------------------------
add('call-local-ok', 'r1 = 1\ncall pc+2\nr0 = 0\nexit\nr0 = r1\nexit');
add('call-local-uninit-r6', 'r6 = 1\ncall pc+2\nr0 = 0\nexit\nr0 = r6\nexit');
add('call-local-r0-uninit-after', 'r1 = 1\ncall pc+1\nexit\nr0 = 2\nexit');
add('call-local-return-stack', 'call pc+2\nr0 = 0\nexit\nr0 = r10\nexit');
add('call-local-caller-stack', '*(u64 *)(r10 -8) = 5\nr1 = r10\nr1 += -8\ncall pc+2\nr0 = 0\nexit\nr0 = *(u64 *)(r1 +0)\nexit');
add('call-local-bad-target', 'call pc+40\nr0 = 0\nexit');
add('call-local-fallthrough', 'call pc+1\nexit\nr0 = 1');
add('call-local-deep', 'call pc+2\nr0 = 0\nexit\ncall pc+2\nr0 = 0\nexit\ncall pc+2\nr0 = 0\nexit\ncall pc+2\nr0 = 0\nexit\ncall pc+2\nr0 = 0\nexit\ncall pc+2\nr0 = 0\nexit\ncall pc+2\nr0 = 0\nexit\ncall pc+2\nr0 = 0\nexit\ncall pc+2\nr0 = 0\nexit\nr0 = 0\nexit');
add('call-local-stack-too-big', '*(u64 *)(r10 -512) = 0\ncall pc+2\nr0 = 0\nexit\n*(u64 *)(r10 -64) = 0\nr0 = 0\nexit');

// ---- atomics -------------------------------------------------------------------------------
add('atomic-xadd-stack', '*(u64 *)(r10 -8) = 0\nr1 = 1\nlock *(u64 *)(r10 -8) += r1\nr0 = 0\nexit');
add('atomic-xadd-stack-uninit', 'r1 = 1\nlock *(u64 *)(r10 -8) += r1\nr0 = 0\nexit');
add('atomic-xadd-ctx', 'r2 = 1\nlock *(u64 *)(r1 +0) += r2\nr0 = 0\nexit');
add('atomic-xadd-u16', '*(u64 *)(r10 -8) = 0\nr1 = 1\nraw cb1af8ff00000000\nr0 = 0\nexit');
add('atomic-fetch-add', '*(u64 *)(r10 -8) = 0\nr1 = 1\nr1 = atomic64_fetch_add((u64 *)(r10 -8), r1)\nr0 = r1\nexit');
add('atomic-cmpxchg', '*(u64 *)(r10 -8) = 0\nr0 = 0\nr1 = 1\nr0 = atomic64_cmpxchg((u64 *)(r10 -8), r0, r1)\nexit');
add('atomic-cmpxchg-r0-uninit', '*(u64 *)(r10 -8) = 0\nr1 = 1\nr0 = atomic64_cmpxchg((u64 *)(r10 -8), r0, r1)\nexit');
add('atomic-xchg-32', '*(u64 *)(r10 -8) = 0\nr1 = 1\nr1 = atomic_xchg((u32 *)(r10 -8), r1)\nr0 = r1\nexit');

// ---- ld_imm64 and packets ------------------------------------------------------------------
add('lddw-ok', 'r0 = 0x123456789abcdef0\nexit');
add('lddw-bad-map-fd', 'r1 = map[id:7]\nr0 = 0\nexit');
add('ldabs-socket-ok', 'r6 = r1\nr0 = *(u8 *)skb[12]\nexit', { type: 'socket_filter' });
add('ldabs-kprobe', 'r6 = r1\nr0 = *(u8 *)skb[12]\nexit');
add('ldabs-r6-not-ctx', 'r6 = 0\nr0 = *(u8 *)skb[12]\nexit', { type: 'socket_filter' });
add('ldind-socket-ok', 'r6 = r1\nr7 = 2\nr0 = *(u16 *)skb[r7 + 10]\nexit', { type: 'socket_filter' });
add('ldabs-clobbers-r1', 'r6 = r1\nr0 = *(u8 *)skb[12]\nr0 = r1\nexit', { type: 'socket_filter' });

// ---- ring buffer (6.x) ---------------------------------------------------------------------
const RB = ['ringbuf:0:0:4096'];
add('ringbuf-reserve-submit', 'r1 = map[id:1]\nr2 = 8\nr3 = 0\ncall bpf_ringbuf_reserve#131\nif r0 == 0x0 goto out\n*(u64 *)(r0 +0) = 1\nr1 = r0\nr2 = 0\ncall bpf_ringbuf_submit#132\nout:\nr0 = 0\nexit', { maps: RB });
add('ringbuf-reserve-leak', 'r1 = map[id:1]\nr2 = 8\nr3 = 0\ncall bpf_ringbuf_reserve#131\nif r0 == 0x0 goto out\n*(u64 *)(r0 +0) = 1\nout:\nr0 = 0\nexit', { maps: RB });
add('ringbuf-no-null-check', 'r1 = map[id:1]\nr2 = 8\nr3 = 0\ncall bpf_ringbuf_reserve#131\n*(u64 *)(r0 +0) = 1\nr1 = r0\nr2 = 0\ncall bpf_ringbuf_submit#132\nr0 = 0\nexit', { maps: RB });
add('ringbuf-write-past-end', 'r1 = map[id:1]\nr2 = 8\nr3 = 0\ncall bpf_ringbuf_reserve#131\nif r0 == 0x0 goto out\n*(u64 *)(r0 +8) = 1\nr1 = r0\nr2 = 0\ncall bpf_ringbuf_submit#132\nout:\nr0 = 0\nexit', { maps: RB });
add('ringbuf-output-ok', '*(u64 *)(r10 -8) = 1\nr1 = map[id:1]\nr2 = r10\nr2 += -8\nr3 = 8\nr4 = 0\ncall bpf_ringbuf_output#130\nr0 = 0\nexit', { maps: RB });

// ---- bpftrace-shaped programs and their mutations ------------------------------------------
/** @[pid] = count() as bpftrace 0.17 compiles it (a per-CPU hash, lookup then update). */
function countByPid(m: { nullCheck?: boolean; keyOff?: number; keyInit?: boolean; valOff?: number; keyReg?: string; upd?: boolean }): string {
  const keyOff = m.keyOff ?? -16;
  const lines = ['call bpf_get_current_pid_tgid#14', 'r0 >>= 32'];
  if (m.keyInit !== false) lines.push(`*(u64 *)(r10 ${keyOff}) = r0`);
  lines.push('r1 = map[id:1]', 'r2 = r10', `r2 += ${keyOff}`, 'call bpf_map_lookup_elem#1', 'r1 = 1');
  if (m.nullCheck !== false) lines.push('if r0 == 0x0 goto pc+2');
  lines.push(`r1 = *(u64 *)(r0 +${m.valOff ?? 0})`, 'r1 += 1');
  lines.push('*(u64 *)(r10 -8) = r1');
  if (m.upd !== false) lines.push('r1 = map[id:1]', `r2 = ${m.keyReg ?? 'r10'}`, `r2 += ${keyOff}`, 'r3 = r10', 'r3 += -8', 'r4 = 0', 'call bpf_map_update_elem#2');
  lines.push('r0 = 0', 'exit');
  return lines.join('\n');
}
const PCPU = ['percpu_hash:8:8:4096'];
add('bt-count-ok', countByPid({}), { maps: PCPU });
add('bt-count-no-null-check', countByPid({ nullCheck: false }), { maps: PCPU });
add('bt-count-key-uninit', countByPid({ keyInit: false }), { maps: PCPU });
add('bt-count-key-off-4', countByPid({ keyOff: -4 }), { maps: PCPU });
add('bt-count-key-off-12', countByPid({ keyOff: -12 }), { maps: PCPU });
add('bt-count-val-off-8', countByPid({ valOff: 8 }), { maps: PCPU });
add('bt-count-val-off-4', countByPid({ valOff: 4 }), { maps: PCPU });
add('bt-count-key-ctx', countByPid({ keyReg: 'r1' }), { maps: PCPU });
add('bt-count-small-map-key', countByPid({}), { maps: ['percpu_hash:4:8:4096'] });
add('bt-count-small-map-val', countByPid({}), { maps: ['percpu_hash:8:4:4096'] });
add('bt-count-array', countByPid({}), { maps: ['percpu_array:4:8:4'] });
for (const keyOff of [-8, -24, -32, -40, -512]) add(`bt-count-key${keyOff}`, countByPid({ keyOff }), { maps: PCPU });

/** hist(): the log2 bucket of a value, as bpftrace computes it, used as a map key. */
function hist(m: { shiftCheck?: string; base?: string; bucketOff?: number }): string {
  const lines = [
    'r6 = r1',
    m.base ?? 'r1 = *(u64 *)(r6 +96)',
    'r2 = 0',
    'if r1 == 0x0 goto done',
    'r2 = 1',
    'r3 = r1',
    `${m.shiftCheck ?? 'if r3 < 0x10000 goto pc+2'}`,
    'r3 >>= 16',
    'r2 += 16',
    'if r3 < 0x100 goto pc+2',
    'r3 >>= 8',
    'r2 += 8',
    'if r3 < 0x10 goto pc+2',
    'r3 >>= 4',
    'r2 += 4',
    'if r3 < 0x4 goto pc+2',
    'r3 >>= 2',
    'r2 += 2',
    'if r3 < 0x2 goto pc+1',
    'r2 += 1',
    'done:',
    `*(u64 *)(r10 ${m.bucketOff ?? -8}) = r2`,
    'r1 = map[id:1]',
    'r2 = r10',
    `r2 += ${m.bucketOff ?? -8}`,
    'call bpf_map_lookup_elem#1',
    'if r0 == 0x0 goto out',
    'r1 = 1',
    'lock *(u64 *)(r0 +0) += r1',
    'out:',
    'r0 = 0',
    'exit',
  ];
  return lines.join('\n');
}
add('bt-hist-ok', hist({}), { maps: HASH8 });
add('bt-hist-retval', hist({ base: 'r1 = *(u64 *)(r6 +80)' }), { maps: HASH8 });
add('bt-hist-ctx-bad-off', hist({ base: 'r1 = *(u64 *)(r6 +172)' }), { maps: HASH8 });
add('bt-hist-key-bad-off', hist({ bucketOff: -4 }), { maps: HASH8 });
add('bt-hist-key-uninit-reg', hist({ base: 'r1 = r9' }), { maps: HASH8 });

/** The bucket index used to address an array value directly (an lhist-like slot). */
function bucketIndex(m: { mask?: string; valueSize?: number; mul?: number }): string {
  return [
    'r6 = r1',
    '*(u32 *)(r10 -4) = 0',
    'r1 = map[id:1]',
    'r2 = r10',
    'r2 += -4',
    'call bpf_map_lookup_elem#1',
    'if r0 == 0x0 goto out',
    'r7 = r0',
    'r1 = *(u64 *)(r6 +112)',
    m.mask ?? 'r1 &= 7',
    `r1 *= ${m.mul ?? 8}`,
    'r7 += r1',
    'r1 = 1',
    'lock *(u64 *)(r7 +0) += r1',
    'out:',
    'r0 = 0',
    'exit',
  ].join('\n');
}
add('bt-slot-ok', bucketIndex({}), { maps: ARRAY });
add('bt-slot-mask-15', bucketIndex({ mask: 'r1 &= 15' }), { maps: ARRAY });
add('bt-slot-no-mask', bucketIndex({ mask: 'r1 += 0' }), { maps: ARRAY });
add('bt-slot-mul-4', bucketIndex({ mul: 4 }), { maps: ARRAY });
add('bt-slot-check-lt', bucketIndex({ mask: 'if r1 < 0x8 goto pc+2\nr0 = 0\nexit' }), { maps: ARRAY });
add('bt-slot-check-gt', bucketIndex({ mask: 'if r1 > 0x7 goto out' }), { maps: ARRAY });
add('bt-slot-check-gt-8', bucketIndex({ mask: 'if r1 > 0x8 goto out' }), { maps: ARRAY });

/** printf(): a record built on the stack, sent with perf_event_output. */
function printf(m: { size?: number; init?: number[]; dataOff?: number; flags?: string }): string {
  const lines = ['r6 = r1', 'call bpf_get_current_pid_tgid#14'];
  for (const off of m.init ?? [-24, -16, -8]) lines.push(`*(u64 *)(r10 ${off}) = r0`);
  lines.push('r1 = r6', 'r2 = map[id:1]', `r3 = ${m.flags ?? '0xffffffff'}`, 'r4 = r10', `r4 += ${m.dataOff ?? -24}`, `r5 = ${m.size ?? 24}`, 'call bpf_perf_event_output#25', 'r0 = 0', 'exit');
  return lines.join('\n');
}
const PERF = ['perf_event_array:4:4:4'];
add('bt-printf-ok', printf({}), { maps: PERF });
add('bt-printf-gap', printf({ init: [-24, -8] }), { maps: PERF });
add('bt-printf-size-25', printf({ size: 25 }), { maps: PERF });
add('bt-printf-size-zero', printf({ size: 0 }), { maps: PERF });
add('bt-printf-off-20', printf({ dataOff: -20, size: 20 }), { maps: PERF });
add('bt-printf-flags-reg', printf({ flags: 'r10' }), { maps: PERF });

/** str(arg0): probe_read_str of a kernel string onto the stack, then printed. */
function strArg(m: { size?: number; dst?: number; count?: boolean }): string {
  const lines = ['r6 = r1', `*(u64 *)(r10 ${m.dst ?? -64}) = 0`, 'r3 = *(u64 *)(r6 +112)', 'r1 = r10', `r1 += ${m.dst ?? -64}`, `r2 = ${m.size ?? 64}`, 'call bpf_probe_read_str#45'];
  if (m.count) lines.push('r0 &= 63', 'r1 = r10', 'r1 += -64', 'r1 += r0', 'r0 = *(u8 *)(r1 +0)');
  lines.push('r0 = 0', 'exit');
  return lines.join('\n');
}
add('bt-str-ok', strArg({}));
add('bt-str-too-big', strArg({ size: 65 }));
add('bt-str-dst-high', strArg({ dst: -32 }));
add('bt-str-index-result', strArg({ count: true }));

/** comm as a map key: get_current_comm into a 16-byte stack key. */
function commKey(m: { size?: number; off?: number }): string {
  return [
    'r1 = r10',
    `r1 += ${m.off ?? -16}`,
    `r2 = ${m.size ?? 16}`,
    'call bpf_get_current_comm#16',
    'r1 = map[id:1]',
    'r2 = r10',
    `r2 += ${m.off ?? -16}`,
    'call bpf_map_lookup_elem#1',
    'r0 = 0',
    'exit',
  ].join('\n');
}
add('bt-comm-key-ok', commKey({}), { maps: ['hash:16:8:64'] });
add('bt-comm-key-short', commKey({ size: 8 }), { maps: ['hash:16:8:64'] });
add('bt-comm-key-off-8', commKey({ off: -8 }), { maps: ['hash:16:8:64'] });

/** kstack: get_stackid into a stack map, the id as the key of a count map. */
function kstack(m: { flags?: string; ctx?: string }): string {
  return [
    'r6 = r1',
    `r1 = ${m.ctx ?? 'r6'}`,
    'r2 = map[id:1]',
    `r3 = ${m.flags ?? '0'}`,
    'call bpf_get_stackid#27',
    '*(u64 *)(r10 -8) = r0',
    'r1 = map[id:2]',
    'r2 = r10',
    'r2 += -8',
    'call bpf_map_lookup_elem#1',
    'r0 = 0',
    'exit',
  ].join('\n');
}
const KST = ['stack_trace:4:1016:4096', 'hash:8:8:64'];
add('bt-kstack-ok', kstack({}), { maps: KST });
add('bt-kstack-ctx-fp', kstack({ ctx: 'r10' }), { maps: KST });
add('bt-kstack-flags-ptr', kstack({ flags: 'r10' }), { maps: KST });
add('bt-kstack-maps-swapped', kstack({}), { maps: ['hash:8:8:64', 'stack_trace:4:1016:4096'] });

// ---- what 6.x tracks beyond 5.0: linked scalars, narrow spills, byte swaps, precision -------
const LOOKUP0 = '*(u32 *)(r10 -4) = 0\nr1 = map[id:1]\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem#1';
add('link-copy-bounded', 'r1 = *(u64 *)(r1 +0)\nr2 = r1\nif r1 < 10 goto +1\nr0 = 0\nr0 = r2\nexit');
add('link-add-const', 'r1 = *(u64 *)(r1 +0)\nr2 = r1\nr2 += 5\nif r1 < 10 goto +1\nr0 = 0\nr0 = r2\nexit');
add('link-add-const-dead', 'r1 = *(u64 *)(r1 +0)\nr2 = r1\nr2 += 5\nif r1 < 10 goto +1\nr0 = 0\nr0 = 0\nexit');
add('link-check-copy-index', `r6 = *(u64 *)(r1 +112)\n${LOOKUP0}\nif r0 == 0x0 goto out\nr7 = r6\nif r6 > 0x3f goto out\nr0 += r7\nr0 = *(u8 *)(r0 +0)\nout:\nr0 = 0\nexit`, { maps: ['hash:4:64:4'] });
add('link-check-copy-index-off-by-one', `r6 = *(u64 *)(r1 +112)\n${LOOKUP0}\nif r0 == 0x0 goto out\nr7 = r6\nif r6 > 0x40 goto out\nr0 += r7\nr0 = *(u8 *)(r0 +0)\nout:\nr0 = 0\nexit`, { maps: ['hash:4:64:4'] });
add('spill-narrow-const', 'r1 = 5\n*(u32 *)(r10 -8) = r1\nr0 = *(u32 *)(r10 -8)\nexit');
add('spill-narrow-fill-wide', 'r1 = 5\n*(u32 *)(r10 -8) = r1\nr0 = *(u64 *)(r10 -8)\nexit');
add('spill-narrow-unknown', 'r1 = *(u32 *)(r1 +0)\n*(u16 *)(r10 -8) = r1\nr0 = *(u16 *)(r10 -8)\nexit');
add('spill-st-imm-zero-aligned', '*(u32 *)(r10 -8) = 0\nr0 = *(u32 *)(r10 -8)\nexit');
add('spill-zero-misaligned', 'r1 = 0\n*(u32 *)(r10 -4) = r1\nr0 = *(u32 *)(r10 -4)\nexit');
add('bswap-be16-const', 'r0 = 0x1234\nr0 = be16 r0\nexit');
add('bswap-le32-unknown', 'r0 = *(u64 *)(r1 +0)\nr0 = le32 r0\nexit');
add('bswap64-const', 'r0 = 5\nr0 = bswap64 r0\nexit');
add('precise-through-spill', `r6 = *(u8 *)(r1 +112)\n*(u64 *)(r10 -16) = r6\n${LOOKUP0}\nif r0 == 0x0 goto out\nr1 = *(u64 *)(r10 -16)\nr0 += r1\nr0 = *(u8 *)(r0 +0)\nout:\nr0 = 0\nexit`, { maps: ['hash:4:256:4'] });
add('precise-through-ptr-spill', `r6 = *(u8 *)(r1 +112)\nr8 = r10\nr8 += -16\n*(u64 *)(r8 +0) = r6\n${LOOKUP0}\nif r0 == 0x0 goto out\nr1 = *(u64 *)(r10 -16)\nr0 += r1\nr0 = *(u8 *)(r0 +0)\nout:\nr0 = 0\nexit`, { maps: ['hash:4:256:4'] });
add('precise-branches-then-index', `r6 = *(u64 *)(r1 +112)\nr7 = 0\nif r6 > 0x10 goto +1\nr7 = 8\nif r6 > 0x20 goto +1\nr7 += 16\n${LOOKUP0}\nif r0 == 0x0 goto out\nr0 += r7\nr0 = *(u64 *)(r0 +0)\nout:\nr0 = 0\nexit`, { maps: ['hash:4:32:4'] });
add('loop-index-map-value', `${LOOKUP0}\nif r0 == 0x0 goto out\nr1 = 0\nloop:\nr2 = r0\nr2 += r1\nr3 = *(u8 *)(r2 +0)\nr1 += 1\nif r1 < 8 goto loop\nout:\nr0 = 0\nexit`, { maps: ['array:4:8:4'] });
add('array-const-key-no-null-check', `${LOOKUP0}\nr0 = *(u64 *)(r0 +0)\nexit`, { maps: ['array:4:8:4'] });
add('array-key-past-end-no-null-check', '*(u32 *)(r10 -4) = 4\nr1 = map[id:1]\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem#1\nr0 = *(u64 *)(r0 +0)\nexit', { maps: ['array:4:8:4'] });
add('array-spilled-key-no-null-check', 'r1 = 2\n*(u32 *)(r10 -4) = r1\nr1 = map[id:1]\nr2 = r10\nr2 += -4\ncall bpf_map_lookup_elem#1\nr0 = *(u64 *)(r0 +0)\nexit', { maps: ['array:4:8:4'] });

/** A tracepoint's args read by offset, as bpftrace reads args->field. */
function tpArgs(offs: [number, number][]): string {
  const lines = ['r6 = r1', 'r0 = 0'];
  for (const [off, size] of offs) lines.push(`r2 = *(u${size * 8} *)(r6 +${off})`, 'r0 += r2');
  lines.push('exit');
  return lines.join('\n');
}
add('bt-tp-page-alloc-order', tpArgs([[16, 4]]), { type: 'tracepoint' });
add('bt-tp-page-alloc-all', tpArgs([[8, 8], [16, 4], [20, 4], [24, 4]]), { type: 'tracepoint' });
add('bt-tp-common-type', tpArgs([[0, 2]]), { type: 'tracepoint' });
add('bt-tp-misaligned', tpArgs([[18, 4]]), { type: 'tracepoint' });
add('bt-tp-u8', tpArgs([[9, 1]]), { type: 'tracepoint' });

function main(): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.name)) throw new Error(`duplicate case ${c.name}`);
    seen.add(c.name);
    const head = [`# type: ${c.type ?? 'kprobe'}`, ...(c.maps ?? []).map((m) => `# map: ${m}`)];
    writeFileSync(join(dir, `${c.name}.s`), head.join('\n') + '\n' + c.body + '\n');
  }
  console.log(`${readdirSync(dir).length} programs in ${dir}`);
}

main();
