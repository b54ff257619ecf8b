#!/usr/bin/env python3
"""H200, round 12 (issue 13): where a small decode call's time goes between its kernels.

Small decode calls (B1-B20 over 0.5K-16K keys) run 12-35 us per call in CUDA-graph replay, while
torch.profiler's durations of their two kernels (split-KV attention + combine) add up to 2-4 us
less. This probe profiles the graph replays themselves and reads every GPU activity of the middle
replay (kernels, memsets, copies) with its start and end, so the per-call time splits into
activity time and the gaps between activities (launch and drain between dependent kernels).

Sections:
- boundary: graphs of 20 dependent tiny kernels (one-element add) and of tiny kernels alternating
            with a memory-bound one (sum over 8 MiB, L2-resident): the gap from one kernel's end to
            the next one's start, with and without a real kernel before it.
- decode:   cuDNN and FlashAttention-2 decode shapes (the families einsim misses most): per-call
            time by events, activities per call, their summed durations, the gaps.
Usage (device): python3 Calibration/h200_round12.py > $OUT/h200-round12-2026-12-03.jsonl
Method: CUDA-graph replay (20 calls per graph, K/V rotated over enough buffer sets to leave the L2,
as h200_round3.measure); per-call time is the median over 0.15 s of replays timed with events; the
timeline comes from torch.profiler (CUPTI) over 3 replays, the middle one read.
"""
import json, os, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import h200_round3 as r3  # noqa: E402

r3.DATE = "2026-12-03"
PER = 20
SECTIONS = [a for a in sys.argv[1:] if not a.startswith("-")] or ["boundary", "decode"]


def timeline(g, replays=3):
    """GPU activities (kernel, memset, memcpy) of the middle of `replays` graph replays."""
    from torch.profiler import profile, ProfilerActivity
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(replays):
            g.replay()
            torch.cuda.synchronize()
    path = tempfile.mktemp(suffix=".json")
    prof.export_chrome_trace(path)
    events = json.load(open(path)).get("traceEvents", [])
    os.unlink(path)
    acts = sorted(({"cat": e.get("cat"), "name": e.get("name", "")[:90], "ts": float(e["ts"]), "dur": float(e.get("dur", 0))}
                   for e in events if e.get("cat") in ("kernel", "gpu_memset", "gpu_memcpy") and "ts" in e),
                  key=lambda a: a["ts"])
    if not acts:
        return None
    # Replays are separated by a host synchronize: split at the largest gaps.
    gaps = sorted(range(1, len(acts)), key=lambda i: acts[i]["ts"] - (acts[i - 1]["ts"] + acts[i - 1]["dur"]), reverse=True)
    cuts = sorted(gaps[:replays - 1])
    bounds = [0] + cuts + [len(acts)]
    mid = acts[bounds[1]:bounds[2]] if len(bounds) > 2 else acts
    return mid


