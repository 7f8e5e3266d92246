# type: kprobe
*(u64 *)(r10 -512) = 0
call pc+2
r0 = 0
exit
*(u64 *)(r10 -64) = 0
r0 = 0
exit
