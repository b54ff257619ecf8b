#!/usr/bin/env python3
"""H200 NVLink, round 11 (issue 13): the bus bandwidth of a tensor-parallel all-reduce, the profile's
interconnect-bandwidth (until now the H100 datasheet's 450 GB/s per direction).

One process per GPU (torch.multiprocessing), NCCL, bf16 all-reduce of 1 MiB - 1 GiB, 5 warm-ups then
20 timed calls between CUDA events on rank 0 (a barrier before each series). Bus bandwidth as
nccl-tests defines it: busbw = 2 (n - 1) / n x bytes / t, the quantity the serving model divides
by (2 (n - 1) / n x bytes / interconnect-bandwidth). Also one-directional peer copies
(cudaMemcpyPeer through torch's copy_ between devices) and nvidia-smi topo -m, to say how the GPUs
are linked. NVLink multicast stays off (NCCL_NVLS_ENABLE=0; KINDS.md).
Usage (device, nvidia-h200-x2 or larger): python3 Calibration/nvlink_allreduce.py > $OUT/h200-nvlink-2026-12-03.jsonl
"""
import json, os, subprocess, sys

os.environ["NCCL_NVLS_ENABLE"] = "0"
os.environ["TORCH_SYMM_MEM_DISABLE_MULTICAST"] = "1"
os.environ["NVSHMEM_DISABLE_NVLS"] = "1"

SIZES = [1 << 20, 8 << 20, 64 << 20, 256 << 20, 1 << 30]


def emit(o):
    o.setdefault("date", "2026-12-03")
    print(json.dumps(o), flush=True)


def worker(rank, world, port):
    import torch
    import torch.distributed as dist
    torch.cuda.set_device(rank)
    dist.init_process_group("nccl", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    for size in SIZES:
        x = torch.ones(size // 2, device="cuda", dtype=torch.bfloat16)
        for _ in range(5):
            dist.all_reduce(x)
        torch.cuda.synchronize(); dist.barrier()
        a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
        n = 20
        a.record()
        for _ in range(n):
            dist.all_reduce(x)
        b.record(); torch.cuda.synchronize()
        t = a.elapsed_time(b) / n / 1e3
        if rank == 0:
            emit({"kind": "allreduce", "world": world, "bytes": size, "dtype": "bf16", "us": t * 1e6,
                  "algbw_GBps": size / t / 1e9, "busbw_GBps": 2 * (world - 1) / world * size / t / 1e9,
                  "method": "NCCL all_reduce (sum), one process per GPU, 20 calls between CUDA events after 5 warm-ups"})
        del x
    dist.destroy_process_group()


def peer_copies():
    import torch
    n = torch.cuda.device_count()
    for src in range(min(n, 2)):
        for dst in range(min(n, 2)):
            if src == dst:
                continue
            a = torch.empty(1 << 30, dtype=torch.uint8, device=f"cuda:{src}")
            b = torch.empty(1 << 30, dtype=torch.uint8, device=f"cuda:{dst}")
            for _ in range(3):
                b.copy_(a)
            torch.cuda.synchronize(src); torch.cuda.synchronize(dst)
            with torch.cuda.device(src):
                e0 = torch.cuda.Event(enable_timing=True); e1 = torch.cuda.Event(enable_timing=True)
                e0.record()
                for _ in range(10):
                    b.copy_(a)
                e1.record(); torch.cuda.synchronize(src); torch.cuda.synchronize(dst)
                t = e0.elapsed_time(e1) / 10 / 1e3
            emit({"kind": "peer-copy", "src": src, "dst": dst, "bytes": 1 << 30, "GBps": (1 << 30) / t / 1e9,
                  "peer_access": torch.cuda.can_device_access_peer(src, dst),
                  "method": "torch copy_ of 1 GiB between devices, 10 calls between CUDA events on the source"})


if __name__ == "__main__":
    import torch
    import torch.multiprocessing as mp
    world = torch.cuda.device_count()
    topo = subprocess.run(["nvidia-smi", "topo", "-m"], capture_output=True, text=True).stdout
    emit({"kind": "topology", "gpus": world, "names": [torch.cuda.get_device_name(i) for i in range(world)], "topo": topo})
    nvl = subprocess.run(["nvidia-smi", "nvlink", "-s"], capture_output=True, text=True).stdout
    emit({"kind": "nvlink-status", "text": nvl[-3000:]})
    if world < 2:
        emit({"kind": "error", "error": "one GPU: an all-reduce needs two (run on nvidia-h200-x2)"})
        sys.exit(0)
    peer_copies()
    mp.spawn(worker, args=(world, 29517), nprocs=world, join=True)
