# type: kprobe
exit
