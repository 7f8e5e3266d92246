# type: kprobe
*(u64 *)(r10 -8) = 0
r1 = 1
raw cb1af8ff00000000
r0 = 0
exit
