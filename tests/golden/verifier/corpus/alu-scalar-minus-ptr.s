# type: kprobe
r0 = 5
r0 -= r10
exit
