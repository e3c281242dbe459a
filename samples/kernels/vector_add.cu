// Element-wise sum of two float vectors: c[i] = a[i] + b[i].
// The simplest kernel there is: one thread per element, a grid-stride loop so any grid size works.
extern "C" __global__ void vector_add(const float *a, const float *b, float *c, int n)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x)
        c[i] = a[i] + b[i];
}
