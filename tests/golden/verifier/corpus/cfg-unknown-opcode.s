# type: kprobe
raw ff00000000000000
r0 = 0
exit
