"""FA2's prefill kernel alone on its SM against two per SM (H200, 2026-12-02, issue 13).

Question: round 6 left FA2 d = 64 calls 19-22% fast whose last wave has at most one block per SM;
the profile's single-warp issue efficiency (0.83) was measured at d = 128 (128 blocks, one per SM,
1.21x the per-block time of 256). Here: B1 H32/8 over 16384 keys, non-causal, d = 64 and 128,
queries 512 .. 2048 (128 .. 512 blocks of 128 rows; 264 fit two per SM), so each head dim shows
one block per SM (128), two (256), and last waves of 24 .. 120 lone blocks (288, 320, 384).
Method as h200_round5_probe.py (CUDA-graph replay, 150 ms burst, SM clock of the burst).
Usage: python3 Calibration/fa2_lone_block.py > $OUT/lone.jsonl
       python3 Calibration/fa2_lone_block.py ablate > $OUT/lone2.jsonl   (second call: what makes
       round 6's lone d = 64 tails slow: a partial row block, ragged keys, or K/V beyond the L2)
"""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import h200_round5_probe as p5  # noqa: E402  (patches the replay loop with the clock)
import h200_round3 as r  # noqa: E402

p5.TAG = "Calibration/fa2_lone_block.py: "

def ablate():
    rows = [(32, 8, 1152, 16384), (32, 8, 1104, 16384), (32, 8, 1152, 16320), (32, 32, 1152, 16384),
            (32, 32, 1104, 16384), (32, 8, 1024, 16384), (32, 8, 1000, 16384), (32, 32, 1024, 16384)]
    for (hq, hkv, lq, lkv) in rows:
        r.sdpa("flash", 1, hq, hkv, lq, lkv, 64, names=True)
    for (hq, hkv, lq, lkv) in [(32, 8, 1104, 16384), (32, 32, 1152, 16384)]:
        r.sdpa("flash", 1, hq, hkv, lq, lkv, 128, names=True)


if __name__ == "__main__" and sys.argv[1:] == ["ablate"]:
    ablate()
elif __name__ == "__main__":
    for D in (64, 128):
        for Lq in (512, 1024, 1152, 1280, 1536, 2048):
            r.sdpa("flash", 1, 32, 8, Lq, 16384, D, names=True)
        for Lq in (512, 1024):
            r.sdpa("flash", 1, 32, 8, Lq, 8192, D, names=True)
