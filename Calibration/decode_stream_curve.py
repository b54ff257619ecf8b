"""Decode streams: achieved DRAM bandwidth against the bytes the blocks keep in flight (H200,
2026-12-02, issue 13; data for the next recalibration of `streaming-latency`).

Question: the profile's loaded latency (4 us, from 224-256 blocks at full load) makes few-block
decodes slow (cuDNN B17 H32/4 over 7136 keys: 68 blocks, 74 us measured, 95 predicted); a latency
that grows with the bytes in flight (idle + queue) fits those but not the full-load rows. This sweeps
B 1-128 (H32/8, d = 128, 8192 and 32768 keys; d = 64 at 8192) on FA2 and cuDNN with the grids, so
blocks in flight x bytes per block can be set against the achieved bandwidth.
Method as h200_round5_probe.py (CUDA-graph replay, median over a 150 ms burst, SM clock).
Usage: python3 Calibration/decode_stream_curve.py > $OUT/stream.jsonl
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h200_round5_probe as p5  # noqa: E402
import h200_round3 as r  # noqa: E402

p5.TAG = "Calibration/decode_stream_curve.py: "

if __name__ == "__main__":
    for name in ("cudnn", "flash"):
        for (L, D) in ((8192, 128), (32768, 128), (8192, 64)):
            for B in (1, 2, 4, 8, 12, 17, 24, 32, 48, 64, 128):
                r.sdpa(name, B, 32, 8, 1, L, D, phase="decode", names=True)
