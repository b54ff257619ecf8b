// Round 11 (issue 13): the H200 numbers its profile still took from the H100 unmeasured.
//   attrs           the SM's resource limits as the driver reports them (cudaDeviceGetAttribute)
//   chase LEVEL     dependent-load latency of one thread: smem (cycles, clock64), l2 and hbm (ns, events)
//   gather S        HBM reads of S-byte chunks at random (and, as the baseline, sequential) positions,
//                   through one kernel that reads a chunk's index and then the chunk, 16 B per thread
// Prints one JSON object per line.
// Build: nvcc -O3 -gencode=arch=compute_90a,code=sm_90a -o round11 round11.cu
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>
#include <cuda_runtime.h>

#define CHECK(x) do { cudaError_t e = (x); if (e != cudaSuccess) { fprintf(stderr, "%s: %s\n", #x, cudaGetErrorString(e)); exit(1);} } while (0)

// ---- latency: one thread follows a random cycle of next-indices --------------------------------
__global__ void smem_chase(const uint32_t* next_in, int n, int steps, long long* cycles, uint32_t* sink) {
    extern __shared__ uint32_t s[];
    for (int i = threadIdx.x; i < n; i += blockDim.x) s[i] = next_in[i];
    __syncthreads();
    if (threadIdx.x != 0) return;
    uint32_t j = 0;
    for (int i = 0; i < 64; i++) j = s[j];  // warm
    long long t0 = clock64();
    for (int i = 0; i < steps; i++) j = s[j];
    long long t1 = clock64();
    cycles[0] = t1 - t0; sink[0] = j;
}

// Elements are 32-bit next-line indices at the start of each 128-byte line.
__global__ void global_chase(const uint32_t* __restrict__ buf, long long steps, uint32_t* sink) {
    uint32_t j = 0;
    for (long long i = 0; i < steps; i++) j = __ldcg(buf + (size_t)j * 32);
    sink[0] = j;
}

static std::vector<uint32_t> random_cycle(size_t n, unsigned seed) {
    std::vector<uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    std::mt19937_64 rng(seed);
    std::shuffle(order.begin() + 1, order.end(), rng);
    std::vector<uint32_t> next(n);
    for (size_t i = 0; i < n; i++) next[order[i]] = order[(i + 1) % n];
    return next;
}

static float event_ms(cudaEvent_t a, cudaEvent_t b) { float ms = 0; CHECK(cudaEventElapsedTime(&ms, a, b)); return ms; }

static void chase(const char* level) {
    uint32_t* sink; CHECK(cudaMalloc(&sink, 64));
    cudaEvent_t a, b; CHECK(cudaEventCreate(&a)); CHECK(cudaEventCreate(&b));
    if (!strcmp(level, "smem")) {
        long long* cyc; CHECK(cudaMalloc(&cyc, 8));
        for (int n : {256, 4096, 32768}) {  // 1, 16, 128 KiB of indices: conflict-free one-thread loads
            auto next = random_cycle(n, 7);
            uint32_t* d; CHECK(cudaMalloc(&d, n * 4)); CHECK(cudaMemcpy(d, next.data(), n * 4, cudaMemcpyHostToDevice));
            CHECK(cudaFuncSetAttribute(smem_chase, cudaFuncAttributeMaxDynamicSharedMemorySize, n * 4));
            int steps = 100000;
            smem_chase<<<1, 256, n * 4>>>(d, n, steps, cyc, sink); CHECK(cudaDeviceSynchronize());
            long long c; CHECK(cudaMemcpy(&c, cyc, 8, cudaMemcpyDeviceToHost));
            printf("{\"bench\":\"chase\",\"level\":\"smem\",\"bytes\":%d,\"steps\":%d,\"cycles_per_load\":%.2f,"
                   "\"method\":\"one thread, j = s[j] over a random cycle, clock64 around 1e5 dependent loads (index arithmetic included)\"}\n",
                   n * 4, steps, (double)c / steps);
            CHECK(cudaFree(d));
        }
        return;
    }
    // l2: buffers well inside the 60 MiB L2, warmed by one full pass; hbm: buffers far beyond it.
    std::vector<size_t> sizes = !strcmp(level, "l2") ? std::vector<size_t>{1u << 20, 4u << 20, 16u << 20}
                                                     : std::vector<size_t>{256u << 20, 1u << 30, 4ull << 30};
    for (size_t bytes : sizes) {
        size_t lines = bytes / 128;
        auto next = random_cycle(lines, 11);
        std::vector<uint32_t> host(lines * 32, 0);
        for (size_t i = 0; i < lines; i++) host[i * 32] = next[i];
        uint32_t* d; CHECK(cudaMalloc(&d, bytes)); CHECK(cudaMemcpy(d, host.data(), bytes, cudaMemcpyHostToDevice));
        long long warm = !strcmp(level, "l2") ? (long long)lines : 1000;
        global_chase<<<1, 1>>>(d, warm, sink); CHECK(cudaDeviceSynchronize());
        long long steps = !strcmp(level, "l2") ? 400000 : 100000;
        CHECK(cudaEventRecord(a)); global_chase<<<1, 1>>>(d, steps, sink); CHECK(cudaEventRecord(b)); CHECK(cudaEventSynchronize(b));
        double ms = event_ms(a, b);
        printf("{\"bench\":\"chase\",\"level\":\"%s\",\"bytes\":%zu,\"steps\":%lld,\"ns_per_load\":%.2f,"
               "\"method\":\"one thread, ld.global.cg of the next 128-B line's index over a random cycle, CUDA events around the dependent loads\"}\n",
               level, bytes, steps, ms * 1e6 / steps);
        fflush(stdout);
        CHECK(cudaFree(d));
    }
}

