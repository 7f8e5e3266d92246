# type: kprobe
r0 = 0
raw d400000008000000
exit
