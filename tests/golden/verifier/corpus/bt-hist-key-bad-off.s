# type: kprobe
# map: hash:8:8:64
r6 = r1
r1 = *(u64 *)(r6 +96)
r2 = 0
if r1 == 0x0 goto done
r2 = 1
r3 = r1
if r3 < 0x10000 goto pc+2
r3 >>= 16
r2 += 16
if r3 < 0x100 goto pc+2
r3 >>= 8
r2 += 8
if r3 < 0x10 goto pc+2
r3 >>= 4
r2 += 4
if r3 < 0x4 goto pc+2
r3 >>= 2
r2 += 2
if r3 < 0x2 goto pc+1
r2 += 1
done:
*(u64 *)(r10 -4) = r2
r1 = map[id:1]
r2 = r10
r2 += -4
call bpf_map_lookup_elem#1
if r0 == 0x0 goto out
r1 = 1
lock *(u64 *)(r0 +0) += r1
out:
r0 = 0
exit
