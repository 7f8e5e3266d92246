# type: kprobe
*(u8 *)(r10 -1) = 1
*(u8 *)(r10 -2) = 2
r0 = *(u8 *)(r10 -2)
exit
