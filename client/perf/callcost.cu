// One CUDA call repeated, for counting what the client spends on it (profile.sh runs it under
// callgrind and strace at two iteration counts; the difference divided by the extra iterations is
// the cost of one call, without start-up, registration and the first calls' lookups):
//   callcost OP N      OP: launch_sync | launch | h2d64 | d2h64 | h2d_big | d2h_big | d2h_big_pageable
// "launch" queues N launches and synchronizes once at the end; *_big copy 64 MiB each time
// (h2d_big from pageable memory, d2h_big into pinned memory, d2h_big_pageable into pageable memory).
#include <cstdio>
#include <cstdlib>
#include <cstring>

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

int main(int argc, char **argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: callcost launch_sync|launch|h2d64|d2h64|h2d_big|d2h_big|d2h_big_pageable N\n");
        return 2;
    }
    const char *op = argv[1];
    int n = std::atoi(argv[2]);
    const size_t big = 64u << 20;
    void *dev, *pinned;
    CHECK(cudaMalloc(&dev, big));
    CHECK(cudaMallocHost(&pinned, big));
    char *pageable = (char *)std::malloc(big);
    std::memset(pageable, 1, big);
    // every lookup a first call makes (kernel layout, the copy paths) is done before the count starts
    empty<<<1, 1>>>();
    CHECK(cudaDeviceSynchronize());
    CHECK(cudaMemcpy(dev, pinned, 64, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(pinned, dev, 64, cudaMemcpyDeviceToHost));
    static const char *const ops[] = {"launch_sync", "launch", "h2d64", "d2h64", "h2d_big", "d2h_big", "d2h_big_pageable"};
    int k = 0;
    while (k < 7 && std::strcmp(op, ops[k])) k++;
    if (k == 7) {
        std::fprintf(stderr, "unknown operation %s\n", op);
        return 2;
    }
    for (int i = 0; i < n; i++) {
        switch (k) {
        case 0: empty<<<1, 1>>>(); CHECK(cudaDeviceSynchronize()); break;
        case 1: empty<<<1, 1>>>(); break;
        case 2: CHECK(cudaMemcpy(dev, pinned, 64, cudaMemcpyHostToDevice)); break;
        case 3: CHECK(cudaMemcpy(pinned, dev, 64, cudaMemcpyDeviceToHost)); break;
        case 4: CHECK(cudaMemcpy(dev, pageable, big, cudaMemcpyHostToDevice)); break;
        case 5: CHECK(cudaMemcpy(pinned, dev, big, cudaMemcpyDeviceToHost)); break;
        case 6: CHECK(cudaMemcpy(pageable, dev, big, cudaMemcpyDeviceToHost)); break;
        }
    }
    CHECK(cudaDeviceSynchronize());
    std::free(pageable);
    CHECK(cudaFreeHost(pinned));
    CHECK(cudaFree(dev));
    return 0;
}
