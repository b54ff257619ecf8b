"""FlexAttention's forward tile configuration per head dim on this GPU, and dense flex timings.

Usage on the device: python3 Calibration/flex_configs.py > $OUT/flex.jsonl
"""
import json, inspect
import torch
from torch.nn.attention.flex_attention import flex_attention, create_block_mask

def emit(o): print(json.dumps(o), flush=True)

try:
    import torch._inductor.kernel.flex.flex_attention as fa
except Exception:
    import torch._inductor.kernel.flex_attention as fa
names = [n for n in dir(fa) if "config" in n.lower()]
emit({"kind": "module", "names": names})
for d in [64, 128, 256]:
    q = torch.randn(1, 32, 4096, d, device="cuda", dtype=torch.bfloat16)
    for n in names:
        f = getattr(fa, n)
        if callable(f) and "fwd" in n.lower():
            try:
                sig = inspect.signature(f)
                emit({"kind": "config", "D": d, "fn": n, "params": list(sig.parameters), "value": str(f(q))[:300]})
            except Exception as e:
                emit({"kind": "config", "D": d, "fn": n, "error": str(e)[:200]})
flex = torch.compile(flex_attention)
for d in [64, 128, 256]:
    L = 8192
    bm = create_block_mask(lambda b, h, q, k: q >= 0, None, None, L, L, device="cuda", _compile=True)
    q = torch.randn(1, 32, L, d, device="cuda", dtype=torch.bfloat16); k = torch.randn_like(q); v = torch.randn_like(q)
    fn = lambda: flex(q, k, v, block_mask=bm)
    fn(); torch.cuda.synchronize()
    g = torch.cuda.CUDAGraph()
    s = torch.cuda.Stream()
    with torch.cuda.stream(s):
        fn(); torch.cuda.synchronize()
        with torch.cuda.graph(g, stream=s):
            for _ in range(10): fn()
    g.replay(); torch.cuda.synchronize()
    ts = []
    for _ in range(10):
        a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
        a.record(); g.replay(); b.record(); torch.cuda.synchronize(); ts.append(a.elapsed_time(b) / 10)
    ts.sort(); ms = ts[len(ts) // 2]
    emit({"kind": "attn", "phase": "blocksparse_random", "backend": "flex", "B": 1, "Hq": 32, "Hkv": 32, "Lq": L, "Lkv": L, "D": d,
          "block": 128, "density": 1.0, "ms": ms, "TFLOPs": 4 * 32 * L * L * d / ms / 1e9, "energy": None, "timer": "cudagraph"})
