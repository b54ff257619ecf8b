"""H200 decode power, 2026-12-02 (issue 13, GPU fidelity round 2): why FA2's split-KV decode runs
10-25% faster in latency bursts than the model's power-limited prediction.

Usage on the device machine (one H200):
  python3 Calibration/h200_decode_power.py > $OUT/decode-power.jsonl          # first call
  python3 Calibration/h200_decode_power.py rows > $OUT/decode-rows.jsonl      # second call
Every printed line is one JSON object.

Method (per case; the case's CUDA graph of 20 calls, inputs rotated over sets when one set is < 256 MiB)
- cool: 1.0 s with nothing running, energy counter -> W and GPU temperature before the burst.
- burst: replays for ~150 ms exactly as the latency files (h200_round3.py replay_ms: event pair per
  replay, synchronize between), NVML sampled every 5 ms (SM clock, temperature, energy counter):
  median per-call ms, average W over the burst from the energy-counter delta, median SM clock.
- sustained: back-to-back replays for 2.0 s, the same sampling; per 100 ms bins of the run: W
  (energy-counter delta over the bin), SM clock median, temperature -> the power limiter's ramp.
- hot idle: 0.6 s with nothing running right after, energy counter -> W (static power at the
  temperature the run reached) against the cold idle measured at the start.
Also: HBM read-only (sum), write-only (fill) and copy streams over 2 GiB, the same phases, for the
energy per byte of each direction; FA2 decode with 1, 4 and 8 real query rows per KV head at equal
KV bytes (Hq 8, 32, 64 over Hkv 8) for the energy of the padded rows.
Second call (`rows`): real query rows per KV head from 1 to a full tile at equal KV bytes, in
FA2's split-KV kernel (B16 over 8K keys, 64-row tiles: 1-64 rows) and in its non-split kernel
(B64 over 4K keys, 128-row tiles: 4-128 rows), and each kernel after a "scrub" kernel that leaves
zeros or random bits in every SM's shared memory (FA2 loads no zeros into the out-of-bounds Q rows
of its tile: what they hold is what shared memory held before), the scrub's own energy measured
alone and subtracted.
"""
import json, os, sys, threading, time
import torch
import torch.nn.functional as F
from torch.nn.attention import sdpa_kernel, SDPBackend
import pynvml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from h200_round3 import graph_of  # noqa: E402

pynvml.nvmlInit()
H = pynvml.nvmlDeviceGetHandleByIndex(0)
DEV = "cuda"
DATE = "2026-12-02"
BACKENDS = {"flash": SDPBackend.FLASH_ATTENTION, "cudnn": SDPBackend.CUDNN_ATTENTION}
COLD = [None]


def emit(o):
    o.setdefault("device", torch.cuda.get_device_name(0)); o.setdefault("date", DATE)
    print(json.dumps(o), flush=True)


def energy_mj():
    return pynvml.nvmlDeviceGetTotalEnergyConsumption(H)


def temp():
    return pynvml.nvmlDeviceGetTemperature(H, pynvml.NVML_TEMPERATURE_GPU)


