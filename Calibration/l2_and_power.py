"""L2 bandwidth (copies that stay in the 50 MB L2) and power of a few attention shapes.

Usage on the device machine: python3 Calibration/l2_and_power.py > $OUT/l2.jsonl
L2: y.copy_(x) for buffers of 2-16 MiB each (so x and y stay in L2), 200 copies per CUDA graph,
bytes read + written per second. Power: NVML energy counter over ~2 s of back-to-back calls.
"""
import json, time
import torch
import torch.nn.functional as F
from torch.nn.attention import sdpa_kernel, SDPBackend
from nvml_sampler import Sampler


def emit(o):
    print(json.dumps(o), flush=True)


def graph_ms(fn, n=200):
    fn(); torch.cuda.synchronize()
    g = torch.cuda.CUDAGraph()
    s = torch.cuda.Stream()
    with torch.cuda.stream(s):
        fn(); torch.cuda.synchronize()
        with torch.cuda.graph(g, stream=s):
            for _ in range(n):
                fn()
    g.replay(); torch.cuda.synchronize()
    ts = []
    for _ in range(20):
        a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
        a.record(); g.replay(); b.record(); torch.cuda.synchronize()
        ts.append(a.elapsed_time(b) / n)
    ts.sort()
    return ts[len(ts) // 2], g


with Sampler() as s0:
    time.sleep(1.0)
idle = s0.summary(0.0)["avg_w_energy_counter"]
emit({"kind": "idle", "W": idle})
for mib in [2, 4, 8, 16, 64, 512]:
    x = torch.empty(mib << 20, dtype=torch.uint8, device="cuda"); y = torch.empty_like(x)
    ms, _ = graph_ms(lambda: y.copy_(x))
    emit({"kind": "copy_bandwidth", "MiB_each": mib, "ms": ms, "TBps_read_plus_write": 2 * x.numel() / ms / 1e9})

cases = [
    ("flash", 1, 16, 16, 16384, 16384, 256, False),
    ("flash", 1, 32, 32, 16384, 16384, 64, False),
    ("flash", 16, 32, 8, 1, 8192, 128, False),
    ("flash", 32, 32, 8, 1, 2048, 128, False),
    ("cudnn", 16, 32, 8, 1, 8192, 128, False),
    ("cudnn", 1, 16, 16, 16384, 16384, 256, False),
]
for backend, B, Hq, Hkv, Lq, Lkv, D, causal in cases:
    be = SDPBackend.FLASH_ATTENTION if backend == "flash" else SDPBackend.CUDNN_ATTENTION
    q = torch.randn(B, Hq, Lq, D, device="cuda", dtype=torch.bfloat16)
    k = torch.randn(B, Hkv, Lkv, D, device="cuda", dtype=torch.bfloat16); v = torch.randn_like(k)
    def f():
        with sdpa_kernel(be):
            return F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=Hq != Hkv)
    ms, g = graph_ms(f, n=20)
    reps = max(1, int(2.0 / (ms * 20 / 1000)))
    with Sampler() as s:
        for _ in range(reps):
            g.replay()
        torch.cuda.synchronize()
    su = s.summary()
    emit({"kind": "attn", "phase": "decode" if Lq == 1 else "prefill", "backend": backend, "B": B, "Hq": Hq, "Hkv": Hkv,
          "Lq": Lq, "Lkv": Lkv, "D": D, "causal": causal, "ms": ms,
          "energy": {"mJ_per_call": su["avg_w_energy_counter"] * ms, "avg_W": su["avg_w_energy_counter"], "calls": reps * 20},
          "sm_clock_mhz": su["sm_clock_mhz_median"], "idle_W": idle, "timer": "cudagraph"})
    del q, k, v
    torch.cuda.empty_cache()
