#!/usr/bin/env python3
"""Joint refit of the H200 profile's energy parameters against the H200 fit files.

Method (Calibration/README.md, "Round 8"): the profile's energy numbers that were fitted one row
at a time (the mma.sync, wgmma and FlexAttention MAC energies, cuDNN's per-score energy, FA2's
decode MAC energy, the memory-active power and rate) are refitted together with the core
voltage's fall with the clock (`voltage-clock-slope`), on the fit files only:

  h200-round3-fit, h200-round3-sustained   (power-limited, full occupancy)
  h200-round7-energy-fit                   (half occupancy: below the limit at the boost clock)
  h200-fewquery-power                      (few-query calls with and without GQA)

Each candidate is a copy of HardwareProfiles/nvidia-h200-sxm.xml with the numbers replaced, scored
by `einsim accuracy --format json`: the mean |ln(predicted / measured)| of latency plus that of
energy over all rows of the four files (each row counts once). Nelder-Mead from the profile's
values. Held-out files are never read here.

Usage: Calibration/fit_h200_energy.py [EINSIM] [--fix NAME=VALUE ...]   (fit the others)
       Calibration/fit_h200_energy.py [EINSIM] --evaluate [NAME=VALUE ...]
"""
import json
import math
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROFILE = os.path.join(ROOT, "HardwareProfiles", "nvidia-h200-sxm.xml")
FIT_FILES = ["h200-round3-fit-2026-12-01", "h200-round3-sustained-2026-12-01",
             "h200-round7-energy-fit-2026-12-02", "h200-fewquery-power-2026-12-02"]

# name: (kind, unit, start, lower, upper)
PARAMETERS = {  # starts: the profile's values after round 10 (2026-12-03)
    "voltage-clock-slope": ("parameter", "", 0.48, 0.0, 1.0),
    "mma.sync": ("mac", "pJ", 1.85, 0.5, 5.0),
    "wgmma": ("mac", "pJ", 1.03, 0.2, 3.0),
    "cudnn.score-energy": ("parameter", "pJ", 42.0, 0.0, 200.0),
    "fa2.score-energy": ("parameter", "pJ", 81.0, 0.0, 200.0),
    "flex.mac-energy": ("parameter", "pJ", 1.66, 0.3, 5.0),
    "fa2.decode-mac-energy": ("parameter", "pJ", 1.4, 0.3, 5.0),
    "memory-active-power": ("parameter", "W", 180.0, 0.0, 400.0),
    "memory-active-rate": ("parameter", "TB/s", 3.02, 0.3, 8.0),
    "power-limit-excess-energy": ("parameter", "J", 2.34, 0.0, 20.0),
}


ATTRIBUTES = r'(?:[^>"]|"[^"]*")*>'  # an element's attributes, quoted values may hold '>'


def profile_text(values):
    text = open(PROFILE).read()
    for name, value in values.items():
        kind, unit = PARAMETERS[name][0], PARAMETERS[name][1]
        shown = f"{value:.6g} {unit}".strip()
        if kind == "mac":
            opening = f'<energy operation="matrix-mac" precision="bf16" path="{name}"'
            closing, parent = "</energy>", "</unit>"
        else:
            opening, closing, parent = f'<parameter name="{name}"', "</parameter>", "</parameters>"
        pattern = "(" + re.escape(opening) + ATTRIBUTES + ")[^<]*(" + re.escape(closing) + ")"
        if re.search(pattern, text):
            text = re.sub(pattern, lambda m: m.group(1) + shown + m.group(2), text)
        else:
            text = text.replace(parent, f'  {opening} source="fit candidate">{shown}{closing}\n  {parent}', 1)
    return text


def rows(einsim, profile_path, files=FIT_FILES):
    out = []
    for f in files:
        path = os.path.join(ROOT, "Calibration", "results", f + ".jsonl")
        result = subprocess.run([einsim, "accuracy", path, "--hardware", profile_path, "--format", "json"],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise ValueError(result.stderr.strip())
        for r in json.loads(result.stdout)["rows"]:
            if "predicted_ms" not in r:
                continue
            r["file"] = f
            out.append(r)
    return out


def score(rs):
    lat = [abs(math.log(r["predicted_ms"] / r["ms"])) for r in rs]
    en = [abs(math.log(r["predicted_energy_mj"] / r["energy"]["mJ_per_call"])) for r in rs
          if r.get("predicted_energy_mj") and isinstance(r.get("energy"), dict)]
    return sum(lat) / len(lat) + sum(en) / max(1, len(en)), lat, en


def evaluate(einsim, values, directory):
    path = os.path.join(directory, "candidate.xml")
    with open(path, "w") as handle:
        handle.write(profile_text(values))
    return score(rows(einsim, path))


def main():
    args = sys.argv[1:]
    einsim = os.path.join(ROOT, ".build", "release", "einsim")
    if args and not args[0].startswith("--"):
        einsim = args.pop(0)
    start = {name: p[2] for name, p in PARAMETERS.items()}
    with tempfile.TemporaryDirectory() as directory:
        if args and args[0] == "--evaluate":
            for pair in args[1:]:
                name, value = pair.split("=")
                start[name] = float(value)
            s, lat, en = evaluate(einsim, start, directory)
            print(f"score {s:.4f}  latency mean |ln| {sum(lat)/len(lat):.4f}  energy {sum(en)/len(en):.4f}  ({len(lat)} / {len(en)} rows)")
            return
        from scipy.optimize import minimize
        fixed = {}
        if args and args[0] == "--fix":
            for pair in args[1:]:
                name, value = pair.split("=")
                fixed[name] = float(value)
        names = [n for n in PARAMETERS if n not in fixed]
        lower = [PARAMETERS[n][3] for n in names]
        upper = [PARAMETERS[n][4] for n in names]

        def objective(x):
            if any(v < lo or v > hi for v, lo, hi in zip(x, lower, upper)):
                return 10.0
            try:
                return evaluate(einsim, {**fixed, **dict(zip(names, x))}, directory)[0]
            except ValueError as refused:  # a candidate the profile loader refuses
                print(f"refused: {refused}", file=sys.stderr)
                return 10.0

        x0 = [start[n] for n in names]
        fit = minimize(objective, x0, method="Nelder-Mead",
                       options={"maxfev": int(os.environ.get("FIT_EVALUATIONS", "400")), "xatol": 1e-3, "fatol": 1e-5})
        s0 = evaluate(einsim, start, directory)[0]
        print(f"start score {s0:.4f} -> fitted {fit.fun:.4f} after {fit.nfev} evaluations")
        for n, v in fixed.items():
            print(f"  {n} = {v:.4g} {PARAMETERS[n][1]} (fixed)")
        for n, v in zip(names, fit.x):
            print(f"  {n} = {v:.4g} {PARAMETERS[n][1]}")


if __name__ == "__main__":
    main()
