// Latency and bandwidth of the CUDA runtime calls that remoting changes, measured natively and
// through Orion the same way, and the same way as the Java client's harness (RemotingBench,
// docs/benchmarks.md "Remoting"): one process per run; run.sh puts the runs side by side.
//
//   bench [--launches N] [--queued N] [--max-bytes B] [--budget-ms T] [--warmup]
//
//   launch_sync_us P50 P99 MEAN   an empty kernel launched and waited for, one at a time: N times
//                                 (default 20000) after N/10 unmeasured
//   queued_launch_us US RATE      N (default 100000) empty kernels launched back to back, then one
//                                 synchronize; 4 rounds, the first a warm-up, the best of the other
//                                 three: µs per launch and launches per second
//   h2d_64B_us, d2h_64B_us P50 P99 MEAN   a 64-byte cudaMemcpy from/to pinned memory, as launch_sync
//   h2d_pinned_GBps SIZE GBPS (and d2h_pinned, h2d_pageable, d2h_pageable)   synchronous copies of
//                                 SIZE bytes, 4 KiB to --max-bytes (256 MiB) by 16 and the maximum
//                                 itself: one warm-up copy, then 3 rounds of copies for T/3 each
//                                 (T: --budget-ms, 300), the best round; GB/s = 10^9 bytes/s
//
// Pinned memory is cudaMallocHost's (through Orion over shm: the shared region, which the server
// registered with the GPU); pageable memory is malloc's. Times are wall-clock (what the program
// waits for), not events. --warmup runs the latency and launch parts without printing: run.sh
// does it once per transport first, so that the server's JIT compiler has compiled its paths, as
// the Java harness's server had before its measured rounds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <cuda_runtime.h>

#define CHECK(call)                                                                                     \
    do {                                                                                                \
        cudaError_t e_ = (call);                                                                        \
        if (e_ != cudaSuccess) {                                                                        \
            std::fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #call, cudaGetErrorString(e_)); \
            std::exit(1);                                                                               \
        }                                                                                               \
    } while (0)

__global__ void empty() {}

static double now_us() {
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Stats {
    double p50, p99, mean;
};

static Stats stats(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    double sum = 0;
    for (double x : v) sum += x;
    return {v[v.size() / 2], v[std::min(v.size() - 1, (size_t)(v.size() * 0.99))], sum / v.size()};
}

// f() n times after max(10, n/10) unmeasured calls, each timed alone.
template <typename F> static Stats latency(int n, F f) {
    for (int i = 0; i < std::max(10, n / 10); i++) f();
    std::vector<double> t(n);
    for (int i = 0; i < n; i++) {
        double a = now_us();
        f();
        t[i] = now_us() - a;
    }
    return stats(t);
}

// Launches per second: n launches and one synchronize, 4 rounds, the first a warm-up.
static double queued_rate(int n) {
    double best = 0;
    for (int round = 0; round < 4; round++) {
        double a = now_us();
        for (int i = 0; i < n; i++) empty<<<1, 1>>>();
        CHECK(cudaDeviceSynchronize());
        double rate = n / ((now_us() - a) * 1e-6);
        if (round > 0) best = std::max(best, rate);
    }
    return best;
}

// GB/s of synchronous copies of `bytes`: one warm-up copy, 3 rounds of about budget/3 each, the best.
static double bandwidth(size_t bytes, double budget_us, void *dst, const void *src, cudaMemcpyKind kind) {
    CHECK(cudaMemcpy(dst, src, bytes, kind));
    double best = 0;
    for (int round = 0; round < 3; round++) {
        double a = now_us(), moved = 0;
        int reps = 0;
        do {
            CHECK(cudaMemcpy(dst, src, bytes, kind));
            moved += (double)bytes;
            reps++;
        } while (now_us() - a < budget_us / 3 && reps < 100000);
        best = std::max(best, moved / ((now_us() - a) * 1e3));
    }
    return best;
}

static void print_stats(const char *name, Stats s) { std::printf("%s %.2f %.2f %.2f\n", name, s.p50, s.p99, s.mean); }

int main(int argc, char **argv) {
    int launches = 20000, queued = 100000;
    size_t max_bytes = 256u << 20;
    double budget_us = 300e3;
    bool warmup = false;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--launches") && i + 1 < argc) launches = std::max(10, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--queued") && i + 1 < argc) queued = std::max(10, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--max-bytes") && i + 1 < argc) max_bytes = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(argv[i], "--budget-ms") && i + 1 < argc) budget_us = 1e3 * std::atof(argv[++i]);
        else if (!std::strcmp(argv[i], "--warmup")) warmup = true;
        else {
            std::fprintf(stderr, "usage: bench [--launches N] [--queued N] [--max-bytes B] [--budget-ms T] [--warmup]\n");
            return 2;
        }
    }
    if (max_bytes < 4096) max_bytes = 4096;
    CHECK(cudaFree(0)); // initialization outside the measurements
    void *dev, *pinned;
    CHECK(cudaMalloc(&dev, max_bytes));
    CHECK(cudaMallocHost(&pinned, max_bytes));
    std::memset(pinned, 1, max_bytes);
    char *pageable = (char *)std::malloc(max_bytes);
    std::memset(pageable, 2, max_bytes);

    Stats ls = latency(launches, [] {
        empty<<<1, 1>>>();
        CHECK(cudaDeviceSynchronize());
    });
    double rate = queued_rate(queued);
    Stats h2d = latency(launches, [&] { CHECK(cudaMemcpy(dev, pinned, 64, cudaMemcpyHostToDevice)); });
    Stats d2h = latency(launches, [&] { CHECK(cudaMemcpy(pinned, dev, 64, cudaMemcpyDeviceToHost)); });
    if (!warmup) {
        print_stats("launch_sync_us", ls);
        std::printf("queued_launch_us %.2f %.0f\n", 1e6 / rate, rate);
        print_stats("h2d_64B_us", h2d);
        print_stats("d2h_64B_us", d2h);
        std::vector<size_t> sizes;
        for (size_t s = 4096; s < max_bytes; s *= 16) sizes.push_back(s);
        sizes.push_back(max_bytes);
        struct Way {
            const char *name;
            void *host;
            bool to_device;
        } ways[] = {{"h2d_pinned_GBps", pinned, true}, {"d2h_pinned_GBps", pinned, false},
                    {"h2d_pageable_GBps", pageable, true}, {"d2h_pageable_GBps", pageable, false}};
        for (const Way &w : ways)
            for (size_t s : sizes)
                std::printf("%s %zu %.2f\n", w.name, s,
                            w.to_device ? bandwidth(s, budget_us, dev, w.host, cudaMemcpyHostToDevice)
                                        : bandwidth(s, budget_us, w.host, dev, cudaMemcpyDeviceToHost));
    }
    std::free(pageable);
    CHECK(cudaFreeHost(pinned));
    CHECK(cudaFree(dev));
    return 0;
}
