# type: kprobe
w0 = w1
exit
