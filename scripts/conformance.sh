#!/bin/sh
# Runs the public bpf_conformance suite against bpfbox. The suite is not part of this project:
# build its runner from https://github.com/Alan-Jowett/bpf_conformance first, then
#   scripts/conformance.sh RUNNER TESTS_DIR [extra runner options]
# e.g. scripts/conformance.sh ~/bpf_conformance/build/bin/bpf_conformance_runner ~/bpf_conformance/tests
# Add --plugin_options "--engine interp" to check the reference interpreter.
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 RUNNER TESTS_DIR [runner options]" >&2
  exit 2
fi
runner=$1
tests=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
exec "$runner" --test_file_directory "$tests" --plugin_path "$here/bpf-run-plugin" \
  --cpu_version v4 --include_groups callx packet "$@"
