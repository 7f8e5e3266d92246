# type: kprobe
if r1 > r2 goto pc+0
r0 = 0
exit
