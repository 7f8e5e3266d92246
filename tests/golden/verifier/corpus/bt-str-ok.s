# type: kprobe
r6 = r1
*(u64 *)(r10 -64) = 0
r3 = *(u64 *)(r6 +112)
r1 = r10
r1 += -64
r2 = 64
call bpf_probe_read_str#45
r0 = 0
exit
