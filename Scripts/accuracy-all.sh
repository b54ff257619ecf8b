#!/bin/sh
# Runs `einsim accuracy` on every file in Calibration/results/ (H100 files on nvidia-h100-sxm,
# H200 files on nvidia-h200-sxm) and prints each file's group table (files without kernel rows
# print nothing). Usage: Scripts/accuracy-all.sh [PATH-TO-EINSIM] [--rows]
EINSIM=${1:-.build/release/einsim}
for f in Calibration/results/*.jsonl; do
  case $(basename "$f") in h200*) hw=nvidia-h200-sxm;; *) hw=nvidia-h100-sxm;; esac
  echo "== $(basename "$f" .jsonl)"
  if [ "$2" = "--rows" ]; then "$EINSIM" accuracy "$f" --hardware "$hw" 2>&1 | grep -v skipped
  else "$EINSIM" accuracy "$f" --hardware "$hw" 2>&1 | sed -n '/^group /,$p' | grep -v '^--'; fi
done
