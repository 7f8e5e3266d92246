// Hex byte strings as the conformance suite and `bpfbox bpf` take them: pairs of hex digits,
// with any whitespace between bytes.

export class HexError extends Error {}

export function parseHex(text: string, what: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(clean)) {
    const bad = clean.match(/[^0-9a-fA-F]/)![0];
    throw new HexError(`${what}: invalid hex character '${bad}'`);
  }
  if (clean.length % 2) throw new HexError(`${what}: odd number of hex digits`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export const toHex = (bytes: Uint8Array, sep = ' '): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(sep);
