# type: kprobe
r0 = r1
exit
