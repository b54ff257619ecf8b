#!/usr/bin/env python3
"""H200, round 11 (issue 13): the numbers the H200 profile still took from the H100 unmeasured.

Sections (all by default; name some to run only those):
- attrs:  the SM's resource limits as the driver reports them (round11.cu attrs: blocks and threads
          per SM, registers, shared memory and its per-block reservation, L2) and nvidia-smi's clock
          and power tables (the DVFS floor: the lowest supported graphics clock).
- chase:  dependent-load latency of one thread (round11.cu chase): shared memory in cycles (clock64),
          L2 (1-16 MiB buffers, warmed) and HBM (256 MiB - 4 GiB) in ns (CUDA events around 1e5-4e5
          dependent loads of the next random 128-B line).
- gather: HBM reads of S-byte chunks (32 B - 8 KiB) at random positions in 8 GiB against the same
          kernel over consecutive chunks (round11.cu gather): the per-chunk overhead in bytes of
          streaming time, the profile's gather-overhead.
- hfma2:  packed bf16x2 FMA on the CUDA cores (microbench.cu hfma2), rate and NVML energy over the
          timed launches alone (nvml_sampler.windowed_run), the profile's static 121.9 W subtracted.
- triton: int8 and bf16 GEMMs through one Triton kernel (tl.dot; on sm_90 Triton emits wgmma for
          both, checked in the PTX), 8192^3, the best of a few tile configurations by CUDA-graph
          replay, then NVML energy over >= 2 s (h200_round3.measure): the int8 wgmma rate and energy
          that torch's int8 GEMM (CUTLASS's sm80 mma.sync kernel) could not give.
- regs:   registers per thread of FlashAttention-2's forward kernels (cuobjdump --dump-resource-usage
          of flash_attn_2_cuda, demangled) and of the Triton GEMMs: how much of the register file a
          real attention kernel's accumulators take (the profile's register-headroom).
Usage (device): python3 Calibration/h200_round11.py > $OUT/h200-round11-2026-12-03.jsonl
"""
import json, os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import h200_round3 as r3  # noqa: E402
from nvml_sampler import windowed_run  # noqa: E402

r3.DATE = "2026-12-03"
STATIC_W = 121.9  # nvidia-h200-sxm.xml <idle>: the static power the model charges
SECTIONS = [a for a in sys.argv[1:] if not a.startswith("-")] or ["attrs", "chase", "gather", "hfma2", "triton", "regs"]
EXE = "/tmp/round11"
MICRO = "/tmp/microbench"


def build(src, exe):
    subprocess.run(["nvcc", "-O3", "-gencode=arch=compute_90a,code=sm_90a", "-o", exe, os.path.join(HERE, src)], check=True)


def lines_of(cmd, timeout=300):
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        r3.emit({"kind": "error", "cmd": " ".join(cmd), "stderr": out.stderr[-400:]})
        return []
    return [json.loads(x) for x in out.stdout.splitlines() if x.startswith("{")]


def attrs():
    for row in lines_of([EXE, "attrs"]):
        r3.emit({"kind": "attrs", **row})
    for q in ("CLOCK", "SUPPORTED_CLOCKS", "POWER"):
        text = subprocess.run(["nvidia-smi", "-q", "-d", q], capture_output=True, text=True).stdout
        if q == "SUPPORTED_CLOCKS":
            graphics = sorted({int(x) for x in re.findall(r"Graphics\s*:\s*(\d+) MHz", text)})
            memory = sorted({int(x) for x in re.findall(r"Memory\s*:\s*(\d+) MHz", text)})
            r3.emit({"kind": "nvidia-smi", "query": q, "graphics_mhz_min": graphics[:1], "graphics_mhz_max": graphics[-1:],
                     "graphics_count": len(graphics), "memory_mhz": memory})
        else:
            r3.emit({"kind": "nvidia-smi", "query": q, "text": text[-3000:]})


def chase():
    for level in ("smem", "l2", "hbm"):
        for row in lines_of([EXE, "chase", level]):
            r3.emit({"kind": "chase", **row})


def gather():
    for S in (32, 64, 128, 256, 512, 1024, 2048, 4096, 8192):
        for row in lines_of([EXE, "gather", str(S)]):
            r3.emit({"kind": "gather", **row})


