# type: kprobe
*(u64 *)(r10 -8) = r1
*(u32 *)(r10 -8) = 0
r0 = *(u32 *)(r10 -8)
exit
