# type: kprobe
raw 7a1af8ff00000000
r0 = 0
exit
