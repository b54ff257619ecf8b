"""H100 calibration run: microbenchmarks under NVML sampling, power states, kernel names.

Usage on the device machine (see Calibration/README.md):
  python3 Calibration/calibrate.py micro  > $OUT/micro.jsonl
Every line printed is one JSON object. Method: each workload runs for ~2 s back to back while NVML
samples SM clock and board power every 10 ms; the first 0.3 s are skipped; energy is the NVML
total-energy counter delta over the run.
"""
import json, os, subprocess, sys, time
import torch
from nvml_sampler import Sampler, HANDLE

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.environ.get("OUT", "/tmp")


def emit(obj):
    print(json.dumps(obj), flush=True)


def run_for(fn, seconds=2.0):
    """Runs fn back to back for ~seconds under the sampler; returns (calls, elapsed_s, sampler)."""
    fn(); torch.cuda.synchronize()
    t = time.time(); fn(); torch.cuda.synchronize(); one = max(time.time() - t, 1e-5)
    n = max(1, int(seconds / one))
    with Sampler() as s:
        start = torch.cuda.Event(enable_timing=True); end = torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(n):
            fn()
        end.record(); torch.cuda.synchronize()
    return n, start.elapsed_time(end) / 1000.0, s


def micro():
    props = torch.cuda.get_device_properties(0)
    emit({"kind": "device", "name": props.name, "sms": props.multi_processor_count, "l2": props.L2_cache_size})
    # Idle power and clock.
    torch.cuda.synchronize(); time.sleep(1.0)
    with Sampler() as s:
        time.sleep(1.5)
    emit({"kind": "idle", **s.summary(0.0)})
    # Register-only microbenchmarks (compiled for sm_90a).
    exe = os.path.join(OUT, "microbench")
    subprocess.run(["nvcc", "-O3", "-gencode=arch=compute_90a,code=sm_90a", "-o", exe, os.path.join(HERE, "microbench.cu")], check=True)
    for which in ["mma", "ex2", "fma", "launch"]:
        with Sampler() as s:
            out = subprocess.run([exe, which, "2.0"], check=True, capture_output=True, text=True).stdout
        for line in out.strip().splitlines():
            r = json.loads(line); r.update(s.summary()); r["kind"] = "micro"
            if "tmacs_per_s" in r:
                r["macs_per_clk_per_sm"] = r["tmacs_per_s"] * 1e12 / (r["sms"] * r["sm_clock_mhz_median"] * 1e6)
            if "tops_per_s" in r:
                r["ops_per_clk_per_sm"] = r["tops_per_s"] * 1e12 / (r["sms"] * r["sm_clock_mhz_median"] * 1e6)
            emit(r)
    # cuBLAS GEMMs (wgmma path): full chip (power-capped) and a partial grid (below the cap).
    for (m, n, k) in [(8192, 8192, 8192), (1024, 1024, 65536), (2048, 2048, 32768)]:
        a = torch.randn(m, k, device="cuda", dtype=torch.bfloat16); b = torch.randn(k, n, device="cuda", dtype=torch.bfloat16)
        calls, el, s = run_for(lambda: a @ b)
        su = s.summary(); t = el / calls; macs = m * n * k
        emit({"kind": "gemm_power", "M": m, "N": n, "K": k, "ms": t * 1e3, "TFLOPs": 2 * macs / t / 1e12,
              "macs_per_clk_per_sm_at_median_clock": macs / t / (132 * su["sm_clock_mhz_median"] * 1e6),
              "dynamic_pj_per_mac": (su["avg_w_energy_counter"] - IDLE[0]) * t / macs * 1e12, **su})
        del a, b
    # Device copy (HBM bandwidth) power.
    x = torch.empty(2 ** 30, dtype=torch.uint8, device="cuda"); y = torch.empty_like(x)
    calls, el, s = run_for(lambda: y.copy_(x))
    su = s.summary(); t = el / calls; nbytes = 2 * x.numel()
    emit({"kind": "copy_power", "bytes": nbytes, "ms": t * 1e3, "TBps": nbytes / t / 1e12,
          "dynamic_pj_per_bit": (su["avg_w_energy_counter"] - IDLE[0]) * t / (nbytes * 8) * 1e12, **su})
    del x, y
    # Attention under load: clocks and power of FA2, cuDNN, decode.
    from torch.nn.attention import sdpa_kernel, SDPBackend
    import torch.nn.functional as F
    for backend, name in [(SDPBackend.FLASH_ATTENTION, "flash"), (SDPBackend.CUDNN_ATTENTION, "cudnn")]:
        q = torch.randn(4, 32, 4096, 128, device="cuda", dtype=torch.bfloat16); kk = torch.randn_like(q); v = torch.randn_like(q)
        with sdpa_kernel(backend):
            calls, el, s = run_for(lambda: F.scaled_dot_product_attention(q, kk, v))
        su = s.summary(); t = el / calls
        emit({"kind": "attn_power", "backend": name, "B": 4, "H": 32, "L": 4096, "D": 128, "ms": t * 1e3,
              "TFLOPs": 4 * 4 * 32 * 4096 * 4096 * 128 / t / 1e12, **su})
    q = torch.randn(1, 32, 1, 128, device="cuda", dtype=torch.bfloat16)
    kk = torch.randn(1, 8, 131072, 128, device="cuda", dtype=torch.bfloat16); v = torch.randn_like(kk)
    with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
        calls, el, s = run_for(lambda: F.scaled_dot_product_attention(q, kk, v, enable_gqa=True))
    su = s.summary(); t = el / calls; nbytes = 2 * kk.numel() * 2
    emit({"kind": "attn_power", "backend": "flash", "phase": "decode", "B": 1, "Hq": 32, "Hkv": 8, "Lkv": 131072, "D": 128,
          "ms": t * 1e3, "TBps": nbytes / t / 1e12, "mJ_per_call": su["avg_w_energy_counter"] * t * 1e3,
          "dynamic_pj_per_bit": (su["avg_w_energy_counter"] - IDLE[0]) * t / (nbytes * 8) * 1e12, **su})


