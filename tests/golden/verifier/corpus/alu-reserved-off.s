# type: kprobe
r0 = 0
raw 0700010005000000
exit
