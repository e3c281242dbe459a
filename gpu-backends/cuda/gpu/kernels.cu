// Kernels of the cuda backend's GPU test suite (GpuSuite) and benchmark (GpuBench, bench.c).
// run.sh compiles this file into PTX, a cubin and a fat binary, so that loading each kind is proven.
// The fake driver used in CI (src/test/c/fakecuda.c) runs the same names with the same parameter
// layouts on the CPU; change both together.
#include <cassert>

extern "C" {

__device__ unsigned int orion_counter;
__device__ float orion_table[64];

// The benchmark's launch: nothing to do, so only the launch path is measured.
__global__ void orion_empty() {}

// params: a@0 b@8 c@16 n@24 (28 bytes)
__global__ void orion_vec_add(const float *a, const float *b, float *c, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) c[i] = a[i] + b[i];
}

// A 4-byte parameter before pointers: params a@0 x@8 y@16 n@24 (28 bytes)
__global__ void orion_saxpy(float a, const float *x, float *y, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = a * x[i] + y[i];
}

// A struct passed by value (24 bytes, 8-aligned, with padding after n): params p@0 out@24 (32 bytes)
struct orion_scale_params {
    int n;
    double scale;
    const double *in;
};

__global__ void orion_scale(orion_scale_params p, double *out) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < p.n) out[i] = p.in[i] * p.scale;
}

// Reverses each block's slice of in[] through dynamic shared memory (blockDim.x ints): params in@0 out@8 n@16
__global__ void orion_reverse_block(const int *in, int *out, int n) {
    extern __shared__ int slice[];
    int base = blockIdx.x * blockDim.x;
    int t = threadIdx.x;
    int count = min((int) blockDim.x, n - base);
    if (t < count) slice[t] = in[base + t];
    __syncthreads();
    if (t < count) out[base + t] = slice[count - 1 - t];
}

// Adds 1 to the module global orion_counter per thread below n: params n@0
__global__ void orion_count(int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) atomicAdd(&orion_counter, 1u);
}

// Multiplies the module global orion_table[64] by f: params f@0
__global__ void orion_table_scale(float f) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < 64) orion_table[i] *= f;
}

// Keeps the GPU busy for about ns nanoseconds (global timer): params ns@0 (8 bytes)
__global__ void orion_spin(unsigned long long ns) {
    if (threadIdx.x != 0 || blockIdx.x != 0) return;
    unsigned long long start, now;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(start));
    do {
        asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));
    } while (now - start < ns);
}

// Stores v at p; with a bad p it makes the context fault (the isolation check): params p@0 v@8
__global__ void orion_write(int *p, int v) {
    *p = v;
}

// A device-side assert that fails unless v is 0 (the assert-containment check): params v@0
__global__ void orion_assert(int v) {
    assert(v == 0);
}

}
