# type: kprobe
w1 += 2
r0 = 0
exit
