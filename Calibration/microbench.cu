// Register-only microbenchmarks for the H100 profile: issue rates of mma.sync (bf16, fp8-free),
// ex2 on the special-function unit (MUFU), fp32 FMA on the CUDA cores, and the per-kernel floor of
// an empty kernel replayed from a CUDA graph, and (round 11) packed bf16x2 FMA on the CUDA cores. Prints one JSON object per line.
// Build: nvcc -O3 -gencode=arch=compute_90a,code=sm_90a -o microbench microbench.cu
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cuda_runtime.h>

#define CHECK(x) do { cudaError_t e = (x); if (e != cudaSuccess) { fprintf(stderr, "%s: %s\n", #x, cudaGetErrorString(e)); exit(1);} } while (0)

__global__ void mma_loop(float* out, int iters, unsigned seed) {
    unsigned a0 = 0x3f803f80u ^ (threadIdx.x & 7) ^ seed, a1 = a0 ^ 0x10001u, a2 = a0 ^ 0x20002u, a3 = a0 ^ 0x30003u;
    unsigned b0 = 0x3f003f00u ^ (threadIdx.x & 3), b1 = b0 ^ 0x10001u;
    float c[8][4];
#pragma unroll
    for (int j = 0; j < 8; j++) for (int k = 0; k < 4; k++) c[j][k] = 0.f;
    for (int i = 0; i < iters; i++) {
#pragma unroll
        for (int j = 0; j < 8; j++)
            asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                         : "+f"(c[j][0]), "+f"(c[j][1]), "+f"(c[j][2]), "+f"(c[j][3])
                         : "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(b0), "r"(b1));
    }
    float s = 0.f;
#pragma unroll
    for (int j = 0; j < 8; j++) s += c[j][0] + c[j][1] + c[j][2] + c[j][3];
    if (s == 1234.5f) out[0] = s;
}

__global__ void ex2_loop(float* out, int iters) {
    float x[8];
#pragma unroll
    for (int j = 0; j < 8; j++) x[j] = -1.0f - 0.001f * (threadIdx.x + j);
    for (int i = 0; i < iters; i++) {
#pragma unroll
        for (int j = 0; j < 8; j++) asm volatile("ex2.approx.ftz.f32 %0, %0;" : "+f"(x[j]));
    }
    float s = 0.f;
#pragma unroll
    for (int j = 0; j < 8; j++) s += x[j];
    if (s == 1234.5f) out[0] = s;
}

__global__ void fma_loop(float* out, int iters) {
    float x[8];
#pragma unroll
    for (int j = 0; j < 8; j++) x[j] = 0.001f * (threadIdx.x + j);
    const float m = 0.9999f, a = 0.0001f;
    for (int i = 0; i < iters; i++) {
#pragma unroll
        for (int j = 0; j < 8; j++) asm volatile("fma.rn.f32 %0, %0, %1, %2;" : "+f"(x[j]) : "f"(m), "f"(a));
    }
    float s = 0.f;
#pragma unroll
    for (int j = 0; j < 8; j++) s += x[j];
    if (s == 1234.5f) out[0] = s;
}

// Packed bf16x2 FMA on the CUDA cores (two elements per instruction): the vector unit's bf16 rate.
__global__ void hfma2_loop(float* out, int iters) {
    unsigned x[8];
#pragma unroll
    for (int j = 0; j < 8; j++) x[j] = 0x3c003c00u ^ ((threadIdx.x + j) & 0xff);
    const unsigned m = 0x3f7f3f7fu, a = 0x38d138d1u;  // 0.996, 1e-4 in each half
    for (int i = 0; i < iters; i++) {
#pragma unroll
        for (int j = 0; j < 8; j++) asm volatile("fma.rn.bf16x2 %0, %0, %1, %2;" : "+r"(x[j]) : "r"(m), "r"(a));
    }
    unsigned s = 0;
#pragma unroll
    for (int j = 0; j < 8; j++) s ^= x[j];
    if (s == 12345u) out[0] = (float)s;
}

