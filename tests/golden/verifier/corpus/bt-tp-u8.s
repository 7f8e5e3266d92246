# type: tracepoint
r6 = r1
r0 = 0
r2 = *(u8 *)(r6 +9)
r0 += r2
exit
