# type: kprobe
# map: hash:4:8:16
r2 = map[id:1]
r3 = 0
call bpf_get_stackid#27
exit
