# type: kprobe
r0 = *(u64 *)(r1 +0)
r0 = le32 r0
exit
