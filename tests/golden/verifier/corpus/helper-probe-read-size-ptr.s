# type: kprobe
r2 = r10
r1 = r10
r1 += -16
r3 = 0
call bpf_probe_read#4
r0 = 0
exit
