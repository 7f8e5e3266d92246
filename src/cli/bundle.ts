// bin/bpfbox runs the command line from one script, dist/bundle/bpfbox.cjs, which `npm run build`
// bundles from dist/ (scripts/build-bundle.mjs), with the code V8 compiled for it on a run at build
// time. Node resolves, reads and compiles some two hundred ES modules in about 80 ms, about a
// third of a one-liner's time; one script with its code cache loads in about 15 ms. A cache from
// another V8 is rejected, and the script is then compiled as it runs, with the same result.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export const BUNDLE = fileURLToPath(new URL('../bundle/bpfbox.cjs', import.meta.url));
export const BUNDLE_CACHE = `${BUNDLE}.cache`;

type Cli = typeof import('./main.js');

export interface LoadedCli {
  cli: Cli;
  /** The compiled bundle, whose createCachedData() the build writes to BUNDLE_CACHE. */
  script: vm.Script;
}

/** Runs the bundle as Node runs a CommonJS module, with the code cache when there is one. */
export function loadCli(useCache = true): LoadedCli {
  const cachedData = useCache && existsSync(BUNDLE_CACHE) ? readFileSync(BUNDLE_CACHE) : undefined;
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(BUNDLE, 'utf8')}\n})`, {
    filename: BUNDLE,
    ...(cachedData ? { cachedData } : {}),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} as Cli };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
  return { cli: module.exports, script };
}
