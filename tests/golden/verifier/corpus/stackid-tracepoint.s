# type: tracepoint
# map: stack_trace:4:1016:1024
r2 = map[id:1]
r3 = 0
call bpf_get_stackid#27
exit
