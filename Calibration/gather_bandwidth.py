"""Achieved DRAM bandwidth of random row gathers (decode token selection) vs streaming.

Rows of S bytes are gathered at random from a 4 GiB tensor (index_select), S = 32 B .. 8 KiB;
bytes gathered per second, CUDA-graph replay, median. The per-chunk overhead in bytes of streaming
time follows as S * (stream / gather - 1).
Usage on the device: python3 Calibration/gather_bandwidth.py > $OUT/gather.jsonl
"""
import json
import torch

def emit(o): print(json.dumps(o), flush=True)

def graph_ms(fn, n=20):
    fn(); torch.cuda.synchronize()
    g = torch.cuda.CUDAGraph(); s = torch.cuda.Stream()
    with torch.cuda.stream(s):
        fn(); torch.cuda.synchronize()
        with torch.cuda.graph(g, stream=s):
            for _ in range(n): fn()
    g.replay(); torch.cuda.synchronize()
    ts = []
    for _ in range(15):
        a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
        a.record(); g.replay(); b.record(); torch.cuda.synchronize(); ts.append(a.elapsed_time(b) / n)
    ts.sort(); return ts[len(ts) // 2]

total = 4 << 30
src = torch.empty(total // 2, dtype=torch.bfloat16, device="cuda").normal_()
dst_stream = torch.empty(512 << 20, dtype=torch.uint8, device="cuda")
flat = src.view(torch.uint8)
ms = graph_ms(lambda: dst_stream.copy_(flat[: dst_stream.numel()]))
stream = 2 * dst_stream.numel() / ms / 1e9
emit({"kind": "stream_copy", "TBps_read_plus_write": stream})
for S in [32, 64, 128, 256, 512, 1024, 2048, 8192]:
    rows = total // S
    table = src.view(rows, S // 2)
    n = min(rows, (256 << 20) // S)
    idx = torch.randint(0, rows, (n,), device="cuda")
    out = torch.empty(n, S // 2, dtype=torch.bfloat16, device="cuda")
    ms = graph_ms(lambda: torch.index_select(table, 0, idx, out=out))
    gathered = n * S
    # read gathered bytes + write them + read indices (8 B each)
    tbps = (2 * gathered + 8 * n) / ms / 1e9
    emit({"kind": "gather", "chunk_bytes": S, "chunks": n, "ms": ms, "TBps_read_plus_write": tbps,
          "fraction_of_stream": tbps / stream,
          "overhead_bytes_per_chunk": S * (stream / tbps - 1)})
