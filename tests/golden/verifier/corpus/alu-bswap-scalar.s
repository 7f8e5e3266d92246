# type: kprobe
r0 = 5
r0 = be64 r0
exit
