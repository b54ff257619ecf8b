"""FA3-class kernels on the H200: flash-attn-4's CuTe DSL port of FlashAttention-3's Hopper
forward kernel (flash_attn/cute/flash_fwd_sm90.py: warp-specialized wgmma, register-sourced P,
intra-warpgroup overlap; tiles from FA3's hopper/tile_size.h). No FA3 (hopper) build exists for
the measuring machine's torch 2.11/CUDA 13; this package JIT-compiles for sm_90a.

Usage on the device (wheels carried, see Calibration/README.md):
  python3 Calibration/fa4_sm90_probe.py > $OUT/fa4.jsonl
Rows are in the accuracy format with backend "fa3" (einsim's FA3 preset), method as h200_round3.py
(CUDA-graph replay when capture works, else back-to-back calls timed with events; NVML energy over
>= 2 s).
"""
import json, os, sys, time
import torch
import torch.nn.functional as F
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from nvml_sampler import Sampler  # noqa: E402
from dispatch_probe import kernels_of  # noqa: E402


def emit(o):
    o.setdefault("device", torch.cuda.get_device_name(0)); o.setdefault("date", "2026-12-01")
    print(json.dumps(o), flush=True)


def timed(fn, per=10, budget_s=0.15):
    """(ms per call, graph or None)."""
    g = None
    try:
        s = torch.cuda.Stream()
        with torch.cuda.stream(s):
            fn(); torch.cuda.synchronize()
            g = torch.cuda.CUDAGraph()
            with torch.cuda.graph(g, stream=s):
                for _ in range(per):
                    fn()
        torch.cuda.synchronize(); g.replay(); torch.cuda.synchronize()
        run = g.replay
    except Exception as ex:  # capture not supported: plain launches
        emit({"kind": "note", "graph_capture": "failed", "error": str(ex)[:200]})
        g = None
        def run():
            for _ in range(per):
                fn()
    ts = []; t_end = time.time() + budget_s
    while time.time() < t_end or len(ts) < 5:
        a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
        a.record(); run(); b.record(); torch.cuda.synchronize(); ts.append(a.elapsed_time(b) / per)
    ts.sort()
    return ts[len(ts) // 2], run


def main():
    from importlib.metadata import version
    from flash_attn.cute import flash_attn_func
    emit({"kind": "fa3_probe", "module": "flash_attn.cute (flash-attn-4)", "found": True, "version": version("flash-attn-4")})
    torch.cuda.synchronize(); time.sleep(1.0)
    with Sampler() as s0:
        time.sleep(1.5)
    idle = s0.summary(0.0)["avg_w_energy_counter"]
    emit({"kind": "idle", "W": idle})
    shapes = [(4, 32, 32, 4096, 4096, 128, False, True), (4, 32, 32, 4096, 4096, 128, True, True),
              (4, 32, 32, 4096, 4096, 64, False, True), (4, 16, 16, 4096, 4096, 256, False, False),
              (2, 32, 8, 8192, 8192, 128, False, False), (1, 32, 8, 1024, 16384, 128, False, False),
              (1, 32, 32, 16384, 16384, 128, False, False)]
    for (B, H, Hkv, Lq, Lkv, D, causal, energy) in shapes:
        row = {"kind": "attn", "backend": "fa3", "phase": "prefill", "B": B, "Hq": H, "Hkv": Hkv, "Lq": Lq, "Lkv": Lkv,
               "D": D, "causal": causal, "dtype": "bf16", "split": "heldout",
               "implementation": "flash-attn-4 CuTe FlashAttentionForwardSm90 (FA3's Hopper kernel)"}
        try:
            q = torch.randn(B, Lq, H, D, device="cuda", dtype=torch.bfloat16)
            k = torch.randn(B, Lkv, Hkv, D, device="cuda", dtype=torch.bfloat16); v = torch.randn_like(k)
            t0 = time.time()
            out = flash_attn_func(q, k, v, causal=causal)
            out = out[0] if isinstance(out, tuple) else out
            torch.cuda.synchronize(); row["compile_s"] = time.time() - t0
            if B * H * Lq * Lkv <= 4 * 32 * 4096 * 4096:
                ref = F.scaled_dot_product_attention(q.transpose(1, 2).float(), k.transpose(1, 2).float(), v.transpose(1, 2).float(),
                                                     is_causal=causal, enable_gqa=H != Hkv).transpose(1, 2)
                row["rel_err_vs_fp32_sdpa"] = ((out.float() - ref).norm() / ref.norm()).item()
                del ref
            fn = lambda: flash_attn_func(q, k, v, causal=causal)
            ks = kernels_of(fn)
            row["kernels"] = [x["name"][:120] for x in ks]; row["grids"] = [x["grid"] for x in ks]
            row["blocks"] = [x["block"] for x in ks]; row["kernel_us"] = [x["us"] for x in ks]
            ms, run = timed(fn)
            flops = 4 * B * H * Lq * Lkv * D * (0.5 if causal else 1.0)
            row.update({"ms": ms, "TFLOPs": flops / ms / 1e9, "timer": "cudagraph or events", "energy": None})
            if energy:
                reps = max(2, int(2.0 / (ms * 10 / 1e3)))
                with Sampler() as s:
                    for _ in range(reps):
                        run()
                    torch.cuda.synchronize()
                su = s.summary(0.3); calls = reps * 10; ms_e = su["wall_s"] * 1e3 / calls
                row["energy"] = {"mJ_per_call": su["avg_w_energy_counter"] * ms_e, "avg_W": su["avg_w_energy_counter"], "calls": calls,
                                 "ms_during_energy_run": ms_e, "idle_W": idle, "sm_clock_mhz_median": su["sm_clock_mhz_median"],
                                 "dynamic_mJ_per_call": (su["avg_w_energy_counter"] - idle) * ms_e}
        except Exception as ex:
            row["error"] = f"{type(ex).__name__}: {str(ex)[:300]}"
        emit(row)
        torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