// FP32 FMA whose three operands are distinct registers in every instruction (fma_loop's b and c
// are the same two registers throughout, which the operand reuse cache serves): the register
// file's read energy is the difference per instruction, over the two extra 32-bit reads per lane.
__global__ void fma_regs_loop(float* out, int iters) {
    float x[8], m[8], a[8];
#pragma unroll
    for (int j = 0; j < 8; j++) { x[j] = 0.001f * (threadIdx.x + j); m[j] = 0.9999f - 1e-6f * (threadIdx.x ^ j); a[j] = 1e-4f * (j + 1); }
    for (int i = 0; i < iters; i++) {
#pragma unroll
        for (int j = 0; j < 8; j++) asm volatile("fma.rn.f32 %0, %1, %2, %3;" : "+f"(x[j]) : "f"(m[(j + 3) & 7]), "f"(a[(j + 5) & 7]), "f"(x[(j + 1) & 7]));
#pragma unroll
        for (int j = 0; j < 8; j++) { asm volatile("" : "+f"(m[j]), "+f"(a[j])); }
    }
    float s = 0.f;
#pragma unroll
    for (int j = 0; j < 8; j++) s += x[j] + m[j] + a[j];
    if (s == 1234.5f) out[0] = s;
}

// One warp, one dependent FMA chain: cycles from an operand to the next instruction's use of it.
__global__ void fma_latency(float* out, long long* cycles, int iters) {
    float x = 0.001f * threadIdx.x;
    const float m = 0.9999f, a = 0.0001f;
    long long t0 = clock64();
    for (int i = 0; i < iters; i++) {
#pragma unroll
        for (int j = 0; j < 16; j++) asm volatile("fma.rn.f32 %0, %0, %1, %2;" : "+f"(x) : "f"(m), "f"(a));
    }
    long long t1 = clock64();
    if (threadIdx.x == 0) cycles[0] = t1 - t0;
    if (x == 1234.5f) out[0] = x;
}

__global__ void empty_kernel() {}

template <typename F>
static float time_ms(F launch, int reps) {
    cudaEvent_t a, b; CHECK(cudaEventCreate(&a)); CHECK(cudaEventCreate(&b));
    launch(); CHECK(cudaDeviceSynchronize());
    CHECK(cudaEventRecord(a));
    for (int r = 0; r < reps; r++) launch();
    CHECK(cudaEventRecord(b)); CHECK(cudaEventSynchronize(b));
    float ms = 0; CHECK(cudaEventElapsedTime(&ms, a, b));
    CHECK(cudaGetLastError());
    return ms / reps;
}

