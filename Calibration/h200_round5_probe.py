"""H200, round 5 probe (issue 13): are round 4's misses shapes or machine state?

Round 4's random shapes (h200-round4-heldout) came out 5.7% (median) faster than predicted on
cuDNN prefill, where rounds 2-3 were unbiased. This probe re-measures, in one process and
interleaved, rows of round 3 and round 4 (repeated at the end to see drift), and ablates what
round 4 changed: lengths that are not multiples of 128, GQA ratio 8, short queries over keys that
are not multiples of 128, FA2's small causal prefills. Each latency row records the NVML SM clock
during its burst (median of 10 ms samples) so a row measured at a lower clock shows as such.

Method as h200_round4.py: CUDA-graph replay, median per call over a 150 ms burst (`run_s` 0.15).
Usage on the device: python3 Calibration/h200_round5_probe.py > $OUT/round5.jsonl
"""
import os, sys, time
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h200_round3 as r  # noqa: E402
from nvml_sampler import Sampler  # noqa: E402

r.DATE = "2026-12-02"
LAST = {}
TAG = "Calibration/h200_round5_probe.py (round 5 probe): "
_replay = r.replay_ms


def replay_ms(g, per_graph, budget_s=0.15):
    with Sampler(period=0.005) as s:
        ms = _replay(g, per_graph, budget_s)
    su = s.summary(0.0)
    LAST.update(sm_clock_mhz_median=su["sm_clock_mhz_median"], sm_clock_mhz_min=su["sm_clock_mhz_min"],
                power_w_median=su["power_w_median"])
    return ms


r.replay_ms = replay_ms
_emit = r.emit


def emit(o):
    if o.get("kind") == "attn" and "ms" in o:
        o.update(LAST)
        o["run_s"] = 0.15
        o["split"] = "probe"
        o["method"] = TAG + o.get("method", "")
        o["pass"] = PASS[0]
    _emit(o)


r.emit = emit
PASS = [0]

REPRO = [  # (backend, B, Hq, Hkv, Lq, Lkv, D, causal): round 3 rows, then round 4 rows
    ("cudnn", 4, 32, 32, 4096, 4096, 128, False), ("cudnn", 4, 32, 32, 4096, 4096, 80, False),
    ("cudnn", 1, 32, 8, 16, 8192, 128, False), ("cudnn", 1, 32, 8, 384, 16384, 128, False),
    ("cudnn", 2, 32, 8, 8192, 8192, 64, False), ("flash", 4, 32, 32, 4096, 4096, 128, True),
    ("cudnn", 1, 32, 8, 4160, 4160, 128, False), ("cudnn", 3, 16, 4, 8896, 8896, 128, False),
    ("cudnn", 1, 32, 4, 96, 8400, 128, False), ("cudnn", 2, 32, 4, 10, 15296, 128, False),
    ("cudnn", 1, 64, 8, 960, 960, 96, False), ("flash", 1, 16, 4, 3392, 3392, 64, True),
    ("cudnn", 1, 16, 4, 3392, 3392, 64, True), ("flash", 5, 64, 8, 61, 8448, 64, False),
    ("cudnn", 5, 64, 8, 61, 8448, 64, False),
]
ABLATE = [
    # cuDNN prefill: length off the 128 grid, GQA ratio, head dim
    ("cudnn", 1, 32, 8, 4096, 4096, 128, False), ("cudnn", 1, 32, 8, 4032, 4032, 128, False),
    ("cudnn", 1, 32, 8, 4224, 4224, 128, False), ("cudnn", 1, 32, 32, 4160, 4160, 128, False),
    ("cudnn", 1, 32, 4, 4096, 4096, 128, False), ("cudnn", 1, 32, 32, 4096, 4096, 128, False),
    ("cudnn", 1, 32, 8, 4096, 4096, 80, False), ("cudnn", 1, 32, 8, 4160, 4160, 80, False),
    ("cudnn", 3, 16, 4, 8832, 8832, 128, False), ("cudnn", 3, 16, 16, 8896, 8896, 128, False),
    # cuDNN short queries: keys off the 128 grid, GQA ratio
    ("cudnn", 1, 32, 8, 16, 8400, 128, False), ("cudnn", 1, 32, 4, 16, 8192, 128, False),
    ("cudnn", 1, 32, 4, 16, 8400, 128, False), ("cudnn", 1, 32, 32, 16, 8192, 128, False),
    ("cudnn", 1, 32, 8, 96, 8192, 128, False), ("cudnn", 1, 32, 8, 16, 8320, 128, False),
    # FA2 small causal prefill
    ("flash", 1, 16, 16, 3392, 3392, 64, True), ("flash", 1, 16, 4, 3392, 3392, 64, False),
    ("flash", 1, 16, 4, 3456, 3456, 64, True), ("flash", 1, 16, 4, 3328, 3328, 64, True),
    ("flash", 2, 16, 4, 3392, 3392, 64, True), ("flash", 1, 32, 8, 3392, 3392, 64, True),
    ("flash", 1, 16, 4, 3392, 3392, 128, True), ("flash", 5, 64, 8, 64, 8448, 64, False),
    ("flash", 5, 64, 8, 61, 8448, 128, False), ("flash", 5, 64, 64, 61, 8448, 64, False),
]


def run(rows):
    for (name, B, Hq, Hkv, Lq, Lkv, D, causal) in rows:
        r.sdpa(name, B, Hq, Hkv, Lq, Lkv, D, causal=causal, phase="decode" if Lq == 1 else "prefill", names=True)


if __name__ == "__main__":
    r.emit({"kind": "round5_probe", "rows": 2 * len(REPRO) + len(ABLATE)})
    run(REPRO)
    PASS[0] = 1
    run(ABLATE)
    PASS[0] = 2
    time.sleep(5)
    run(REPRO)
