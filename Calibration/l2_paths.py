#!/usr/bin/env python3
"""L2 read bandwidth by load path on the H200 (issue 13, round 10), measured 2026-12-03.

The profile's L2 bandwidth (5.5 TB/s) was 0.85 of an L2-resident copy's rate (6.5 TB/s, reads and
writes together), and the attention model streams every kernel's K/V tiles at it. On the fit files
the FA2 rows (cp.async tile loads) sit on it while cuDNN's and FA3's Hopper kernels (bulk-copy /
TMA tile loads) at d = 128-256 come out 3-15% slow: a path difference, measured here by
l2_paths.cu (see its header) at every SM busy (132 and 264 blocks), at tile sizes and pipeline
depths of the real kernels (8-32 KiB, 2-4 stages), and with few blocks (an SM's own port). A 4 GiB
buffer checks that no loop beats the HBM. Short runs (~10 launches of ~1.5 GB): the boost clock.

Usage (device): python3 Calibration/l2_paths.py > $OUT/h200-l2-paths-2026-12-03.jsonl
"""
import json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATE = "2026-12-03"


def clock():
    r = subprocess.run(["nvidia-smi", "--query-gpu=clocks.sm", "--format=csv,noheader,nounits"], capture_output=True, text=True)
    return r.stdout.strip()


def main():
    exe = "/tmp/l2_paths"
    subprocess.run(["nvcc", "-O3", "-gencode=arch=compute_90a,code=sm_90a", "-o", exe, os.path.join(HERE, "l2_paths.cu")], check=True)
    name = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"], capture_output=True, text=True).stdout.strip()
    runs = []
    for buf in (16, 4096):
        for blocks in (132, 264):
            for tile in (8, 16, 32):
                for stages in (2, 3, 4):
                    runs.append(("bulk", blocks, tile, stages, buf))
                    if stages < 4: runs.append(("cp_async", blocks, tile, stages, buf))
        for blocks in (132, 264, 528):
            runs.append(("ldg", blocks, 16, 2, buf))
    runs.append(("bulk", 132, 16, 3, 48)); runs.append(("cp_async", 132, 16, 3, 48)); runs.append(("ldg", 528, 16, 2, 48))
    for blocks in (1, 4, 16, 66):
        runs.append(("bulk", blocks, 16, 4, 16)); runs.append(("cp_async", blocks, 16, 3, 16)); runs.append(("ldg", blocks, 16, 2, 16))
    for path, blocks, tile, stages, buf in runs:
        r = subprocess.run([exe, path, str(blocks), str(tile), str(stages), str(buf)], capture_output=True, text=True)
        if r.returncode != 0:
            print(json.dumps({"kind": "l2-path", "path": path, "blocks": blocks, "error": r.stderr.strip()[-300:]}), flush=True)
            continue
        row = json.loads(r.stdout)
        row.update({"sm_clock_mhz_after": clock(), "device": name, "date": DATE,
                    "method": "l2_paths.cu: 10 back-to-back launches timed by CUDA events after one warm-up; bytes = blocks x tile x trips (cp_async, bulk) or threads x 128 B x trips (ldg)"})
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    sys.exit(main())
