# type: kprobe
*(u64 *)(r1 +0) = 0
r0 = 0
exit
