/* The benchmark's operation loops; see bench_loops.h. */
#include "bench_loops.h"

#define TRY(call) do { CUresult r_ = (call); if (r_ != CUDA_SUCCESS) return (int) r_; } while (0)

static CUresult launch(CUfunction f) {
    return cuLaunchKernel(f, 1, 1, 1, 32, 1, 1, 0, NULL, NULL, NULL);
}

int orion_bench_launch_queued(CUfunction f, int n) {
    for (int i = 0; i < n; i++) TRY(launch(f));
    TRY(cuCtxSynchronize());
    return 0;
}

int orion_bench_launch_sync(CUfunction f, int n) {
    for (int i = 0; i < n; i++) {
        TRY(launch(f));
        TRY(cuCtxSynchronize());
    }
    return 0;
}

int orion_bench_copy(int to_device, CUdeviceptr d, void *host, size_t bytes, int n) {
    if (to_device) for (int i = 0; i < n; i++) TRY(cuMemcpyHtoD(d, host, bytes));
    else for (int i = 0; i < n; i++) TRY(cuMemcpyDtoH(host, d, bytes));
    return 0;
}
