# type: socket_filter
r6 = r1
r7 = 2
r0 = *(u16 *)skb[r7 + 10]
exit
