#!/usr/bin/env python3
"""Upper bound on what any attention accelerator can buy over NPU-only decoding.

For every (model, batch, dataset) point of Examples/neupims.xml, runs the NPU-only configuration
and takes out its attention: per GEMV (q·K, p·V) the longer of the KV-cache stream and the array
pass (they are double-buffered against each other), plus softmax. What is left (GEMMs with their
weight streams, norms, the tensor-parallel all-reduce) is what the NPU still runs when attention
costs nothing, so T(npu-only) / (T(npu-only) - attention) bounds NeuPIMs over NPU-only.

Usage: python3 Scripts/pim-attention-bound.py [path/to/einsim]   (default .build/release/einsim)
"""
import json, statistics, subprocess, sys

einsim = sys.argv[1] if len(sys.argv) > 1 else ".build/release/einsim"
rows = []
for model in ["gpt-3-6.7b", "gpt-3-13b", "gpt-3-30b", "gpt-3-175b"]:
    for batch in [64, 128, 256, 512]:
        for dataset in ["sharegpt", "alpaca"]:
            out = subprocess.check_output([einsim, "simulate", "--scope", "serving", "--model", model, "--batch", str(batch),
                                           "--dataset", dataset, "--hardware", "neupims", "--mapping", "npu-only", "--format", "json"])
            r = json.loads(out)["results"][0]
            k = {x["name"]: x["seconds"] for x in r["kernels"]}
            attention = k.get("softmax", 0) + sum(max(k["attention %s KV cache" % g], k["attention %s (arrays)" % g]) for g in ["q·K", "p·V"])
            t = r["latency_s"]
            rows.append((model, batch, dataset, t * 1e3, attention * 1e3, t / (t - attention)))
print("model        batch  dataset   npu-only ms  attention ms  bound")
for m, b, d, t, a, x in rows:
    print("%-11s  %5d  %-8s  %11.2f  %12.2f  %4.2fx" % (m, b, d, t, a, x))
print("mean bound over %d points: %.2fx" % (len(rows), statistics.mean(r[5] for r in rows)))
for d in ["sharegpt", "alpaca"]:
    print("  %s: %.2fx" % (d, statistics.mean(r[5] for r in rows if r[2] == d)))