def summarize(mid, calls):
    if not mid:
        return {"timeline": "no GPU activities in the trace (graph replays not traced)"}
    span = mid[-1]["ts"] + mid[-1]["dur"] - mid[0]["ts"]
    busy = sum(a["dur"] for a in mid)
    gaps = [mid[i]["ts"] - (mid[i - 1]["ts"] + mid[i - 1]["dur"]) for i in range(1, len(mid))]
    by_name = {}
    for a in mid:
        d = by_name.setdefault(a["name"], {"cat": a["cat"], "n": 0, "us": 0.0})
        d["n"] += 1; d["us"] += a["dur"]
    for d in by_name.values():
        d["us_each"] = d["us"] / d["n"]; del d["us"]
    gs = sorted(gaps)
    return {"activities_per_call": len(mid) / calls, "span_us_per_call": span / calls, "busy_us_per_call": busy / calls,
            "gap_us_per_call": sum(gaps) / calls, "gap_us_median": gs[len(gs) // 2] if gs else None,
            "gap_us_min": gs[0] if gs else None, "gap_us_max": gs[-1] if gs else None, "activities": by_name}


def boundary():
    tiny = torch.zeros(1, device="cuda")
    big = torch.randn(2 << 20, device="cuda")  # 8 MiB: L2-resident
    out = torch.zeros((), device="cuda")
    cases = {"tiny-after-tiny": [lambda: tiny.add_(1.0)],
             "tiny-after-sum8MiB": [lambda: torch.sum(big, dim=0, out=out), lambda: tiny.add_(1.0)]}
    for name, fns in cases.items():
        seq = [fns[i % len(fns)] for i in range(PER)]
        g = r3.graph_of(seq, PER)
        ms = r3.replay_ms(g, PER)
        mid = timeline(g)
        row = {"kind": "boundary", "case": name, "ms_per_kernel": ms, **summarize(mid, PER),
               "method": "Calibration/h200_round12.py boundary: CUDA graph of 20 dependent kernels, events over replays; torch.profiler timeline of a replay"}
        r3.emit(row)


def decode_case(backend, B, Hq, Hkv, Lkv, D):
    bk = r3.BACKENDS[backend]
    nbytes = 2 * (B * Hq * D * 2 + 2 * B * Hkv * Lkv * D)
    sets = max(1, min(32, (256 << 20) // max(nbytes, 1)))

    def make():
        q = torch.randn(B, Hq, 1, D, device="cuda", dtype=torch.bfloat16)
        k = torch.randn(B, Hkv, Lkv, D, device="cuda", dtype=torch.bfloat16); v = torch.randn_like(k)

        def f():
            with r3.sdpa_kernel(bk):
                return F.scaled_dot_product_attention(q, k, v, enable_gqa=Hq != Hkv)
        return f
    row = {"kind": "attn", "backend": backend, "phase": "decode", "B": B, "Hq": Hq, "Hkv": Hkv, "Lq": 1, "Lkv": Lkv, "D": D,
           "causal": False, "dtype": "bf16", "split": "probe", "rotated_sets": sets, "timer": "cudagraph", "run_s": 0.15}
    try:
        fns = [make() for _ in range(sets)]
        g = r3.graph_of(fns, PER)
        row["ms"] = r3.replay_ms(g, PER)
        row.update(summarize(timeline(g), PER))
    except Exception as ex:  # noqa: BLE001
        row["error"] = f"{type(ex).__name__}: {str(ex)[:300]}"
    row["method"] = ("Calibration/h200_round12.py decode: CUDA-graph replay median per call over 0.15 s (after the "
                     "previous case); timeline of a replay from torch.profiler: activities, their durations, the gaps")
    r3.emit(row)
    torch.cuda.empty_cache()


def decode():
    shapes = [(1, 32, 8, 512, 128), (1, 32, 8, 1024, 128), (1, 32, 8, 4096, 128), (1, 32, 8, 16384, 128),
              (1, 32, 8, 65536, 128), (1, 32, 8, 4096, 64), (1, 32, 8, 1464, 256), (1, 32, 8, 8192, 256),
              (2, 32, 8, 2048, 128), (4, 32, 8, 1024, 128), (16, 32, 8, 1024, 128), (20, 64, 8, 1016, 64),
              (18, 16, 16, 688, 128), (17, 32, 4, 7136, 128), (6, 16, 16, 808, 128), (12, 32, 8, 8192, 64)]
    for s in shapes:
        for backend in ["cudnn", "flash"]:
            decode_case(backend, *s)


if __name__ == "__main__":
    r3.emit({"kind": "note", "torch": torch.__version__, "script": "h200_round12.py", "sections": SECTIONS})
    for s in SECTIONS:
        try:
            {"boundary": boundary, "decode": decode}[s]()
        except Exception as ex:  # noqa: BLE001
            r3.emit({"kind": "error", "section": s, "error": f"{type(ex).__name__}: {str(ex)[:400]}"})
