# type: kprobe
# map: hash:4:256:4
r6 = *(u8 *)(r1 +112)
r8 = r10
r8 += -16
*(u64 *)(r8 +0) = r6
*(u32 *)(r10 -4) = 0
r1 = map[id:1]
r2 = r10
r2 += -4
call bpf_map_lookup_elem#1
if r0 == 0x0 goto out
r1 = *(u64 *)(r10 -16)
r0 += r1
r0 = *(u8 *)(r0 +0)
out:
r0 = 0
exit
