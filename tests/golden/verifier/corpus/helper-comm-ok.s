# type: kprobe
r1 = r10
r1 += -16
r2 = 16
call bpf_get_current_comm#16
r0 = *(u64 *)(r10 -16)
exit
