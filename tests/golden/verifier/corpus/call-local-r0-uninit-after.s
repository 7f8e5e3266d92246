# type: kprobe
r1 = 1
call pc+1
exit
r0 = 2
exit
