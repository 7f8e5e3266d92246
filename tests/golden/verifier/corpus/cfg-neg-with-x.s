# type: kprobe
r0 = 0
raw 8f00000000000000
exit
