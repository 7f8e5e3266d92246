# type: kprobe
r0 = 0
raw 9500000001000000
