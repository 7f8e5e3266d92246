# type: kprobe
r6 = r1
r0 = *(u8 *)skb[12]
exit
