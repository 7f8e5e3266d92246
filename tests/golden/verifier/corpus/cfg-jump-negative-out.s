# type: kprobe
goto pc-5
r0 = 0
exit
