# type: kprobe
*(u64 *)(r10 +8) = 0
r0 = 0
exit