// ---- gather: S-byte chunks, random or sequential -------------------------------------------------
// Thread t of the grid-stride loop handles 16 B: chunk c = t / (S/16). It reads idx[c] (4 B,
// sequential) and then 16 B of chunk idx[c]; four chunks' worth per thread in flight. Loads are
// folded by XOR into one word per thread, so writes are negligible.
__global__ void gather(const int4* __restrict__ src, const uint32_t* __restrict__ idx, size_t items, int per_chunk, uint32_t* out) {
    size_t stride = (size_t)gridDim.x * blockDim.x;
    size_t t = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    uint32_t acc = 0;
    for (; t + 3 * stride < items; t += 4 * stride) {
        uint32_t c[4]; int4 v[4];
#pragma unroll
        for (int k = 0; k < 4; k++) c[k] = __ldcg(idx + (t + k * stride) / per_chunk);
#pragma unroll
        for (int k = 0; k < 4; k++) v[k] = __ldcg(src + (size_t)c[k] * per_chunk + (t + k * stride) % per_chunk);
#pragma unroll
        for (int k = 0; k < 4; k++) acc ^= v[k].x ^ v[k].y ^ v[k].z ^ v[k].w;
    }
    for (; t < items; t += stride) {
        int4 v = __ldcg(src + (size_t)__ldcg(idx + t / per_chunk) * per_chunk + t % per_chunk);
        acc ^= v.x ^ v.y ^ v.z ^ v.w;
    }
    if (acc == 0x12345678u) out[0] = acc;
}

