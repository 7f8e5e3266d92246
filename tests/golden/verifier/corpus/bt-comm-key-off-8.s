# type: kprobe
# map: hash:16:8:64
r1 = r10
r1 += -8
r2 = 16
call bpf_get_current_comm#16
r1 = map[id:1]
r2 = r10
r2 += -8
call bpf_map_lookup_elem#1
r0 = 0
exit
