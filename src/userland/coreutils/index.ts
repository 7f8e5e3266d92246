// The utilities by the names a shell runs them under.

import { basename } from './basename.js';
import { cat } from './cat.js';
import { cut } from './cut.js';
import { dirname } from './dirname.js';
import { echo } from './echo.js';
import { env } from './env.js';
import { false_ } from './false.js';
import { grep } from './grep.js';
import { head } from './head.js';
import { id } from './id.js';
import type { Util } from './io.js';
import { mkdir } from './mkdir.js';
import { printenv } from './printenv.js';
import { rm } from './rm.js';
import { rmdir } from './rmdir.js';
import { seq } from './seq.js';
import { sort } from './sort.js';
import { tail } from './tail.js';
import { touch } from './touch.js';
import { tr } from './tr.js';
import { true_ } from './true.js';
import { uname } from './uname.js';
import { uniq } from './uniq.js';
import { wc } from './wc.js';
import { whoami } from './whoami.js';
import { ps } from '../procps/ps.js';
import { free } from '../procps/free.js';
import { dmesg } from '../util-linux/dmesg.js';

export const coreutils: Readonly<Record<string, Util>> = {
  basename, cat, cut, dirname, echo, env, false: false_, grep, head, mkdir, printenv, rm, rmdir, seq, sort, tail, touch, tr, true: true_,
  uniq, wc,
  // procps, util-linux and the coreutils that read the kernel's view of the machine.
  dmesg, free, id, ps, uname, whoami,
};
