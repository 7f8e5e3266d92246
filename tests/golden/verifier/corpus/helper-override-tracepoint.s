# type: tracepoint
r2 = 0
call bpf_override_return#58
r0 = 0
exit
