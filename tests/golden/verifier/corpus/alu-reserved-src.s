# type: kprobe
r0 = 0
raw 0710000005000000
exit
