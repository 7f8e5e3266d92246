# type: socket_filter
r0 = 0
call bpf_get_current_pid_tgid#14
exit
