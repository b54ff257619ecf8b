"""Few-query calls on the H200: burst against sustained, power and SM clock (issue 13, round 7).

Question: round 7's few-query calls without GQA (B8-16, H16-32 = Hkv, 18-64 queries over 2K-14K
keys) ran 20-45% faster than the model, which puts them at the power limit (clock 62%): their
padded 128-row FA2 tiles (64-row cuDNN tiles) execute as many MACs as a prefill and they stream
2.5-4 TB/s of K/V beside. Does the board hold its boost clock through a 150 ms burst of them, and
what do they draw sustained? Pairs at equal executed MACs with and without GQA separate the MAC
energy from the K/V stream's.

Method per case: h200_decode_power.phases (cool 1 s, 150 ms CUDA-graph burst as the latency files,
2 s back to back with NVML energy counter, SM clock and temperature every 5 ms, 0.6 s hot idle);
kernel names and grids from torch.profiler.
Usage on the device: python3 Calibration/fewquery_power.py > $OUT/fewquery-power.jsonl
"""
import os, sys, time
import torch
import torch.nn.functional as F
from torch.nn.attention import sdpa_kernel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h200_decode_power as dp  # noqa: E402
from h200_round3 import graph_of  # noqa: E402
from dispatch_probe import kernels_of  # noqa: E402

CASES = [  # (B, Hq, Hkv, Lq, Lkv, D)
    (8, 32, 32, 38, 13497, 128), (8, 32, 8, 38, 13497, 128),
    (16, 16, 16, 54, 12562, 64), (16, 16, 4, 54, 12562, 64),
    (8, 32, 32, 18, 2303, 128),
    (4, 16, 16, 3, 27154, 128), (4, 32, 8, 8, 16384, 128),
]


def attn(name, B, Hq, Hkv, Lq, Lkv, D):
    nbytes = 2 * (B * Hq * Lq * D * 2 + 2 * B * Hkv * Lkv * D)
    sets = max(1, min(32, (256 << 20) // nbytes))

    def make():
        q = torch.randn(B, Hq, Lq, D, device="cuda", dtype=torch.bfloat16)
        k = torch.randn(B, Hkv, Lkv, D, device="cuda", dtype=torch.bfloat16); v = torch.randn_like(k)
        def f():
            with sdpa_kernel(dp.BACKENDS[name]):
                return F.scaled_dot_product_attention(q, k, v, enable_gqa=Hq != Hkv)
        return f
    row = {"kind": "attn_power", "backend": name, "phase": "prefill", "B": B, "Hq": Hq, "Hkv": Hkv, "Lq": Lq, "Lkv": Lkv,
           "D": D, "causal": False, "dtype": "bf16", "kv_bytes": 2 * B * Hkv * Lkv * D * 2, "rotated_sets": sets}
    try:
        fns = [make() for _ in range(sets)]
        ks = kernels_of(fns[0])
        row["kernels"] = [k["name"][:90] for k in ks]; row["grids"] = [k["grid"] for k in ks]
        row["kernel_us"] = [k["us"] for k in ks]
        row.update(dp.phases(graph_of(fns, 20), 20))
    except Exception as ex:
        row["error"] = str(ex)[:300]
    row["method"] = "Calibration/fewquery_power.py: h200_decode_power.phases (cool 1 s, 150 ms burst, 2 s sustained, 0.6 s hot idle)"
    dp.emit(row)
    torch.cuda.empty_cache()


if __name__ == "__main__":
    dp.emit({"kind": "device", "name": torch.cuda.get_device_name(0), "temp": dp.temp(),
             "power_limit_W": dp.pynvml.nvmlDeviceGetEnforcedPowerLimit(dp.H) / 1e3})
    time.sleep(1.0)
    c = dp.rest(1.5); dp.COLD[0] = c["avg_W"]; dp.emit({"kind": "idle", **c})
    for case in CASES:
        for name in ("flash", "cudnn"):
            attn(name, *case)
    dp.emit({"kind": "done", "temp": dp.temp()})
