"""Round 3, third call: held-out checks of the mechanisms fitted on the first call (NVML energy
off the FA2-prefill path, streams of few decode blocks, 4-warp blocks alone on an SM) and
FlexAttention sliding-window/dense energies. Same method as h200_round3.py.
Usage: python3 Calibration/h200_round3_c.py energy > $OUT/c-energy.jsonl
       python3 Calibration/h200_round3_c.py latency > $OUT/c-latency.jsonl
       python3 Calibration/h200_round3_c.py flex > $OUT/c-flex.jsonl
"""
import sys, time
import torch
import h200_round3 as r
from nvml_sampler import Sampler

H = dict(split="heldout")
if __name__ == "__main__":
    part = sys.argv[1]
    r.idle()
    if part == "energy":
        E = dict(energy=True, names=True, **H)
        for name in ["flash", "cudnn"]:
            r.sdpa(name, 4, 32, 8, 1, 16384, 128, **E)
            r.sdpa(name, 32, 32, 8, 1, 4096, 128, **E)
            r.sdpa(name, 2, 32, 8, 1, 32768, 128, **E)
            r.sdpa(name, 1, 32, 8, 16, 32768, 128, phase="prefill", **E)
            r.sdpa(name, 4, 32, 32, 4096, 4096, 64, **E)
            r.sdpa(name, 4, 32, 32, 4096, 4096, 80, **E)
            r.sdpa(name, 4, 16, 16, 4096, 4096, 256, **E)
            r.sdpa(name, 2, 32, 8, 8192, 8192, 128, causal=True, **E)
        r.sdpa("flash", 1, 32, 8, 512, 16384, 128, **E)
        r.sdpa("flash", 2, 32, 8, 256, 8192, 128, **E)
        for (m, n, k) in [(4096, 4096, 4096), (8192, 8192, 1024)]:
            a = torch.randn(m, k, device="cuda", dtype=torch.bfloat16); b = torch.randn(k, n, device="cuda", dtype=torch.bfloat16)
            ms, _, e = r.measure(lambda: (lambda: a @ b), 1 << 30, energy=True, per_graph=20, seconds=2.0)
            r.emit({"kind": "gemm", "M": m, "N": n, "K": k, "dtype": "bf16", "ms": ms, "TFLOPs": 2 * m * n * k / ms / 1e9,
                    "energy": e, "timer": "cudagraph", "split": "heldout",
                    "method": "h200_round3_c.py: cuBLAS a @ b, CUDA-graph replay; NVML energy over >= 2 s"})
    elif part == "latency":
        L = dict(names=True, **H)
        # 4-warp FA2 blocks alone on an SM (<= 132 blocks), and just above.
        for (B, Hq, Hkv, q, kv, d) in [(1, 32, 8, 384, 16384, 64), (1, 32, 8, 512, 16384, 64), (1, 16, 16, 1024, 8192, 128),
                                       (1, 32, 32, 256, 16384, 128), (1, 32, 8, 640, 16384, 128), (1, 16, 16, 2048, 8192, 128),
                                       (1, 32, 8, 256, 16384, 256)]:
            for name in ["flash", "cudnn"]:
                r.sdpa(name, B, Hq, Hkv, q, kv, d, phase="prefill", **L)
        # Streams of few split-KV blocks: decode at B 3, 5, 6, 12 and other head layouts.
        for (B, Hq, Hkv, kv, d) in [(3, 32, 8, 32768, 128), (5, 32, 8, 32768, 128), (6, 32, 8, 8192, 128), (12, 32, 8, 8192, 128),
                                    (1, 8, 8, 131072, 128), (1, 16, 4, 65536, 128), (2, 32, 8, 32768, 64), (2, 32, 8, 32768, 256),
                                    (4, 32, 8, 32768, 64), (4, 32, 8, 16384, 256)]:
            for name in ["flash", "cudnn"]:
                r.sdpa(name, B, Hq, Hkv, 1, kv, d, **L)
    elif part == "flex":
        r.flex(1, 32, 8192, 64, density=1.0, seed=7, energy=True, **H)
        r.flex(1, 32, 16384, 128, window=2048, energy=True, **H)
