# A log2 histogram, the way bpftrace's hist() fills one: bucket 0 counts zeros, bucket k counts
# values in [2^(k-1), 2^k). The value is a random u32 shifted right by a random 0-31 bits, so
# every bucket sees hits. Map 1 is a per-CPU array of 64 u64 counters, indexed by bucket.
# Kernel syntax, as `bpfbox bpf disasm` prints it; labels stand in for pc-relative offsets.

call bpf_get_prandom_u32#7
r6 = r0
call bpf_get_prandom_u32#7
r0 &= 31
r6 >>= r0

r7 = 0
if r6 == 0x0 goto count
r7 = 1
r1 = r6
if r1 < 0x10000 goto below16
r1 >>= 16
r7 += 16
below16:
if r1 < 0x100 goto below8
r1 >>= 8
r7 += 8
below8:
if r1 < 0x10 goto below4
r1 >>= 4
r7 += 4
below4:
if r1 < 0x4 goto below2
r1 >>= 2
r7 += 2
below2:
if r1 < 0x2 goto count
r7 += 1

count:
*(u32 *)(r10 -4) = r7
r1 = map[id:1]
r2 = r10
r2 += -4
call bpf_map_lookup_elem#1
if r0 == 0x0 goto out
r1 = *(u64 *)(r0 +0)
r1 += 1
*(u64 *)(r0 +0) = r1
out:
r0 = 0
exit
