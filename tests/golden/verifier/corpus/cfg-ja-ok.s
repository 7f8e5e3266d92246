# type: kprobe
r0 = 0
goto pc+1
r0 = 1
exit
