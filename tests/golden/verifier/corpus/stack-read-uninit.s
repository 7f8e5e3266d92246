# type: kprobe
r0 = *(u64 *)(r10 -8)
exit
