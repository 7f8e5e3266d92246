# type: kprobe
r0 = 0
if r1 == 0x0 goto pc-2
