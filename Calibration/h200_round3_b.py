"""Round 3, second call: FlexAttention sliding-window / dense energies (cut off in the first call)
and the inputs of an Nsight Compute look at FA2's and cuDNN's decode kernels.
Usage: python3 Calibration/h200_round3_b.py flex > $OUT/flex.jsonl
       python3 Calibration/h200_round3_b.py ncu   (run under ncu, see Calibration/README.md)
"""
import sys, time
import h200_round3 as r
import torch

if __name__ == "__main__":
    from nvml_sampler import Sampler
    with Sampler() as s0:
        time.sleep(1.0)
    r.IDLE[0] = s0.summary(0.0)["avg_w_energy_counter"]
    if sys.argv[1] == "flex":
        r.emit({"kind": "idle", "W": r.IDLE[0]})
        r.flex(1, 32, 16384, 128, window=2048, energy=True, split="heldout")
        r.flex(1, 32, 8192, 128, density=1.0, seed=4, energy=True, split="heldout")
        r.sdpa("flash", 4, 32, 8, 1, 16384, 128, energy=True, split="heldout")
        r.sdpa("cudnn", 4, 32, 8, 1, 16384, 128, energy=True, split="heldout")
        r.sdpa("cudnn", 4, 32, 32, 4096, 4096, 80, energy=True, split="heldout")
        r.sdpa("flash", 4, 32, 32, 4096, 4096, 80, energy=True, split="heldout")
    else:
        from torch.nn.attention import sdpa_kernel, SDPBackend
        import torch.nn.functional as F
        for be in [SDPBackend.FLASH_ATTENTION, SDPBackend.CUDNN_ATTENTION]:
            for (B, L) in [(4, 16384), (64, 4096)]:
                q = torch.randn(B, 32, 1, 128, device="cuda", dtype=torch.bfloat16)
                k = torch.randn(B, 8, L, 128, device="cuda", dtype=torch.bfloat16); v = torch.randn_like(k)
                with sdpa_kernel(be):
                    for _ in range(3):
                        F.scaled_dot_product_attention(q, k, v, enable_gqa=True)
                torch.cuda.synchronize()
