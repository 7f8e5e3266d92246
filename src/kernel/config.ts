// What a machine is built from. Defaults are the lecture's VM: 2 GiB of RAM, 4 CPUs.

export interface MachineConfig {
  /** Bytes of RAM. */
  readonly memBytes: number;
  readonly cpus: number;
  /** Seeds the PRNG: KASLR slide, pointer hashing, workload jitter. */
  readonly seed: number;
  /** Randomise the kernel's base address as Ubuntu's 5.0 does; off gives 0xffffffff81000000. */
  readonly kaslr: boolean;
  readonly hostname: string;
  /** Bytes of swap on /dev/zram0 (the lecture's Ubuntu VM swaps to a file; zram is its aside). */
  readonly swapBytes: number;
}

export const DEFAULT_CONFIG: MachineConfig = {
  memBytes: 2 * 1024 * 1024 * 1024,
  cpus: 4,
  seed: 1,
  kaslr: true,
  hostname: 'ubuntu',
  swapBytes: 1024 * 1024 * 1024,
};

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** `512M`, `2G`, `2GiB`, `1048576`: a size as people type it. */
export function parseSize(text: string): number | null {
  const m = /^(\d+)([KMGT]?)(?:i?B)?$/i.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * UNITS[m[2]!.toUpperCase()]!;
}

export const MIN_MEM_BYTES = 256 * 1024 * 1024;
export const MAX_MEM_BYTES = 64 * 1024 * 1024 * 1024;
export const MAX_CPUS = 64;

/** Checks a configuration; the message names the first problem, or null when it is fine. */
export function checkConfig(c: MachineConfig): string | null {
  if (!Number.isInteger(c.memBytes) || c.memBytes < MIN_MEM_BYTES || c.memBytes > MAX_MEM_BYTES)
    return `memory size must be between 256M and 64G`;
  if (c.memBytes % (2 * 1024 * 1024) !== 0) return `memory size must be a multiple of 2M`;
  if (!Number.isInteger(c.cpus) || c.cpus < 1 || c.cpus > MAX_CPUS) return `cpus must be between 1 and ${MAX_CPUS}`;
  if (!Number.isInteger(c.seed) || c.seed < 0 || c.seed > 0xffffffff) return `seed must be an integer from 0 to 4294967295`;
  if (!Number.isInteger(c.swapBytes) || c.swapBytes < 0 || c.swapBytes > MAX_MEM_BYTES) return `swap size must be between 0 and 64G`;
  return null;
}
