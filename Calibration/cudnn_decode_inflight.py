"""cuDNN's lean decode kernel at head dims 64, 128, 256 (H200, 2026-12-02; issue 13 round 2): what
limits its stream. At d = 256 it streams 3.2 TB/s of K/V whatever the clock (B2 32K, B4 16K, B8 8K:
0.165 ms); the model, which keeps two 64 KiB-class K/V tile pairs in flight per block, said 0.127.

Usage on the device machine (one H200):
  python3 Calibration/cudnn_decode_inflight.py > $OUT/inflight.jsonl              # latency + launch facts
  ncu ... python3 Calibration/cudnn_decode_inflight.py ncu                        # a few shapes under ncu
Every printed line is one JSON object.

Method
- Launch facts of every kernel of one call: torch.profiler chrome trace (as dispatch_probe.py),
  with the trace's own launch arguments: grid, block, registers per thread, shared memory per
  block, blocks per SM (the occupancy calculator's), warps per SM, estimated occupancy.
- Latency: the call captured 20 times in a CUDA graph (inputs rotated over sets below 256 MiB),
  0.3 s at rest, then the median per call over a 150 ms replay burst (h200_round3.replay_ms); the
  SM clock is not power-limited here (cuDNN's decode held 1950-1980 MHz sustained, 2026-12-02).
- Shapes: Hq 32 over Hkv 8; d = 256 over B 1-32 at 8192 keys and equal-bytes shapes (B2 32K,
  B4 16K); d = 128 and d = 64 references (their fitted rows).
"""
import json, os, sys, tempfile, time
import torch
import torch.nn.functional as F
from torch.nn.attention import sdpa_kernel, SDPBackend

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from h200_round3 import graph_of, replay_ms  # noqa: E402

DEV = "cuda"
DATE = "2026-12-02"
BACKENDS = {"flash": SDPBackend.FLASH_ATTENTION, "cudnn": SDPBackend.CUDNN_ATTENTION}
ARGS = ["grid", "block", "registers per thread", "shared memory", "blocks per SM", "warps per SM",
        "est. achieved occupancy %"]


def kernels_of(fn):
    from torch.profiler import profile, ProfilerActivity
    fn(); torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        fn(); torch.cuda.synchronize()
    path = tempfile.mktemp(suffix=".json")
    prof.export_chrome_trace(path)
    out = []
    for e in json.load(open(path)).get("traceEvents", []):
        if e.get("cat") == "kernel":
            a = e.get("args", {})
            k = {"name": e.get("name", "")[:160], "us": e.get("dur")}
            for key in ARGS:
                if key in a:
                    k[key] = a[key]
            out.append(k)
    return out


def make_case(backend, B, Hq, Hkv, L, D):
    def make():
        q = torch.randn(B, Hq, 1, D, device=DEV, dtype=torch.bfloat16)
        k = torch.randn(B, Hkv, L, D, device=DEV, dtype=torch.bfloat16); v = torch.randn_like(k)
        def f():
            with sdpa_kernel(BACKENDS[backend]):
                return F.scaled_dot_product_attention(q, k, v, enable_gqa=Hq != Hkv)
        return f
    return make


def case(backend, B, L, D, Hq=32, Hkv=8):
    kv = 2 * B * Hkv * L * D * 2
    row = {"kind": "attn", "backend": backend, "phase": "decode", "B": B, "Hq": Hq, "Hkv": Hkv, "Lq": 1, "Lkv": L,
           "D": D, "causal": False, "dtype": "bf16", "kv_bytes": kv, "device": torch.cuda.get_device_name(0),
           "date": DATE, "split": "heldout"}
    make = make_case(backend, B, Hq, Hkv, L, D)
    try:
        row["launch"] = kernels_of(make())
        sets = max(1, min(32, (256 << 20) // kv))
        g = graph_of([make() for _ in range(sets)], 20)
        time.sleep(0.3)
        ms = replay_ms(g, 20)
        row.update({"ms": ms, "TBps_kv": kv / ms / 1e9, "rotated_sets": sets, "timer": "cudagraph", "run_s": 0.15,
                    "method": "Calibration/cudnn_decode_inflight.py: CUDA-graph replay median per call over a 150 ms burst after 0.3 s at rest; launch facts from torch.profiler"})
        del g
    except Exception as ex:
        row["error"] = str(ex)[:300]
    print(json.dumps(row), flush=True)
    torch.cuda.empty_cache()


SHAPES = ([("cudnn", b, 8192, 256) for b in (1, 2, 4, 8, 16, 32)]
          + [("cudnn", 2, 32768, 256), ("cudnn", 4, 16384, 256), ("cudnn", 1, 32768, 256), ("cudnn", 1, 131072, 256),
             ("cudnn", 64, 2048, 256)]
          + [("cudnn", b, 8192, 128) for b in (1, 4, 8, 16, 32)]
          + [("cudnn", 4, 16384, 128), ("cudnn", 64, 4096, 128), ("cudnn", 8, 8192, 64), ("cudnn", 16, 8192, 64),
             ("flash", 8, 8192, 256), ("flash", 8, 8192, 128)])

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "ncu":
        for (be, B, L, D) in [("cudnn", 8, 8192, 256), ("cudnn", 32, 8192, 256), ("cudnn", 16, 8192, 128),
                              ("cudnn", 4, 16384, 128)]:
            f = make_case(be, B, 32, 8, L, D)()
            for _ in range(3):
                f()
            torch.cuda.synchronize()
    else:
        for s in SHAPES:
            case(*s)
