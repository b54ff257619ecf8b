"""Adds `busy_fraction` to the burst rows of results/h200-decode-bursts-2026-12-02.jsonl from the raw
runs (h200-decode-power-raw, h200-decode-rows-raw, 2026-12-02; no new device time).

h200_decode_power.py recorded burst.busy_fraction = (sum of the event-timed replays) / (the NVML
sampler's wall time), and that wall time includes the sampler's start and stop (an NVML energy read,
a thread start, and a join that waits out the thread's 5 ms sleep: 2-20 ms with the GPU idle, before
and after the burst, not between its replays). The GPU's duty cycle during the burst is the busy time
over the replay loop's own time. The loop runs until the first replay that ends after 150 ms (or 5
replays), so its length is the larger of the busy time and 150 ms plus on average half a replay.
That in-loop fraction (0.89-0.98; gaps of 40-160 us per replay of 20 calls: an event record, a
synchronize and a graph launch from Python) is written; the recorded one is kept beside it as
`busy_fraction_sampler_window`.
Usage: python3 Calibration/busy_fraction.py  (rewrites the bursts file in place; idempotent)
"""
import json
import os

R = os.path.join(os.path.dirname(__file__), "results")
KEYS = ("backend", "B", "Hq", "Hkv", "Lkv", "D")


def raw_cases():
    out = []
    for name in ("h200-decode-power-raw-2026-12-02", "h200-decode-rows-raw-2026-12-02"):
        for line in open(os.path.join(R, name + ".jsonl")):
            r = json.loads(line)
            if r.get("kind") == "attn" and "burst" in r and not r.get("scrub"):
                out.append(r)
    return out


def in_loop_busy(burst, budget_s=0.15):
    busy_s = burst["busy_fraction"] * burst["wall_s"]
    loop_s = max(busy_s, budget_s + 0.5 * busy_s / burst["replays"])
    return min(1.0, busy_s / loop_s)


def main():
    path = os.path.join(R, "h200-decode-bursts-2026-12-02.jsonl")
    rows = [json.loads(l) for l in open(path)]
    cases = raw_cases()
    attn = [r for r in rows if r.get("kind") == "attn"]
    assert len(attn) == len(cases), (len(attn), len(cases))
    for row, case in zip(attn, cases):
        assert all(row[k] == case[k] for k in KEYS), (row, case)
        assert abs(row["ms"] - case["burst"]["ms"]) < 1e-9, (row["ms"], case["burst"]["ms"])
        row["busy_fraction"] = round(in_loop_busy(case["burst"]), 4)
        row["busy_fraction_sampler_window"] = round(case["burst"]["busy_fraction"], 4)
        row["busy_fraction_method"] = ("Calibration/busy_fraction.py: event-timed busy seconds over the replay loop's "
                                       "time (max(busy, 0.15 s + half a replay)), from the raw run's burst record")
    with open(path, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
