# type: kprobe
r0 = 0
raw 1d01000001000000
exit
