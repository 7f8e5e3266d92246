# type: kprobe
*(u64 *)(r10 -8) = 5
r1 = r10
r1 += -8
call pc+2
r0 = 0
exit
r0 = *(u64 *)(r1 +0)
exit
