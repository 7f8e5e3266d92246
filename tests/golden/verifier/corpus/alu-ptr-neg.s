# type: kprobe
r1 = -r1
r0 = 0
exit
