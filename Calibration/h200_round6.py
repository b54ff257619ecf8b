"""H200, round 6 (issue 13): a fresh held-out set, drawn after the round-5 mechanisms were in place.

Rounds 4 and 5 were used to find mechanisms (cuDNN's ragged-key masking, FA2's in-order dispatch,
FlexAttention's shared memory per block); this set checks them on shapes nobody has looked at.
Same generator as round 4 (h200_round4.shapes / flex_shapes) with a new seed, 20261203: prefill
with random lengths, heads, GQA, head dims and causal; chunked prefill; few-query calls; decode
batches 1-256; FlexAttention block-sparse and sliding windows (static compiles, one process,
dynamic=False: every new shape recompiles static). Energy on 8 stratified cases (both backends).
Method as h200_round4.py (CUDA-graph replay, median per call over a 150 ms burst, busy_fraction).
Usage on the device: python3 Calibration/h200_round6.py > $OUT/round6.jsonl
"""
import os, random, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h200_round4 as r4  # noqa: E402  (patches h200_round3's replay loop and rows)
import h200_round3 as r  # noqa: E402
import flex_round4 as f4  # noqa: E402

SEED = 20261203
r4.TAG = "Calibration/h200_round6.py (round 6, random shapes, seed %d): " % SEED
r.DATE = "2026-12-02"

if __name__ == "__main__":
    rng = random.Random(SEED)
    cases = r4.shapes(rng)
    flexes = r4.flex_shapes(rng)
    energy_idx = set(rng.sample(range(0, 22), 2) + rng.sample(range(22, 34), 2) + rng.sample(range(34, 46), 1)
                     + rng.sample(range(46, 70), 3))
    r.emit({"kind": "round6", "seed": SEED, "cases": len(cases), "flex": len(flexes), "energy_cases": sorted(energy_idx)})
    r.idle()
    for i, (family, backends, kw) in enumerate(cases):
        for name in backends:
            r.sdpa(name, kw["B"], kw["Hq"], kw["Hkv"], kw["Lq"], kw["Lkv"], kw["D"], causal=kw.get("causal", False),
                   phase=family, energy=i in energy_idx, names=True)
    for c in flexes:
        f4.flex(c["B"], c["H"], c["L"], c["D"], density=c.get("density"), window=c.get("window"), seed=c.get("seed", 0),
                reset=False)
