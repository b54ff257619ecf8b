"""H200 calibration, round 3 (issue 13): the H200 measured on its own.

Usage on the device machine (one H200):
  python3 Calibration/h200_round3.py energy  > $OUT/energy.jsonl    # NVML energy rows (~4 min)
  python3 Calibration/h200_round3.py latency > $OUT/latency.jsonl   # latency + kernel names/grids
Every printed line is one JSON object.

Method
- Latency: the call captured 20 times in a CUDA graph (inputs rotated over several sets when one
  set is < 256 MiB, so repeated calls do not run out of L2) and replayed; median per-call time
  over ~150 ms of replays after warm-up (as measure_attention.py / dispatch_probe.py).
- Energy: the same graph replayed back to back for >= 2 s while NVML samples SM clock and power
  every 10 ms (nvml_sampler.py); energy per call = NVML total-energy-counter delta / calls, and
  idle power (1.5 s with nothing running, measured first) is reported beside it so dynamic energy
  = (avg W - idle W) x time per call.
- Kernel names and launch grids: torch.profiler chrome trace of one call (dispatch_probe.py).
"""
import json, os, subprocess, sys, time
import torch
import torch.nn.functional as F
from torch.nn.attention import sdpa_kernel, SDPBackend

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from nvml_sampler import Sampler  # noqa: E402
from dispatch_probe import kernels_of  # noqa: E402

DEV = "cuda"
OUT = os.environ.get("OUT", "/tmp")
DATE = "2026-12-01"
IDLE = [None]
BACKENDS = {"flash": SDPBackend.FLASH_ATTENTION, "cudnn": SDPBackend.CUDNN_ATTENTION}


def emit(o):
    o.setdefault("device", torch.cuda.get_device_name(0))
    o.setdefault("date", DATE)
    print(json.dumps(o), flush=True)


def graph_of(fns, per_graph):
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
                fns[i % len(fns)]()
    torch.cuda.synchronize()
    g.replay(); torch.cuda.synchronize()
    return g


