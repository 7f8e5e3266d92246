# 64-bit immediates, map references and the legacy packet loads.
r1 = 0x0
r2 = 0xffffffffffffffff
r3 = 0x123456789abcdef0
r4 = 0x80000000
r5 = map[id:1]
r6 = r1
r0 = *(u8 *)skb[12]
r0 = *(u16 *)skb[0]
r0 = *(u32 *)skb[-4]
r0 = *(u8 *)skb[r7 + 2]
r0 = *(u16 *)skb[r8 + -1]
r0 = *(u32 *)skb[r9 + 100]
r0 = 0
exit
