// Part of `npm run build`, after tsc and the parser's tables: bundles the command line from dist/
// into dist/bundle/bpfbox.cjs, runs a bpftrace one-liner and a short kprobe and tracepoint run
// through it so that V8 compiles the code a run needs, and writes that code as the bundle's cache
// (see src/cli/bundle.ts). Packages stay in node_modules.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = (rel) => fileURLToPath(new URL(`../dist/${rel}`, import.meta.url));

await build({
  entryPoints: [dist('cli/main.js')],
  outfile: dist('bundle/bpfbox.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // Identifiers stay, for profiles and messages that name a function or class.
  minifyWhitespace: true,
  minifySyntax: true,
  // Paths the modules take relative to themselves (package.json, the parser's tables) are the
  // same from dist/bundle as from dist/cli or dist/bpftrace.
  define: { 'import.meta.url': '__bpfbox_module_url' },
  banner: { js: 'const __bpfbox_module_url = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
});

const { loadCli, BUNDLE_CACHE } = await import(dist('cli/bundle.js'));
const { cli, script } = loadCli(false);
const io = { stdout: () => {}, stderr: (s) => process.stderr.write(s), stdin: () => '' };
for (const argv of [
  ['-e', 'BEGIN { printf("hi\\n"); exit(); }'],
  ['--duration', '20ms', '-e', 'kprobe:__alloc_pages_nodemask { @[kstack(3)] = count(); } tracepoint:kmem:mm_page_alloc { @o = hist(args->order); }'],
]) {
  const status = await cli.mainAsync(argv, io);
  if (status !== 0) throw new Error(`build-bundle: bpfbox ${argv.join(' ')} exited ${status}`);
}
writeFileSync(BUNDLE_CACHE, script.createCachedData());
