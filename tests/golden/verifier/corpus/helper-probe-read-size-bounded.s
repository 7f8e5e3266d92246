# type: kprobe
r6 = r1
call bpf_get_prandom_u32#7
r2 = r0
r2 &= 15
r1 = r10
r1 += -16
r3 = *(u64 *)(r6 +112)
call bpf_probe_read#4
r0 = 0
exit
