# type: kprobe
r0 = 10
r1 = 0
r0 /= r1
exit
