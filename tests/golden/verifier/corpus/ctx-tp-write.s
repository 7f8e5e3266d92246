# type: tracepoint
*(u64 *)(r1 +8) = r1
r0 = 0
exit
