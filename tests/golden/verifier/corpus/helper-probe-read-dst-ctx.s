# type: kprobe
r3 = 0
r2 = 8
call bpf_probe_read#4
r0 = 0
exit
