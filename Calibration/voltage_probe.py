#!/usr/bin/env python3
"""Energy per call against the SM clock, at one board setting (H200, 2026-12-02).

What it measures: how a kernel's dynamic energy per call changes with the clock DVFS picks, the
input of `voltage-clock-slope` (per-operation energy ~ C V^2 with V falling with the clock). The
board's settings are not touched (no clock locks): the clock is moved by the duty cycle alone.
Each workload (a CUDA graph of ~20 ms of back-to-back calls) runs for 3 s at duty cycles 1.0 to
0.35 (graph, then a sleep of busy x (1 - d) / d): back to back the power limit holds the clock
down; with gaps the limiter's average lets it rise to boost. Per duty cycle: NVML energy counter
over the run, the SM clock sampled while a graph is in flight (median), the calls' mean time from
CUDA events, and the idle power measured right after (hot idle) to take out of the gaps.
Also reads `nvidia-smi -q -d VOLTAGE` while loaded, where the board reports it.

Usage (device): python3 Calibration/voltage_probe.py > $OUT/h200-voltage-probe-2026-12-02.jsonl
"""
import json, os, subprocess, sys, threading, time
import torch
import torch.nn.functional as F
from torch.nn.attention import sdpa_kernel, SDPBackend
import pynvml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from h200_round3 import graph_of  # noqa: E402

pynvml.nvmlInit()
H = pynvml.nvmlDeviceGetHandleByIndex(0)
DATE = "2026-12-02"
BUSY = threading.Event()


def emit(o):
    o.setdefault("device", torch.cuda.get_device_name(0)); o.setdefault("date", DATE)
    print(json.dumps(o), flush=True)


def energy_mj():
    return pynvml.nvmlDeviceGetTotalEnergyConsumption(H)


def voltage_text():
    try:
        out = subprocess.run(["nvidia-smi", "-q", "-d", "VOLTAGE"], capture_output=True, text=True, timeout=10).stdout
        return [line.strip() for line in out.splitlines() if "Graphics" in line or "mV" in line or "Voltage" in line]
    except Exception as error:  # noqa: BLE001
        return [f"unavailable: {error}"]


class Sampler:
    """SM clock while BUSY is set (5 ms period)."""

    def __init__(self):
        self.busy_clocks, self._stop = [], threading.Event()

    def __enter__(self):
        self.th = threading.Thread(target=self._run, daemon=True); self.th.start(); return self

    def _run(self):
        while not self._stop.is_set():
            if BUSY.is_set():
                self.busy_clocks.append(pynvml.nvmlDeviceGetClockInfo(H, pynvml.NVML_CLOCK_SM))
            time.sleep(0.005)

    def __exit__(self, *a):
        self._stop.set(); self.th.join()


def idle(seconds):
    torch.cuda.synchronize()
    e0, t0 = energy_mj(), time.time()
    time.sleep(seconds)
    return (energy_mj() - e0) / 1e3 / (time.time() - t0)


def duty_run(g, per_graph, duty, seconds=3.0):
    torch.cuda.synchronize()
    events, volts = [], None
    with Sampler() as s:
        e0, t0 = energy_mj(), time.time()
        while time.time() - t0 < seconds:
            a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
            BUSY.set(); a.record(); g.replay(); b.record(); torch.cuda.synchronize(); BUSY.clear()
            ms = a.elapsed_time(b); events.append(ms)
            if volts is None and time.time() - t0 > 1.5 and duty == 1.0:
                volts = voltage_text()
            if duty < 1:
                time.sleep(ms / 1e3 * (1 - duty) / duty)
        wall, energy = time.time() - t0, (energy_mj() - e0) / 1e3
    hot = idle(1.0)
    clocks = sorted(s.busy_clocks) or [0]
    late = events[len(events) // 3:]
    calls = len(events) * per_graph
    busy_s = sum(events) / 1e3
    return {"duty_target": duty, "wall_s": wall, "energy_J": energy, "calls": calls, "busy_s": busy_s,
            "ms_per_call": busy_s * 1e3 / calls, "ms_per_call_late": sum(late) / len(late) / per_graph,
            "clk_median": clocks[len(clocks) // 2], "clk_p10": clocks[len(clocks) // 10], "clk_p90": clocks[9 * len(clocks) // 10],
            "hot_idle_W": hot, "dynamic_mJ_per_call": (energy - hot * wall) * 1e3 / calls,
            "avg_W": energy / wall, **({"nvidia_smi_voltage": volts} if volts else {})}


def workloads():
    dev = "cuda"
    a = torch.randn(8192, 8192, device=dev, dtype=torch.bfloat16); b = torch.randn(8192, 8192, device=dev, dtype=torch.bfloat16)
    yield "gemm 8192^3 bf16 (cuBLAS)", [lambda: torch.mm(a, b)], 12
    q = torch.randn(4, 32, 4096, 128, device=dev, dtype=torch.bfloat16)
    k = torch.randn_like(q); v = torch.randn_like(q)
    for name, backend, n in (("flash", SDPBackend.FLASH_ATTENTION, 6), ("cudnn", SDPBackend.CUDNN_ATTENTION, 10)):
        def call(backend=backend):
            with sdpa_kernel([backend]):
                F.scaled_dot_product_attention(q, k, v)
        yield f"sdpa {name} prefill B4 H32 4096^2 d128", [call], n
    x = torch.empty(2 << 30, device=dev, dtype=torch.uint8).view(torch.bfloat16)
    x.normal_()
    yield "stream read 2 GiB (torch.sum)", [lambda: x.sum()], 40


def main():
    emit({"kind": "device", "name": torch.cuda.get_device_name(0), "power_limit_W": pynvml.nvmlDeviceGetEnforcedPowerLimit(H) / 1e3,
          "method": __doc__.strip().splitlines()[0], "voltage_at_rest": voltage_text()})
    emit({"kind": "idle", "W": idle(1.5)})
    for name, fns, per_graph in workloads():
        g = graph_of(fns, per_graph)
        for duty in (1.0, 0.8, 0.65, 0.5, 0.35):
            emit({"kind": "duty", "workload": name, "per_graph": per_graph, **duty_run(g, per_graph, duty)})
        del g
        torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
