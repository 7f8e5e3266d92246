# type: kprobe
call unknown#300
r0 = 0
exit
