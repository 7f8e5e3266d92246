# type: kprobe
raw 8501000005000000
r0 = 0
exit
