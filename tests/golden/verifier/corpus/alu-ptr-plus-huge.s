# type: kprobe
r6 = r10
r6 += 0x20000000
r0 = 0
exit
