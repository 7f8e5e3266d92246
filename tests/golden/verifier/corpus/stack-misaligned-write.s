# type: kprobe
*(u32 *)(r10 -6) = 0
r0 = 0
exit
