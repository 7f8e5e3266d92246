# type: kprobe
r0 = 0
goto pc+40
exit
