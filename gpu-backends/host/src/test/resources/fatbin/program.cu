// A whole CUDA program, built with plain `nvcc -o program program.cu` (default architecture), so
// that the test can load the .nv_fatbin section of a real executable: the data that the fat
// binary wrappers handed to __cudaRegisterFatBinary point to.
#include <cstdio>

__device__ int calls;

__global__ void scale(float *x, float factor, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        x[i] *= factor;
        atomicAdd(&calls, 1);
    }
}

int main()
{
    float *d;
    cudaMalloc(&d, 64 * sizeof(float));
    scale<<<2, 32>>>(d, 2.0f, 64);
    cudaDeviceSynchronize();
    printf("done\n");
    return 0;
}
