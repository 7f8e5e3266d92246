# type: kprobe
r1 = r10
r1 += -16
r2 = 0
r3 = 0
call bpf_probe_read#4
r0 = 0
exit
