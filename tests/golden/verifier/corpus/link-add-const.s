# type: kprobe
r1 = *(u64 *)(r1 +0)
r2 = r1
r2 += 5
if r1 < 10 goto +1
r0 = 0
r0 = r2
exit
