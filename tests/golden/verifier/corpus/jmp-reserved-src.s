# type: kprobe
r0 = 0
raw 1510000000000000
exit
