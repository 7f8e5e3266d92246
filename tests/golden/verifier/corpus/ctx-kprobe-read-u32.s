# type: kprobe
r0 = *(u32 *)(r1 +4)
exit
