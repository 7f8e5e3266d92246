# type: kprobe
r0 = r10
r0 -= r1
exit
