#!/usr/bin/env python3
"""Energy per byte of the H200's shared memory and L2, measured (issue 13, round 9).

Until this probe the H200 profile carried the H100's shared-memory (0.3 pJ/bit) and L2 (2.75 pJ/bit)
energies, split on the H100 from attention fits at its capped clock. Here each level is read on its
own, by the loops of onchip_energy.cu (528 blocks x 256 threads, every SM busy, nothing else in the
loop but the loads and their address arithmetic):
- shared memory through ld.shared and ldmatrix (the MMA operand path), 4, 8 and 16 bytes per thread;
- L2 into registers through ld.global.cg (L1 bypassed) over a 16 MiB buffer (L2-resident); the
  cp.async.cg runs into shared memory are not taken (on 2026-12-02 their rates exceeded the HBM's
  peak over a 4 GiB buffer: the loop did not move what it claimed);
- the same loads over a 4 GiB buffer (HBM + L2), for the read stream's per-byte figure.
Each run is >= 2.5 s of back-to-back launches under NVML (nvml_sampler.py, 10 ms samples, the first
0.3 s skipped); dynamic energy = (NVML energy-counter power - idle power) / rate. Idle is measured
before and after (2 s settle, 1.5 s sample). The three widths issue the same number of warp
instructions, so energy per instruction = fixed + per-byte x bytes: the slope is the level's energy
per byte, the intercept the issue and register-file cost of one warp instruction.
Then, at the same board state, NVML energy of the round-2 rows the model got slowest (cuDNN and FA2
few-query GQA over 16384 keys), held out.

Usage (device): python3 Calibration/onchip_energy.py [loops] [reference | micro] [attention] > $OUT/h200-onchip-energy-2026-12-03.jsonl
(2026-12-03, second run: `loops micro`, energies over the timed launches alone, less the board's idle:
results/h200-onchip-energy-window-2026-12-03.jsonl)
"""
import json, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import h200_round3 as r3  # noqa: E402
from nvml_sampler import Sampler, windowed_run  # noqa: E402

# Dynamic energy is what a run draws above the static power the model charges: the H200 profile's
# 121.9 W (nvidia-h200-sxm.xml <idle>). The rows also carry this board's idle at rest, which varies
# by board (78-130 W seen in this pool) where loaded totals do not (the FP32 loop drew 360 W here,
# at 81-85 W at rest, against ~345 W on the 121.9 W board): at rest a board idles deeper than its
# static power under load. (The 2026-12-03 window run subtracted the idle at rest; its rows carry
# dynamic_pj_per_byte_above_profile_static beside it, the figures the profile takes.)
STATIC_W = [121.9]

r3.DATE = "2026-12-03"
SECONDS = 2.5
SECTIONS = [a for a in sys.argv[1:] if not a.startswith("-")] or ["loops", "reference", "attention"]
# "micro": the register-only loops of the reference section alone (no torch runs).


def idle_w():
    time.sleep(2.0)
    with Sampler() as s:
        time.sleep(1.5)
    return s.summary(0.0)["avg_w_energy_counter"]


