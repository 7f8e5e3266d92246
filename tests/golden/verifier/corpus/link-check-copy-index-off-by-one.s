# type: kprobe
# map: hash:4:64:4
r6 = *(u64 *)(r1 +112)
*(u32 *)(r10 -4) = 0
r1 = map[id:1]
r2 = r10
r2 += -4
call bpf_map_lookup_elem#1
if r0 == 0x0 goto out
r7 = r6
if r6 > 0x40 goto out
r0 += r7
r0 = *(u8 *)(r0 +0)
out:
r0 = 0
exit
