# type: kprobe
r0 = 0
exit
r0 = 1
exit
