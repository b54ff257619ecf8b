"""H200, round 10 (issue 13): a fresh held-out set under NVML energy, measured after the round-10
profile (the copy engine's L2 rate, energies over the timed launches; Calibration/README.md
"Round 10"), before anyone looked at its rows.

Every row carries energy: FA2 and cuDNN prefill, chunked prefill, few-query calls and decode, drawn
by round 7's generator with a new seed (20261210), weighted to prefill and chunked prefill (the
kernels whose L2 path round 10 changed). Nothing is fitted to these rows (split "heldout").

Method as h200_round7.py: CUDA-graph replay of 20 calls, median per call over a 150 ms burst from
rest (run_s 0.15) with the loop's busy_fraction; energy: NVML energy-counter delta over >= 2 s of
back-to-back replays, idle power measured first; kernel names and grids from torch.profiler.
Usage on the device: python3 Calibration/h200_round10.py > $OUT/h200-round10-energy-heldout-2026-12-03.jsonl
"""
import os, random, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h200_round9 as r9  # noqa: E402  (its held-out row fields and emit, h200_round7's replay loop)

SEED = r9.SEED = 20261210
r9.LABEL = "Calibration/h200_round10.py (round 10, heldout, seed %d): "
r, r7 = r9.r, r9.r7


if __name__ == "__main__":
    rng = random.Random(SEED)
    cases = r7.shapes(rng)  # 14 prefill, 16 chunked, 16 few-query, 20 decode (12 of B >= 32)
    picks = sorted(rng.sample(range(0, 14), 6) + rng.sample(range(14, 30), 5) + rng.sample(range(30, 46), 3)
                   + rng.sample(range(46, 66), 3))
    r.emit({"kind": "round10", "seed": SEED, "cases": [cases[i][2] for i in picks]})
    r9.measure_cases(cases, picks)
