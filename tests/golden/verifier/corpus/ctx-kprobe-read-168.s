# type: kprobe
r0 = *(u64 *)(r1 +168)
exit
