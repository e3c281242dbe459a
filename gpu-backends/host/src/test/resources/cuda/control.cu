// Control flow the interpreter must get right: divergent loops and early exits, device function
// calls (by value structs, divergent calls), barrier reductions, device printf and assert, and a
// recursive function, which the interpreter refuses with a clear error.
#include <cstdio>
#include <cassert>

struct Stats { int count; float mean; double scaled; };

__device__ __noinline__ Stats stats(int v, int k)
{
    Stats s;
    s.count = v % 7 + k;
    s.mean = v * 0.5f;
    s.scaled = v * 0.25;
    return s;
}

__device__ __noinline__ int collatz(int v)
{
    int steps = 0;
    while (v > 1 && steps < 1000) {
        v = (v & 1) ? 3 * v + 1 : v / 2;
        steps++;
    }
    return steps;
}

extern "C" __global__ void control(const int *in, int *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int v = i < n ? in[i] : 0;
    int any = __syncthreads_or(v > 500);
    int all = __syncthreads_and(v >= 0);
    int count = __syncthreads_count(v & 1);
    if (i >= n) return;
    int *o = out + i * 8;
    o[0] = collatz(v);
    Stats s = stats(v, 3);
    o[1] = s.count + (int) s.mean + (int) s.scaled;
    int r = 0;
    if (v & 1) r = collatz(v + 1);
    else r = -collatz(v / 2 + 1);
    o[2] = r;
    o[3] = any;
    o[4] = all;
    o[5] = count;
    int acc = 0;
    for (int k = 0; k < (v & 15); k++) {
        if (k == 9) break;
        if (k & 1) continue;
        acc += k * v;
    }
    o[6] = acc;
    o[7] = 1;
}

extern "C" __global__ void say_hello(int value, float x)
{
    if (threadIdx.x < 2)
        printf("hello from thread %d of block %d: value=%d x=%.3f hex=%#x str=%s\n", threadIdx.x, blockIdx.x, value, x, value, "ok");
}

extern "C" __global__ void check_positive(const int *in, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) assert(in[i] > 0);
}

extern "C" __global__ void trap_when(int flag)
{
    if (flag) __trap();
}

__device__ __noinline__ int fib(int v)
{
    return v < 2 ? v : fib(v - 1) + fib(v - 2);
}

extern "C" __global__ void recursive(int *out, int v)
{
    *out = fib(v);
}