static void gather_bench(int S) {
    const size_t pool = 8ull << 30;          // chunks drawn from 8 GiB (far beyond the L2)
    const size_t moved = 1ull << 30;          // 1 GiB gathered per launch
    int4* src; CHECK(cudaMalloc(&src, pool)); CHECK(cudaMemset(src, 1, pool));
    size_t chunks = moved / S, slots = pool / S;
    std::vector<uint32_t> seq(chunks), rnd(chunks);
    std::mt19937_64 rng(1234 + S);
    for (size_t i = 0; i < chunks; i++) { seq[i] = (uint32_t)i; rnd[i] = (uint32_t)(rng() % slots); }
    uint32_t *dseq, *drnd, *out;
    CHECK(cudaMalloc(&dseq, chunks * 4)); CHECK(cudaMalloc(&drnd, chunks * 4)); CHECK(cudaMalloc(&out, 64));
    CHECK(cudaMemcpy(dseq, seq.data(), chunks * 4, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(drnd, rnd.data(), chunks * 4, cudaMemcpyHostToDevice));
    cudaDeviceProp p; CHECK(cudaGetDeviceProperties(&p, 0));
    int blocks = p.multiProcessorCount * 8, threads = 256;
    size_t items = moved / 16;
    cudaEvent_t a, b; CHECK(cudaEventCreate(&a)); CHECK(cudaEventCreate(&b));
    double ms[2];
    for (int which = 0; which < 2; which++) {
        const uint32_t* idx = which ? drnd : dseq;
        gather<<<blocks, threads>>>(src, idx, items, S / 16, out); CHECK(cudaDeviceSynchronize());
        std::vector<float> ts;
        for (int r = 0; r < 9; r++) {
            CHECK(cudaEventRecord(a)); gather<<<blocks, threads>>>(src, idx, items, S / 16, out); CHECK(cudaEventRecord(b));
            CHECK(cudaEventSynchronize(b)); ts.push_back(event_ms(a, b));
        }
        std::sort(ts.begin(), ts.end()); ms[which] = ts[ts.size() / 2];
    }
    double bytes = (double)moved + 4.0 * chunks;  // the chunks and their indices
    printf("{\"bench\":\"gather\",\"chunk_bytes\":%d,\"chunks\":%zu,\"ms_sequential\":%.4f,\"ms_random\":%.4f,"
           "\"TBps_sequential\":%.4f,\"TBps_random\":%.4f,\"overhead_bytes_per_chunk\":%.1f,"
           "\"method\":\"one kernel, 16 B per thread after the chunk's 4-B index, 4 chunks in flight per thread, %d x %d threads; random chunks drawn from 8 GiB, baseline the same kernel over consecutive chunks; overhead = (t_random / t_sequential - 1) x (S + 4)\"}\n",
           S, chunks, ms[0], ms[1], bytes / ms[0] / 1e9, bytes / ms[1] / 1e9, (ms[1] / ms[0] - 1) * (S + 4.0), blocks, threads);
    fflush(stdout);
    CHECK(cudaFree(src)); CHECK(cudaFree(dseq)); CHECK(cudaFree(drnd)); CHECK(cudaFree(out));
}

static void attrs() {
    struct { const char* name; cudaDeviceAttr a; } list[] = {
        {"multiProcessorCount", cudaDevAttrMultiProcessorCount},
        {"maxBlocksPerMultiprocessor", cudaDevAttrMaxBlocksPerMultiprocessor},
        {"maxThreadsPerMultiProcessor", cudaDevAttrMaxThreadsPerMultiProcessor},
        {"maxRegistersPerMultiprocessor", cudaDevAttrMaxRegistersPerMultiprocessor},
        {"maxRegistersPerBlock", cudaDevAttrMaxRegistersPerBlock},
        {"maxSharedMemoryPerMultiprocessor", cudaDevAttrMaxSharedMemoryPerMultiprocessor},
        {"maxSharedMemoryPerBlockOptin", cudaDevAttrMaxSharedMemoryPerBlockOptin},
        {"reservedSharedMemoryPerBlock", cudaDevAttrReservedSharedMemoryPerBlock},
        {"l2CacheSize", cudaDevAttrL2CacheSize},
        {"persistingL2CacheMaxSize", cudaDevAttrMaxPersistingL2CacheSize},
        {"warpSize", cudaDevAttrWarpSize},
        {"clockRateKHz", cudaDevAttrClockRate},
        {"memoryClockRateKHz", cudaDevAttrMemoryClockRate},
        {"globalMemoryBusWidth", cudaDevAttrGlobalMemoryBusWidth},
        {"computeCapabilityMajor", cudaDevAttrComputeCapabilityMajor},
        {"computeCapabilityMinor", cudaDevAttrComputeCapabilityMinor},
    };
    printf("{\"bench\":\"attrs\"");
    for (auto& item : list) { int v = 0; CHECK(cudaDeviceGetAttribute(&v, item.a, 0)); printf(",\"%s\":%d", item.name, v); }
    cudaDeviceProp p; CHECK(cudaGetDeviceProperties(&p, 0));
    printf(",\"name\":\"%s\",\"totalGlobalMem\":%zu}\n", p.name, p.totalGlobalMem);
}

int main(int argc, char** argv) {
    const char* which = argc > 1 ? argv[1] : "attrs";
    if (!strcmp(which, "attrs")) attrs();
    else if (!strcmp(which, "chase")) chase(argc > 2 ? argv[2] : "smem");
    else if (!strcmp(which, "gather")) gather_bench(argc > 2 ? atoi(argv[2]) : 256);
    else { fprintf(stderr, "usage: round11 attrs | chase smem|l2|hbm | gather S\n"); return 2; }
    return 0;
}
