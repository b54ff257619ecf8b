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
       python3 Calibration/l2_paths.py energy > $OUT/h200-l2-path-energy-2026-12-03.jsonl
The energy section runs each path for ~3 s of 6 ms launches under NVML (nvml_sampler.windowed_run:
the energy counter over the timed launches alone) and charges what it draws above this board's idle
at rest to the bytes it moves: the energy of an L2 byte delivered to shared memory by each path (the
tile loads of attention kernels), beside ld.global.cg into registers (onchip_energy.py's figure).
"""
import json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATE = "2026-12-03"
STATIC_W = 121.9  # the H200 profile's static power (nvidia-h200-sxm.xml <idle>)


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


def energy():
    sys.path.insert(0, HERE)
    from nvml_sampler import Sampler, windowed_run
    import time
    exe = "/tmp/l2_paths"
    subprocess.run(["nvcc", "-O3", "-gencode=arch=compute_90a,code=sm_90a", "-o", exe, os.path.join(HERE, "l2_paths.cu")], check=True)

    def idle():
        time.sleep(2.0)
        with Sampler() as s:
            time.sleep(1.5)
        return s.summary(0.0)["avg_w_energy_counter"]
    before = idle()
    print(json.dumps({"kind": "idle", "W": before, "when": "before", "date": DATE}), flush=True)
    runs = [("ldg", 528, 16, 2, 16), ("cp_async", 132, 32, 3, 16), ("cp_async", 264, 16, 3, 16), ("cp_async", 132, 16, 3, 16),
            ("bulk", 132, 16, 3, 16), ("bulk", 264, 32, 4, 16), ("bulk", 132, 16, 3, 4096), ("cp_async", 132, 32, 3, 4096)]
    for path, blocks, tile, stages, buf in runs:
        out, joules, seconds, su = windowed_run([exe, path, str(blocks), str(tile), str(stages), str(buf), "60", "3"])
        row = json.loads(out)
        row.update(su)
        watts = joules / seconds
        rate = row["TBps"] * 1e12
        row.update({"avg_w_window": watts, "idle_W": before, "profile_static_W": STATIC_W,
                    "dynamic_pj_per_byte_above_profile_static": (watts - STATIC_W) / rate * 1e12, "date": DATE,
                    "method": "l2_paths.py energy: ~3 s of 6 ms launches; NVML energy counter over the timed launches, less the H200 profile's static 121.9 W (onchip_energy.py says why not the idle at rest)"})
        print(json.dumps(row), flush=True)
    print(json.dumps({"kind": "idle", "W": idle(), "when": "after", "date": DATE}), flush=True)


if __name__ == "__main__":
    sys.exit(energy() if sys.argv[1:] == ["energy"] else main())
