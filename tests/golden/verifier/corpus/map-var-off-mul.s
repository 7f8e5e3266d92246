# type: kprobe
# map: array:4:64:4
r6 = 0
*(u32 *)(r10 -4) = r6
r1 = map[id:1]
r2 = r10
r2 += -4
call bpf_map_lookup_elem#1
if r0 == 0x0 goto out
r7 = r0
call bpf_get_prandom_u32#7
r0 &= 7
r0 *= 8
r7 += r0
r0 = *(u8 *)(r7 +0)
exit
out:
r0 = 0
exit
