# type: kprobe
raw 7910000001000000
r0 = 0
exit
