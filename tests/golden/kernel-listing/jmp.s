# Every jump the kernel prints, with calls to helpers and to a subprogram.
if r1 == r2 goto pc+0
if r3 == 0x7fffffff goto pc+0
if w1 == w2 goto pc+0
if w3 == 0x80000000 goto pc+0
if r1 != r2 goto pc+0
if r3 != 0x0 goto pc+0
if w1 != w2 goto pc+0
if w3 != 0x7fffffff goto pc+0
if r1 & r2 goto pc+0
if r3 & 0x80000000 goto pc+0
if w1 & w2 goto pc+0
if w3 & 0x0 goto pc+0
if r1 > r2 goto pc+0
if r3 > 0x7fffffff goto pc+0
if w1 > w2 goto pc+0
if w3 > 0x80000000 goto pc+0
if r1 >= r2 goto pc+0
if r3 >= 0x0 goto pc+0
if w1 >= w2 goto pc+0
if w3 >= 0x7fffffff goto pc+0
if r1 < r2 goto pc+0
if r3 < 0x80000000 goto pc+0
if w1 < w2 goto pc+0
if w3 < 0x0 goto pc+0
if r1 <= r2 goto pc+0
if r3 <= 0x7fffffff goto pc+0
if w1 <= w2 goto pc+0
if w3 <= 0x80000000 goto pc+0
if r1 s> r2 goto pc+0
if r3 s> 0x0 goto pc+0
if w1 s> w2 goto pc+0
if w3 s> 0x7fffffff goto pc+0
if r1 s>= r2 goto pc+0
if r3 s>= 0x80000000 goto pc+0
if w1 s>= w2 goto pc+0
if w3 s>= 0x0 goto pc+0
if r1 s< r2 goto pc+0
if r3 s< 0x7fffffff goto pc+0
if w1 s< w2 goto pc+0
if w3 s< 0x80000000 goto pc+0
if r1 s<= r2 goto pc+0
if r3 s<= 0x0 goto pc+0
if w1 s<= w2 goto pc+0
if w3 s<= 0x7fffffff goto pc+0
goto pc+0
gotol pc+0
if r1 == 0x0 goto pc+1
goto pc-1
call bpf_map_lookup_elem#1
call bpf_ktime_get_ns#5
call bpf_get_prandom_u32#7
call bpf_get_smp_processor_id#8
call bpf_get_current_pid_tgid#14
call bpf_get_current_uid_gid#15
call bpf_get_current_comm#16
call bpf_perf_event_output#25
call bpf_get_stackid#27
call bpf_get_current_task#35
call bpf_probe_read_str#45
call bpf_get_stack#67
call bpf_ringbuf_output#130
call bpf_get_func_ip#173
call pc+2
r0 = 0
exit
r0 = 1
exit
