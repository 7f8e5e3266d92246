# type: tracepoint
r0 = *(u32 *)(r1 +16)
exit
