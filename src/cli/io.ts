// Reading a command's input: a file, or standard input for `-`.

import { readFileSync } from 'node:fs';
import { CommandError } from './errors.js';

export function readInput(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'No such file or directory' : code === 'EISDIR' ? 'Is a directory' : code === 'EACCES' ? 'Permission denied' : String((e as Error).message);
    throw new CommandError(`${path}: ${why}`);
  }
}

