# type: kprobe
r1 = be16 r1
r0 = 0
exit
