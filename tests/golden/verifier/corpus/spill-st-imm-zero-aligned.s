# type: kprobe
*(u32 *)(r10 -8) = 0
r0 = *(u32 *)(r10 -8)
exit
