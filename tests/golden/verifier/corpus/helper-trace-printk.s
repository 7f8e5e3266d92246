# type: kprobe
*(u32 *)(r10 -8) = 680997
r1 = r10
r1 += -8
r2 = 4
call bpf_trace_printk#6
r0 = 0
exit
