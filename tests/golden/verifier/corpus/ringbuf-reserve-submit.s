# type: kprobe
# map: ringbuf:0:0:4096
r1 = map[id:1]
r2 = 8
r3 = 0
call bpf_ringbuf_reserve#131
if r0 == 0x0 goto out
*(u64 *)(r0 +0) = 1
r1 = r0
r2 = 0
call bpf_ringbuf_submit#132
out:
r0 = 0
exit
