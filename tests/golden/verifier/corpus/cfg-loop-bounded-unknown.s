# type: kprobe
call bpf_get_prandom_u32#7
r1 = r0
r1 &= 15
r0 = 0
loop:
r0 += 1
r1 += -1
if r1 s> 0x0 goto loop
exit
