# type: kprobe
r0 = 0
r1 = 5
if r1 == 0x5 goto pc+1
exit
r0 = r2
exit
