"""FA2's split-KV kernel on few-query calls at grids between 132 and 264 blocks (H200, 2026-12-02;
data for the next session, issue 13).

Question (Calibration/README.md, round 6, decode stream curve): cuDNN's decode kernel with a few SMs
holding a second block finishes it fast (B17 H32/8: 136 blocks, fitted `l2-port-bandwidth`), but
FA2's split-KV few-query rows (B1 H32/8, 2-64 queries over 32768 keys, 224-256 blocks) fit two
full L2 shares per doubled SM. Here: few-query calls whose split grids land at different counts
of doubled SMs (heads 8-40, queries 2 and 16, keys 8192-65536), with the grids, so the share a
doubled SM gets can be read against how many SMs are still streaming.
Method as h200_round5_probe.py (CUDA-graph replay, median over a 150 ms burst, SM clock).
Usage: python3 Calibration/fa2_split_share.py > $OUT/split.jsonl
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h200_round5_probe as p5  # noqa: E402
import h200_round3 as r  # noqa: E402

p5.TAG = "Calibration/fa2_split_share.py: "

if __name__ == "__main__":
    for (hq, hkv) in ((8, 8), (16, 4), (24, 8), (32, 8), (40, 8)):
        for q in (2, 16):
            for L in (8192, 32768, 65536):
                r.sdpa("flash", 1, hq, hkv, q, L, 128, phase="prefill", names=True)
