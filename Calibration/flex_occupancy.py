"""Launch facts (registers, shared memory, blocks per SM) of the prefill kernels (H200, 2026-12-02,
issue 13): FlexAttention's Triton kernel at d = 64 and 128 (block-sparse at densities 0.05 and 1),
FA2's and cuDNN's prefill kernels at d = 64 and 128, from the torch.profiler trace's launch
arguments (the occupancy calculator's blocks per SM), beside each call's latency.

Question: the model holds FlexAttention's d = 64 kernel (128x128 tiles, 4 warps, 3 stages,
~112 KiB of shared memory) at two blocks per SM; its low-density rows behave as if each block
waited for its start alone (h200-flex-static-2026-12-02: 31% fast at density 0.046).
Method: static compile per shape (torch._dynamo.reset(), dynamic=False); latency as h200_round3.py.
Usage: python3 Calibration/flex_occupancy.py > $OUT/occupancy.jsonl
"""
import json, os, sys
import torch
import torch.nn.functional as F
from torch.nn.attention import sdpa_kernel, SDPBackend

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from cudnn_decode_inflight import kernels_of  # noqa: E402
from h200_round3 import graph_of, replay_ms  # noqa: E402


def emit(o):
    o.update(device=torch.cuda.get_device_name(0), date="2026-12-02", method="Calibration/flex_occupancy.py")
    print(json.dumps(o), flush=True)


def flex_case(B, H, L, D, density):
    from torch.nn.attention.flex_attention import flex_attention, create_block_mask
    torch._dynamo.reset()
    fx = torch.compile(flex_attention, dynamic=False)
    nb = L // 128
    g = torch.Generator(device="cpu").manual_seed(7)
    keep = (torch.rand(H, nb, nb, generator=g) < density) | torch.eye(nb, dtype=torch.bool)[None]
    keep = keep.to("cuda")
    bm = create_block_mask(lambda b, h, q, k: keep[h, q // 128, k // 128], None, H, L, L, device="cuda", _compile=True)
    q = torch.randn(B, H, L, D, device="cuda", dtype=torch.bfloat16); k = torch.randn_like(q); v = torch.randn_like(q)
    f = lambda: fx(q, k, v, block_mask=bm)
    f(); torch.cuda.synchronize()
    ks = kernels_of(f)
    g2 = graph_of([f], 10)
    emit({"kind": "launch", "backend": "flex", "B": B, "Hq": H, "Hkv": H, "Lq": L, "Lkv": L, "D": D,
          "density": keep.float().mean().item(), "kernels": ks, "ms": replay_ms(g2, 10)})


def sdpa_case(name, B, H, L, D):
    be = {"flash": SDPBackend.FLASH_ATTENTION, "cudnn": SDPBackend.CUDNN_ATTENTION}[name]
    q = torch.randn(B, H, L, D, device="cuda", dtype=torch.bfloat16); k = torch.randn_like(q); v = torch.randn_like(q)
    def f():
        with sdpa_kernel(be):
            return F.scaled_dot_product_attention(q, k, v)
    ks = kernels_of(f)
    g = graph_of([f], 10)
    emit({"kind": "launch", "backend": name, "B": B, "Hq": H, "Hkv": H, "Lq": L, "Lkv": L, "D": D, "kernels": ks,
          "ms": replay_ms(g, 10)})


if __name__ == "__main__":
    for D in (64, 128):
        for density in (0.05, 1.0):
            flex_case(1, 32, 8192, D, density)
        for name in ("flash", "cudnn"):
            sdpa_case(name, 1, 32, 8192, D)
