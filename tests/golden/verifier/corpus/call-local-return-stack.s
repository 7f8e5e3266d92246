# type: kprobe
call pc+2
r0 = 0
exit
r0 = r10
exit
