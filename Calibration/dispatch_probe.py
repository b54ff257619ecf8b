"""Which kernels SDPA's FlashAttention-2 and cuDNN backends launch, with their grids, across the
decode-prefill continuum (q_len 1 ... 1024 over long key ranges) and decode batches; plus the
per-call latency (CUDA-graph replay median, as measure_attention.py).

What it settles for the model (Sources/Mapper/GPU/AttentionMapper.swift): where the split-KV
kernel is chosen (FA2's num_splits_heuristic and the SM count it is given), how many splits
(grid.y of flash_fwd_splitkv_kernel), and where GQA heads are packed into rows (grid.z = B*Hkv).
Usage: python3 Calibration/dispatch_probe.py > $OUT/dispatch.jsonl
       python3 Calibration/dispatch_probe.py round2 > $OUT/round2.jsonl  (shapes between the fitted points)
"""
import json, os, sys, tempfile
import torch
import torch.nn.functional as F
from torch.nn.attention import sdpa_kernel, SDPBackend
sys.path.insert(0, os.path.dirname(__file__))
from measure_attention import graph_time_ms

DEV = "cuda"


def kernels_of(fn):
    from torch.profiler import profile, ProfilerActivity
    fn(); torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        fn(); torch.cuda.synchronize()
    path = tempfile.mktemp(suffix=".json")
    prof.export_chrome_trace(path)
    events = json.load(open(path)).get("traceEvents", [])
    out = []
    for e in events:
        if e.get("cat") == "kernel":
            a = e.get("args", {})
            out.append({"name": e.get("name", "")[:160], "grid": a.get("grid"), "block": a.get("block"),
                        "us": e.get("dur")})
    return out


def case(backend, B, Hq, Hkv, Lq, Lkv, D):
    name = {SDPBackend.FLASH_ATTENTION: "flash", SDPBackend.CUDNN_ATTENTION: "cudnn"}[backend]
    nbytes = 2 * (B * Hq * Lq * D * 2 + 2 * B * Hkv * Lkv * D)

    def make():
        q = torch.randn(B, Hq, Lq, D, device=DEV, dtype=torch.bfloat16)
        k = torch.randn(B, Hkv, Lkv, D, device=DEV, dtype=torch.bfloat16); v = torch.randn_like(k)
        def f():
            with sdpa_kernel(backend):
                return F.scaled_dot_product_attention(q, k, v, enable_gqa=Hq != Hkv)
        return f
    row = {"kind": "dispatch", "backend": name, "B": B, "Hq": Hq, "Hkv": Hkv, "Lq": Lq, "Lkv": Lkv, "D": D,
           "causal": False, "sms": torch.cuda.get_device_properties(0).multi_processor_count,
           "device": torch.cuda.get_device_name(0), "torch": torch.__version__}
    try:
        row["kernels"] = kernels_of(make())
        ms, _ = graph_time_ms(make, nbytes)
        row["latency_ms"] = ms
    except Exception as e:  # a backend may refuse a shape
        row["error"] = str(e)[:200]
    print(json.dumps(row), flush=True)


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "round2":
    pass
elif __name__ == "__main__":
    shapes = []
    for q in [1, 2, 8, 16, 17, 32, 64, 65, 128, 256]:
        shapes.append((1, 32, 8, q, 32768, 128))
    shapes += [(1, 32, 8, 128, 8192, 128), (1, 32, 8, 1024, 16384, 128), (1, 8, 8, 1024, 16384, 128),
               (16, 32, 8, 1, 8192, 128), (32, 32, 8, 1, 2048, 128), (8, 32, 8, 1, 32768, 128),
               (1, 32, 8, 1, 131072, 128), (1, 32, 8, 1, 4096, 128), (4, 32, 8, 1, 32768, 128), (64, 32, 8, 1, 4096, 128)]
    for s in shapes:
        for backend in [SDPBackend.FLASH_ATTENTION, SDPBackend.CUDNN_ATTENTION]:
            case(backend, *s)


def round2():
    """Shapes between the fitted points (for the next fidelity round): chunked prefill (128-2048
    queries over 8K-32K keys), few-query decode (2-64 queries), decode at large batch (32-256
    requests over 1K-16K keys), head dims 80 and 96."""
    shapes = []
    for q in [128, 256, 512, 1024, 2048]:
        for kv in [8192, 32768]:
            shapes.append((1, 32, 8, q, kv, 128))
    for q in [2, 4, 8, 32, 64]:
        shapes.append((4, 32, 8, q, 16384, 128))
    for B in [32, 64, 128, 256]:
        for kv in [1024, 4096, 16384]:
            if B * kv <= 256 * 4096 * 4:
                shapes.append((B, 32, 8, 1, kv, 128))
    for d in [80, 96]:
        shapes.append((4, 32, 32, 4096, 4096, d))
        shapes.append((1, 32, 8, 1, 32768, d))
    for s in shapes:
        for backend in [SDPBackend.FLASH_ATTENTION, SDPBackend.CUDNN_ATTENTION]:
            case(backend, *s)


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "round2":
    round2()
