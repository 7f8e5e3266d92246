# type: kprobe
r0 = 5
r0 = bswap64 r0
exit
