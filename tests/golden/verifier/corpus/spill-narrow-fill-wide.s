# type: kprobe
r1 = 5
*(u32 *)(r10 -8) = r1
r0 = *(u64 *)(r10 -8)
exit
