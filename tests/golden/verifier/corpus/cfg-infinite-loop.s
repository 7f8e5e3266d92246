# type: kprobe
r0 = 0
r1 = 1
if r1 > 0x0 goto pc-2
exit
