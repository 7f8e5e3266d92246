# type: kprobe
r0 = 0
goto pc-1
exit
