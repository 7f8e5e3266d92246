# type: kprobe
raw 0500000001000000
r0 = 0
exit
