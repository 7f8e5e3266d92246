# type: kprobe
# map: array:4:8:4
*(u32 *)(r10 -4) = 0
r1 = map[id:1]
r2 = r10
r2 += -4
call bpf_map_lookup_elem#1
if r0 == 0x0 goto out
r1 = 0
loop:
r2 = r0
r2 += r1
r3 = *(u8 *)(r2 +0)
r1 += 1
if r1 < 8 goto loop
out:
r0 = 0
exit
