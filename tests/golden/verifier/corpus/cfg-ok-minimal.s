# type: kprobe
r0 = 0
exit
