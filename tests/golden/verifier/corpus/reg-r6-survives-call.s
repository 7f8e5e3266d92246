# type: kprobe
r6 = 1
call bpf_ktime_get_ns#5
r0 = r6
exit
