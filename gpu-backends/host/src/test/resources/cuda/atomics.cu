// Atomic read-modify-write operations on global and shared memory, every operation CUDA offers;
// AtomicsTest has the Java reference for the final values. perBlock gets each block's final shared
// and/or/exch/cas/inc values (5 ints a block); sharedExchanged the old values of the shared exchange.
extern "C" __global__ void atomics(const int *vals, int n, int *g, unsigned *u, float *fsum, double *dsum,
                                   unsigned long long *u64, long long *s64, int *exchanged,
                                   int *perBlock, int *sharedExchanged)
{
    __shared__ int s[9];
    if (threadIdx.x == 0) {
        s[0] = 0;
        s[1] = -2147483647 - 1;
        s[2] = 2147483647;
        s[3] = 0;
        s[4] = -1;
        s[5] = 0;
        s[6] = -1;
        s[7] = 0;
        s[8] = 0;
    }
    __syncthreads();
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        int v = vals[i];
        atomicAdd(&g[0], v);
        atomicSub(&g[1], v);
        atomicMin(&g[2], v);
        atomicMax(&g[3], v);
        atomicAnd(&g[4], v | 0x10000);
        atomicOr(&g[5], v & 0x7f7f);
        atomicXor(&g[6], v);
        exchanged[i] = atomicExch(&g[7], i);
        int old;
        do {
            old = g[8];
        } while (atomicCAS(&g[8], old, old + 3) != old);
        atomicInc(&u[0], 1000u);
        atomicDec(&u[1], 1000u);
        atomicMax(&u[2], (unsigned) v);
        atomicMin(&u[3], (unsigned) v);
        atomicAdd(fsum, (float) (v & 1023));
        atomicAdd(dsum, (double) v * 0.25);
        atomicAdd(&u64[0], (unsigned long long) (unsigned) v);
        atomicMax(&u64[1], (unsigned long long) (unsigned) v * 3);
        atomicMin(&s64[0], (long long) v * 1000);
        atomicMax(&s64[1], (long long) v * 1000);
        atomicAdd(&s[0], 1);
        atomicMax(&s[1], v);
        atomicMin(&s[2], v);
        atomicXor(&s[3], v);
        atomicAnd(&s[4], v | 0x10000);
        atomicOr(&s[5], v & 0x7f7f);
        sharedExchanged[i] = atomicExch(&s[6], (int) threadIdx.x);
        int sold;
        do {
            sold = s[7];
        } while (atomicCAS(&s[7], sold, sold + 5) != sold);
        atomicInc((unsigned *) &s[8], 100u);
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        atomicAdd(&g[9], s[0]);
        atomicMax(&g[10], s[1]);
        atomicMin(&g[11], s[2]);
        atomicXor(&g[12], s[3]);
        for (int k = 0; k < 5; k++)
            perBlock[blockIdx.x * 5 + k] = s[4 + k];
    }
}
