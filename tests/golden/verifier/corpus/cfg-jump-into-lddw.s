# type: kprobe
r0 = 0
if r1 == 0x0 goto pc+1
r2 = 0x1234567890
exit
