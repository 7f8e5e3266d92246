# type: kprobe
r1 = 1
call pc+2
r0 = 0
exit
r0 = r1
exit
