#!/usr/bin/env bash
# Fuzzes every einsim parser with libFuzzer (Swift's -sanitize=fuzzer, with AddressSanitizer):
# .einsum cascades, XML profiles (inheriting from the shipped ones), experiment files,
# measurement files, --variant specs, and through the CLI sweep files, report inputs (results
# in json, jsonl and csv) and sweep shards for einsim merge.
#
#   Scripts/fuzz.sh [SECONDS_PER_HARNESS] [HARNESS...]     (default: 60 s each, every harness)
#
# Seeds: the shipped examples, profiles, measurement files and variant specs, the malformed
# inputs of Fuzz/malformed/ (from the bad-input campaign and the malformed-input tests), plus
# the corpus grown by earlier runs (Fuzz/corpus/, not committed). Each input may take at most
# 5 s (a slower one is a hang: a finding) and 2 GB (memory that grows over millions of inputs is
# a leak: a finding). LeakSanitizer itself is off: it cannot see Swift references that carry tag
# bits in spare pointer bits (indirect enums, bridged strings) and reports reachable objects as
# leaked (seen here on the first inputs: the cached cascades). A crash, hang or leak stops the harness and
# leaves the input in Fuzz/findings/; this script then exits 1. Every finding becomes a
# regression test (Tests/*/FuzzFindingTests.swift).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-60}"; shift || true
HARNESSES=("$@"); [ ${#HARNESSES[@]} -eq 0 ] && HARNESSES=(einsum profile experiment measurement variant sweep report merge)

swift build -c release --product einsim-fuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library 2>&1 | grep -v "ld.gold: warning" | tail -3
BIN="$(swift build -c release --product einsim-fuzz --scratch-path .build-fuzz --show-bin-path)/einsim-fuzz"

seed() {   # harness -> seed directory
  local h="$1" dir="Fuzz/seeds/$1"
  mkdir -p "$dir"
  case "$h" in
    einsum)      find Examples/cascades -name '*.einsum' -exec cp {} "$dir/" \; ;;
    profile)     cp HardwareProfiles/*.xml "$dir/" ;;
    experiment)  find Examples -maxdepth 2 -name '*.xml' -exec cp {} "$dir/" \; ;;
    measurement) for f in Calibration/results/*.jsonl; do head -c 4000 "$f" > "$dir/$(basename "$f")"; done ;;
    variant)     .build-fuzz/release/einsim-fuzz >/dev/null 2>&1 || true
                 i=0; for v in dense block-sparse:density=0.2,block=128 sliding-window:window=512 top-k:keep=8,block=64 \
                   top-p:density=0.3,block=128 head-budget:densities=0.1/0.5,block=64 neighborhood:window=7x7,grid=32x32 \
                   vertical-stripes:columns=16,window=64 double-sparsity:tokens=0.1,channels=0.25 quest:tokens=0.2,page=16 \
                   razor:retrieval=0.2,window=64,sink=4 linear:block=64 sla:critical=0.1,marginal=0.2 mla moh:active=0.5 \
                   precision:qk=int8,pv=fp8 kv-cache:bits=4,group=64; do printf '%s' "$v" > "$dir/v$i"; i=$((i+1)); done ;;
    sweep)       cp Examples/sweeps/*.xml "$dir/" ;;
    report|merge) # results of the shipped examples, in every format a report or a merge reads
                 swift build -c release --product einsim 2>&1 | tail -1 >&2
                 local einsim=.build/release/einsim
                 "$einsim" simulate Examples/experiments/$(ls Examples/experiments | head -1) --format json > "$dir/simulate.json" 2>/dev/null || true
                 "$einsim" sweep Examples/sweeps/h100-decode-bandwidth.xml --format jsonl > "$dir/sweep.jsonl" 2>/dev/null || true
                 for f in csv jsonl; do
                   "$einsim" sweep Examples/sweeps/h100-decode-bandwidth.xml --format $f --shard 1/2 --output "$dir/shard.$f" >/dev/null 2>&1 || true
                 done ;;
  esac
  cp Fuzz/malformed/"$h"/* "$dir/" 2>/dev/null || true   # the malformed-input findings, kept as seeds
  echo "$dir"
}

status=0
for h in "${HARNESSES[@]}"; do
  corpus="Fuzz/corpus/$h"; findings="Fuzz/findings/$h"
  mkdir -p "$corpus" "$findings"
  seeds="$(seed "$h")"
  echo "== $h: ${SECONDS_EACH} s"
  if ! EINSIM_FUZZ_TARGET="$h" ASAN_OPTIONS=detect_leaks=0 "$BIN" "$corpus" "$seeds" \
        -max_total_time="$SECONDS_EACH" -timeout=5 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$findings/" -print_final_stats=1 2> "Fuzz/$h.log"; then
    echo "   FINDING: see $findings/ and Fuzz/$h.log"; status=1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "Fuzz/$h.log" | sort -u | sed "s/^/   /" || true
done
exit $status
