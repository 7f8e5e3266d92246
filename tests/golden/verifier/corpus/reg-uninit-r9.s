# type: kprobe
r0 = 0
r0 += r9
exit
