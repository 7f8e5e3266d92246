# type: kprobe
*(u64 *)(r10 -512) = 0
r0 = *(u64 *)(r10 -512)
exit
