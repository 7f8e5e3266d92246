// Part of `npm run build`, after tsc: writes the LALR(1) automaton of bpftrace's grammar beside
// dist/bpftrace/parse.js, which loads it rather than having Ohm read grammar.ohm and building the
// automaton on every run (see PARSER_TABLES_FILE in src/bpftrace/parse.ts).

import { copyFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildParserTables, PARSER_TABLES_FILE } from '../dist/bpftrace/parse.js';

const dist = (name) => fileURLToPath(new URL(`../dist/bpftrace/${name}`, import.meta.url));
// grammar.ohm goes too: dist/ alone holds what a run reads, should the tables not fit its scanner.
copyFileSync(fileURLToPath(new URL('../src/bpftrace/grammar.ohm', import.meta.url)), dist('grammar.ohm'));
writeFileSync(dist(PARSER_TABLES_FILE), JSON.stringify(buildParserTables()));
