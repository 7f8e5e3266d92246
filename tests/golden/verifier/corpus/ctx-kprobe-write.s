# type: kprobe
*(u64 *)(r1 +0) = r1
r0 = 0
exit
