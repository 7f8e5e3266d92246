# type: kprobe
r2 = r10
r2 += -16
*(u64 *)(r2 +8) = 3
r0 = *(u64 *)(r10 -8)
exit
