# type: kprobe
r1 = map[id:7]
r0 = 0
exit
