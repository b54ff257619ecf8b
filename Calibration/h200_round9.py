"""H200, round 9 (issue 13): a fresh held-out set under NVML energy, measured after the round-9
refit (measured shared-memory, L2 and HBM energies per byte; Calibration/README.md "Round 9").

Every row carries energy: the families of the issue's energy rows (FA2 and cuDNN prefill, chunked
prefill, few-query calls and decode, FlexAttention block-sparse) drawn by round 7's generator with a
new seed (20261209), plus cuBLAS GEMMs for the power balance (a compute-bound GEMM's average power
at the limit). Nothing is fitted to these rows (split "heldout").

Method as h200_round7.py: CUDA-graph replay of 20 calls, median per call over a 150 ms burst from
rest (run_s 0.15) with the loop's busy_fraction; energy: NVML energy-counter delta over >= 2 s of
back-to-back replays, idle power measured first; kernel names and grids from torch.profiler.
Usage on the device: python3 Calibration/h200_round9.py > $OUT/h200-round9-energy-heldout-2026-12-03.jsonl
"""
import os, random, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h200_round7 as r7  # noqa: E402  (h200_round4's replay loop and row fields)
import h200_round3 as r  # noqa: E402
import flex_round4 as f4  # noqa: E402

SEED = 20261209
LABEL = "Calibration/h200_round9.py (round 9, heldout, seed %d): "  # h200_round10.py sets its own
r.DATE = "2026-12-03"
_print = r7._print


def emit(o):
    if o.get("kind") in ("attn", "gemm") and "ms" in o:
        o["busy_fraction"] = round(r7.r4.LAST.get("busy_fraction", 1.0), 4)
        o["run_s"] = 0.15
        o["split"] = "heldout"
        o["method"] = LABEL % SEED + o.get("method", "")
    _print(o)


r.emit = emit


def gemm(M, N, K):
    import torch
    a = torch.randn(M, K, device="cuda", dtype=torch.bfloat16); b = torch.randn(K, N, device="cuda", dtype=torch.bfloat16)
    ms, _, e = r.measure(lambda: (lambda: a @ b), 2 * (M * K + K * N), energy=True, per_graph=10, seconds=2.0)
    emit({"kind": "gemm", "M": M, "N": N, "K": K, "dtype": "bf16", "ms": ms, "energy": e,
          "TFLOPs": 2 * M * N * K / ms / 1e9, "timer": "cudagraph",
          "method": "cuBLAS a @ b, CUDA-graph replay; NVML energy over >= 2 s"})
    del a, b


def measure_cases(cases, picks):
    """Idle first, then every picked case on each of its backends, with NVML energy."""
    r.idle()
    for i in picks:
        family, backends, kw = cases[i]
        for name in backends:
            r.sdpa(name, kw["B"], kw["Hq"], kw["Hkv"], kw["Lq"], kw["Lkv"], kw["D"], causal=kw.get("causal", False),
                   phase=family, energy=True, names=True)


if __name__ == "__main__":
    rng = random.Random(SEED)
    cases = r7.shapes(rng)  # 14 prefill, 16 chunked, 16 few-query, 20 decode (12 of B >= 32)
    picks = sorted(rng.sample(range(0, 14), 4) + rng.sample(range(14, 30), 3) + rng.sample(range(30, 46), 3)
                   + rng.sample(range(46, 58), 3) + rng.sample(range(58, 66), 2))
    flexes = [c for c in r7.flex_shapes(rng) if c.get("density") is not None][:3]
    r.emit({"kind": "round9", "seed": SEED, "cases": [cases[i][2] for i in picks], "flex": flexes})
    measure_cases(cases, picks)
    for M, N, K in ((4096, 4096, 4096), (8192, 8192, 8192), (16384, 4096, 8192)):
        gemm(M, N, K)
    for c in flexes:
        f4.flex(c["B"], c["H"], c["L"], c["D"], density=c["density"], seed=c["seed"], energy=True, reset=False)
