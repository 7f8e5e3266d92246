# type: kprobe
# map: perf_event_array:4:4:4
r6 = r1
*(u64 *)(r10 -8) = 1
*(u64 *)(r10 -16) = 2
r1 = r6
r2 = map[id:1]
r3 = 0xffffffff
r4 = r10
r4 += -16
r5 = 24
call bpf_perf_event_output#25
r0 = 0
exit
