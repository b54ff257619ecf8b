"""Attention/GEMM latency (and some energy) on the device, in the format of
../shared/calibration/README.md, for shapes beyond the shared file (causal masks, head dims 64/256,
batches, decode batches, sliding windows through FlexAttention). Used as a held-out check.

Method (same as the shared file): each call captured many times in a CUDA graph and replayed;
inputs rotate over several sets when the problem is smaller than 256 MiB; median per-call time
over ~200 ms of replays after warm-up.
Usage: python3 Calibration/measure_attention.py > $OUT/attn.jsonl
"""
import json, sys, time
import torch
import torch.nn.functional as F
from torch.nn.attention import sdpa_kernel, SDPBackend

DEV = "cuda"


def emit(o):
    print(json.dumps(o), flush=True)


def graph_time_ms(make_fn, nbytes, per_graph=20, budget_s=0.2):
    sets = max(1, min(64, (256 << 20) // max(nbytes, 1)))
    fns = [make_fn() for _ in range(sets)]
    for f in fns:
        f()
    torch.cuda.synchronize()
    g = torch.cuda.CUDAGraph()
    s = torch.cuda.Stream()
    with torch.cuda.stream(s):
        for f in fns:
            f()
        torch.cuda.synchronize()
        with torch.cuda.graph(g, stream=s):
            for i in range(per_graph):
                fns[i % sets]()
    torch.cuda.synchronize()
    g.replay(); torch.cuda.synchronize()
    times = []
    t_end = time.time() + budget_s
    while time.time() < t_end or len(times) < 5:
        a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
        a.record(); g.replay(); b.record(); torch.cuda.synchronize()
        times.append(a.elapsed_time(b) / per_graph)
    times.sort()
    return times[len(times) // 2], sets


def sdpa_case(backend, B, Hq, Hkv, Lq, Lkv, D, causal, phase):
    name = {SDPBackend.FLASH_ATTENTION: "flash", SDPBackend.CUDNN_ATTENTION: "cudnn"}[backend]
    nbytes = 2 * (B * Hq * Lq * D * 2 + 2 * B * Hkv * Lkv * D)

    def make():
        q = torch.randn(B, Hq, Lq, D, device=DEV, dtype=torch.bfloat16)
        k = torch.randn(B, Hkv, Lkv, D, device=DEV, dtype=torch.bfloat16); v = torch.randn_like(k)
        def f():
            with sdpa_kernel(backend):
                return F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=Hq != Hkv)
        return f
    try:
        ms, sets = graph_time_ms(make, nbytes)
    except Exception as ex:
        emit({"kind": "attn", "phase": phase, "backend": name, "B": B, "Hq": Hq, "Hkv": Hkv, "Lq": Lq, "Lkv": Lkv, "D": D, "causal": causal, "error": str(ex)[:200]})
        return
    flops = 4 * B * Hq * Lq * Lkv * D * (0.5 if causal else 1.0)
    emit({"kind": "attn", "phase": phase, "backend": name, "B": B, "Hq": Hq, "Hkv": Hkv, "Lq": Lq, "Lkv": Lkv, "D": D,
          "causal": causal, "ms": ms, "TFLOPs": flops / ms / 1e9, "rotated_sets": sets, "energy": None, "timer": "cudagraph"})
    torch.cuda.empty_cache()


def flex_case(B, H, L, D, density=None, window=None, seed=0):
    from torch.nn.attention.flex_attention import flex_attention, create_block_mask
    flex = torch.compile(flex_attention)
    nb = L // 128
    if window is not None:
        def mask_mod(b, h, q, k):
            return (q - k).abs() <= window
        bm = create_block_mask(mask_mod, None, None, L, L, device=DEV, _compile=True)
        kept = (torch.arange(L)[:, None] - torch.arange(L)[None, :]).abs().le(window).float().mean().item()
        phase, extra = "sliding_window", {"window": window, "density": kept}
    else:
        g = torch.Generator(device="cpu").manual_seed(seed)
        keep = torch.rand(H, nb, nb, generator=g) < density
        keep |= torch.eye(nb, dtype=torch.bool)[None]
        keep = keep.to(DEV)
        def mask_mod(b, h, q, k):
            return keep[h, q // 128, k // 128]
        bm = create_block_mask(mask_mod, None, H, L, L, device=DEV, _compile=True)
        phase, extra = "blocksparse_random", {"block": 128, "density": keep.float().mean().item()}
    q = torch.randn(B, H, L, D, device=DEV, dtype=torch.bfloat16); k = torch.randn_like(q); v = torch.randn_like(q)
    f = lambda: flex(q, k, v, block_mask=bm)
    f(); torch.cuda.synchronize()
    ms, sets = graph_time_ms(lambda: f, 0)
    dens = extra["density"]
    emit({"kind": "attn", "phase": phase, "backend": "flex", "B": B, "Hq": H, "Hkv": H, "Lq": L, "Lkv": L, "D": D, **extra,
          "ms": ms, "TFLOPs": 4 * B * H * L * L * D * dens / ms / 1e9, "energy": None, "timer": "cudagraph"})


if __name__ == "__main__":
    part = sys.argv[1] if len(sys.argv) > 1 else "all"
    if part in ("sdpa", "all"):
        for backend in [SDPBackend.FLASH_ATTENTION, SDPBackend.CUDNN_ATTENTION]:
            for D in [64, 128, 256]:
                for (B, L) in [(16, 1024), (4, 4096), (1, 16384)]:
                    for causal in [False, True]:
                        if D == 128 and not causal and backend == SDPBackend.FLASH_ATTENTION and L != 1024:
                            continue
                        sdpa_case(backend, B, 32 if D != 256 else 16, 32 if D != 256 else 16, L, L, D, causal, "prefill")
            for (B, Lkv) in [(8, 4096), (32, 2048), (4, 32768), (16, 8192), (1, 8192)]:
                sdpa_case(backend, B, 32, 8, 1, Lkv, 128, False, "decode")
    if part == "h200":
        # H200 validation of the H100-calibrated model (other memory, same compute).
        x = torch.empty(1 << 30, dtype=torch.uint8, device=DEV); y = torch.empty_like(x)
        ms, _ = graph_time_ms(lambda: (lambda: y.copy_(x)), 0)
        emit({"kind": "ceiling", "what": "d2d_copy", "bytes": 2 * x.numel(), "ms": ms, "TBps": 2 * x.numel() / ms / 1e9, "timer": "cudagraph"})
        del x, y
        for backend in [SDPBackend.FLASH_ATTENTION, SDPBackend.CUDNN_ATTENTION]:
            for (B, Lkv) in [(1, 16384), (1, 65536), (1, 131072), (16, 8192), (8, 32768)]:
                sdpa_case(backend, B, 32, 8, 1, Lkv, 128, False, "decode")
            for (B, L, causal) in [(1, 16384, False), (4, 4096, True)]:
                sdpa_case(backend, B, 32, 32, L, L, 128, causal, "prefill")
    if part in ("flex", "all"):
        for d in [0.5, 0.2, 0.05]:
            flex_case(2, 16, 16384, 128, density=d, seed=1)
        flex_case(1, 32, 8192, 64, density=0.3, seed=2)
        for w in [512, 2048]:
            flex_case(1, 32, 16384, 128, window=w)
        flex_case(1, 16, 32768, 128, window=2048)
