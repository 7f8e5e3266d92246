# type: kprobe
raw bf10000001000000
r0 = 0
exit
