# type: kprobe
r2 = r10
r2 += -64
r3 = 64
r4 = 0
call bpf_get_stack#67
r0 = 0
exit
