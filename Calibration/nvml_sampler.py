"""Samples SM clock, power and the energy counter through NVML while a workload runs."""
import threading, time
import pynvml

pynvml.nvmlInit()
HANDLE = pynvml.nvmlDeviceGetHandleByIndex(0)


class Sampler:
    def __init__(self, period=0.01):
        self.period, self.samples, self._stop = period, [], threading.Event()

    def __enter__(self):
        self.e0 = pynvml.nvmlDeviceGetTotalEnergyConsumption(HANDLE)  # mJ
        self.t0 = time.time()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            clk = pynvml.nvmlDeviceGetClockInfo(HANDLE, pynvml.NVML_CLOCK_SM)
            mem = pynvml.nvmlDeviceGetClockInfo(HANDLE, pynvml.NVML_CLOCK_MEM)
            w = pynvml.nvmlDeviceGetPowerUsage(HANDLE) / 1000.0
            self.samples.append((time.time(), clk, mem, w))
            time.sleep(self.period)

    def __exit__(self, *a):
        self._stop.set()
        self.thread.join()
        self.t1 = time.time()
        self.e1 = pynvml.nvmlDeviceGetTotalEnergyConsumption(HANDLE)

    def summary(self, skip_s=0.3):
        s = [x for x in self.samples if x[0] - self.t0 >= skip_s] or self.samples
        clks = sorted(x[1] for x in s)
        ws = sorted(x[3] for x in s)
        dt = self.t1 - self.t0
        return {
            "sm_clock_mhz_median": clks[len(clks) // 2],
            "sm_clock_mhz_min": clks[0],
            "sm_clock_mhz_max": clks[-1],
            "mem_clock_mhz": s[len(s) // 2][2],
            "power_w_median": ws[len(ws) // 2],
            "avg_w_energy_counter": (self.e1 - self.e0) / 1000.0 / dt,
            "wall_s": dt,
        }


def windowed_run(cmd, marker="start"):
    """Runs a benchmark binary that prints MARKER (flushed) when its timed launches begin and its
    result as the last stdout line when they end; returns (last line, joules, seconds, samples
    summary) for that window alone, so the process's start (CUDA context, buffer fill: at low
    power) does not dilute the energy-counter average. Power samples are those in the window."""
    import subprocess
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = Sampler()
    lines, e0, t0 = [], None, None
    for line in proc.stdout:
        if e0 is None and line.strip() == marker:
            sampler.__enter__(); e0, t0 = sampler.e0, sampler.t0
            continue
        if e0 is not None and line.strip():
            sampler.__exit__(None, None, None)
            lines.append(line.strip())
            break
        lines.append(line.strip())
    rest = proc.stdout.read()
    err = proc.stderr.read()
    if proc.wait() != 0 or e0 is None:
        raise RuntimeError(f"{cmd}: rc {proc.returncode}: {err.strip()[-300:]}")
    summary = sampler.summary(0.2)
    return lines[-1], (sampler.e1 - e0) / 1000.0, sampler.t1 - t0, summary
