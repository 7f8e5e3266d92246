# type: kprobe
r0 = 0
raw f700000000000000
exit
