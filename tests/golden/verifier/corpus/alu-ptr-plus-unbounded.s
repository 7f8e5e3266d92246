# type: kprobe
r6 = r10
call bpf_get_prandom_u32#7
r6 += r0
r0 = 0
exit
