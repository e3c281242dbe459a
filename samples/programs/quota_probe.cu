// Quota probe: allocates until the device refuses, checking that the refusal is CUDA's out-of-
// memory error, that the free memory cudaMemGetInfo reports falls with every allocation, and that
// everything comes back after freeing. On a vGPU the limit is its quota (ORION_GMEM), and the
// numbers are exact; on a whole GPU other processes may move them a little (SLACK).
#include "common.h"

#define MAX_CHUNKS 4096

int main(int argc, char **argv) {
    size_t free0, total;
    CHECK(cudaMemGetInfo(&free0, &total));
    std::fprintf(stderr, "quota_probe: %zu MiB free of %zu MiB\n", free0 >> 20, total >> 20);
    // chunks of a sixteenth of the total (argv[1]: of total/N), at least 1 MiB
    long parts = size_arg(argc, argv, 16);
    size_t chunk = total / (size_t)parts;
    if (chunk < (1 << 20)) chunk = 1 << 20;
    const size_t slack = total / 50;
    void *p[MAX_CHUNKS];
    int count = 0;
    cudaError_t refusal = cudaSuccess;
    while (count < MAX_CHUNKS) {
        refusal = cudaMalloc(&p[count], chunk);
        if (refusal != cudaSuccess) break;
        count++;
        size_t f, t;
        CHECK(cudaMemGetInfo(&f, &t));
        EXPECT(t == total, "the total moved from %zu to %zu", total, t);
        size_t used = (size_t)count * chunk;
        EXPECT(f + used <= free0 + slack, "after %d chunks %zu bytes are free, more than %zu - %zu", count, f, free0, used);
    }
    EXPECT(refusal == cudaErrorMemoryAllocation, "allocation %d was refused with %s, not cudaErrorMemoryAllocation", count,
           cudaGetErrorName(refusal));
    EXPECT(cudaGetLastError() == cudaErrorMemoryAllocation, "the refusal is not the last error");
    EXPECT(cudaGetLastError() == cudaSuccess, "the last error was not cleared");
    size_t f_full, t_full;
    CHECK(cudaMemGetInfo(&f_full, &t_full));
    // refused only when (nearly) nothing was left: less than a chunk, give or take the slack
    EXPECT(f_full < chunk + slack, "refused with %zu bytes still free (chunk %zu)", f_full, chunk);
    EXPECT((size_t)count * chunk <= total, "%d chunks of %zu exceed the total %zu", count, chunk, total);
    std::fprintf(stderr, "quota_probe: refused after %d chunks of %zu MiB, %zu MiB free then\n", count, chunk >> 20, f_full >> 20);
    std::printf("quota_probe: allocations until refused: ok\n");
    std::printf("quota_probe: free memory reported falls with every allocation: ok\n");
    // the program goes on after an out-of-memory error: free half, allocate again
    for (int i = 0; i < count; i += 2) CHECK(cudaFree(p[i]));
    void *again;
    CHECK(cudaMalloc(&again, chunk));
    CHECK(cudaFree(again));
    for (int i = 1; i < count; i += 2) CHECK(cudaFree(p[i]));
    size_t f_end, t_end;
    CHECK(cudaMemGetInfo(&f_end, &t_end));
    EXPECT(f_end + slack >= free0, "only %zu of %zu bytes came back", f_end, free0);
    std::printf("quota_probe: memory comes back after freeing: ok\n");
    // an allocation larger than the device is refused the same way, at once
    void *huge;
    EXPECT(cudaMalloc(&huge, total + (1ull << 30)) == cudaErrorMemoryAllocation, "more than the total was not refused");
    cudaGetLastError();
    std::printf("quota_probe: ok\n");
    return 0;
}
