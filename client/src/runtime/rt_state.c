/* Per-thread state of the runtime (current device, last error) and its error calls. */
#include "runtime/rt.h"

#include "common/errors.h"

static __thread cudaError_t last_error;

cudaError_t rt_error(cudaError_t err) {
    if (err != cudaSuccess) last_error = err;
    return err;
}

/* The runtime's codes equal the driver's for every status the core returns (CUDA aligned them);
 * the runtime-only ones (invalid configuration, device function, symbol...) are set by callers. */
cudaError_t rt_status(int cu_status) { return rt_error((cudaError_t)cu_status); }

cudaError_t rt_init(void) {
    int rc = orion_init();
    return rc ? rt_error((cudaError_t)rc) : cudaSuccess;
}

int rt_device(void) {
    int dev = orion_current_device();
    if (dev >= 0) return dev;
    /* no context yet on this thread: the runtime's default is device 0's primary context */
    orion_ctx *c = orion_ctx_primary(0);
    if (c) orion_ctx_set_current(c);
    return 0;
}

cudaError_t rt_stream(cudaStream_t handle, orion_stream **out) {
    int rc = orion_stream_lookup(handle, out);
    return rc ? rt_error(cudaErrorInvalidResourceHandle) : cudaSuccess;
}

RT_API cudaError_t cudaGetLastError(void) {
    cudaError_t e = last_error;
    last_error = cudaSuccess;
    return e;
}

RT_API cudaError_t cudaPeekAtLastError(void) { return last_error; }

RT_API const char *cudaGetErrorName(cudaError_t error) {
    const char *n = orion_error_name(orion_runtime_error_names, (int)error);
    return n ? n : "cudaErrorUnknown";
}

RT_API const char *cudaGetErrorString(cudaError_t error) {
    return orion_error_description(orion_runtime_error_names, (int)error);
}
