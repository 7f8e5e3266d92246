# type: kprobe
r1 = *(u32 *)(r1 +0)
*(u16 *)(r10 -8) = r1
r0 = *(u16 *)(r10 -8)
exit
