# type: kprobe
r0 = 0
raw 1800000001000000
