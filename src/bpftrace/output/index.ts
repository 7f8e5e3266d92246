// bpftrace's output layer: pick a writer for `-f text|json`, and print maps, values and records
// through it. See value.ts for the values it prints and print_map.ts for the exit sequence.

import { JsonOutput } from './json.js';
import type { Output } from './output.js';
import { TextOutput } from './text.js';

export type OutputFormat = 'text' | 'json';

export function createOutput(format: OutputFormat): Output {
  return format === 'json' ? new JsonOutput() : new TextOutput();
}
