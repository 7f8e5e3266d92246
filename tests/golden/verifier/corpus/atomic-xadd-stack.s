# type: kprobe
*(u64 *)(r10 -8) = 0
r1 = 1
lock *(u64 *)(r10 -8) += r1
r0 = 0
exit
