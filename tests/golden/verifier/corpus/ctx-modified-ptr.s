# type: kprobe
r1 += 8
r0 = *(u64 *)(r1 +0)
exit
