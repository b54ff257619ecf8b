#!/usr/bin/env bash
# Runs the benchmark suite and compares each throughput against the committed baseline
# (Benchmarks/baseline.txt, measured on this project's 2-core development machine class); a drop
# of more than 20% is flagged and the script exits 1.
#
#   Scripts/bench-compare.sh            compare a fresh run with the baseline
#   Scripts/bench-compare.sh --update   write the fresh run as the new baseline
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product einsim-bench 2>&1 | tail -1
run="$(mktemp)"
.build/release/einsim-bench > "$run"
# "label: 1.234 M things/s" and "label: … (581 loads/s)" -> "label<TAB>value" (higher is better)
extract() {
  sed -nE 's/^([^:]+): ([0-9.]+) ?M [a-z ]+\/s.*/\1\t\2/p; s/^(profile loading): .*\(([0-9.]+) loads\/s\).*/\1\t\2/p; s/^(fusemax mapper): .* ([0-9.]+)M candidates\/s decided.*/\1\t\2/p; s/^(spatial cost model): ([0-9.]+)M .*/\1\t\2/p; s/^(cycle engine): .*: ([0-9.]+) M tasks\/s.*/\1\t\2/p; s/^(sweep[^:]*): ([0-9.]+)k points\/s.*/\1 (k points\/s)\t\2/p' "$1"
}
if [ "${1:-}" = "--update" ]; then
  extract "$run" > Benchmarks/baseline.txt
  echo "baseline updated:"; cat Benchmarks/baseline.txt; exit 0
fi
status=0
while IFS=$'\t' read -r label value; do
  base="$(awk -F'\t' -v l="$label" '$1 == l { print $2 }' Benchmarks/baseline.txt)"
  [ -z "$base" ] && { printf '  %-90s %10s  (new)\n' "$label" "$value"; continue; }
  ratio="$(awk -v v="$value" -v b="$base" 'BEGIN { printf "%.2f", v / b }')"
  flag=""; if awk -v r="$ratio" 'BEGIN { exit !(r < 0.8) }'; then flag="  <-- REGRESSION (>20% slower)"; status=1; fi
  printf '  %-90s %10s vs %10s  x%s%s\n' "$label" "$value" "$base" "$ratio" "$flag"
done < <(extract "$run")
exit $status
