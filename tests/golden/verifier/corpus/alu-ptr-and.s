# type: kprobe
r1 &= 2
r0 = 0
exit
