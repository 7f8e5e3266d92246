# type: kprobe
r0 = 0x123456789abcdef0
exit
