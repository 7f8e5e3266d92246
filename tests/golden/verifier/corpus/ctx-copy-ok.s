# type: kprobe
r6 = r1
r0 = *(u64 *)(r6 +104)
exit
