# type: kprobe
# map: hash:4:8:16
r2 = r1
r1 = map[id:1]
call bpf_map_lookup_elem#1
r0 = 0
exit
