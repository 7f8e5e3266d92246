# type: kprobe
r3 = *(u64 *)(r1 +112)
r1 = r10
r1 += -16
r2 = 16
call bpf_probe_read#4
r0 = *(u64 *)(r10 -16)
exit
