"""H200 GEMMs at every tensor-core precision cuBLAS runs (issue 13, round 10): latency and NVML
energy of bf16, fp16, tf32, fp8 (e4m3, torch._scaled_mm) and int8 (torch._int_mm) products, so
that the profile's fp8 / int8 / tf32 MAC energies and rates are the H200's, not leads carried
over from the H100's bf16 ("half / twice the bf16 MAC").

Method as h200_round9.py's GEMM rows: CUDA-graph replay of 10 calls, median per call over a 150 ms
burst from rest (run_s 0.15, busy_fraction); energy: NVML energy-counter delta over >= 2 s of
back-to-back replays (in process), idle measured first; kernel names and grids from torch.profiler.
Usage on the device: python3 Calibration/precision_gemm.py > $OUT/h200-precision-gemm-2026-12-03.jsonl
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h200_round9 as r9  # noqa: E402  (row fields: run_s, busy_fraction, split)
from dispatch_probe import kernels_of  # noqa: E402

r9.LABEL = "Calibration/precision_gemm.py (round 10, seed %d unused): "
r = r9.r


def operands(dtype, M, N, K):
    import torch
    dev = "cuda"
    if dtype in ("bf16", "fp16"):
        t = torch.bfloat16 if dtype == "bf16" else torch.float16
        a = torch.randn(M, K, device=dev, dtype=t); b = torch.randn(K, N, device=dev, dtype=t)
        return lambda: a @ b
    if dtype == "tf32":
        torch.backends.cuda.matmul.allow_tf32 = True
        a = torch.randn(M, K, device=dev); b = torch.randn(K, N, device=dev)
        return lambda: a @ b
    if dtype == "fp8":
        a = torch.randn(M, K, device=dev).to(torch.float8_e4m3fn)
        b = torch.randn(N, K, device=dev).to(torch.float8_e4m3fn).t()  # column-major, as cuBLASLt wants
        one = torch.ones((), device=dev)
        return lambda: torch._scaled_mm(a, b, scale_a=one, scale_b=one, out_dtype=torch.bfloat16)
    if dtype == "int8":
        a = torch.randint(-8, 8, (M, K), device=dev, dtype=torch.int8)
        b = torch.randint(-8, 8, (N, K), device=dev, dtype=torch.int8).t()
        return lambda: torch._int_mm(a, b)
    raise ValueError(dtype)


def gemm(dtype, M, N, K):
    import torch
    width = {"bf16": 2, "fp16": 2, "tf32": 4, "fp8": 1, "int8": 1}[dtype]
    row = {"kind": "gemm", "M": M, "N": N, "K": K, "dtype": dtype, "timer": "cudagraph",
           "method": "cuBLAS at %s, CUDA-graph replay; NVML energy over >= 2 s" % dtype}
    try:
        fn = operands(dtype, M, N, K)
        fn(); torch.cuda.synchronize()
        ks = kernels_of(fn)
        row["kernels"] = [x["name"][:120] for x in ks]; row["grids"] = [x["grid"] for x in ks]
        # Fresh operands per graph slot (h200_round3.measure cycles through sets of them), so an
        # L2-sized product still streams its operands from DRAM as the model has it.
        ms, _, e = r.measure(lambda: operands(dtype, M, N, K), width * (M * K + K * N), energy=True, per_graph=10, seconds=2.0)
        row.update({"ms": ms, "energy": e, "TFLOPs": 2 * M * N * K / ms / 1e9})
    except Exception as ex:  # noqa: BLE001  (a precision this torch / cuBLAS lacks: say so)
        row["error"] = f"{type(ex).__name__}: {str(ex)[:300]}"
    r9.emit(row)
    torch.cuda.empty_cache()


if __name__ == "__main__":
    r.idle()
    for dtype in ("bf16", "fp16", "tf32", "fp8", "int8"):
        for M, N, K in ((8192, 8192, 8192), (4096, 4096, 4096)):
            gemm(dtype, M, N, K)
