# type: tracepoint
r6 = r1
r0 = 0
r2 = *(u16 *)(r6 +0)
r0 += r2
exit
