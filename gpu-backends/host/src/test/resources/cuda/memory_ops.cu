// Loads and stores of every width and space: vectors, sign and zero extension, local arrays with
// dynamic indexes, constant memory, initialised device globals (a pointer among them), read-only
// loads, and generic pointers into shared, local and global memory; MemoryOpsTest checks them.
#define MOPS 16

__constant__ int table[64];
__device__ int gtable[8] = {10, 20, 30, 40, 50, 60, 70, 80};
__device__ int *gpointer = &gtable[3];
__device__ double gscale = 0.5;
__device__ int gcounter;

__device__ __noinline__ int sum3(const int *p)
{
    return p[0] + p[1] + p[2];
}

extern "C" __global__ void memory_ops(const float4 *vec, const signed char *bytes, const short *shorts, int *out, int n)
{
    __shared__ int shared[128];
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    shared[threadIdx.x] = i * 3;
    __syncthreads();
    if (i >= n) return;
    int *o = out + i * MOPS;
    float4 f = vec[i];
    o[0] = (int) (f.x + 2 * f.y + 3 * f.z + 4 * f.w);
    o[1] = bytes[i];
    o[2] = (unsigned char) bytes[i];
    o[3] = shorts[i];
    o[4] = (unsigned short) shorts[i];
    int local[24];
    for (int k = 0; k < 24; k++) local[k] = k * i + (k ^ i);
    o[5] = local[(i * 7) % 24] + local[bytes[i] & 15];
    o[6] = table[i & 63] + table[(i >> 6) & 63];
    o[7] = gtable[i & 7] + *gpointer;
    o[8] = (int) (gscale * i);
    o[9] = __ldg(&shorts[(i + 1) % n]);
    o[10] = sum3(&shared[(threadIdx.x / 4) * 4]);
    o[11] = sum3(local + 3);
    o[12] = sum3(gtable + (i & 3));
    int2 pair = make_int2(i, -i);
    int2 *pp = (int2 *) &out[i * MOPS + 14];
    *pp = pair;
    o[13] = atomicAdd(&gcounter, 0) >= 0;
}
