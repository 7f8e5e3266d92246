# type: kprobe
r3 = *(u64 *)(r1 +112)
r1 = r10
r1 += -64
r2 = 64
call bpf_probe_read_str#45
r0 &= 63
exit