def hfma2():
    # What ptxas kept: FFMA / HFMA2 counts and operand-reuse flags per kernel.
    sass = subprocess.run(["cuobjdump", "-sass", MICRO], capture_output=True, text=True, timeout=120).stdout
    name, counts = None, {}
    for line in sass.splitlines():
        m = re.search(r"Function : (\S+)", line)
        if m:
            name = m.group(1); counts[name] = {"FFMA": 0, "HFMA2": 0, "reuse": 0}
        elif name:
            counts[name]["FFMA"] += line.count("FFMA"); counts[name]["HFMA2"] += line.count("HFMA2")
            counts[name]["reuse"] += line.count(".reuse")
    r3.emit({"kind": "sass", "counts": counts})
    for row in lines_of([MICRO, "fmalat"]):
        r3.emit({"kind": "micro", **row})
    for which in ("hfma2", "fma", "fmaregs"):
        out, joules, seconds, su = windowed_run([MICRO, which, "2.5"])
        row = json.loads(out)
        row.update(su)
        row["avg_w_energy_counter"] = joules / seconds
        rate = row["tops_per_s"] * 1e12
        row.update({"kind": "micro", "static_W": STATIC_W, "window": "timed launches",
                    "ops_per_clk_per_sm": rate / (row["sms"] * su["sm_clock_mhz_median"] * 1e6),
                    "dynamic_pj_per_op": (row["avg_w_energy_counter"] - STATIC_W) / rate * 1e12})
        r3.emit(row)


TRITON_REGS = []


