#!/bin/sh
# GC over synthetic metadata at three sizes: time and peak RSS of the collector (a process of its
# own), dry run then real run. Usage: bench/gc_bench.sh [BUILD_DIR] (default build).
# Needs a few GB free under ${TMPDIR:-/tmp} for the 1,000,000-blob database.
set -eu
build=${1:-build}
bin=$build/bench/gc_bench
[ -x "$bin" ] || { echo "build the gc_bench target first" >&2; exit 2; }
for n in 100000 300000 1000000; do
  dir=$(mktemp -d "${TMPDIR:-/tmp}/gc-bench-XXXXXX")
  "$bin" setup "$dir" "$n"
  "$bin" gc "$dir" --dry-run
  "$bin" gc "$dir"
  rm -rf "$dir"
done
