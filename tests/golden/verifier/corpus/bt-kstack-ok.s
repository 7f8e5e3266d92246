# type: kprobe
# map: stack_trace:4:1016:4096
# map: hash:8:8:64
r6 = r1
r1 = r6
r2 = map[id:1]
r3 = 0
call bpf_get_stackid#27
*(u64 *)(r10 -8) = r0
r1 = map[id:2]
r2 = r10
r2 += -8
call bpf_map_lookup_elem#1
r0 = 0
exit
