# type: kprobe
# map: array:4:8:4
*(u32 *)(r10 -4) = 0
r1 = map[id:1]
r2 = r10
r2 += -4
call bpf_map_lookup_elem#1
r0 = *(u64 *)(r0 +0)
exit
