# type: kprobe
# map: hash:4:8:16
r1 = map[id:1]
r0 = *(u64 *)(r1 +0)
exit
