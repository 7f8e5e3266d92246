# type: kprobe
if r1 > r10 goto pc+0
r0 = 0
exit
