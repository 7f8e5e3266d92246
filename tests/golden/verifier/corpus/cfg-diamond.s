# type: kprobe
call bpf_get_prandom_u32#7
if r0 > 0x5 goto pc+2
r0 = 1
goto pc+1
r0 = 2
exit
