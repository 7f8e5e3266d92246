// Dev script: runs every tests/golden/bpftrace/output/NAME.bt through the real bpftrace 0.17, once in
// text and once with `-f json`, and stores stdout beside it as NAME.out and NAME.json.out, which
// tests/bpftrace/output-golden.test.ts replays against bpfbox's output layer. Needs root and
// /usr/bin/bpftrace; stderr (the RLIMIT_MEMLOCK warning, print() warnings) is not kept.
// Each program is run twice per format and must print the same bytes both times: output that
// depends on hash order or on the clock cannot be a golden.
//
// bpftrace leaves three jobs to its C++ runtime, whose exact results bpfbox must match: std::sort's
// order of ties, snprintf of one printf piece, and strftime for time()/strftime(). A small C++
// program (built with g++ against the same libstdc++ and glibc) prints pseudo-random cases of
// each to libc.tsv, one per line, outputs hex-encoded:
//   sort <TAB> keys <TAB> permutation           (std::sort of (key, index) pairs by key)
//   snprintf <TAB> format <TAB> i:N | s:TEXT <TAB> hex
//   strftime <TAB> epoch <TAB> format <TAB> hex | -     (gmtime; '-' when strftime returned 0)
// Run: npx tsx scripts/capture-bpftrace-output.ts [NAME... | libc]

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = 'tests/golden/bpftrace/output';
const bpftrace = process.env.BPFTRACE ?? '/usr/bin/bpftrace';

function run(file: string, json: boolean): Buffer {
  const args = json ? ['-f', 'json', file] : [file];
  const r = spawnSync(bpftrace, args, { timeout: 30_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`${bpftrace} ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  }
  return r.stdout;
}

const only = process.argv.slice(2);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.bt'))
  .map((f) => f.slice(0, -3))
  .filter((n) => only.length === 0 || only.includes(n))
  .sort();

let failed = 0;
for (const name of names) {
  const file = join(dir, `${name}.bt`);
  for (const json of [false, true]) {
    const first = run(file, json);
    const second = run(file, json);
    if (!first.equals(second)) {
      console.error(`${name}${json ? ' (json)' : ''}: two runs differ; not captured`);
      failed++;
      continue;
    }
    writeFileSync(join(dir, json ? `${name}.json.out` : `${name}.out`), first);
  }
  console.log(name);
}
function captureLibc(): void {
  const tmp = mkdtempSync(join(tmpdir(), 'bpftrace-libc-'));
  try {
    writeFileSync(join(tmp, 'libc.cpp'), LIBC_CASES);
    execFileSync('g++', ['-O2', '-std=c++17', '-o', join(tmp, 'libc'), join(tmp, 'libc.cpp')]);
    const out = execFileSync(join(tmp, 'libc'), { env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' }, maxBuffer: 64 << 20 });
    writeFileSync(join(dir, 'libc.tsv'), out);
    console.log('libc.tsv');
  } finally {
    rmSync(tmp, { recursive: true });
  }
}

const LIBC_CASES = String.raw`
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

static uint64_t seed = 88172645463325252ull;
static uint64_t rnd() { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; return seed; }
static const char *pick(const std::vector<const char *> &v) { return v[rnd() % v.size()]; }
static void hex(const char *s, size_t n) { for (size_t i = 0; i < n; i++) printf("%02x", (unsigned char)s[i]); }

int main() {
  for (int t = 0; t < 80; t++) {
    int n = rnd() % 120 + 1, range = rnd() % 5 + 1;
    std::vector<std::pair<int, int>> v;
    for (int i = 0; i < n; i++) v.push_back({(int)(rnd() % range), i});
    printf("sort\t");
    for (int i = 0; i < n; i++) printf(i ? ",%d" : "%d", v[i].first);
    std::sort(v.begin(), v.end(), [](auto &a, auto &b) { return a.first < b.first; });
    printf("\t");
    for (int i = 0; i < n; i++) printf(i ? ",%d" : "%d", v[i].second);
    printf("\n");
  }

  std::vector<long long> ints = {0, 1, -1, 5, 42, 255, 256, 321, 65535, 70000, 2147483647LL, 2147483648LL,
                                 4294967295LL, 4294967296LL, 5000000000LL, -5000000000LL, 9223372036854775807LL,
                                 (long long)0x8000000000000000ULL, 3735928559LL};
  std::vector<const char *> flags = {"", "", "-", "0", "+", " ", "#", "-0", "+ "};
  std::vector<const char *> widths = {"", "", "1", "5", "12", "20"};
  std::vector<const char *> precs = {"", "", ".0", ".3", ".10", "."};
  std::vector<const char *> lengths = {"", "", "hh", "h", "l", "ll", "j", "z", "t"};
  char buf[4096];
  for (int t = 0; t < 1500; t++) {
    std::string fmt = std::string("[%") + pick(flags) + pick(widths) + pick(precs) + pick(lengths) + "diouxXcp"[rnd() % 8] + "]";
    if (fmt.find("lc") != std::string::npos || fmt.find("jc") != std::string::npos || fmt.find("zc") != std::string::npos || fmt.find("tc") != std::string::npos) continue;
    long long v = ints[rnd() % ints.size()];
    int r = snprintf(buf, sizeof buf, fmt.c_str(), v);
    printf("snprintf\t%s\ti:%lld\t", fmt.c_str(), v);
    hex(buf, r);
    printf("\n");
  }
  std::vector<const char *> strs = {"", "abc", "hello world"};
  for (int t = 0; t < 200; t++) {
    std::string fmt = std::string("<%") + pick({"", "-", "0"}) + pick(widths) + pick(precs) + "s>";
    const char *s = pick(strs);
    int r = snprintf(buf, sizeof buf, fmt.c_str(), s);
    printf("snprintf\t%s\ts:%s\t", fmt.c_str(), s);
    hex(buf, r);
    printf("\n");
  }

  const char *convs = "aAbBcCdDeFgGhHIjklmMnpPrRsStTuUVwWxXyYZ%";
  std::vector<const char *> tflags = {"", "", "", "-", "_", "0", "^", "#"};
  std::vector<const char *> twidths = {"", "", "", "3", "10"};
  for (int t = 0; t < 1500; t++) {
    time_t when = rnd() % 4102444800ULL;
    std::string fmt;
    for (int k = 0; k < 3; k++) fmt += std::string("%") + pick(tflags) + pick(twidths) + convs[rnd() % strlen(convs)] + pick({"", " ", "|"});
    struct tm tm;
    gmtime_r(&when, &tm);
    char out[64];
    size_t r = strftime(out, sizeof out, fmt.c_str(), &tm);
    printf("strftime\t%lld\t%s\t", (long long)when, fmt.c_str());
    if (r == 0) printf("-"); else hex(out, r);
    printf("\n");
  }
}
`;

// After LIBC_CASES is initialised.
if (only.length === 0 || only.includes('libc')) captureLibc();
if (failed > 0) process.exitCode = 1;
