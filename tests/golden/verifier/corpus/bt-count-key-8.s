# type: kprobe
# map: percpu_hash:8:8:4096
call bpf_get_current_pid_tgid#14
r0 >>= 32
*(u64 *)(r10 -8) = r0
r1 = map[id:1]
r2 = r10
r2 += -8
call bpf_map_lookup_elem#1
r1 = 1
if r0 == 0x0 goto pc+2
r1 = *(u64 *)(r0 +0)
r1 += 1
*(u64 *)(r10 -8) = r1
r1 = map[id:1]
r2 = r10
r2 += -8
r3 = r10
r3 += -8
r4 = 0
call bpf_map_update_elem#2
r0 = 0
exit