int main(int argc, char** argv) {
    const char* which = argc > 1 ? argv[1] : "all";
    float seconds = argc > 2 ? atof(argv[2]) : 1.0f;
    cudaDeviceProp p; CHECK(cudaGetDeviceProperties(&p, 0));
    int sms = p.multiProcessorCount;
    float* out; CHECK(cudaMalloc(&out, 16));
    auto want = [&](const char* n) { return !strcmp(which, "all") || !strcmp(which, n); };
    if (want("mma")) {
        int iters = 20000, blocks = sms * 4, threads = 256;  // 8 warps/block, 4 blocks/SM
        auto go = [&] { mma_loop<<<blocks, threads>>>(out, iters, 1u); };
        float ms1 = time_ms(go, 1);
        int reps = (int)(seconds * 1000 / ms1) + 1;
        printf("start\n"); fflush(stdout);  // the energy window opens (nvml_sampler.windowed_run)
        float ms = time_ms(go, reps);
        double macs = (double)blocks * (threads / 32) * iters * 8 * 2048.0;
        printf("{\"bench\":\"mma.sync.m16n8k16.bf16\",\"ms\":%f,\"reps\":%d,\"macs\":%.0f,\"tmacs_per_s\":%f,\"sms\":%d}\n", ms, reps, macs, macs / ms / 1e9, sms);
        fflush(stdout);
    }
    if (want("ex2")) {
        int iters = 20000, blocks = sms * 4, threads = 256;
        auto go = [&] { ex2_loop<<<blocks, threads>>>(out, iters); };
        float ms1 = time_ms(go, 1);
        int reps = (int)(seconds * 1000 / ms1) + 1;
        printf("start\n"); fflush(stdout);  // the energy window opens (nvml_sampler.windowed_run)
        float ms = time_ms(go, reps);
        double ops = (double)blocks * threads * iters * 8;
        printf("{\"bench\":\"ex2.approx.f32\",\"ms\":%f,\"reps\":%d,\"ops\":%.0f,\"tops_per_s\":%f,\"sms\":%d}\n", ms, reps, ops, ops / ms / 1e9, sms);
        fflush(stdout);
    }
    if (want("fma")) {
        int iters = 20000, blocks = sms * 4, threads = 256;
        auto go = [&] { fma_loop<<<blocks, threads>>>(out, iters); };
        float ms1 = time_ms(go, 1);
        int reps = (int)(seconds * 1000 / ms1) + 1;
        printf("start\n"); fflush(stdout);  // the energy window opens (nvml_sampler.windowed_run)
        float ms = time_ms(go, reps);
        double ops = (double)blocks * threads * iters * 8;
        printf("{\"bench\":\"fma.rn.f32\",\"ms\":%f,\"reps\":%d,\"ops\":%.0f,\"tops_per_s\":%f,\"sms\":%d}\n", ms, reps, ops, ops / ms / 1e9, sms);
        fflush(stdout);
    }
    if (want("hfma2")) {
        int iters = 20000, blocks = sms * 4, threads = 256;
        auto go = [&] { hfma2_loop<<<blocks, threads>>>(out, iters); };
        float ms1 = time_ms(go, 1);
        int reps = (int)(seconds * 1000 / ms1) + 1;
        printf("start\n"); fflush(stdout);  // the energy window opens (nvml_sampler.windowed_run)
        float ms = time_ms(go, reps);
        double ops = (double)blocks * threads * iters * 8 * 2;  // two bf16 elements per instruction
        printf("{\"bench\":\"fma.rn.bf16x2\",\"ms\":%f,\"reps\":%d,\"ops\":%.0f,\"tops_per_s\":%f,\"sms\":%d}\n", ms, reps, ops, ops / ms / 1e9, sms);
        fflush(stdout);
    }
    if (want("fmaregs")) {
        int iters = 20000, blocks = sms * 4, threads = 256;
        auto go = [&] { fma_regs_loop<<<blocks, threads>>>(out, iters); };
        float ms1 = time_ms(go, 1);
        int reps = (int)(seconds * 1000 / ms1) + 1;
        printf("start\n"); fflush(stdout);  // the energy window opens (nvml_sampler.windowed_run)
        float ms = time_ms(go, reps);
        double ops = (double)blocks * threads * iters * 8;
        printf("{\"bench\":\"fma.rn.f32 distinct operands\",\"ms\":%f,\"reps\":%d,\"ops\":%.0f,\"tops_per_s\":%f,\"sms\":%d}\n", ms, reps, ops, ops / ms / 1e9, sms);
        fflush(stdout);
    }
    if (want("fmalat")) {
        long long* cyc; CHECK(cudaMalloc(&cyc, 8));
        int iters = 100000;
        fma_latency<<<1, 32>>>(out, cyc, 1000); CHECK(cudaDeviceSynchronize());
        fma_latency<<<1, 32>>>(out, cyc, iters); CHECK(cudaDeviceSynchronize());
        long long c; CHECK(cudaMemcpy(&c, cyc, 8, cudaMemcpyDeviceToHost));
        printf("{\"bench\":\"fma.rn.f32 dependent chain\",\"cycles_per_fma\":%.3f,\"fmas\":%d}\n", (double)c / (iters * 16.0), iters * 16);
        fflush(stdout);
    }
    if (want("launch")) {
        // Per-kernel floor: N empty kernels captured in one graph, replayed.
        cudaStream_t s; CHECK(cudaStreamCreate(&s));
        const int n = 1000;
        cudaGraph_t g; cudaGraphExec_t ge;
        CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeGlobal));
        for (int i = 0; i < n; i++) empty_kernel<<<sms, 128, 0, s>>>();
        CHECK(cudaStreamEndCapture(s, &g));
        CHECK(cudaGraphInstantiate(&ge, g, 0));
        CHECK(cudaGraphLaunch(ge, s)); CHECK(cudaStreamSynchronize(s));
        cudaEvent_t a, b; CHECK(cudaEventCreate(&a)); CHECK(cudaEventCreate(&b));
        CHECK(cudaEventRecord(a, s));
        for (int r = 0; r < 20; r++) CHECK(cudaGraphLaunch(ge, s));
        CHECK(cudaEventRecord(b, s)); CHECK(cudaEventSynchronize(b));
        float ms; CHECK(cudaEventElapsedTime(&ms, a, b));
        printf("{\"bench\":\"empty_kernel_in_graph\",\"us_per_kernel\":%f}\n", ms * 1000 / (20.0 * n));
        float ms2 = time_ms([&] { empty_kernel<<<sms, 128>>>(); }, 2000);
        printf("{\"bench\":\"empty_kernel_stream\",\"us_per_kernel\":%f}\n", ms2 * 1000);
        fflush(stdout);
    }
    return 0;
}
