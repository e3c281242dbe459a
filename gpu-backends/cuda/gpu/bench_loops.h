/*
 * The benchmark's operation loops in C, with one definition for both places they run:
 *   - bench.c, its own process: the baseline the backend is measured against;
 *   - GpuBench, loaded into the JVM (libbenchloops.so, through FFM): the same loops in the
 *     backend's process, thread and context, on its memory, timed in alternation with the backend
 *     and bare FFM, so that a difference between the two processes shows apart from Java's own.
 * Each runs n operations on the current context and returns 0, or the first failing CUresult.
 */
#ifndef ORION_BENCH_LOOPS_H
#define ORION_BENCH_LOOPS_H
#include <cuda.h>
#include <stddef.h>

/* n launches of f (grid 1, block 32, no shared memory, legacy stream, no parameters), then one cuCtxSynchronize */
int orion_bench_launch_queued(CUfunction f, int n);
/* n times: launch f as above, then cuCtxSynchronize */
int orion_bench_launch_sync(CUfunction f, int n);
/* n synchronous copies of bytes: host to device (cuMemcpyHtoD) when to_device, else device to host (cuMemcpyDtoH) */
int orion_bench_copy(int to_device, CUdeviceptr d, void *host, size_t bytes, int n);

#endif