def triton_gemms():
    import torch
    import triton
    import triton.language as tl

    @triton.jit
    def mm(a_ptr, b_ptr, c_ptr, M, N, K, sam, sak, sbk, sbn, scm, scn,
           BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr, GROUP: tl.constexpr, ACC: tl.constexpr):
        pid = tl.program_id(0)
        npm = tl.cdiv(M, BM); npn = tl.cdiv(N, BN)
        per_group = GROUP * npn
        first = (pid // per_group) * GROUP
        size_m = min(npm - first, GROUP)
        pid_m = first + ((pid % per_group) % size_m)
        pid_n = (pid % per_group) // size_m
        rm = (pid_m * BM + tl.arange(0, BM)) % M
        rn = (pid_n * BN + tl.arange(0, BN)) % N
        rk = tl.arange(0, BK)
        a_ptrs = a_ptr + rm[:, None] * sam + rk[None, :] * sak
        b_ptrs = b_ptr + rk[:, None] * sbk + rn[None, :] * sbn
        acc = tl.zeros((BM, BN), dtype=ACC)
        for _ in range(0, tl.cdiv(K, BK)):
            acc = tl.dot(tl.load(a_ptrs), tl.load(b_ptrs), acc, out_dtype=ACC)
            a_ptrs += BK * sak
            b_ptrs += BK * sbk
        cm = pid_m * BM + tl.arange(0, BM); cn = pid_n * BN + tl.arange(0, BN)
        tl.store(c_ptr + cm[:, None] * scm + cn[None, :] * scn, acc.to(c_ptr.dtype.element_ty))

    M = N = K = 8192
    configs = {"int8": [(128, 256, 128, 3, 8), (128, 128, 128, 4, 4), (256, 128, 128, 3, 8), (128, 256, 64, 4, 8)],
               "bf16": [(128, 256, 64, 3, 8), (128, 128, 64, 4, 4), (256, 128, 64, 3, 8), (128, 256, 32, 4, 8)]}
    for dtype, cands in configs.items():
        def operands():
            if dtype == "int8":
                a = torch.randint(-8, 8, (M, K), device="cuda", dtype=torch.int8)
                b = torch.randint(-8, 8, (N, K), device="cuda", dtype=torch.int8).t()  # K-major, as 8-bit wgmma needs
                c = torch.empty(M, N, device="cuda", dtype=torch.int32)
            else:
                a = torch.randn(M, K, device="cuda", dtype=torch.bfloat16)
                b = torch.randn(N, K, device="cuda", dtype=torch.bfloat16).t()
                c = torch.empty(M, N, device="cuda", dtype=torch.bfloat16)
            return a, b, c

        best = None
        for BM, BN, BK, stages, warps in cands:
            try:
                a, b, c = operands()
                grid = (triton.cdiv(M, BM) * triton.cdiv(N, BN),)
                def call(a=a, b=b, c=c, BM=BM, BN=BN, BK=BK, stages=stages, warps=warps, grid=grid):
                    return mm[grid](a, b, c, M, N, K, a.stride(0), a.stride(1), b.stride(0), b.stride(1), c.stride(0), c.stride(1),
                                    BM=BM, BN=BN, BK=BK, GROUP=8, ACC=tl.int32 if dtype == "int8" else tl.float32, num_stages=stages, num_warps=warps)
                ck = call()
                torch.cuda.synchronize()
                if dtype == "int8":
                    ref = (a[:256].float() @ b[:, :256].float()).to(torch.int32)
                    ok = bool(torch.equal(ref, c[:256, :256]))
                else:
                    ok = bool(torch.allclose((a[:256].float() @ b[:, :256].float()), c[:256, :256].float(), rtol=2e-2, atol=1.0))
                ptx = ck.asm.get("ptx", "") if hasattr(ck, "asm") else ""
                wg = sorted(set(re.findall(r"wgmma\.mma_async\.sync\.aligned\.(m\d+n\d+k\d+\.[a-z0-9.]+)", ptx)))[:4]
                ms = r3.replay_ms(r3.graph_of([call], 10), 10)
                row = {"kind": "triton-config", "dtype": dtype, "BM": BM, "BN": BN, "BK": BK, "stages": stages, "warps": warps,
                       "ms": ms, "TOPs": 2 * M * N * K / ms / 1e9, "correct": ok, "wgmma": wg,
                       "n_regs": getattr(ck, "n_regs", None), "n_spills": getattr(ck, "n_spills", None),
                       "shared": getattr(getattr(ck, "metadata", None), "shared", None)}
                r3.emit(row)
                TRITON_REGS.append(row)
                if ok and wg and (best is None or ms < best[0]):
                    best = (ms, call)
            except Exception as ex:  # noqa: BLE001  (a configuration that does not compile or fit: say so)
                r3.emit({"kind": "triton-config", "dtype": dtype, "BM": BM, "BN": BN, "BK": BK, "error": f"{type(ex).__name__}: {str(ex)[-1200:]}"})
        if best is None:
            continue
        width = 1 if dtype == "int8" else 2
        call = best[1]
        ms, _, e = r3.measure(lambda: call, width * 2 * M * K, energy=True, per_graph=10, seconds=2.5)
        r3.emit({"kind": "gemm", "M": M, "N": N, "K": K, "dtype": dtype, "path": "wgmma", "ms": ms, "energy": e,
                 "TFLOPs": 2 * M * N * K / ms / 1e9, "timer": "cudagraph", "split": "fit",
                 "method": "Calibration/h200_round11.py: Triton tl.dot GEMM (wgmma in its PTX), the fastest correct configuration above, CUDA-graph replay; NVML energy over >= 2.5 s"})
        torch.cuda.empty_cache()


def regs():
    try:
        import flash_attn_2_cuda as fa  # noqa: F401
        so = fa.__file__
    except Exception:  # noqa: BLE001
        import torch
        so = None
        for root, _, files in os.walk(os.path.dirname(torch.__file__)):
            for f in files:
                if "flash" in f and f.endswith(".so"):
                    so = os.path.join(root, f)
        if so is None:
            so = os.path.join(os.path.dirname(torch.__file__), "lib", "libtorch_cuda.so")
    text = subprocess.run(["cuobjdump", "--dump-resource-usage", so], capture_output=True, text=True, timeout=240).stdout
    rows, name, arch = [], None, None
    for line in text.splitlines():
        m = re.search(r"arch = (sm_\d+)", line)
        if m:
            arch = m.group(1)
        m = re.match(r"\s*Function (\S+):", line)
        if m:
            name = m.group(1)
            continue
        m = re.search(r"REG:(\d+).*SHARED:(\d+)", line)
        if m and name and "flash_fwd" in name:
            rows.append((arch, name, int(m.group(1)), int(m.group(2))))
            name = None
    names = subprocess.run(["c++filt"], input="\n".join(r[1] for r in rows), capture_output=True, text=True).stdout.splitlines() \
        if rows else []
    seen = set()
    for (arch, mangled, reg, shared), demangled in zip(rows, names or [r[1] for r in rows]):
        # Flash_fwd_kernel_traits<kHeadDim, kBlockM, kBlockN, kNWarps, ...>: the tile shape.
        m = re.search(r"Flash_fwd_kernel_traits<(\d+), (\d+), (\d+), (\d+)", demangled)
        key = (arch, m.groups() if m else demangled[:80], reg)
        if key in seen:
            continue
        seen.add(key)
        r3.emit({"kind": "regs", "library": os.path.basename(so), "arch": arch, "kernel": demangled[:160], "regs_per_thread": reg,
                 "shared_static": shared, "traits": [int(x) for x in m.groups()] if m else None,
                 "split": "splitkv" in demangled.lower()})
    r3.emit({"kind": "regs-summary", "library": so, "kernels": len(rows), "distinct": len(seen)})


if __name__ == "__main__":
    build("round11.cu", EXE)
    build("microbench.cu", MICRO)
    r3.idle()
    steps = {"attrs": attrs, "chase": chase, "gather": gather, "hfma2": hfma2, "triton": triton_gemms, "regs": regs}
    for s in SECTIONS:
        try:
            steps[s]()
        except Exception as ex:  # noqa: BLE001  (one section's failure must not lose the others)
            r3.emit({"kind": "error", "section": s, "error": f"{type(ex).__name__}: {str(ex)[:400]}"})
