# type: kprobe
call pc+1
exit
r0 = 1
