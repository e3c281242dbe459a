// Sum of an int array, one partial sum per block: a tree reduction in shared memory.
// Each thread first accumulates a grid-stride slice, then the block halves the active range at
// every step, with a barrier between steps. blockDim.x must be a power of two; the kernel takes
// blockDim.x ints of dynamic shared memory.
extern "C" __global__ void reduce_sum(const int *in, int *partial, int n)
{
    extern __shared__ int cache[];
    int sum = 0;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x)
        sum += in[i];
    cache[threadIdx.x] = sum;
    __syncthreads();
    for (unsigned int half = blockDim.x / 2; half > 0; half >>= 1) {
        if (threadIdx.x < half)
            cache[threadIdx.x] += cache[threadIdx.x + half];
        __syncthreads();
    }
    if (threadIdx.x == 0)
        partial[blockIdx.x] = cache[0];
}
