// Bob Jenkins' lookup3 hash as include/linux/jhash.h has it: jhash over bytes (the hash table's
// key hash) and jhash2 over u32 words (the stack map's id). Every step stays in uint32.

const JHASH_INITVAL = 0xdeadbeef;

const rol32 = (w: number, s: number): number => (w << s) | (w >>> (32 - s));

let a = 0, b = 0, c = 0;

function mix(): void {
  a = (a - c) | 0; a ^= rol32(c, 4); c = (c + b) | 0;
  b = (b - a) | 0; b ^= rol32(a, 6); a = (a + c) | 0;
  c = (c - b) | 0; c ^= rol32(b, 8); b = (b + a) | 0;
  a = (a - c) | 0; a ^= rol32(c, 16); c = (c + b) | 0;
  b = (b - a) | 0; b ^= rol32(a, 19); a = (a + c) | 0;
  c = (c - b) | 0; c ^= rol32(b, 4); b = (b + a) | 0;
}

function final(): void {
  c ^= b; c = (c - rol32(b, 14)) | 0;
  a ^= c; a = (a - rol32(c, 11)) | 0;
  b ^= a; b = (b - rol32(a, 25)) | 0;
  c ^= b; c = (c - rol32(b, 16)) | 0;
  a ^= c; a = (a - rol32(c, 4)) | 0;
  b ^= a; b = (b - rol32(a, 14)) | 0;
  c ^= b; c = (c - rol32(b, 24)) | 0;
}

const u32le = (k: Uint8Array, p: number): number => k[p]! | (k[p + 1]! << 8) | (k[p + 2]! << 16) | (k[p + 3]! << 24);

/**
 * jhash(key, length, initval) over `length` bytes of `k` from `off`. The u32 comes back as int32:
 * a uint32 above 2^30 would be boxed on every return.
 */
export function jhash(k: Uint8Array, off: number, length: number, initval: number): number {
  a = b = c = (JHASH_INITVAL + length + initval) | 0;
  let p = off;
  while (length > 12) {
    a = (a + u32le(k, p)) | 0;
    b = (b + u32le(k, p + 4)) | 0;
    c = (c + u32le(k, p + 8)) | 0;
    mix();
    length -= 12;
    p += 12;
  }
  if (length === 0) return c;
  // The last block, fewer than 13 bytes, as the kernel's fall-through switch adds them.
  for (let i = length - 1; i >= 0; i--) {
    const v = k[p + i]! << ((i & 3) * 8);
    if (i >= 8) c = (c + v) | 0;
    else if (i >= 4) b = (b + v) | 0;
    else a = (a + v) | 0;
  }
  final();
  return c;
}

/** jhash2(k, length, initval) over `length` u32 words of `k` from word `off`; returns the u32 as int32. */
export function jhash2(k: Uint32Array | Int32Array, off: number, length: number, initval: number): number {
  a = b = c = (JHASH_INITVAL + (length << 2) + initval) | 0;
  let p = off;
  while (length > 3) {
    a = (a + k[p]!) | 0;
    b = (b + k[p + 1]!) | 0;
    c = (c + k[p + 2]!) | 0;
    mix();
    length -= 3;
    p += 3;
  }
  if (length === 0) return c;
  if (length === 3) c = (c + k[p + 2]!) | 0;
  if (length >= 2) b = (b + k[p + 1]!) | 0;
  a = (a + k[p]!) | 0;
  final();
  return c;
}