def kernel_names():
    """Kernel names, grids and blocks of each backend (tile shapes are template parameters)."""
    from torch.nn.attention import sdpa_kernel, SDPBackend
    from torch.profiler import profile, ProfilerActivity
    import torch.nn.functional as F
    cases = []
    for L, B in [(4096, 4), (512, 32)]:
        for backend, name in [(SDPBackend.FLASH_ATTENTION, "flash"), (SDPBackend.CUDNN_ATTENTION, "cudnn")]:
            for causal in [False, True]:
                for D in [64, 128, 256]:
                    cases.append((name, backend, B, 32, 32, L, L, D, causal))
    for Lkv in [1024, 16384, 131072]:
        for name, backend in [("flash", SDPBackend.FLASH_ATTENTION), ("cudnn", SDPBackend.CUDNN_ATTENTION)]:
            cases.append((name, backend, 1, 32, 8, 1, Lkv, 128, False))
    for (name, backend, B, Hq, Hkv, Lq, Lkv, D, causal) in cases:
        q = torch.randn(B, Hq, Lq, D, device="cuda", dtype=torch.bfloat16)
        k = torch.randn(B, Hkv, Lkv, D, device="cuda", dtype=torch.bfloat16); v = torch.randn_like(k)
        try:
            with sdpa_kernel(backend):
                fn = lambda: F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=Hq != Hkv)
                fn(); torch.cuda.synchronize()
                with profile(activities=[ProfilerActivity.CUDA], record_shapes=False) as prof:
                    fn(); torch.cuda.synchronize()
            ks = []
            for e in prof.events():
                if e.device_type.name == "CUDA":
                    ks.append({"name": e.name[:400], "us": e.device_time})
            emit({"kind": "kernels", "backend": name, "B": B, "Hq": Hq, "Hkv": Hkv, "Lq": Lq, "Lkv": Lkv, "D": D, "causal": causal, "kernels": ks})
        except Exception as ex:
            emit({"kind": "kernels", "backend": name, "D": D, "causal": causal, "Lq": Lq, "error": str(ex)[:300]})


IDLE = [130.0]
if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "micro"
    with Sampler() as s0:
        time.sleep(1.0)
    IDLE[0] = s0.summary(0.0)["avg_w_energy_counter"]
    if what in ("micro", "all"):
        micro()
    if what in ("names", "all"):
        kernel_names()
