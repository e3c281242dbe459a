// Latency and bandwidth of the CUDA runtime calls that remoting changes, measured the same way
// natively and through Orion (one process per run; run.sh puts the runs side by side):
//   launch_sync_us     an empty kernel launched and waited for (median)
//   queued_launch_us   empty kernels launched back to back, per launch (one wait at the end)
//   h2d_64B_us d2h_64B_us          a 64-byte cudaMemcpy from/to pinned memory (median)
//   h2d_pinned_GBps d2h_pinned_GBps     64 MiB cudaMemcpy, pinned host memory (best run)
//   h2d_pageable_GBps d2h_pageable_GBps 64 MiB cudaMemcpy, pageable host memory (best run)
// Wall-clock times: events would time only the GPU's part, not what the program waits for.
//   bench [ITERATIONS]   (default 2000; queued launches are 10 times as many)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <cuda_runtime.h>

#define CHECK(call)                                                                                 \
    do {                                                                                            \
        cudaError_t e_ = (call);                                                                    \
        if (e_ != cudaSuccess) {                                                                    \
            std::fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #call, cudaGetErrorString(e_)); \
            std::exit(1);                                                                           \
        }                                                                                           \
    } while (0)

__global__ void empty() {}

static double now_us() {
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

static double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

template <typename F> static double median_us(int n, F f) {
    std::vector<double> t;
    t.reserve(n);
    for (int i = 0; i < n / 10; i++) f(); // warm-up
    for (int i = 0; i < n; i++) {
        double a = now_us();
        f();
        t.push_back(now_us() - a);
    }
    return median(t);
}

static double best_gbps(size_t bytes, int runs, void *dst, const void *src, cudaMemcpyKind kind) {
    double best = 0;
    CHECK(cudaMemcpy(dst, src, bytes, kind)); // warm-up
    for (int r = 0; r < runs; r++) {
        double a = now_us();
        CHECK(cudaMemcpy(dst, src, bytes, kind));
        double gbps = (double)bytes / ((now_us() - a) * 1e3);
        best = std::max(best, gbps);
    }
    return best;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? std::atoi(argv[1]) : 2000;
    if (n < 10) n = 10;
    CHECK(cudaFree(0)); // initialization outside the measurements
    std::printf("launch_sync_us %.2f\n", median_us(n, [] {
        empty<<<1, 1>>>();
        CHECK(cudaDeviceSynchronize());
    }));
    int queued = 10 * n;
    for (int i = 0; i < n; i++) empty<<<1, 1>>>();
    CHECK(cudaDeviceSynchronize());
    double a = now_us();
    for (int i = 0; i < queued; i++) empty<<<1, 1>>>();
    CHECK(cudaDeviceSynchronize());
    std::printf("queued_launch_us %.2f\n", (now_us() - a) / queued);

    void *dev, *pinned;
    CHECK(cudaMalloc(&dev, 64 << 20));
    CHECK(cudaMallocHost(&pinned, 64 << 20));
    std::memset(pinned, 1, 64 << 20);
    std::printf("h2d_64B_us %.2f\n", median_us(n, [&] { CHECK(cudaMemcpy(dev, pinned, 64, cudaMemcpyHostToDevice)); }));
    std::printf("d2h_64B_us %.2f\n", median_us(n, [&] { CHECK(cudaMemcpy(pinned, dev, 64, cudaMemcpyDeviceToHost)); }));
    size_t big = 64u << 20;
    std::printf("h2d_pinned_GBps %.2f\n", best_gbps(big, 8, dev, pinned, cudaMemcpyHostToDevice));
    std::printf("d2h_pinned_GBps %.2f\n", best_gbps(big, 8, pinned, dev, cudaMemcpyDeviceToHost));
    char *pageable = (char *)std::malloc(big);
    std::memset(pageable, 2, big);
    std::printf("h2d_pageable_GBps %.2f\n", best_gbps(big, 8, dev, pageable, cudaMemcpyHostToDevice));
    std::printf("d2h_pageable_GBps %.2f\n", best_gbps(big, 8, pageable, dev, cudaMemcpyDeviceToHost));
    std::free(pageable);
    CHECK(cudaFreeHost(pinned));
    CHECK(cudaFree(dev));
    return 0;
}
