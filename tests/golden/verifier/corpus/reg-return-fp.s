# type: kprobe
r0 = r10
exit
