# type: tracepoint
r6 = r1
r0 = 0
r2 = *(u64 *)(r6 +8)
r0 += r2
r2 = *(u32 *)(r6 +16)
r0 += r2
r2 = *(u32 *)(r6 +20)
r0 += r2
r2 = *(u32 *)(r6 +24)
r0 += r2
exit
