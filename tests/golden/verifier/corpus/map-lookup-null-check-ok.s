# type: kprobe
# map: hash:4:8:16
*(u32 *)(r10 -4) = 0
r1 = map[id:1]
r2 = r10
r2 += -4
call bpf_map_lookup_elem#1
if r0 == 0x0 goto out
r0 = *(u64 *)(r0 +0)
exit
out:
r0 = 0
exit
