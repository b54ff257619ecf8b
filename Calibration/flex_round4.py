"""FlexAttention on the H200 (issue 13, round 4): static against dynamic-shape compiles, the Triton
configuration Inductor picks per row, and the fixed cost per query block at low density.

Question: round 4's FlexAttention rows (h200_round4.py: one process, a new shape per row) ran 13-37%
slower than the model and than round 3's rows of the same kernel (one shape per process). After a
second shape, torch.compile recompiles with dynamic shapes; this script times every round-4 shape
under a fresh static compile (torch._dynamo.reset(), dynamic=False) and one shape under
dynamic=True, then densities 0.03-1.0 and narrow sliding windows. Run with TORCH_LOGS=output_code:
stderr holds each compiled kernel's constants (BLOCK_M, BLOCK_N, num_warps, num_stages), after a
"CASE n" marker.
Method: as h200_round3.py (CUDA-graph replay of 10 calls, median per call over 150 ms from rest,
run_s 0.15, busy_fraction of the replay loop).
Usage: TORCH_LOGS=output_code python3 Calibration/flex_round4.py > $OUT/flex4.jsonl 2> $OUT/flex4.err
       python3 Calibration/flex_round4.py second > $OUT/flex4b.jsonl   (second call)
"""
import os, sys
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h200_round4 as r4  # noqa: E402  (patches h200_round3's replay loop and rows)
import h200_round3 as r  # noqa: E402

r4.TAG = ""

CASE = [0]


def flex(B, H, L, D, density=None, window=None, seed=0, dynamic=False, energy=False, reset=True):
    from torch.nn.attention.flex_attention import flex_attention, create_block_mask
    if reset:
        torch._dynamo.reset()
    CASE[0] += 1
    print("CASE %d B%d H%d L%d D%d density=%s window=%s dynamic=%s" % (CASE[0], B, H, L, D, density, window, dynamic),
          file=sys.stderr, flush=True)
    fx = torch.compile(flex_attention, dynamic=dynamic)
    nb = L // 128
    if window is not None:
        def mask_mod(b, h, q, k):
            return (q - k).abs() <= window
        bm = create_block_mask(mask_mod, None, None, L, L, device="cuda", _compile=True)
        i = torch.arange(L, device="cuda")
        kept = ((i[:, None] - i[None, :]).abs() <= window).float().mean().item()
        phase, extra = "sliding_window", {"window": window, "density": kept}
    else:
        g = torch.Generator(device="cpu").manual_seed(seed)
        keep = torch.rand(H, nb, nb, generator=g) < density
        keep |= torch.eye(nb, dtype=torch.bool)[None]
        keep = keep.to("cuda")
        def mask_mod(b, h, q, k):
            return keep[h, q // 128, k // 128]
        bm = create_block_mask(mask_mod, None, H, L, L, device="cuda", _compile=True)
        phase, extra = "blocksparse_random", {"block": 128, "density": keep.float().mean().item()}
    q = torch.randn(B, H, L, D, device="cuda", dtype=torch.bfloat16); k = torch.randn_like(q); v = torch.randn_like(q)
    f = lambda: fx(q, k, v, block_mask=bm)
    row = {"kind": "attn", "phase": phase, "backend": "flex", "B": B, "Hq": H, "Hkv": H, "Lq": L, "Lkv": L, "D": D,
           "causal": False, "dtype": "bf16", "compile": "dynamic" if dynamic else "static", "case": CASE[0], **extra}
    try:
        f(); torch.cuda.synchronize()
        ks = r.kernels_of(f)
        row["kernels"] = [x["name"] for x in ks]; row["grids"] = [x["grid"] for x in ks]
        row["blocks"] = [x["block"] for x in ks]; row["kernel_us"] = [x["us"] for x in ks]
        ms, sets, e = r.measure(lambda: f, 1 << 30, energy=energy, per_graph=10)
    except Exception as ex:
        row["error"] = str(ex)[:300]; r.emit(row); return
    row.update({"ms": ms, "TFLOPs": 4 * B * H * L * L * D * extra["density"] / ms / 1e9, "energy": e, "timer": "cudagraph",
                "method": "Calibration/flex_round4.py: fresh torch.compile (%s) per row; CUDA-graph replay median" %
                          ("dynamic=True" if dynamic else "dynamic=False")})
    r.emit(row)
    torch.cuda.empty_cache()


def second_call():
    """Second device call (the first ran out of time after 6 compiles at ~30-140 s each under
    TORCH_LOGS): dynamic=False keeps every recompile static without a dynamo reset."""
    import random
    rng = random.Random(r4.SEED)
    r4.shapes(rng)
    cases = r4.flex_shapes(rng)
    r.idle()
    for c in cases[6:]:  # round 4's sliding windows, static
        flex(c["B"], c["H"], c["L"], c["D"], window=c["window"], reset=False)
    for d in [0.03, 0.1, 0.3, 1.0]:
        flex(1, 32, 8192, 128, density=d, seed=11, reset=False)
    for d in [0.03, 0.1, 0.3, 1.0]:
        flex(1, 32, 8192, 64, density=d, seed=11, reset=False)
    for w in [128, 512]:
        flex(1, 32, 16384, 128, window=w, reset=False)


if __name__ == "__main__" and sys.argv[1:] == ["second"]:
    second_call()
elif __name__ == "__main__":
    import random
    rng = random.Random(r4.SEED)
    r4.shapes(rng)
    cases = r4.flex_shapes(rng)
    r.idle()
    for c in cases:  # round 4's shapes, each compiled fresh and static
        flex(c["B"], c["H"], c["L"], c["D"], density=c.get("density"), window=c.get("window"), seed=c.get("seed", 0))
    c = cases[4]  # the same shape compiled with dynamic shapes
    flex(c["B"], c["H"], c["L"], c["D"], density=c["density"], seed=c["seed"], dynamic=True)
    for d in [0.03, 0.06, 0.12, 0.25, 0.5, 1.0]:  # fixed cost per query block, d = 64 and 128
        flex(1, 32, 8192, 128, density=d, seed=11)
        flex(1, 32, 8192, 64, density=d, seed=11)
    for w in [128, 256, 512, 1024]:
        flex(1, 32, 16384, 128, window=w)
    flex(2, 16, 16384, 128, density=0.25, seed=616, energy=True)
    flex(1, 32, 16384, 128, window=256, energy=True)
