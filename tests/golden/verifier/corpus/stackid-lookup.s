# type: kprobe
# map: stack_trace:4:1016:1024
*(u32 *)(r10 -4) = 0
r1 = map[id:1]
r2 = r10
r2 += -4
call bpf_map_lookup_elem#1
r0 = 0
exit
