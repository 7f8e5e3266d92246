# type: kprobe
r1 = r10
r1 += -16
r2 = 0
call bpf_get_current_comm#16
r0 = 0
exit
