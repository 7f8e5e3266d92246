# type: kprobe
if r1 == 0x5 goto pc+0
r0 = 0
exit
