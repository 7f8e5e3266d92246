# type: socket_filter
call bpf_ktime_get_ns#5
exit
