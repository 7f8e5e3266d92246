# type: kprobe
# map: hash:4:8:16
*(u32 *)(r10 -4) = 0
r1 = map[id:1]
r2 = r10
r2 += -4
r3 = r10
r3 += -16
r4 = 0
call bpf_map_update_elem#2
r0 = 0
exit