def main():
    exe = "/tmp/onchip_energy"
    subprocess.run(["nvcc", "-O3", "-gencode=arch=compute_90a,code=sm_90a", "-o", exe,
                    os.path.join(HERE, "onchip_energy.cu")], check=True)
    # What ptxas kept: the load and XOR instructions of each kernel's SASS.
    try:
        sass = subprocess.run(["cuobjdump", "-sass", exe], capture_output=True, text=True, timeout=60).stdout
        name, counts = None, {}
        for line in sass.splitlines():
            if "Function :" in line:
                name = line.split("Function :")[1].strip(); counts[name] = {}
            elif name and "/*" in line:
                for op in ("LDS", "LDSM", "LDG", "LDGSTS", "LOP3"):
                    if f" {op}." in line or f" {op} " in line:
                        counts[name][op] = counts[name].get(op, 0) + 1
        r3.emit({"kind": "sass", "counts": counts})
    except Exception as error:  # noqa: BLE001
        r3.emit({"kind": "sass", "error": str(error)[:200]})
    before = idle_w()
    r3.emit({"kind": "idle", "W": before, "when": "before"})
    r3.IDLE[0] = before
    runs = [("smem", w, 0) for w in (4, 8, 16)] + [("ldmatrix", w, 0) for w in (4, 8, 16)]
    # cp.async (the "cp_async" bench) is left out: on 2026-12-02 its byte rates came out above the HBM
    # peak for a 4 GiB buffer, so its loop does not move what it counts (results not trusted).
    runs += [("global", w, 16) for w in (4, 8, 16)] + [("global", 16, 8)]
    runs += [("global", w, 4096) for w in (4, 8, 16)]
    if "loops" not in SECTIONS:
        runs = []
    for bench, width, mib in runs:
        # The energy of the timed launches alone (until 2026-12-03 the counter's average over the
        # whole process, its start at low power included: 5-8% below the launches' power).
        out, joules, seconds, su = windowed_run([exe, bench, str(width), str(SECONDS), str(mib)])
        row = json.loads(out)
        row.update(su)
        row["avg_w_energy_counter"] = joules / seconds
        dynamic_w = row["avg_w_energy_counter"] - STATIC_W[0]
        rate = row["TBps"] * 1e12
        row.update({"kind": "onchip", "idle_W": before, "static_W": STATIC_W[0], "window": "timed launches", "dynamic_W": dynamic_w,
                    "dynamic_pj_per_byte": dynamic_w / rate * 1e12,
                    "dynamic_pj_per_warp_instruction": dynamic_w / (rate / row["bytes"] * row["instructions"]) * 1e12,
                    "method": "Calibration/onchip_energy.py: onchip_energy.cu loop, >= 2.5 s of launches; NVML energy counter over the launches, less this board's idle at rest"})
        r3.emit(row)
    after = idle_w()
    r3.emit({"kind": "idle", "W": after, "when": "after"})
    r3.IDLE[0] = after
    if "reference" in SECTIONS:
        reference(exe)
    elif "micro" in SECTIONS:
        micro = "/tmp/microbench"
        subprocess.run(["nvcc", "-O3", "-gencode=arch=compute_90a,code=sm_90a", "-o", micro,
                        os.path.join(HERE, "microbench.cu")], check=True)
        micro_loops(micro)
    if "attention" in SECTIONS:
        # The round-2 rows the model got slowest, now with NVML energy (held out).
        for backend in ("cudnn", "flash"):
            for lq in (2, 8, 32):
                r3.sdpa(backend, 4, 32, 8, lq, 16384, 128, energy=True, names=False, split="heldout")


def micro_loops(micro):
    """The register-only loops of microbench.cu (FP32 FMA, ex2, mma.sync) over their timed launches."""
    for which in ("fma", "ex2", "mma"):
        out, joules, seconds, su = windowed_run([micro, which, "2.5"])
        row = json.loads(out)
        row.update(su)
        row["avg_w_energy_counter"] = joules / seconds
        rate = row.get("tops_per_s", row.get("tmacs_per_s")) * 1e12
        row.update({"kind": "micro", "idle_W": r3.IDLE[0], "static_W": STATIC_W[0], "window": "timed launches",
                    "dynamic_pj_per_op": (row["avg_w_energy_counter"] - STATIC_W[0]) / rate * 1e12})
        r3.emit(row)


def reference(exe):
    """Rows measured before on another H200 (idle 120-122 W), to compare boards: the register-only
    loops of microbench.cu, cuBLAS 8192^3 and the FA2 / cuDNN prefill fit rows of round 3."""
    micro = "/tmp/microbench"
    subprocess.run(["nvcc", "-O3", "-gencode=arch=compute_90a,code=sm_90a", "-o", micro,
                    os.path.join(HERE, "microbench.cu")], check=True)
    micro_loops(micro)
    import torch
    a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16); b = torch.randn_like(a)
    ms, _, e = r3.measure(lambda: (lambda: a @ b), 1 << 30, energy=True, per_graph=10, seconds=2.5)
    r3.emit({"kind": "gemm", "M": 8192, "N": 8192, "K": 8192, "dtype": "bf16", "ms": ms, "energy": e,
             "dynamic_pj_per_mac_all_in": e["dynamic_mJ_per_call"] / 8192 ** 3 * 1e9, "timer": "cudagraph",
             "method": "onchip_energy.py reference: cuBLAS a @ b, CUDA-graph replay; NVML energy over >= 2.5 s"})
    del a, b
    r3.sdpa("flash", 4, 32, 32, 4096, 4096, 128, energy=True, names=False, split="reference")
    r3.sdpa("cudnn", 4, 32, 32, 4096, 4096, 128, energy=True, names=False, split="reference")


if __name__ == "__main__":
    main()
