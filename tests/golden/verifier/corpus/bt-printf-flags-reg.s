# type: kprobe
# map: perf_event_array:4:4:4
r6 = r1
call bpf_get_current_pid_tgid#14
*(u64 *)(r10 -24) = r0
*(u64 *)(r10 -16) = r0
*(u64 *)(r10 -8) = r0
r1 = r6
r2 = map[id:1]
r3 = r10
r4 = r10
r4 += -24
r5 = 24
call bpf_perf_event_output#25
r0 = 0
exit
