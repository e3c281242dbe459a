// Inclusive prefix sum of an int array, block by block: out[i] = in[start] + ... + in[i] where
// start is the first element of i's block. A Hillis-Steele scan in shared memory, double
// buffered so no thread reads a value another thread is overwriting; the block's total goes to
// blockSums[blockIdx.x] so a second pass can add the offsets of earlier blocks.
// Needs 2 * blockDim.x ints of dynamic shared memory.
extern "C" __global__ void prefix_scan(const int *in, int *out, int *blockSums, int n)
{
    extern __shared__ int buffer[];
    int tid = threadIdx.x;
    int i = blockIdx.x * blockDim.x + tid;
    int *src = buffer;
    int *dst = buffer + blockDim.x;
    src[tid] = i < n ? in[i] : 0;
    __syncthreads();
    for (int offset = 1; offset < blockDim.x; offset *= 2) {
        dst[tid] = tid >= offset ? src[tid] + src[tid - offset] : src[tid];
        __syncthreads();
        int *swap = src;
        src = dst;
        dst = swap;
    }
    if (i < n)
        out[i] = src[tid];
    if (tid == blockDim.x - 1)
        blockSums[blockIdx.x] = src[tid];
}

// Second pass: adds the scanned sums of all earlier blocks to every element of a block.
extern "C" __global__ void add_block_offsets(int *out, const int *scannedBlockSums, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (blockIdx.x > 0 && i < n)
        out[i] += scannedBlockSums[blockIdx.x - 1];
}
