# type: kprobe
call bpf_get_prandom_u32#7
if w0 > 0x5 goto pc+1
r0 = 0
exit
