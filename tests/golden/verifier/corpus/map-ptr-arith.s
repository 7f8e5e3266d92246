# type: kprobe
# map: hash:4:8:16
r1 = map[id:1]
r1 += 8
r0 = 0
exit