def replay_ms(g, per_graph, budget_s=0.15):
    times = []
    t_end = time.time() + budget_s
    while time.time() < t_end or len(times) < 5:
        a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
        a.record(); g.replay(); b.record(); torch.cuda.synchronize()
        times.append(a.elapsed_time(b) / per_graph)
    times.sort()
    return times[len(times) // 2]


def measure(make_fn, nbytes, energy=False, per_graph=20, seconds=2.0):
    """Returns (ms, sets, energy dict or None)."""
    sets = max(1, min(32, (256 << 20) // max(nbytes, 1)))
    fns = [make_fn() for _ in range(sets)]
    g = graph_of(fns, per_graph)
    ms = replay_ms(g, per_graph)
    if not energy:
        return ms, sets, None
    reps = max(2, int(seconds / (ms * per_graph / 1e3)))
    with Sampler() as s:
        for _ in range(reps):
            g.replay()
        torch.cuda.synchronize()
    su = s.summary(0.3)
    calls = reps * per_graph
    ms_energy = su["wall_s"] * 1e3 / calls  # per-call time during the energy run
    e = {"mJ_per_call": su["avg_w_energy_counter"] * ms_energy, "avg_W": su["avg_w_energy_counter"],
         "calls": calls, "ms_during_energy_run": ms_energy, "idle_W": IDLE[0],
         "dynamic_mJ_per_call": (su["avg_w_energy_counter"] - IDLE[0]) * ms_energy,
         "sm_clock_mhz_median": su["sm_clock_mhz_median"], "sm_clock_mhz_min": su["sm_clock_mhz_min"],
         "mem_clock_mhz": su["mem_clock_mhz"], "power_w_median": su["power_w_median"]}
    return ms, sets, e


def idle():
    torch.cuda.synchronize(); time.sleep(2.0)
    with Sampler() as s:
        time.sleep(1.5)
    su = s.summary(0.0)
    IDLE[0] = su["avg_w_energy_counter"]
    emit({"kind": "idle", "W": IDLE[0], **su})


def sdpa(name, B, Hq, Hkv, Lq, Lkv, D, causal=False, phase=None, energy=False, names=True, split=None):
    backend = BACKENDS[name]
    phase = phase or ("decode" if Lq == 1 else "prefill")
    nbytes = 2 * (B * Hq * Lq * D * 2 + 2 * B * Hkv * Lkv * D)

    def make():
        q = torch.randn(B, Hq, Lq, D, device=DEV, dtype=torch.bfloat16)
        k = torch.randn(B, Hkv, Lkv, D, device=DEV, dtype=torch.bfloat16); v = torch.randn_like(k)
        def f():
            with sdpa_kernel(backend):
                return F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=Hq != Hkv)
        return f
    row = {"kind": "attn", "backend": name, "phase": phase, "B": B, "Hq": Hq, "Hkv": Hkv, "Lq": Lq, "Lkv": Lkv,
           "D": D, "causal": causal, "dtype": "bf16"}
    if split:
        row["split"] = split
    try:
        if names:
            ks = kernels_of(make())
            row["kernels"] = [k["name"] for k in ks]
            row["grids"] = [k["grid"] for k in ks]
            row["blocks"] = [k["block"] for k in ks]
            row["kernel_us"] = [k["us"] for k in ks]
        ms, sets, e = measure(make, nbytes, energy=energy)
    except Exception as ex:
        row["error"] = str(ex)[:300]
        emit(row); return
    flops = 4 * B * Hq * Lq * Lkv * D * (0.5 if causal else 1.0)
    row.update({"ms": ms, "TFLOPs": flops / ms / 1e9, "TBps_kv": nbytes / ms / 1e9, "rotated_sets": sets,
                "energy": e, "timer": "cudagraph",
                "method": "Calibration/h200_round3.py: CUDA-graph replay median per call" +
                          ("; NVML energy-counter delta over >= 2 s of replays" if energy else "")})
    emit(row)
    torch.cuda.empty_cache()


def flex(B, H, L, D, density=None, window=None, seed=0, energy=False, split=None):
    from torch.nn.attention.flex_attention import flex_attention, create_block_mask
    fx = torch.compile(flex_attention)
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
    f = lambda: fx(q, k, v, block_mask=bm)
    row = {"kind": "attn", "phase": phase, "backend": "flex", "B": B, "Hq": H, "Hkv": H, "Lq": L, "Lkv": L, "D": D,
           "causal": False, "dtype": "bf16", **extra}
    if split:
        row["split"] = split
    try:
        f(); torch.cuda.synchronize()
        ks = kernels_of(f)
        row["kernels"] = [x["name"] for x in ks]; row["grids"] = [x["grid"] for x in ks]
        row["blocks"] = [x["block"] for x in ks]; row["kernel_us"] = [x["us"] for x in ks]
        ms, sets, e = measure(lambda: f, 1 << 30, energy=energy, per_graph=10)
    except Exception as ex:
        row["error"] = str(ex)[:300]; emit(row); return
    row.update({"ms": ms, "TFLOPs": 4 * B * H * L * L * D * extra["density"] / ms / 1e9, "energy": e,
                "timer": "cudagraph", "method": "Calibration/h200_round3.py flex: CUDA-graph replay median" +
                ("; NVML energy-counter delta over >= 2 s" if energy else "")})
    emit(row)


def energy_part():
    props = torch.cuda.get_device_properties(0)
    emit({"kind": "device", "name": props.name, "sms": props.multi_processor_count, "l2": props.L2_cache_size,
          "mem": props.total_memory, "torch": torch.__version__, "cudnn": torch.backends.cudnn.version()})
    for mod in ["flash_attn_interface", "flash_attn", "flash_attn_3"]:
        try:
            m = __import__(mod)
            emit({"kind": "fa3_probe", "module": mod, "found": True, "version": getattr(m, "__version__", None)})
        except Exception as ex:
            emit({"kind": "fa3_probe", "module": mod, "found": False, "error": str(ex)[:120]})
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=name,power.limit,power.max_limit,clocks.max.sm,clocks.max.mem,driver_version",
                              "--format=csv"], capture_output=True, text=True).stdout
        emit({"kind": "nvidia_smi", "text": out})
    except Exception as ex:
        emit({"kind": "nvidia_smi", "error": str(ex)})
    idle()
    # Register-only microbenchmarks.
    exe = os.path.join("/tmp", "microbench")
    try:
        subprocess.run(["nvcc", "-O3", "-gencode=arch=compute_90a,code=sm_90a", "-o", exe, os.path.join(HERE, "microbench.cu")], check=True)
        for which in ["mma", "ex2", "fma", "launch"]:
            with Sampler() as s:
                out = subprocess.run([exe, which, "2.0"], check=True, capture_output=True, text=True).stdout
            su = s.summary()
            for line in out.strip().splitlines():
                r = json.loads(line); r.update(su); r["kind"] = "micro"; r["idle_W"] = IDLE[0]
                if "tmacs_per_s" in r:
                    r["macs_per_clk_per_sm"] = r["tmacs_per_s"] * 1e12 / (r["sms"] * su["sm_clock_mhz_median"] * 1e6)
                    r["dynamic_pj_per_mac"] = (su["avg_w_energy_counter"] - IDLE[0]) / (r["tmacs_per_s"] * 1e12) * 1e12
                if "tops_per_s" in r:
                    r["ops_per_clk_per_sm"] = r["tops_per_s"] * 1e12 / (r["sms"] * su["sm_clock_mhz_median"] * 1e6)
                    r["dynamic_pj_per_op"] = (su["avg_w_energy_counter"] - IDLE[0]) / (r["tops_per_s"] * 1e12) * 1e12
                emit(r)
    except Exception as ex:
        emit({"kind": "micro", "error": str(ex)[:300]})
    # cuBLAS GEMMs under the power limit (graph replay).
    for (m, n, k) in [(8192, 8192, 8192), (2048, 2048, 32768), (16384, 16384, 16384)]:
        a = torch.randn(m, k, device=DEV, dtype=torch.bfloat16); b = torch.randn(k, n, device=DEV, dtype=torch.bfloat16)
        ms, _, e = measure(lambda: (lambda: a @ b), 1 << 30, energy=True, per_graph=10, seconds=2.5)
        macs = m * n * k
        emit({"kind": "gemm", "M": m, "N": n, "K": k, "dtype": "bf16", "ms": ms, "TFLOPs": 2 * macs / ms / 1e9,
              "macs_per_clk_per_sm_at_median_clock": macs / (ms / 1e3) / (132 * e["sm_clock_mhz_median"] * 1e6),
              "dynamic_pj_per_mac_all_in": e["dynamic_mJ_per_call"] / macs * 1e9, "energy": e, "timer": "cudagraph",
              "method": "h200_round3.py: cuBLAS a @ b, CUDA-graph replay; NVML energy over >= 2.5 s"})
        del a, b; torch.cuda.empty_cache()
    # HBM copy (bytes read + written) and L2-resident copies.
    for mib in [2048, 4096]:
        x = torch.empty(mib << 20, dtype=torch.uint8, device=DEV); y = torch.empty_like(x)
        ms, _, e = measure(lambda: (lambda: y.copy_(x)), 1 << 30, energy=True, per_graph=10)
        nb = 2 * x.numel()
        emit({"kind": "copy_power", "MiB_each": mib, "bytes": nb, "ms": ms, "TBps": nb / ms / 1e9,
              "dynamic_pj_per_byte": e["dynamic_mJ_per_call"] / nb * 1e9, "energy": e})
        del x, y; torch.cuda.empty_cache()
    for mib in [1, 2, 4, 8, 12, 16, 24, 32, 64]:
        x = torch.empty(mib << 20, dtype=torch.uint8, device=DEV); y = torch.empty_like(x)
        g = graph_of([lambda: y.copy_(x)], 200)
        ms = replay_ms(g, 200)
        row = {"kind": "copy_bandwidth", "MiB_each": mib, "ms": ms, "TBps_read_plus_write": 2 * x.numel() / ms / 1e9}
        if mib in (8, 16):
            reps = max(2, int(2.0 / (ms * 200 / 1e3)))
            with Sampler() as s:
                for _ in range(reps):
                    g.replay()
                torch.cuda.synchronize()
            su = s.summary(0.3)
            row["energy"] = {"avg_W": su["avg_w_energy_counter"], "idle_W": IDLE[0], "sm_clock_mhz_median": su["sm_clock_mhz_median"],
                             "dynamic_pj_per_byte": (su["avg_w_energy_counter"] - IDLE[0]) / (2 * x.numel() / (ms / 1e3)) * 1e12}
        emit(row)
        del x, y
    # Attention under NVML energy: the fit set (split="fit") and held-out rows (split="heldout").
    E = dict(energy=True, names=True)
    sdpa("flash", 4, 32, 32, 4096, 4096, 128, split="fit", **E)
    sdpa("cudnn", 4, 32, 32, 4096, 4096, 128, split="fit", **E)
    sdpa("flash", 1, 32, 8, 1, 131072, 128, split="fit", **E)
    sdpa("cudnn", 1, 32, 8, 1, 131072, 128, split="fit", **E)
    sdpa("flash", 64, 32, 8, 1, 4096, 128, split="fit", **E)
    sdpa("cudnn", 64, 32, 8, 1, 4096, 128, split="fit", **E)
    sdpa("flash", 4, 32, 32, 4096, 4096, 128, causal=True, split="heldout", **E)
    sdpa("cudnn", 4, 32, 32, 4096, 4096, 128, causal=True, split="heldout", **E)
    sdpa("flash", 1, 16, 16, 16384, 16384, 256, split="heldout", **E)
    sdpa("cudnn", 1, 32, 32, 16384, 16384, 64, split="heldout", **E)
    sdpa("flash", 16, 32, 8, 1, 8192, 128, split="heldout", **E)
    sdpa("cudnn", 16, 32, 8, 1, 8192, 128, split="heldout", **E)
    sdpa("flash", 256, 32, 8, 1, 2048, 128, split="heldout", **E)
    sdpa("cudnn", 256, 32, 8, 1, 2048, 128, split="heldout", **E)
    sdpa("flash", 1, 32, 8, 512, 32768, 128, split="heldout", **E)
    sdpa("cudnn", 4, 32, 32, 4096, 4096, 96, split="heldout", **E)
    flex(2, 16, 16384, 128, density=0.2, seed=1, energy=True, split="fit")
    flex(2, 16, 16384, 128, density=0.5, seed=3, energy=True, split="heldout")
    flex(1, 32, 16384, 128, window=2048, energy=True, split="heldout")
    flex(1, 32, 8192, 128, density=1.0, seed=4, energy=True, split="heldout")


