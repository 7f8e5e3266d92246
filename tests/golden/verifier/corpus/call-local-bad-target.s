# type: kprobe
call pc+40
r0 = 0
exit