class Sampler:
    def __init__(self, period=0.005):
        self.period, self.samples, self._stop = period, [], threading.Event()

    def __enter__(self):
        self.t0, self.e0 = time.time(), energy_mj()
        self.th = threading.Thread(target=self._run, daemon=True); self.th.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            self.samples.append((time.time() - self.t0, energy_mj(),
                                 pynvml.nvmlDeviceGetClockInfo(H, pynvml.NVML_CLOCK_SM), temp()))
            time.sleep(self.period)

    def __exit__(self, *a):
        self._stop.set(); self.th.join()
        self.t1, self.e1 = time.time(), energy_mj()

    def summary(self, skip=0.0):
        s = [x for x in self.samples if x[0] >= skip] or self.samples
        clk = sorted(x[2] for x in s)
        dt = self.t1 - self.t0
        return {"wall_s": dt, "avg_W": (self.e1 - self.e0) / 1e3 / dt, "clk_median": clk[len(clk) // 2],
                "clk_min": clk[0], "clk_max": clk[-1], "temp_start": self.samples[0][3] if self.samples else None,
                "temp_end": self.samples[-1][3] if self.samples else None}

    def bins(self, width=0.1):
        out, t = [], 0.0
        dt = self.t1 - self.t0
        while t < dt - 1e-9:
            s = [x for x in self.samples if t <= x[0] < t + width]
            if len(s) >= 2:
                e = s[-1][1] - s[0][1]; span = s[-1][0] - s[0][0]
                clk = sorted(x[2] for x in s)
                out.append([round(t, 2), round(e / 1e3 / span, 1) if span > 0 else None, clk[len(clk) // 2], s[-1][3]])
            t += width
        return out


def rest(seconds):
    torch.cuda.synchronize()
    with Sampler(0.05) as s:
        time.sleep(seconds)
    return s.summary()


def phases(g, per_graph, calls_per_s_hint=None):
    """cool, burst, sustained, hot idle for graph g of per_graph calls."""
    cool = rest(1.0)
    times = []
    with Sampler() as sb:
        t_end = time.time() + 0.15
        while time.time() < t_end or len(times) < 5:
            a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
            a.record(); g.replay(); b.record(); torch.cuda.synchronize()
            times.append(a.elapsed_time(b) / per_graph)
    times.sort()
    burst_ms = times[len(times) // 2]
    busy = sum(times) * per_graph / 1e3 / (sb.t1 - sb.t0)
    reps = max(2, int(2.0 / (burst_ms * per_graph / 1e3)))
    with Sampler() as ss:
        for _ in range(reps):
            g.replay()
        torch.cuda.synchronize()
    sus_ms = (ss.t1 - ss.t0) * 1e3 / (reps * per_graph)
    hot = rest(0.6)
    return {"cold_idle_W": COLD[0], "cool": cool,
            "burst": {"ms": burst_ms, "ms_p10": times[len(times) // 10], "ms_p90": times[9 * len(times) // 10],
                      "replays": len(times), "busy_fraction": busy, **sb.summary()},
            "sustained": {"ms": sus_ms, "calls": reps * per_graph, **ss.summary(), "late": ss.summary(1.0),
                          "bins_t_W_clk_temp": ss.bins()},
            "hot_idle": hot}


SCRUB_SRC = r"""
extern "C" __global__ void scrub(int mode, unsigned seed) {
    extern __shared__ unsigned s[];
    volatile unsigned *v = s;
    int n = 227 * 1024 / 4;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        unsigned x = (unsigned)i * 2654435761u ^ seed ^ (blockIdx.x * 40503u);
        x ^= x >> 13; x *= 0x5bd1e995u; x ^= x >> 15;
        v[i] = mode ? (x & 0x3fff3fffu) | 0x30003000u : 0u;  /* random bf16 pairs in [0.5, 2) or zeros */
    }
}
"""
_SCRUB = [None]


def scrub_fn(mode):
    import cupy as cp
    if _SCRUB[0] is None:
        k = cp.RawKernel(SCRUB_SRC, "scrub")
        k.max_dynamic_shared_size_bytes = 227 * 1024
        _SCRUB[0] = k
    k = _SCRUB[0]
    sms = torch.cuda.get_device_properties(0).multi_processor_count

    def f():
        st = cp.cuda.ExternalStream(torch.cuda.current_stream().cuda_stream)
        with st:
            k((sms,), (1024,), (cp.int32(mode), cp.uint32(12345)), shared_mem=227 * 1024)
    return f


def attn(name, B, Hq, Hkv, Lkv, D, tag=None, scrub=None):
    backend = BACKENDS[name]
    nbytes = 2 * (B * Hq * D * 2 + 2 * B * Hkv * Lkv * D)
    sets = max(1, min(32, (256 << 20) // nbytes))

    def make():
        q = torch.randn(B, Hq, 1, D, device=DEV, dtype=torch.bfloat16)
        k = torch.randn(B, Hkv, Lkv, D, device=DEV, dtype=torch.bfloat16); v = torch.randn_like(k)
        def f():
            with sdpa_kernel(backend):
                return F.scaled_dot_product_attention(q, k, v, enable_gqa=Hq != Hkv)
        return f
    row = {"kind": "attn", "backend": name, "phase": "decode", "B": B, "Hq": Hq, "Hkv": Hkv, "Lq": 1, "Lkv": Lkv,
           "D": D, "causal": False, "dtype": "bf16", "kv_bytes": 2 * B * Hkv * Lkv * D * 2, "rotated_sets": sets}
    if tag:
        row["tag"] = tag
    if scrub is not None:
        row["scrub"] = ["zeros", "random"][scrub]
    try:
        fns = [make() for _ in range(sets)]
        if scrub is not None:
            sc = scrub_fn(scrub)
            fns = [(lambda f=f: (sc(), f())) for f in fns]
        if tag == "rows":
            from dispatch_probe import kernels_of
            ks = kernels_of(fns[0])
            row["kernels"] = [k["name"][:90] for k in ks]; row["grids"] = [k["grid"] for k in ks]
        g = graph_of(fns, 20)
        row.update(phases(g, 20))
    except Exception as ex:
        row["error"] = str(ex)[:300]
    row["method"] = "Calibration/h200_decode_power.py: cool 1 s, 150 ms latency burst, 2 s sustained, 0.6 s hot idle; NVML energy counter, SM clock, temperature every 5 ms"
    emit(row)
    del fns
    torch.cuda.empty_cache()


def stream(kind, gib=2):
    n = gib << 30
    x = torch.ones(n // 2, dtype=torch.bfloat16, device=DEV)
    y = torch.empty_like(x)
    acc = torch.empty((), dtype=torch.float32, device=DEV)
    if kind == "read":
        fn, moved = (lambda: torch.sum(x, dtype=torch.float32)), n
    elif kind == "write":
        fn, moved = (lambda: y.fill_(1.0)), n
    else:
        fn, moved = (lambda: y.copy_(x)), 2 * n
    g = graph_of([fn], 10)
    row = {"kind": "hbm_stream", "direction": kind, "bytes_moved": moved, **phases(g, 10)}
    row["burst"]["TBps"] = moved / row["burst"]["ms"] / 1e9
    row["sustained"]["TBps"] = moved / row["sustained"]["ms"] / 1e9
    row["method"] = "Calibration/h200_decode_power.py: torch sum / fill_ / copy_ over 2 GiB, graph of 10; phases as attn"
    emit(row)
    del x, y
    torch.cuda.empty_cache()


def scrub_alone(mode):
    g = graph_of([scrub_fn(mode)], 20)
    row = {"kind": "scrub", "scrub": ["zeros", "random"][mode], **phases(g, 20)}
    emit(row)


def rows_part():
    emit({"kind": "device", "name": torch.cuda.get_device_name(0), "power_limit_W": pynvml.nvmlDeviceGetEnforcedPowerLimit(H) / 1e3, "temp": temp()})
    time.sleep(2.0)
    c = rest(1.5); COLD[0] = c["avg_W"]; emit({"kind": "idle", **c})
    for n in [1, 2, 4, 8, 16, 32, 64]:
        attn("flash", 16, 8 * n, 8, 8192, 128, tag="rows")
    for n in [4, 16, 64, 128]:
        attn("flash", 64, 8 * n, 8, 4096, 128, tag="rows")
    for m in [0, 1]:
        scrub_alone(m)
    for m in [0, 1, 0, 1]:
        attn("flash", 16, 32, 8, 8192, 128, tag="scrub", scrub=m)
        attn("flash", 64, 32, 8, 4096, 128, tag="scrub", scrub=m)
    attn("flash", 16, 32, 8, 8192, 128, tag="repeat")
    attn("flash", 64, 32, 8, 4096, 128, tag="repeat")
    emit({"kind": "done", "temp": temp()})


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "rows":
    rows_part()
elif __name__ == "__main__":
    props = torch.cuda.get_device_properties(0)
    emit({"kind": "device", "name": props.name, "sms": props.multi_processor_count, "torch": torch.__version__,
          "power_limit_W": pynvml.nvmlDeviceGetEnforcedPowerLimit(H) / 1e3, "temp": temp()})
    time.sleep(2.0)
    c = rest(1.5)
    COLD[0] = c["avg_W"]
    emit({"kind": "idle", **c})
    for d in ["read", "write", "copy"]:
        try:
            stream(d)
        except Exception as ex:
            emit({"kind": "hbm_stream", "direction": d, "error": str(ex)[:300]})
    for L in [8192, 32768]:
        for B in [1, 2, 4, 8, 16, 32]:
            attn("flash", B, 32, 8, L, 128)
    for (B, L) in [(2, 32768), (4, 16384), (8, 8192)]:
        attn("flash", B, 32, 8, L, 256)
        attn("cudnn", B, 32, 8, L, 256)
    attn("cudnn", 16, 32, 8, 8192, 128)
    attn("cudnn", 5, 32, 8, 32768, 128)
    # Real rows per KV head at equal KV bytes: 1 (Hq 8), 4 (Hq 32), 8 (Hq 64).
    attn("flash", 16, 8, 8, 8192, 128, tag="rows")
    attn("flash", 16, 64, 8, 8192, 128, tag="rows")
    attn("flash", 5, 32, 8, 32768, 128, tag="repeat")
    attn("flash", 16, 32, 8, 8192, 128, tag="repeat")
    emit({"kind": "done", "temp": temp()})
