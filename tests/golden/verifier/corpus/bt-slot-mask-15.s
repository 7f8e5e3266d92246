# type: kprobe
# map: array:4:64:4
r6 = r1
*(u32 *)(r10 -4) = 0
r1 = map[id:1]
r2 = r10
r2 += -4
call bpf_map_lookup_elem#1
if r0 == 0x0 goto out
r7 = r0
r1 = *(u64 *)(r6 +112)
r1 &= 15
r1 *= 8
r7 += r1
r1 = 1
lock *(u64 *)(r7 +0) += r1
out:
r0 = 0
exit