def latency_part():
    L = dict(energy=False, names=True, split="heldout")
    # Head dims 64/80/96/128/256, both backends, dense and causal, MHA and GQA.
    for D in [64, 80, 96, 128, 256]:
        for name in ["flash", "cudnn"]:
            sdpa(name, 4, 32, 32, 4096, 4096, D, **L)
            sdpa(name, 4, 32, 32, 4096, 4096, D, causal=True, **L)
            sdpa(name, 2, 32, 8, 8192, 8192, D, **L)
            sdpa(name, 8, 32, 8, 1, 8192, D, **L)
    # Chunked prefill: 128-2048 queries over 8K-32K keys (16K new; B2 new).
    for q in [128, 192, 384, 512, 768, 1024, 2048]:
        for kv in [16384]:
            for name in ["flash", "cudnn"]:
                sdpa(name, 1, 32, 8, q, kv, 128, **L)
    for q in [256, 512, 1024]:
        for name in ["flash", "cudnn"]:
            sdpa(name, 2, 32, 8, q, 8192, 128, **L)
            sdpa(name, 1, 32, 8, q, 32768, 128, causal=False, **L)
    # Few-query decode (speculative verification): 2-64 queries.
    for q in [2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64]:
        for name in ["flash", "cudnn"]:
            sdpa(name, 1, 32, 8, q, 8192, 128, phase="prefill", **L)
    for q in [4, 16, 64]:
        for name in ["flash", "cudnn"]:
            sdpa(name, 8, 32, 8, q, 4096, 128, phase="prefill", **L)
    # Decode batches 1-256 over 1K-16K keys.
    for B in [1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256]:
        for kv in [1024, 4096, 16384] if B in (1, 4, 16, 32, 64, 128, 256) else [2048, 8192]:
            if B * kv > 256 * 4096 * 2:
                continue
            for name in ["flash", "cudnn"]:
                sdpa(name, B, 32, 8, 1, kv, 128, **L)
    # MHA decode and other GQA ratios.
    for (Hq, Hkv) in [(32, 32), (64, 8), (32, 4)]:
        for name in ["flash", "cudnn"]:
            sdpa(name, 32, Hq, Hkv, 1, 4096, 128, **L)
    # FlexAttention block-sparse / sliding window (latency).
    for d in [0.1, 0.3]:
        flex(2, 16, 16384, 128, density=d, seed=5, split="heldout")
    flex(1, 32, 16384, 128, window=512, split="heldout")
    flex(1, 32, 8192, 64, density=0.3, seed=2, split="heldout")


if __name__ == "__main__":
    part = sys.argv[1] if len(sys.argv) > 1 else "energy"
    if IDLE[0] is None:
        with Sampler() as s0:
            time.sleep(1.0)
        IDLE[0] = s0.summary(0.0)["avg_w_energy_counter"]
    if part == "energy":
        energy_part()
    elif part == "latency":
        latency_part()
