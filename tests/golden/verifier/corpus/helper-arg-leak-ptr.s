# type: kprobe
r1 = r10
call bpf_send_signal#109
r0 = 0
exit
